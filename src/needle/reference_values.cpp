#include <emg/needle/reference_values.h>

#include "muap_reference_data.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cctype>
#include <stdexcept>

namespace emg::needle {

namespace {

struct Row {
    std::string name;
    std::vector<std::string> aliases;   // lower case
    double durationMsAt40 = 0.0;        // Buchthal's mean MUAP duration at 40 years (concentric needle)
    double ampLowUv = 0.0, ampHighUv = 0.0;   // limits of the mean amplitude
    double polyMaxPercent = 0.0;
    // outlier limits of individual MUPs (0 = none); durations in the source's convention, whose
    // mean duration is outlierTableMeanMs
    double outAmpLowUv = 0.0, outAmpHighUv = 0.0, outDurLowMs = 0.0, outDurHighMs = 0.0, outlierTableMeanMs = 0.0;
    std::string sources;                // "duration: ...; amplitude: ..." (keys of the file's sources)
};

struct Table {
    std::vector<Row> rows;
    Row general;
    double automaticFactor = 0.8;   // automatic markers vs Buchthal's visual duration
    double ageSlopePerYear = 0.005; // +0.5 % of the 40-year value per year
    double durationLimitPercent = 20.0;
    double mupDurationSdPercent = 30.0;
};

double number(const nlohmann::json& j, const char* key) {
    if (!j.contains(key) || !j[key].is_number()) throw std::logic_error(std::string("muap_reference.json: missing number '") + key + "'");
    return j[key].get<double>();
}

Row rowOf(const nlohmann::json& j) {
    Row r;
    r.name = j.value("name", std::string("general"));
    if (j.contains("aliases"))
        for (const auto& a : j["aliases"]) r.aliases.push_back(a.get<std::string>());
    r.durationMsAt40 = number(j, "durationMsAt40");
    r.ampLowUv = number(j, "amplitudeLowUv");
    r.ampHighUv = number(j, "amplitudeHighUv");
    r.polyMaxPercent = number(j, "polyphasicMaxPercent");
    if (j.contains("outlierAmplitudeUv")) {
        const auto& a = j["outlierAmplitudeUv"];
        const auto& d = j.at("outlierDurationMs");
        r.outAmpLowUv = a.at(0).get<double>();
        r.outAmpHighUv = a.at(1).get<double>();
        r.outDurLowMs = d.at(0).get<double>();
        r.outDurHighMs = d.at(1).get<double>();
        r.outlierTableMeanMs = number(j, "outlierTableMeanDurationMs");
        if (!(r.outAmpLowUv > 0.0 && r.outAmpHighUv > r.outAmpLowUv && r.outDurLowMs > 0.0 && r.outDurHighMs > r.outlierTableMeanMs &&
              r.outlierTableMeanMs > r.outDurLowMs))
            throw std::logic_error("muap_reference.json: implausible outlier limits for '" + r.name + "'");
    }
    if (j.contains("durationSource")) r.sources = "duration " + j["durationSource"].get<std::string>() + ", amplitude " + j.value("amplitudeSource", std::string("?"));
    if (!(r.durationMsAt40 > 0.0) || !(r.ampLowUv > 0.0) || !(r.ampHighUv > r.ampLowUv))
        throw std::logic_error("muap_reference.json: implausible values for '" + r.name + "'");
    return r;
}

// resources/needle/muap_reference.json (embedded at build time): every row names its source;
// the numbers and their use are described there and in docs/needle-emg.md
const Table& table() {
    static const Table t = [] {
        const auto j = nlohmann::json::parse(detail::muapReferenceJson());
        Table tb;
        tb.automaticFactor = number(j, "automaticMarkerFactor");
        tb.ageSlopePerYear = number(j, "ageSlopePerYear");
        tb.durationLimitPercent = number(j, "durationLimitPercent");
        tb.mupDurationSdPercent = number(j, "mupDurationSdPercent");
        if (!(tb.mupDurationSdPercent > 0.0) || tb.mupDurationSdPercent * tb.mupDurationSdPercent / 20.0 >= 0.25 * tb.durationLimitPercent * tb.durationLimitPercent)
            throw std::logic_error("muap_reference.json: mupDurationSdPercent must leave room for the spread between muscles in the limit of a mean of 20");
        tb.general = rowOf(j.at("general"));
        for (const auto& m : j.at("muscles")) tb.rows.push_back(rowOf(m));
        return tb;
    }();
    return t;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    // collapse underscores/dashes to spaces and trim
    for (auto& c : s) if (c == '_' || c == '-') c = ' ';
    while (!s.empty() && s.back() == ' ') s.pop_back();
    while (!s.empty() && s.front() == ' ') s.erase(s.begin());
    return s;
}

bool matches(const Row& r, const std::string& m) {
    for (const auto& alias : r.aliases)
        if (alias == m) return true;
    // a label like "L TA" or "R biceps brachii": match a whole alias at the end
    for (const auto& alias : r.aliases)
        if (alias.size() >= 2 && m.size() > alias.size() && m.compare(m.size() - alias.size(), alias.size(), alias) == 0 &&
            m[m.size() - alias.size() - 1] == ' ')
            return true;
    return false;
}

}  // namespace

double meanDurationLimitPercent(const MuapReference& ref, int mups) {
    if (mups < 1) return 0.0;
    const double lim = ref.durationLimitPercent;
    if (mups >= 20) return lim;
    const double sw2 = ref.mupDurationSdPercent * ref.mupDurationSdPercent;
    const double sb2 = std::max(0.0, 0.25 * lim * lim - sw2 / 20.0);
    return 2.0 * std::sqrt(sb2 + sw2 / mups);
}

std::vector<std::string> knownMuscles() {
    std::vector<std::string> v;
    for (const auto& r : table().rows) v.push_back(r.name);
    return v;
}

MuapReference muapReference(const std::string& muscle, std::optional<double> ageYears) {
    const auto& tb = table();
    MuapReference ref;
    const double age = ageYears.value_or(40.0);
    ref.ageYears = age;
    const double ageFactor = 1.0 + tb.ageSlopePerYear * (std::clamp(age, 10.0, 80.0) - 40.0);
    const std::string m = lower(muscle);
    const Row* row = &tb.general;
    if (!m.empty())
        for (const auto& r : tb.rows)
            if (matches(r, m)) { row = &r; break; }
    ref.generalDefault = row == &tb.general;
    ref.muscle = ref.generalDefault ? "general" : row->name;
    ref.meanDurationMs = row->durationMsAt40 * tb.automaticFactor * ageFactor;
    ref.amplitudeLowUv = row->ampLowUv;
    ref.amplitudeHighUv = row->ampHighUv;
    ref.polyphasicMaxPercent = row->polyMaxPercent;
    ref.durationLimitPercent = tb.durationLimitPercent;
    ref.mupDurationSdPercent = tb.mupDurationSdPercent;
    if (row->outlierTableMeanMs > 0.0) {
        ref.hasOutlierLimits = true;
        ref.outlierAmplitudeLowUv = row->outAmpLowUv;
        ref.outlierAmplitudeHighUv = row->outAmpHighUv;
        ref.outlierDurationLowMs = row->outDurLowMs / row->outlierTableMeanMs * ref.meanDurationMs;
        ref.outlierDurationHighMs = row->outDurHighMs / row->outlierTableMeanMs * ref.meanDurationMs;
    }
    ref.source = "resources/needle/muap_reference.json: mean duration after Buchthal et al. 1954/1955 (by muscle and age, +-20 % "
                 "limits), scaled x0.8 for automatic duration markers; amplitude and polyphasia limits after Bischoff et al. 1994 "
                 "and Stalberg et al. 1995 (multi-MUAP); approximate, see docs/needle-emg.md";
    if (!row->sources.empty()) ref.source += " (" + row->name + ": " + row->sources + ")";
    if (ref.hasOutlierLimits)
        ref.source += "; outlier limits of individual MUPs after the Norwegian Society of Clinical Neurophysiology's reference values "
                      "(multi-MUP, concentric needle), durations scaled to the expected mean";
    if (ref.generalDefault)
        ref.source += m.empty() ? "; general default (no muscle given)" : "; general default (muscle not in the table)";
    if (!ageYears) ref.source += "; age not given, 40 years assumed";
    return ref;
}

InterferenceCloud defaultInterferenceCloud() {
    InterferenceCloud c;
    c.name = "general limb muscle (provisional)";
    // mean amplitude per turn (µV) between these lines at T turns/s
    c.lowInterceptUv = 80.0;
    c.lowSlopeUvPerTurnPerSec = 0.35;
    c.highInterceptUv = 400.0;
    c.highSlopeUvPerTurnPerSec = 1.4;
    c.turnCriterionUv = 100.0;
    c.source = "turns with the 100 uV criterion (Willison 1964), 500 ms epochs, cloud shape after Stalberg et al. 1983 "
               "and Nandedkar et al. 1986; limits provisional (see docs/needle-emg.md)";
    return c;
}

InterferenceCloud interferenceCloud(const std::string& muscle) {
    const auto ref = muapReference(muscle, std::nullopt);
    if (ref.muscle != "deltoid" && ref.muscle != "biceps brachii") return defaultInterferenceCloud();
    InterferenceCloud c;
    c.name = "proximal arm (healthy deltoid, 5-95 %)";
    // 1000 epochs (500 ms, >= 30 turns/s) of 100 healthy deltoids at moderate isometric effort
    // (concentric needle, 32768 Hz; Messekher et al. 2023): log(amplitude per turn) regressed on
    // log(turns/s), the 5th and 95th percentiles of the residual drawn as lines over 200-800 turns/s.
    // Only the healthy records were used; the biceps records are a held-out check of the same cloud.
    // Turns counted below 1.5 kHz (turnsLowPassHz, every rate alike); tools/validation/derive_cloud.py
    // repeats the procedure (before the band: 303 + 0.116 T ... 740 + 0.284 T, ratio 2.37). Set
    // again once mains hum was subtracted before measuring (needle_hum.h; with the hum of 1/4 of the
    // healthy records left in: 324 + 0.067 T ... 837 + 0.174 T, ratio 2.25, spectrum 236 Hz).
    c.lowInterceptUv = 175.0;
    c.lowSlopeUvPerTurnPerSec = 0.403;
    c.highInterceptUv = 396.0;
    c.highSlopeUvPerTurnPerSec = 0.912;
    c.turnCriterionUv = 100.0;
    // 95th percentile of the 100 healthy deltoids' spectral mean frequency (20-1000 Hz)
    c.meanFrequencyHighHz = 273.0;
    // the same 100 healthy deltoids: 90th percentile of the median peak to peak of each record's 20
    // largest spikes, 95th percentile of its turns/amplitude ratio (turns/s per uV rms); the two
    // percentiles were chosen (among 90 and 95) on all deltoid records, see docs/validation.md
    c.largestSpikesHighUv = 2180.0;
    c.turnsPerRmsHigh = 2.98;
    c.turnsLowPassHz = 1500.0;
    c.source = "healthy deltoids of the Algiers data set (Messekher et al., Mendeley Data 2023, doi 10.17632/543xpjycj9.1), "
               "5th-95th percentile of 1000 epochs; turns with the 100 uV criterion (Willison 1964) below 1.5 kHz; more than 10 % of "
               "epochs outside is abnormal (Stalberg et al. 1983); see docs/validation.md";
    return c;
}

}  // namespace emg::needle
