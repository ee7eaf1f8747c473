#pragma once
// The engine's F-wave, H-reflex or RNS result as a test of the study (nerve, side, sites as the
// clinician chose them), every value named and unit-tagged by the measurement registry, with the
// engine's method as provenance. The study session (emg/study/study_session.h) puts it into the
// study by the one upsert rule.

#include <emg/dsp/late_responses.h>
#include <emg/study/study.h>

#include <optional>
#include <string>

namespace emg::study {

/// Where the late response was measured.
struct LateTestTarget {
    std::string nerve;
    Side side = Side::Unspecified;
    std::string recordingSite;
    std::string stimSite;       ///< F-wave, H-reflex
    std::string condition;      ///< RNS: rest, post-exercise 0 s, ... (empty: rest)
    /// Where it was measured when not live, e.g. a recorded span ("recording F, 1.000-9.000 s
    /// (SHA-256 …)"); appended to every measurement's method text.
    std::string source;
};

/// F-wave test: stimuli, persistencePct, fMin/fMean/fMaxLatencyMs, chronodispersionMs,
/// mLatencyMs, mAmplitudeUv (M only when the engine found it; F latencies only with an F).
FWave fwaveTestFrom(const dsp::FWaveResult& r, const LateTestTarget& where);

/// H-reflex test: hLatencyMs (absent H: no latency, the note says "H absent"), hAmplitudeUv
/// (Hmax), mAmplitudeUv (Mmax), hmRatio.
HReflex hreflexTestFrom(const dsp::HReflexResult& r, const LateTestTarget& where);

/// RNS test: rateHz, decrement of the 4th and 5th response by amplitude and area %, and
/// decrementPct (the larger of the 4th/5th amplitude decrements, the value the norms judge); the
/// stimulation site goes into the note. `firstResponseChangePercent`: a later train's first
/// response against its site's first train's (dsp::firstResponseChangePercent; after exercise, the
/// facilitation), stored as firstResponseChangePct.
Rns rnsTestFrom(const dsp::RnsResult& r, const LateTestTarget& where, std::optional<double> firstResponseChangePercent = std::nullopt);

}  // namespace emg::study
