#pragma once
// Stimulus-locked sweeps: cut a window around each stimulus (pre-trigger baseline + post-stimulus
// window), find where the stimulus artifact has decayed, blank it without touching the response,
// and average sweeps with artifact rejection.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace emg::dsp {

struct SweepSettings {
    double preTriggerMs = 5.0;   ///< baseline before the stimulus
    double windowMs = 50.0;      ///< after the stimulus
    /// > 0: a stimulus followed by less than windowMs of signal (the file ends) but at least this
    /// much still gives a sweep, shorter and flagged `truncated`; 0: such stimuli are skipped.
    double minWindowMs = 0.0;
};

/// One sweep: samples [stimulus - pre, stimulus + window). Index `preSamples` is the stimulus.
struct Sweep {
    std::vector<double> uv;
    double sampleRateHz = 0.0;
    std::size_t preSamples = 0;
    std::int64_t stimulusSample = 0;   ///< in the continuous signal
    std::size_t index = 0;             ///< position among the stimuli it was cut for
    bool truncated = false;            ///< shorter than the window: the signal ended (SweepSettings::minWindowMs)
    /// The stimulus's time on the recording's clock when known (siteSweeps, lateResponseSweeps): in a
    /// file of separate records (EDF+D) stimulusSample skips the holes between them.
    std::optional<double> stimulusTimeSec;
    /// Cut from a record of separate acquisitions glued back to back with the others (an EDF+C with
    /// no hole between them; glued_records.h): the file does not hold the time from one stimulus to
    /// the next (stimulusTimeSec is where the record lies in the file), so no rate is read from it.
    bool gluedRecord = false;

    [[nodiscard]] double timeMs(double sampleIndex) const noexcept {
        return (sampleIndex - static_cast<double>(preSamples)) * 1000.0 / sampleRateHz;
    }
    [[nodiscard]] double sampleAt(double ms) const noexcept {
        return static_cast<double>(preSamples) + ms * sampleRateHz / 1000.0;
    }
};

/// Cuts one sweep per stimulus; stimuli too close to either end of the signal are skipped
/// (their indices are not in the result, so Sweep::index tells which were kept), except that with
/// settings.minWindowMs > 0 a stimulus near the end gives a shorter, `truncated` sweep.
std::vector<Sweep> cutSweeps(std::span<const double> signalUv, double sampleRateHz, std::span<const std::int64_t> stimulusSamples,
                             const SweepSettings& settings);
/// Gives the samples from, from + 1, ... (out.size() of them) of a signal not held whole.
using SampleRangeReader = std::function<void(std::size_t from, std::span<double> out)>;
/// The same over a signal of `samples` samples read through `read`.
std::vector<Sweep> cutSweeps(std::size_t samples, const SampleRangeReader& read, double sampleRateHz,
                             std::span<const std::int64_t> stimulusSamples, const SweepSettings& settings);

/// Mean and standard deviation of the pre-stimulus baseline (the last 0.2 ms before the
/// stimulus is left out: some stimulators start their artifact early).
struct BaselineStats {
    double meanUv = 0.0;
    double sdUv = 0.0;
    std::size_t samples = 0;
};
BaselineStats baselineStats(const Sweep& sweep);
/// Level and noise of samples [from, end) of a sweep: the median, and the SD of the samples left
/// when those beyond 4 x the robust SD (median absolute deviation / 0.6745) are set aside with 2 ms
/// on either side (the late responses in the stretch).
BaselineStats stretchStats(const Sweep& sweep, std::size_t from, std::size_t end);
/// Under 1 ms (and under 4 samples) before the stimulus: too little for a baseline (records that
/// start at the stimulus, lateResponseSweeps).
bool lacksPreStimulus(const Sweep& sweep);
/// The level and noise a sweep is measured and drawn against: its pre-stimulus baseline, or, when
/// it lacks one, those of its last 40 % (after the responses; stretchStats).
BaselineStats sweepLevel(const Sweep& sweep);

struct ArtifactSettings {
    double minBlankMs = 0.1;      ///< never search an onset closer to the stimulus than this
    double maxBlankMs = 2.0;      ///< the artifact is assumed gone by then at the latest ...
    double extendedBlankMs = 0.0; ///< ... unless this is larger: a long tail may settle until then (0 = off)
    double settleMs = 0.2;        ///< the signal must stay near baseline this long
    double settleSd = 4.0;        ///< "near baseline": within settleSd * baseline SD (and settleFloorUv)
    double settleFloorUv = 2.0;
};

/// First sample (sweep index) after the stimulus from which the signal stays within the
/// settle band for settleMs: the onset search starts here, so the artifact cannot be taken for
/// a response and the response itself is never shifted. Bounded by [minBlankMs, maxBlankMs].
std::size_t artifactEndSample(const Sweep& sweep, const BaselineStats& baseline, const ArtifactSettings& settings = {});

/// Replaces [stimulus, endSample) by a straight line from the baseline mean to the sample at
/// endSample (for display and areas); samples from endSample on are untouched.
void blankArtifact(Sweep& sweep, std::size_t endSample, double baselineUv);

/// Blanks stimulus artifacts in a continuous (unfiltered) signal before filtering, so that the
/// filters cannot spread the artifact (ringing, zero-phase pre-echo) into the baseline or the
/// response. For each stimulus the local level is the mean of the last 1 ms before it and the
/// noise the SD of first differences over the 5 ms before it / sqrt(2); samples from the stimulus up to the
/// artifact's end (as artifactEndSample: settled for settleMs within the band, within
/// [minBlankMs, maxBlankMs]) are replaced by a straight line. Returns the blank length (ms) per stimulus.
std::vector<double> blankStimulusArtifacts(std::vector<double>& signalUv, double sampleRateHz, std::span<const std::int64_t> stimulusSamples,
                                           const ArtifactSettings& settings = {});
/// The same for one stimulus at sample `stimulus` of a signal of `samples` samples of which
/// `part` holds those from `offset` on (at least 5 ms before the stimulus to maxBlankMs after
/// it; std::logic_error otherwise). Returns its blank length (ms).
double blankStimulusArtifact(std::span<double> part, std::int64_t offset, std::int64_t samples, double sampleRateHz, std::int64_t stimulus,
                             const ArtifactSettings& settings = {});

struct RejectionSettings {
    double baselineLimitUv = 200.0;   ///< reject if the baseline's peak-to-peak exceeds this
    double peakLimitUv = 20000.0;     ///< reject if |sample - baseline| after the artifact exceeds this
    ArtifactSettings artifact{};
};

struct AveragedSweep {
    Sweep average;                            ///< stimulusSample/index of the first accepted sweep
    std::vector<std::size_t> usedIndices;     ///< Sweep::index of the averaged sweeps
    std::vector<std::size_t> rejectedIndices;
    std::vector<std::string> rejectionReasons;   ///< one per rejected sweep
};

/// Averages the sweeps that pass the rejection limits (all must share rate and length).
/// Throws std::invalid_argument on an empty input or mismatched sweeps, std::runtime_error if
/// every sweep was rejected.
AveragedSweep averageSweeps(std::span<const Sweep> sweeps, const RejectionSettings& settings = {});

}  // namespace emg::dsp
