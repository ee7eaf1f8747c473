#include <emg/study/needle_entry.h>

#include "measured.h"

#include <emg/study/test_identity.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace emg::study {

namespace {

constexpr std::array<const char*, 9> kCellNames{"Insertional", "Fibs", "PSW", "Fascics", "MUAP amp", "MUAP dur", "Polyphasia",
                                                "Recruitment", "Interference"};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string trim(std::string_view s) {
    const auto a = s.find_first_not_of(" \t");
    if (a == std::string_view::npos) return {};
    return std::string(s.substr(a, s.find_last_not_of(" \t") - a + 1));
}

/// The reading before a parenthesised number: "reduced (120 uV)" -> "reduced".
std::string wordOf(const std::string& text) { return lower(trim(std::string_view(text).substr(0, text.find('(')))); }

/// The number in parentheses: "normal (450 uV)" -> 450.
std::optional<double> numberOf(const std::string& text) {
    const auto open = text.find('(');
    if (open == std::string::npos) return std::nullopt;
    const char* begin = text.c_str() + open + 1;
    char* end = nullptr;
    const double v = std::strtod(begin, &end);
    if (end == begin) return std::nullopt;
    return v;
}

bool isAny(const std::string& w, std::initializer_list<std::string_view> words) {
    return std::find(words.begin(), words.end(), w) != words.end();
}

[[noreturn]] void refuse(std::size_t cell, const std::string& text, const char* expected) {
    throw std::invalid_argument(std::string(kCellNames[cell]) + ": '" + text + "' is not " + expected);
}

/// 0, 1+..4+ (or 1..4); "present" counts as 1+ (fasciculations), "none"/"absent" as 0.
int gradeOf(std::size_t cell, const std::string& text) {
    const std::string w = wordOf(text);
    if (w.empty() || isAny(w, {"0", "none", "absent"})) return 0;
    if (w == "present") return 1;
    const std::string digits = !w.empty() && w.back() == '+' ? w.substr(0, w.size() - 1) : w;
    if (digits.size() == 1 && digits[0] >= '0' && digits[0] <= '4') return digits[0] - '0';
    refuse(cell, text, "a grade 0..4 / 1+..4+");
}

Grade3 grade3Of(std::size_t cell, const std::string& text, std::initializer_list<std::string_view> up,
                std::initializer_list<std::string_view> down) {
    const std::string w = wordOf(text);
    if (w.empty() || isAny(w, {"not assessed", "unknown"})) return Grade3::NotAssessed;
    if (w == "normal") return Grade3::Normal;
    if (w == "increased" || isAny(w, up)) return Grade3::Increased;
    if (w == "decreased" || isAny(w, down)) return Grade3::Decreased;
    refuse(cell, text, "normal, increased or decreased");
}

Recruitment recruitmentOf(const std::string& text) {
    const std::string w = wordOf(text);
    if (w.empty() || isAny(w, {"not assessed", "unknown"})) return Recruitment::NotAssessed;
    if (w == "normal") return Recruitment::Normal;
    if (isAny(w, {"reduced", "decreased"})) return Recruitment::Reduced;
    if (isAny(w, {"early", "increased"})) return Recruitment::Early;
    refuse(7, text, "normal, reduced or early");
}

/// The study's interference words, and the analysis' readings: a neuropathic (or mixed)
/// pattern is a reduced one; a myopathic pattern is full (at a low force).
Interference interferenceOf(const std::string& text) {
    const std::string w = wordOf(text);
    if (w.empty() || isAny(w, {"not assessed", "insufficient", "unknown"})) return Interference::NotAssessed;
    if (isAny(w, {"full", "normal", "myopathic"})) return Interference::Full;
    if (isAny(w, {"reduced", "neuropathic", "mixed"})) return Interference::Reduced;
    if (isAny(w, {"single unit", "discrete"})) return Interference::SingleUnit;
    if (isAny(w, {"none", "absent"})) return Interference::None;
    refuse(8, text, "full, reduced, single unit or none");
}

}  // namespace

NeedleEmg needleTestFrom(const NeedleFindingsRow& row) {
    const std::string muscle = trim(row.muscle);
    if (muscle.empty()) throw std::invalid_argument("name the muscle of every row");
    const auto& c = row.cells;
    NeedleEmg t;
    t.muscle = muscle;
    t.side = row.side;
    t.raw = row.raw;
    t.automaticReading = row.automaticReading;
    t.insertional = grade3Of(0, c[0].text, {}, {"reduced"});
    t.fibrillations = gradeOf(1, c[1].text);
    t.positiveSharpWaves = gradeOf(2, c[2].text);
    t.fasciculations = gradeOf(3, c[3].text);
    t.muapAmplitude = grade3Of(4, c[4].text, {"large", "high"}, {"reduced", "small", "low"});
    t.muapDuration = grade3Of(5, c[5].text, {"long"}, {"short", "reduced"});
    t.polyphasia = grade3Of(6, c[6].text, {}, {});
    t.recruitment = recruitmentOf(c[7].text);
    t.interference = interferenceOf(c[8].text);

    // the analysis' numbers, each with who gave it
    const std::array<const char*, 9> numbers{nullptr,           "fibrillationRatePerS", "positiveSharpWaveRatePerS",
                                             "fasciculationRatePerMin", "muapAmplitudeUv", "muapDurationMs",
                                             "polyphasicPct",   nullptr,                nullptr};
    std::string automatic, edited;
    for (std::size_t i = 0; i < c.size(); ++i) {
        if (trim(c[i].text).empty()) continue;
        auto& list = c[i].byClinician ? edited : automatic;
        list += (list.empty() ? "" : ", ") + std::string(kCellNames[i]);
        const auto v = numberOf(c[i].text);
        if (!numbers[i] || !v) continue;
        const auto who = c[i].byClinician ? Provenance::Clinician : Provenance::Auto;
        t.measurements.push_back(measured(numbers[i], *v, who,
                                          c[i].byClinician ? "needle findings grid, entered by the clinician"
                                                           : "needle findings grid, automatic analysis",
                                          c[i].byClinician ? row.placedBy : std::string()));
    }
    if (!automatic.empty()) t.note = "automatic analysis: " + automatic;
    if (!edited.empty())
        t.note += (t.note.empty() ? "" : "; ") + std::string("clinician") + (row.placedBy.empty() ? "" : " (" + row.placedBy + ")") + ": " + edited;
    return t;
}

void addMuapSet(NeedleEmg& test, const needle::MuscleSummary& summary, const std::string& method) {
    if (summary.unitCount <= 0) throw std::invalid_argument("the MUAP set has no units: nothing to save");
    static constexpr std::array<const char*, 5> kSetNames{"muapAmplitudeUv", "muapDurationMs", "polyphasicPct", "meanFiringRateHz",
                                                          "maxFiringRateHz"};
    std::erase_if(test.measurements, [](const Measurement& m) {
        return std::find(kSetNames.begin(), kSetNames.end(), m.name) != kSetNames.end();
    });
    const std::string how = "MUAP set of " + std::to_string(summary.unitCount) + " units" + (method.empty() ? "" : ": " + method);
    if (summary.amplitudeKnown)   // counts of an unknown gain are no µV value
        test.measurements.push_back(automatic("muapAmplitudeUv", summary.meanAmplitudeUv, how + ", mean peak-to-peak amplitude"));
    test.measurements.push_back(automatic("muapDurationMs", summary.meanDurationMs, how + ", mean duration"));
    test.measurements.push_back(automatic("polyphasicPct", summary.polyphasicPercent, how));
    if (summary.meanRateHz > 0) test.measurements.push_back(automatic("meanFiringRateHz", summary.meanRateHz, how));
    if (summary.maxRateHz > 0) test.measurements.push_back(automatic("maxFiringRateHz", summary.maxRateHz, how));
    const std::string reading = "MUAP set: " + std::to_string(summary.unitCount) + " units, " + std::string(needle::toString(summary.reading));
    test.note += (test.note.empty() ? "" : "; ") + reading;
}

}  // namespace emg::study
