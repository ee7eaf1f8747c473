#pragma once
// What the Late responses tab's "Save to study" stores: the engine's F-wave, H-reflex or RNS
// result as a test of the study (nerve, side, sites as the clinician chose them), every value with
// its unit and the engine's method as provenance. Qt-free.

#include <emg/dsp/late_responses.h>
#include <emg/study/study.h>

#include <optional>
#include <string>

namespace emg::ui {

/// Where the late response was measured.
struct LateTestTarget {
    std::string nerve;
    study::Side side = study::Side::Unspecified;
    std::string recordingSite;
    std::string stimSite;       ///< F-wave, H-reflex
    std::string condition;      ///< RNS: rest, post-exercise 0 s, ... (empty: rest)
};

/// F-wave test: stimuli, persistencePct, fMin/fMean/fMaxLatencyMs, chronodispersionMs,
/// mLatencyMs, mAmplitudeUv (M only when the engine found it; F latencies only with an F).
study::FWave fwaveTestFrom(const dsp::FWaveResult& r, const LateTestTarget& where);

/// H-reflex test: hLatencyMs (absent H: no latency, the note says "H absent"), hAmplitudeUv
/// (Hmax), mAmplitudeUv (Mmax), hmRatio.
study::HReflex hreflexTestFrom(const dsp::HReflexResult& r, const LateTestTarget& where);

/// RNS test: rateHz, decrement of the 4th and 5th response by amplitude and area %, and
/// decrementPct (the larger of the 4th/5th amplitude decrements, the value the norms judge); the
/// stimulation site goes into the note.
study::Rns rnsTestFrom(const dsp::RnsResult& r, const LateTestTarget& where);

/// Puts the test into the study, replacing a test of the same kind, nerve (case-insensitive) and
/// side, keeping that test's id. Returns true when it replaced one. Throws std::invalid_argument
/// for an empty nerve.
bool putLateTest(study::Study& study, study::Test test);

}  // namespace emg::ui
