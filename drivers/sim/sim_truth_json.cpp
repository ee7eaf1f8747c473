// The simulated recording's truth as JSON (for `emgws-cli simulate --truth` and for tests of
// other areas that compare their measurements with what was simulated).
#include "sim_recording.h"

#include <nlohmann/json.hpp>

namespace emg::sim {
namespace {

using nlohmann::json;

json responseJson(const NcsResponseTruth& r) {
    json j{{"onsetLatencyMs", r.onsetLatencyMs},   {"peakLatencyMs", r.peakLatencyMs},
           {"amplitudeUv", r.amplitudeUv},         {"peakToPeakUv", r.peakToPeakUv},
           {"negativeDurationMs", r.negativeDurationMs}, {"recruitedFraction", r.recruitedFraction},
           {"rnsFactor", r.rnsFactor}};
    j["fWave"] = r.fWave;
    if (r.fWave) {
        j["fLatencyMs"] = r.fLatencyMs;
        j["fAmplitudeUv"] = r.fAmplitudeUv;
    }
    if (r.hAmplitudeUv > 0.0) {
        j["hLatencyMs"] = r.hLatencyMs;
        j["hAmplitudeUv"] = r.hAmplitudeUv;
    }
    return j;
}

}  // namespace

std::string truthToJson(const SimRecordingTruth& t, bool withTemplates) {
    json j;
    j["test"] = toString(t.test);
    j["seed"] = t.seed;
    if (t.test != SimTest::Needle) {
        const auto& n = t.nerve;
        j["nerve"] = {{"name", n.name},
                      {"label", n.label},
                      {"recordingSite", n.recordingSite},
                      {"kind", n.kind == NerveKind::Motor ? "motor" : "sensory"},
                      {"distalLatencyMs", n.distalLatencyMs},
                      {"conductionVelocityMps", n.conductionVelocityMps},
                      {"amplitudeUv", n.amplitudeUv},
                      {"thresholdMaAt0p1ms", n.thresholdMa},
                      {"supramaximalMaAt0p1ms", n.supramaximalMa},
                      {"fPersistence", n.fPersistence},
                      {"rnsDecrementPercent", n.rnsDecrementPercent}};
        json sites = json::array();
        for (const auto& s : t.sites)
            sites.push_back({{"name", s.name},
                             {"distanceMm", s.distanceMm},
                             {"onsetLatencyMs", s.onsetLatencyMs},
                             {"amplitudeUv", s.amplitudeUv},
                             {"negativeDurationMs", s.negativeDurationMs}});
        j["sites"] = sites;
        j["segmentVelocityMps"] = t.segmentVelocityMps;
        json stims = json::array();
        for (const auto& s : t.stimuli)
            stims.push_back({{"timeSec", s.timeSec},
                             {"site", s.site},
                             {"siteIndex", s.siteIndex},
                             {"intensityMa", s.intensityMa},
                             {"pulseWidthMs", s.pulseWidthMs},
                             {"trainIndex", s.trainIndex},
                             {"response", responseJson(s.response)}});
        j["stimuli"] = stims;
        if (t.test == SimTest::Rns) j["rnsDecrementPercent"] = t.rnsDecrementPercent;
        return j.dump(2);
    }
    j["pattern"] = toString(t.pattern);
    json segs = json::array();
    for (const auto& s : t.segments)
        segs.push_back({{"label", s.label},
                        {"startSec", s.startSec},
                        {"durationSec", s.durationSec},
                        {"effort", s.effort},
                        {"activeUnits", s.activeUnits},
                        {"fastestRateHz", s.fastestRateHz}});
    j["segments"] = segs;
    json units = json::array();
    for (const auto& u : t.units) {
        json ju{{"id", u.id},
                {"peakToPeakUv", u.peakToPeakUv},
                {"durationMs", u.durationMs},
                {"phases", u.phases},
                {"polyphasic", u.polyphasic},
                {"peakOffsetMs", u.peakOffsetMs},
                {"recruitmentEffort", u.recruitmentEffort},
                {"onsetRateHz", u.onsetRateHz},
                {"meanRateHz", u.meanRateHz},
                {"firingTimesSec", u.firingTimesSec}};
        if (withTemplates) ju["templateUv"] = u.templateUv;
        units.push_back(std::move(ju));
    }
    j["units"] = units;
    json spont = json::array();
    for (const auto& s : t.spontaneous) {
        json js{{"kind", toString(s.kind)},
                {"peakToPeakUv", s.peakToPeakUv},
                {"durationMs", s.durationMs},
                {"rateHz", s.rateHz},
                {"initialPositive", s.initialPositive},
                {"timesSec", s.timesSec}};
        if (withTemplates) js["templateUv"] = s.templateUv;
        spont.push_back(std::move(js));
    }
    j["spontaneous"] = spont;
    return j.dump(2);
}

}  // namespace emg::sim
