#pragma once
// Needle EMG of one muscle as seen by a concentric needle: a pool of motor units (each a MUAP
// template firing with jitter, recruited by effort following the size principle) plus
// spontaneous activity of a denervated muscle (fibrillations, positive sharp waves,
// fasciculations). Deterministic under a seed; every potential comes with its truth.
// Reference ranges and their sources: docs/simulator.md.

#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace emg::sim {

enum class MusclePattern : std::uint8_t { Normal, Neuropathic, Myopathic };
enum class SpontaneousKind : std::uint8_t { Fibrillation, PositiveSharpWave, Fasciculation };

const char* toString(MusclePattern p) noexcept;
const char* toString(SpontaneousKind k) noexcept;
/// "normal" | "neuropathic" | "myopathic" (case-insensitive); throws std::invalid_argument.
MusclePattern parseMusclePattern(std::string_view text);

/// Ground truth of one motor unit.
struct MotorUnitTruth {
    int id = 0;                          ///< 0 = lowest recruitment threshold
    std::vector<double> templateUv;      ///< MUAP sampled at the signal's rate; index 0 = onset
    double peakToPeakUv = 0.0;
    double durationMs = 0.0;             ///< onset to return to baseline (constructed)
    int phases = 0;                      ///< baseline crossings + 1 (constructed)
    bool polyphasic = false;             ///< phases >= 5
    double peakOffsetMs = 0.0;           ///< onset -> main negative peak
    double recruitmentEffort = 0.0;      ///< effort (0..1) at which the unit starts firing
    double onsetRateHz = 0.0;            ///< firing rate at recruitment
    double meanRateHz = 0.0;             ///< mean firing rate over the generated signal (0 if silent)
    std::vector<double> firingTimesSec;  ///< time of the template's first sample (onset)
};

/// Ground truth of one spontaneous generator (one fibrillating fibre, one fasciculating unit, ...).
struct SpontaneousTruth {
    SpontaneousKind kind = SpontaneousKind::Fibrillation;
    std::vector<double> templateUv;      ///< index 0 = onset
    double peakToPeakUv = 0.0;
    double durationMs = 0.0;
    double rateHz = 0.0;                 ///< nominal discharge rate
    bool initialPositive = true;
    std::vector<double> timesSec;        ///< onset times
};

/// A generated needle signal with everything in it.
struct NeedleSignal {
    std::vector<double> microvolts;
    double sampleRateHz = 0.0;
    std::vector<MotorUnitTruth> units;            ///< the whole pool (silent ones have no firings)
    std::vector<SpontaneousTruth> spontaneous;
    /// Recruitment measures over the signal: units that fired, and the fastest mean rate.
    int activeUnits() const noexcept;
    double fastestRateHz() const noexcept;
};

struct SpontaneousConfig {
    int fibrillationSources = 0;       ///< independent fibrillating fibres
    int positiveSharpWaveSources = 0;
    int fasciculationSources = 0;
    /// Conventional 0..4+ grading mapped to generator counts (0: none, 1: 1 fib, ... 4: 8 fib + 6 PSW).
    static SpontaneousConfig fromGrade(int grade, bool fasciculations = false);
};

struct NeedleMuscleConfig {
    MusclePattern pattern = MusclePattern::Normal;
    double effort = 0.0;               ///< 0 = rest, 1 = maximal voluntary contraction
    SpontaneousConfig spontaneous;     ///< denervation potentials (any pattern)
    double sampleRateHz = 20000.0;
    std::uint64_t seed = 1;
    int motorUnitCount = 0;            ///< 0 = pattern default (normal 20, neuropathic 6, myopathic 30)
    double noiseRmsUv = 0.0;           ///< electrode/amplifier noise added by generate()
    double mainsHz = 50.0;
    double mainsAmplitudeUv = 0.0;     ///< peak amplitude of the mains sine added by generate()
    /// Throws std::invalid_argument with a message for out-of-range values.
    void validate() const;
};

class NeedleMuscleModel {
public:
    explicit NeedleMuscleModel(const NeedleMuscleConfig& config);
    ~NeedleMuscleModel();
    NeedleMuscleModel(NeedleMuscleModel&&) noexcept;
    NeedleMuscleModel& operator=(NeedleMuscleModel&&) noexcept;

    const NeedleMuscleConfig& config() const noexcept { return config_; }

    /// A whole signal from t = 0 (resets the stream); includes noise/mains from the config.
    NeedleSignal generate(double seconds);
    /// The same, with the effort changed at the given times: (timeSec, effort) pairs, sorted.
    NeedleSignal generate(double seconds, const std::vector<std::pair<double, double>>& effortSchedule);

    // ---- streaming (the simulated amplifier): no allocation after construction
    /// Restart at sample index `firstSample` (new random firing phases).
    void restart(std::int64_t firstSample);
    /// Change effort (0..1); takes effect at the next render. Clamped.
    void setEffort(double effort) noexcept;
    double effort() const noexcept { return effort_; }
    /// Adds the motor-unit and spontaneous potentials for the next out.size() samples
    /// (no noise, no mains). out.size() must not exceed maxBlockFrames().
    void render(std::span<double> out) noexcept;
    std::size_t maxBlockFrames() const noexcept;
    std::int64_t nextSample() const noexcept { return sample_; }

    /// The pool's truth without firing times (templates, thresholds, rates).
    std::vector<MotorUnitTruth> unitTruth() const;
    std::vector<SpontaneousTruth> spontaneousTruth() const;
    /// Firing rate (Hz) a unit would have at `effort` (0 if not recruited).
    double firingRateHz(std::size_t unit, double effort) const noexcept;

private:
    struct Impl;
    NeedleMuscleConfig config_;
    double effort_ = 0.0;
    std::int64_t sample_ = 0;
    std::unique_ptr<Impl> impl_;
};

}  // namespace emg::sim
