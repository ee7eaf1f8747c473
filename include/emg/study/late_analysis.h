#pragma once
// One late-response series through the engine (emg/dsp/late_responses.h): the live sweeps are
// prepared as the recording chain prepares a file's, then measured by analyzeFWaves,
// analyzeRns, analyzeHReflex or findSupramaximal. Nothing is measured here.

#include <emg/study/late_sweep_prep.h>

#include <emg/core/sample_types.h>
#include <emg/study/types.h>
#include <emg/dsp/late_responses.h>

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace emg::study {

enum class LateMode { FWave, Rns, HReflex, Supramaximal };
const char* toString(LateMode mode) noexcept;
/// The study test a mode's result is saved as (none for the supramaximal search).
std::optional<TestKind> testKindOf(LateMode mode) noexcept;

/// The engine's settings for a mode (F-wave, RNS, H-reflex presets; motor for the supramaximal search).
dsp::NcsAnalysisSettings lateSettingsFor(LateMode mode);

struct LateAnalysis {
    LateMode mode = LateMode::FWave;
    PreparedSweeps prepared;                         ///< the sweeps measured (RNS: the last train only)
    std::vector<std::optional<double>> intensitiesMa;   ///< per prepared sweep
    std::optional<dsp::FWaveResult> fwave;
    std::optional<dsp::RnsResult> rns;
    std::optional<dsp::HReflexResult> hreflex;
    std::optional<dsp::SupramaxResult> supramax;
    std::string error;                               ///< why nothing was measured
    /// RNS of a recording: each train's label (dsp::rnsTrainLabel: the condition a study stores it
    /// under), the one measured (index into the labels), and its first response against its
    /// site's first train's in % (a later train: after exercise, the facilitation).
    std::vector<std::string> rnsTrainLabels;
    std::size_t rnsTrainShown = 0;
    std::optional<double> rnsFirstResponseChangePercent;
    /// A recording that marks no stimulus (or no site): how its stimuli were placed
    /// (dsp::PreparedSignal::stimuliOrigin), and the short form a stored value's source carries
    /// (stimuliOriginShort); else empty.
    std::string stimuliNote;
    std::string stimuliSource;
};

/// The intensity a stimulus had: the delivered current if the device measured it, else the requested.
std::optional<double> stimulusIntensityMa(const StimulusEvent& event);

/// RNS uses the last train of the series: from the last stimulus with trainIndex 0 on.
LateAnalysis analyzeLateSeries(LateMode mode, std::span<const dsp::Sweep> rawSweeps, std::span<const StimulusEvent> events);

/// Measures sweeps that are ready (filtered, baseline at 0), one intensity per sweep.
LateAnalysis analyzePreparedSweeps(LateMode mode, PreparedSweeps prepared, std::vector<std::optional<double>> intensitiesMa);

}  // namespace emg::study
