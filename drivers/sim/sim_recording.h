#pragma once
// Whole simulated recordings for demos and other areas' tests: motor NCS at 2-3 sites,
// sensory sweeps for averaging, an F-wave train, an H-reflex series, 3 Hz RNS, and needle EMG
// (rest / weak / strong). Every stimulus is annotated "Stim <site>" (duration = pulse width),
// and the truth comes back as a struct (and as JSON).

#include <sim/ncs_model.h>
#include <sim/needle_emg_model.h>

#include <emg/core/recording.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emg::sim {

enum class SimTest : std::uint8_t { Motor, Sensory, FWave, HReflex, Rns, Needle };
const char* toString(SimTest t) noexcept;
/// "motor" | "sensory" | "fwave" | "hreflex" | "rns" | "needle"; throws std::invalid_argument.
SimTest parseSimTest(std::string_view text);

struct SimRecordingOptions {
    SimTest test = SimTest::Motor;
    std::string nerve;                  ///< preset; empty = the test's default
    /// NCS: this nerve instead of the preset (a whole simulated study sets each test's expected
    /// findings here: smaller amplitudes, an absent H-reflex, the protocol's site names).
    std::optional<NerveConfig> nerveConfig;
    MusclePattern pattern = MusclePattern::Normal;   ///< needle
    double effort = -1.0;               ///< needle: <0 = rest, weak (0.15), strong (0.8) segments
    double seconds = 0.0;               ///< needle: per segment (0 = 4 s); NCS: ignored
    int denervationGrade = -1;          ///< needle: <0 = pattern default (neuropathic 2, else 0)
    double rnsDecrementPercent = -1.0;  ///< rns: <0 = preset's
    bool intensityRamp = false;         ///< motor/sensory: a rising intensity series per site
    int sweepsPerSite = 0;              ///< 0 = test default (motor 1, sensory 10)
    double sampleRateHz = 20000.0;
    double noiseRmsUv = -1.0;           ///< <0 = default (surface 3, needle 7)
    double mainsHz = 50.0;
    double mainsAmplitudeUv = 3.0;
    std::uint64_t seed = 1;
    void validate() const;              ///< throws std::invalid_argument
};

struct StimulusTruth {
    double timeSec = 0.0;
    std::string site;
    std::size_t siteIndex = 0;
    double intensityMa = 0.0;
    double pulseWidthMs = 0.0;
    int trainIndex = 0;
    NcsResponseTruth response;
};

struct SiteTruth {
    std::string name;
    double distanceMm = 0.0;
    double onsetLatencyMs = 0.0;        ///< supramaximal
    double amplitudeUv = 0.0;           ///< supramaximal, baseline to negative peak
    double negativeDurationMs = 0.0;
};

struct NeedleSegmentTruth {
    std::string label;                  ///< "rest", "weak", "strong", "effort 0.40"
    double startSec = 0.0;
    double durationSec = 0.0;
    double effort = 0.0;
    int activeUnits = 0;
    double fastestRateHz = 0.0;
};

struct SimRecordingTruth {
    SimTest test = SimTest::Motor;
    std::uint64_t seed = 1;
    // NCS
    NerveConfig nerve;
    std::vector<SiteTruth> sites;
    std::vector<double> segmentVelocityMps;   ///< between consecutive sites
    std::vector<StimulusTruth> stimuli;
    double rnsDecrementPercent = 0.0;
    // needle
    MusclePattern pattern = MusclePattern::Normal;
    std::vector<NeedleSegmentTruth> segments;
    std::vector<MotorUnitTruth> units;        ///< with firing times over the whole recording
    std::vector<SpontaneousTruth> spontaneous;
};

struct SimulatedRecording {
    Recording recording;
    SimRecordingTruth truth;
};

SimulatedRecording simulateRecording(const SimRecordingOptions& options);

/// Truth as JSON text (templates included only when withTemplates).
std::string truthToJson(const SimRecordingTruth& truth, bool withTemplates = false);

}  // namespace emg::sim
