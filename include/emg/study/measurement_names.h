#pragma once
// The one registry of measurement names: every number a study holds has one canonical name (the
// spelling of the study JSON, the session store and the normative files' "parameter"), its unit
// as stored in Measurement::unit, the decimals a report shows, a title for tables, the key the
// normative files use (empty: no reference limits), the key the CLI's JSON writes where that
// differs (CLI keys keep their old spelling), and older spellings that readers still accept.
// Adding a measurement: one row in src/study/measurement_names.cpp.

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace emg::study {

struct MeasurementName {
    std::string_view name;          ///< canonical, unit in the name: "conductionVelocityMps"
    std::string_view unit;          ///< as stored: "ms", "uV", "mV", "m/s", "%", "Hz", "1/s", "1/min", "ratio", "uV*ms", "mV*ms", "mm", "mA"
    int decimals = 2;               ///< shown in reports and tables
    std::string_view title;         ///< table title without the unit: "Conduction velocity"
    std::string_view normativeKey;  ///< "parameter" in resources/normative (empty: no limits there)
    std::string_view cliKey;        ///< key in `emgws-cli analyze` JSON where it differs from `name` (else empty)
    std::vector<std::string_view> aliases;   ///< older spellings, read as this name
};

/// Every registered name, in a clinically familiar order (the report's column order).
std::span<const MeasurementName> measurementNames() noexcept;

/// The entry for a canonical name or an alias (exact spelling); nullptr when unknown.
const MeasurementName* findMeasurementName(std::string_view nameOrAlias) noexcept;

/// The canonical spelling of `name` (an alias becomes its canonical name; an unknown name is
/// returned unchanged: readers stay liberal).
std::string canonicalMeasurementName(std::string_view name);

/// The entry for a canonical name; throws std::logic_error for a name that is not registered
/// (a programming error: writers use only registered names).
const MeasurementName& measurementName(std::string_view canonical);

/// The key `emgws-cli analyze` writes for a canonical name (its cliKey, else the name itself).
std::string_view cliKeyOf(std::string_view canonical);

/// The unit as people read it: "uV" -> "µV", "uV*ms" -> "µV·ms", "1/s" -> "/s"; empty for "ratio".
std::string unitLabel(std::string_view unit);

}  // namespace emg::study
