#pragma once
// A whole recording through the NCS chain: pick the signal channel, find the stimuli, blank the
// stimulus artifacts, filter zero-phase with the test's preset, subtract mains hum (fitted
// sinusoids outside the stimulus windows, when hum is present), cut the
// sweeps of each stimulation site, average with rejection and measure. The CLI and the GUI
// both call this so they give the same numbers.

#include <emg/core/recording.h>
#include <emg/dsp/filter_presets.h>
#include <emg/dsp/late_responses.h>
#include <emg/dsp/ncs_measures.h>
#include <emg/dsp/stimulus_events.h>
#include <emg/dsp/sweeps.h>

#include <optional>
#include <string>
#include <vector>

namespace emg::dsp {

enum class NcsTest { Motor, Sensory, FWave, HReflex, Rns };
const char* toString(NcsTest t) noexcept;

struct NcsAnalysisSettings {
    NcsTest test = NcsTest::Motor;
    FilterPreset preset;
    SweepSettings sweep;
    DetectionSettings detection;
    RejectionSettings rejection;
    double mainsHz = -1.0;                ///< -1 = detect 50/60 Hz hum, 0 = no notch, 50/60 = notch
    double humDetectDb = 10.0;            ///< notch when the line stands this far above the background
};
/// Defaults per test (preset, sweep window, thresholds).
NcsAnalysisSettings ncsSettingsFor(NcsTest test);

struct PreparedSignal {
    int channelIndex = -1;
    std::string channelLabel;
    double sampleRateHz = 0.0;
    std::vector<double> filteredUv;
    std::string filterDescription;
    double notchHz = 0.0;                 ///< mains hum subtracted at this frequency (0 = none)
    double humRmsUv = 0.0;                ///< measured hum (rms of the fundamental)
    std::vector<double> blankMs;          ///< stimulus artifact blank per stimulus
    std::vector<StimulusMark> stimuli;
    std::vector<std::string> notes;       ///< e.g. clamped low-pass, trigger channel used
};

/// The signal channel: `channel` if given, else the first channel that is not a trigger/annotation
/// channel. Throws std::invalid_argument/runtime_error with a clear message (no channel, no stimuli).
PreparedSignal prepareSignal(const Recording& rec, std::optional<int> channel, const NcsAnalysisSettings& settings);

struct SiteResult {
    std::string site;
    std::vector<std::size_t> stimulusIndices;   ///< all stimuli at this site
    std::optional<double> intensityMa;          ///< of the sweeps measured
    AveragedSweep averaged;                     ///< the sweep measured (average of the used ones)
    ResponseResult response;
    std::optional<SupramaxResult> supramax;     ///< when the site was stimulated at several intensities
};

/// Motor / sensory: one result per site, in order of the first stimulus at each site.
std::vector<SiteResult> analyzeSites(const PreparedSignal& signal, const NcsAnalysisSettings& settings);

/// Sweeps of the stimuli at `site` (all sites when empty), with their intensities.
std::vector<Sweep> siteSweeps(const PreparedSignal& signal, const std::string& site, const SweepSettings& sweep,
                              std::vector<std::optional<double>>* intensities = nullptr);

/// Groups stimuli into trains (spacing below `maxGapSec`), for RNS.
std::vector<std::vector<std::size_t>> stimulusTrains(const std::vector<StimulusMark>& stimuli, double maxGapSec = 1.5);

}  // namespace emg::dsp
