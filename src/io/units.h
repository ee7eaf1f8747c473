#pragma once
// Physical dimensions: voltages in any prefix are converted to µV; other units are kept.

#include <string>
#include <string_view>

namespace emg::io::detail {

/// Factor from `unit` to µV (e.g. "mV" -> 1000), or 0 when `unit` is not a voltage.
/// Accepts uV, µV (U+00B5, U+03BC, Latin-1 0xB5), nV, mV, V, kV; case of the prefix ignored
/// except 'M' (mega) vs 'm' (milli) which no biosignal uses: "MV" is read as mV.
double microvoltsPerUnit(std::string_view unit) noexcept;

/// The SI spelling of a voltage `unit` as microvoltsPerUnit reads it ("mv", "MV" -> "mV"; "uv",
/// "µV" -> "uV"; "v" -> "V"), for an EDF/BDF physical dimension: readers there take the field as
/// case-sensitive SI and scale an unknown spelling by 1. Any other unit is returned as it is.
std::string siVoltageSpelling(std::string_view unit);

/// `unit` with the degree sign (UTF-8 U+00B0 or Latin-1 0xB0) spelled "deg", as EDF+'s standard
/// dimensions write it ("°C" -> "degC", "°" -> "deg"); any other byte as it is.
std::string degreesSpelledOut(std::string_view unit);

}  // namespace emg::io::detail
