#include <emg/study/late_entry.h>

#include "measured.h"

#include <emg/study/measurement_uncertainty.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace emg::study {

namespace {

std::string withPrefix(const char* what, const std::string& method) {
    return method.empty() ? std::string(what) : std::string(what) + ": " + method;
}

/// The method text with where it was measured (a recorded span), when known.
std::string withSource(std::string method, const LateTestTarget& where) {
    return where.source.empty() ? method : method + "; measured on " + where.source;
}

}  // namespace

FWave fwaveTestFrom(const dsp::FWaveResult& r, const LateTestTarget& where) {
    FWave t;
    t.nerve = where.nerve;
    t.side = where.side;
    t.recordingSite = where.recordingSite;
    t.stimSite = where.stimSite;
    t.stimuli = static_cast<int>(r.stimuli);
    const std::string method = withSource(withPrefix("F-wave engine (late responses tab)", r.method), where);
    auto& m = t.measurements;
    m.push_back(automatic("persistencePct", r.persistencePercent, method));
    if (r.present > 0) {
        // a minimal latency a lead-in lobe may undercut is stored marked uncertain (no evidence downstream)
        m.push_back(automatic("fMinLatencyMs", r.minLatencyMs, r.minLatencyUncertain() ? uncertainMethod(r.minLatencyNote, method) : method));
        m.push_back(automatic("fMeanLatencyMs", r.meanLatencyMs, method));
        m.push_back(automatic("fMaxLatencyMs", r.maxLatencyMs, method));
        m.push_back(automatic("chronodispersionMs", r.chronodispersionMs, method));
    }
    if (r.m.found) {
        const std::string mMethod = withPrefix("M on the averaged train", r.m.provenance.onsetMethod);
        m.push_back(automatic("mLatencyMs", r.m.measures.onsetLatencyMs, mMethod));
        m.push_back(automatic("mAmplitudeUv", r.m.measures.amplitudeUv, mMethod));
    }
    t.note = std::to_string(r.present) + " of " + std::to_string(r.stimuli) + " stimuli with an F wave";
    if (!r.note.empty()) t.note += "; " + r.note;
    if (r.minLatencyUncertain()) t.note += "; F min latency uncertain: " + r.minLatencyNote;
    return t;
}

HReflex hreflexTestFrom(const dsp::HReflexResult& r, const LateTestTarget& where) {
    HReflex t;
    if (!where.nerve.empty()) t.nerve = where.nerve;
    if (!where.recordingSite.empty()) t.recordingSite = where.recordingSite;
    if (!where.stimSite.empty()) t.stimSite = where.stimSite;
    t.side = where.side;
    const std::string method = withSource(withPrefix("H-reflex engine (late responses tab)", r.method), where);
    auto& m = t.measurements;
    // a latency the take-off does not vouch for is stored marked uncertain (no evidence for the localization)
    if (r.hLatencyMs) m.push_back(automatic("hLatencyMs", *r.hLatencyMs, r.hLatencyUncertain() ? uncertainMethod(r.hLatencyNote, method) : method));
    m.push_back(automatic("hAmplitudeUv", r.hMaxUv, method));
    m.push_back(automatic("mAmplitudeUv", r.mMaxUv, method));
    m.push_back(automatic("hmRatio", r.hmRatio, method));
    t.note = r.hLatencyMs ? std::to_string(r.sweeps.size()) + " sweeps" : "H absent (no H onset found in " + std::to_string(r.sweeps.size()) + " sweeps)";
    if (r.hLatencyUncertain()) t.note += "; H latency uncertain: " + r.hLatencyNote;
    return t;
}

Rns rnsTestFrom(const dsp::RnsResult& r, const LateTestTarget& where, std::optional<double> firstResponseChangePercent) {
    Rns t;
    t.nerve = where.nerve;
    t.side = where.side;
    t.recordingSite = where.recordingSite;
    if (!where.condition.empty()) t.condition = where.condition;
    t.rateHz = r.rateHz;
    t.trainLength = static_cast<int>(r.responses.size());
    if (!where.stimSite.empty()) t.note = "stimulated at " + where.stimSite;   // the RNS test has no stimulation site field
    const std::string method = withSource("RNS engine (late responses tab): (1 - R_n / R_1) x 100 of baseline-to-negative-peak amplitude and "
                                          "negative area, first response's window reused, train of " +
                                              std::to_string(r.responses.size()) + " responses",
                                          where);
    auto& m = t.measurements;
    // a rate the file does not hold (records glued back to back: RnsResult::note) is stored as 0, "not known", never as a value
    if (r.rateHz > 0.0) m.push_back(automatic("rateHz", r.rateHz, "from the stimulus spacing"));
    else t.note += std::string(t.note.empty() ? "" : "; ") + "rate not known (the recording holds no time between its stimuli' records)";
    if (r.decrement4AmplitudePercent) m.push_back(automatic("decrement4AmplitudePct", *r.decrement4AmplitudePercent, method));
    if (r.decrement4AreaPercent) m.push_back(automatic("decrement4AreaPct", *r.decrement4AreaPercent, method));
    if (r.decrement5AmplitudePercent) m.push_back(automatic("decrement5AmplitudePct", *r.decrement5AmplitudePercent, method));
    if (r.decrement5AreaPercent) m.push_back(automatic("decrement5AreaPct", *r.decrement5AreaPercent, method));
    if (r.decrement4AmplitudePercent || r.decrement5AmplitudePercent) {
        const double d = std::max(r.decrement4AmplitudePercent.value_or(r.decrement5AmplitudePercent.value_or(0.0)),
                                  r.decrement5AmplitudePercent.value_or(r.decrement4AmplitudePercent.value_or(0.0)));
        m.push_back(automatic("decrementPct", d, method + "; larger of the 4th and 5th amplitude decrements"));
    }
    if (firstResponseChangePercent)
        m.push_back(automatic("firstResponseChangePct", *firstResponseChangePercent,
                              withSource("RNS engine (late responses tab): this train's first response against its site's first train's "
                                         "in the recording, (A_1 / A_1,first - 1) x 100 of baseline-to-negative-peak amplitude",
                                         where)));
    return t;
}

}  // namespace emg::study
