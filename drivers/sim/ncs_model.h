#pragma once
// Nerve conduction: a nerve with stimulation sites at known distances from the recording
// electrode, a conduction velocity and a distal latency. A stimulus (mA, ms) at a site gives a
// stimulus artifact and a CMAP (motor) or SNAP (sensory) whose onset latency follows distance
// and velocity and whose amplitude rises with intensity to a supramaximal plateau; F-waves,
// the H-reflex and the decrement of repetitive stimulation are modelled too.
// Reference values and their sources: docs/simulator.md.

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace emg::sim {

enum class NerveKind : std::uint8_t { Motor, Sensory };

struct StimulationSite {
    std::string name;            ///< one word ("wrist", "elbow", "below-fibular-head"): used in "Stim <name>"
    double distanceMm = 0.0;     ///< conduction distance from this site to the active recording electrode
};

struct NerveConfig {
    std::string name = "median-motor";   ///< preset key
    std::string label = "Median motor (APB)";
    std::string recordingSite = "APB";   ///< muscle (motor) or recording location (sensory)
    NerveKind kind = NerveKind::Motor;
    std::vector<StimulationSite> sites;  ///< distal first, distances increasing
    /// Motor: onset latency at the first (distal) site, includes terminal slowing and the
    /// neuromuscular delay. Sensory: ignored (onset = distance / velocity).
    double distalLatencyMs = 3.5;
    double conductionVelocityMps = 57.0; ///< between sites (and distal for sensory)
    double amplitudeUv = 8000.0;         ///< supramaximal, baseline to negative peak, at the distal site
    double negativeDurationMs = 5.5;     ///< duration of the negative phase at the distal site
    double positiveRatio = 0.45;         ///< positive phase peak / negative peak
    /// Temporal dispersion per 100 mm proximal to the distal site: amplitude loss (fraction)
    /// and negative-phase widening (fraction).
    double amplitudeLossPer100Mm = 0.03;
    double durationGainPer100Mm = 0.04;
    double thresholdMa = 6.0;            ///< first response, at 0.1 ms pulse width
    double supramaximalMa = 25.0;        ///< plateau reached, at 0.1 ms pulse width
    double chronaxieMs = 0.15;           ///< Weiss strength-duration law scales the currents with width
    // F-waves (motor)
    double spinalDistanceMm = 650.0;     ///< distal site -> spinal cord (anterior horn) along the nerve
    double proximalVelocityMps = 62.0;   ///< proximal segments (F-wave path)
    double fTurnaroundMs = 1.0;          ///< anterior horn cell turnaround
    double fPersistence = 0.8;           ///< fraction of supramaximal stimuli followed by an F-wave
    double fAmplitudeFraction = 0.025;   ///< mean F amplitude / M amplitude
    double fLatencySpreadMs = 2.5;       ///< chronodispersion (max - min F latency)
    // H-reflex (tibial -> soleus)
    bool hReflex = false;
    double hLatencyMs = 30.0;
    double hMaxRatio = 0.35;             ///< Hmax / Mmax
    // Repetitive nerve stimulation
    double rnsDecrementPercent = 0.0;    ///< (1st - 4th) / 1st at 3 Hz; 0 normal, 20-40 myasthenic
};

/// Preset nerves: "median-motor", "ulnar-motor", "peroneal-motor", "tibial-motor",
/// "tibial-h" (soleus H-reflex), "median-sensory", "ulnar-sensory", "sural-sensory",
/// "superficial-peroneal-sensory". Throws std::invalid_argument for an unknown name.
NerveConfig nervePreset(std::string_view name);
std::vector<std::string> nervePresetNames();

/// What the response to one stimulus is (clean signal truth).
struct NcsResponseTruth {
    double onsetLatencyMs = 0.0;     ///< stimulus -> first deflection
    double peakLatencyMs = 0.0;      ///< stimulus -> negative peak
    double amplitudeUv = 0.0;        ///< baseline to negative peak
    double peakToPeakUv = 0.0;
    double negativeDurationMs = 0.0;
    double recruitedFraction = 0.0;  ///< 0..1 of the supramaximal response
    double rnsFactor = 1.0;          ///< amplitude factor from the train decrement
    bool fWave = false;
    double fLatencyMs = 0.0;
    double fAmplitudeUv = 0.0;
    double hAmplitudeUv = 0.0;       ///< 0 when absent
    double hLatencyMs = 0.0;
};

struct StimulusSpec {
    std::size_t site = 0;
    double intensityMa = 0.0;
    double pulseWidthMs = 0.1;
    int trainIndex = 0;              ///< position within an RNS train
};

class NerveModel {
public:
    /// Validates (throws std::invalid_argument with a message).
    explicit NerveModel(NerveConfig config);
    const NerveConfig& config() const noexcept { return config_; }
    std::size_t siteCount() const noexcept { return config_.sites.size(); }
    /// Site index by name; throws std::invalid_argument listing the known sites.
    std::size_t siteIndex(std::string_view name) const;

    double onsetLatencyMs(std::size_t site) const;
    /// Threshold and supramaximal currents at this pulse width (Weiss law).
    double thresholdMa(double pulseWidthMs) const noexcept;
    double supramaximalMa(double pulseWidthMs) const noexcept;
    /// 0 below threshold, 1 at and above the supramaximal current; smooth and monotonic between.
    double recruitedFraction(double intensityMa, double pulseWidthMs) const noexcept;
    double rnsFactor(int trainIndex) const noexcept;

    /// The response's truth; F-wave drawn from rng (persistence, latency, amplitude).
    NcsResponseTruth response(const StimulusSpec& stim, std::mt19937_64* rng = nullptr) const;
    /// Adds the clean response (M/SNAP + F + H as in `truth`) to out; out[0] is the stimulus
    /// sample (t = 0), samples spaced 1/sampleRateHz. No artifact, no noise.
    void renderResponse(const StimulusSpec& stim, const NcsResponseTruth& truth, double sampleRateHz,
                        std::span<double> out) const noexcept;
    /// Value of the clean response at t ms after the stimulus.
    double responseValueUv(const StimulusSpec& stim, const NcsResponseTruth& truth, double tMs) const noexcept;

private:
    NerveConfig config_;
};

/// Stimulus artifact: a square deflection during the pulse then an opposite exponential tail
/// (tau 0.2 ms, gone within ~1.5 ms); size grows with charge (mA x ms).
double stimulusArtifactUv(double intensityMa, double pulseWidthMs, double tMs) noexcept;
void addStimulusArtifact(double intensityMa, double pulseWidthMs, double sampleRateHz, std::span<double> out) noexcept;

/// One recorded sweep (artifact + response + noise + mains) with its truth.
struct NcsSweep {
    std::vector<double> microvolts;  ///< index stimulusIndex = stimulus sample
    double sampleRateHz = 0.0;
    std::size_t stimulusIndex = 0;
    NcsResponseTruth truth;
};

struct SweepOptions {
    double sampleRateHz = 20000.0;
    double preStimulusMs = 5.0;
    double sweepMs = 50.0;           ///< after the stimulus
    double noiseRmsUv = 3.0;
    double mainsHz = 50.0;
    double mainsAmplitudeUv = 0.0;
    bool artifact = true;
};

NcsSweep simulateSweep(const NerveModel& nerve, const StimulusSpec& stim, const SweepOptions& options,
                       std::mt19937_64& rng);

}  // namespace emg::sim
