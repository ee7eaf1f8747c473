#pragma once
// Normative limits with their published source, and the evaluator that compares a measurement
// with the limit for this patient (age strata, height/age linear adjustment where the source
// gives one) and notes a cool limb. Loaded from resources/normative/*.json.

#include <emg/study/types.h>

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace emg::study {

enum class LimitKind { Upper, Lower };   ///< Upper: value above is abnormal; Lower: below is abnormal
enum class Deviation { None, High, Low };

struct LimitStratum {
    std::optional<double> minAgeYears, maxAgeYears, minHeightCm, maxHeightCm;
    double value = 0.0;      ///< limit in the entry's unit
    std::string source;
};

/// limit += perUnit * (variable - reference) for variable heightCm or ageYears.
struct LinearAdjustment {
    std::string variable;
    double reference = 0.0;
    double perUnit = 0.0;
    std::string source;
};

struct NormativeEntry {
    TestKind test = TestKind::Motor;
    std::string nerve, recordingSite, limb, parameter;
    LimitKind limit = LimitKind::Upper;
    double value = 0.0;
    std::string unit;                      ///< unit of value (mV, uV, ms, m/s, %, ratio)
    std::optional<double> distanceMm;      ///< standard distance the limit assumes
    std::string source;                    ///< key into NormativeTable::sources()
    std::string note;
    std::vector<LimitStratum> strata;
    std::vector<LinearAdjustment> adjustments;
};

struct SubjectInfo {
    std::optional<double> ageYears;
    std::optional<double> heightCm;
    std::optional<double> limbTemperatureC;
};

struct Evaluation {
    std::string parameter;
    double value = 0.0;        ///< in `unit`
    double limit = 0.0;        ///< in `unit`, after strata/adjustment
    std::string unit;          ///< the measurement's unit
    LimitKind kind = LimitKind::Upper;
    bool abnormal = false;
    Deviation deviation = Deviation::None;
    std::string source;        ///< full citation
    std::vector<std::string> notes;   ///< stratum used, adjustments, temperature warning, entry note
};

class NormativeTable {
public:
    static NormativeTable load(const std::filesystem::path& file);       ///< throws FormatError
    static NormativeTable loadDirectory(const std::filesystem::path& dir); ///< every *.json, merged
    static NormativeTable loadDefault();                                  ///< resourceDir()/normative

    /// Finds the entry for test/nerve/parameter (recording site preferred when given) and
    /// evaluates `value` given in `unit` (mV/uV converted). nullopt when no entry exists.
    std::optional<Evaluation> evaluate(TestKind test, const std::string& nerve, const std::string& recordingSite,
                                       const std::string& parameter, double value, const std::string& unit,
                                       const SubjectInfo& subject) const;
    const NormativeEntry* find(TestKind test, const std::string& nerve, const std::string& recordingSite,
                               const std::string& parameter) const;

    const std::vector<NormativeEntry>& entries() const noexcept { return entries_; }
    const std::map<std::string, std::string>& sources() const noexcept { return sources_; }
    std::set<std::string> nerves() const;

private:
    std::vector<NormativeEntry> entries_;
    std::map<std::string, std::string> sources_;
    double upperLimbMinC_ = 32.0, lowerLimbMinC_ = 30.0;
    std::string temperatureNote_;
};

/// Converts between amplitude units (mV, uV/µV) and passes equal units through; throws
/// FormatError for incompatible units.
double convertUnit(double value, const std::string& from, const std::string& to);

}  // namespace emg::study
