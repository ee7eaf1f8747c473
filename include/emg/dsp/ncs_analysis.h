#pragma once
// A whole recording through the NCS chain: pick the signal channel, find the stimuli, blank the
// stimulus artifacts, filter zero-phase with the test's preset, subtract mains hum (fitted
// sinusoids outside the stimulus windows, when hum is present), cut the
// sweeps of each stimulation site, average with rejection and measure. The CLI and the GUI
// both call this so they give the same numbers.

#include <emg/core/recording.h>
#include <emg/core/test_kind.h>
#include <emg/dsp/filter_presets.h>
#include <emg/dsp/late_responses.h>
#include <emg/dsp/ncs_measures.h>
#include <emg/dsp/sample_windows.h>
#include <emg/dsp/stimulus_events.h>
#include <emg/dsp/sweep_baseline.h>
#include <emg/dsp/sweeps.h>

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace emg::dsp {

/// The test an NCS analysis is for: the workstation's one test-kind enum (emg/core/test_kind.h);
/// every kind but Needle (ncsSettingsFor refuses it).
using NcsTest = emg::TestKind;
const char* toString(NcsTest t) noexcept;

/// The slowest sampling the NCS chain accepts: 0.5 ms per sample. An onset, a latency difference or a
/// late response placed to within a sample interval of a millisecond or more says nothing a nerve
/// conduction study needs (10 kHz or more is what the accuracy harness's 0.1 ms goals assume).
inline constexpr double kMinNcsSampleRateHz = 2000.0;

/// "<label>' is sampled at <rate> Hz: nerve conduction needs ..." when `c` is sampled slower than
/// kMinNcsSampleRateHz, else empty.
std::string ncsSampleRateProblem(const RecordedChannel& c);

struct NcsAnalysisSettings {
    NcsTest test = NcsTest::Motor;
    FilterPreset preset;
    SweepSettings sweep;
    DetectionSettings detection;
    RejectionSettings rejection;
    double mainsHz = -1.0;                ///< -1 = detect 50/60 Hz hum, 0 = no notch, 50/60 = notch
    double humDetectDb = 10.0;            ///< notch when the line stands this far above the background
    /// true (F-waves): the hum is measured but not subtracted from the continuous signal; each
    /// sweep fits its own after M (FWaveSettings::mainsHz). With 100 ms sweeps 120 ms apart the
    /// signal between the stimulus windows is too short to fit it, and the stimulus rate's own
    /// harmonics (every 8.3 Hz) were taken for 50 Hz hum when the hum was at 60 Hz.
    bool humPerSweep = false;
    /// Motor and sensory sites are measured on the unfiltered signal, each sweep's baseline (DC,
    /// drift, hum) fitted and removed on its own (sweep_baseline.h), so no filter moves the
    /// baseline or the onset. false: on the filtered signal as the late responses are.
    bool measureUnfiltered = true;
    /// A sweep the end of the file cuts short is still measured when at least this much follows the stimulus.
    double minTruncatedWindowMs = 8.0;
    /// When most sweeps of a site could not fit the hum's terms, each sweep's baseline model (DC,
    /// drift, hum) is fitted again with up to this much signal before the stimulus (free of the
    /// previous stimulus's window), so a 50/60 Hz hum is determined in short sweeps; kept only when
    /// it leaves a clearly smaller residual (rms < 0.9 x). 0 = off; ncsSettingsFor sets 20 ms for
    /// motor and sensory (docs/measurements.md section 7).
    double longPreTriggerMs = 0.0;
    /// Sites whose sweeps are averaged (more than 3): the refit above also runs with up to this much
    /// signal after the window (free of the next stimulus and of a step between records) and runs
    /// for every such site, not only where the hum's terms could not be fitted: a hum locked to the
    /// stimulus (100 ms records = 5 cycles of 50 Hz) is the same in every sweep, so a harmonic a
    /// 25 ms sweep cannot pin down leaves the same error in every sweep's model and a bump in the
    /// average. 0 = off; ncsSettingsFor sets 30 ms for sensory (docs/measurements.md section 1).
    double longPostWindowMs = 0.0;
    /// Motor and sensory on unfiltered sweeps: the sites of the channel (one recording electrode)
    /// share their noise per sweep; each site's noise estimate is pooled with the sites' that agree
    /// with it within chance (docs/measurements.md section 1, "Noise pooled over sites"). Off in a
    /// bare struct; ncsSettingsFor turns it on for motor and sensory, together with a take-off fit
    /// up to 45 x the noise (a fit up to 30 x read seed 519 s3 of test_dsp_onset 0.11 ms early).
    bool poolNoiseOverSites = false;
};
/// Defaults per test (preset, sweep window, thresholds). Throws std::invalid_argument for a kind
/// that is no nerve conduction test (Needle).
NcsAnalysisSettings ncsSettingsFor(NcsTest test);

struct PreparedSignal {
    int channelIndex = -1;
    std::string channelLabel;
    double sampleRateHz = 0.0;
    std::vector<double> filteredUv;
    std::vector<double> rawUv;            ///< the channel as recorded (motor/sensory measurement)
    double sweepMainsHz = -1.0;           ///< hum frequency for the per-sweep baseline (-1: each sweep decides between 50 and 60 Hz)
    std::string filterDescription;
    double notchHz = 0.0;                 ///< mains hum subtracted at this frequency (0 = none)
    double humRmsUv = 0.0;                ///< measured hum (rms of the fundamental)
    std::vector<double> blankMs;          ///< stimulus artifact blank per stimulus
    std::vector<StimulusMark> stimuli;
    /// The stimuli's sites were told apart by the pauses between them alone (a sensory study whose
    /// stimuli name no site): analyzeSites compares each site's two halves of sweeps.
    bool sitesByPausesOnly = false;
    /// How the stimuli were placed when the file does not mark them with their sites (found from their
    /// artifacts, at each record's start, unnamed ones split into sites): the note as `notes` holds it,
    /// and a short form for a stored value's source ("its stimuli found from their artifacts (it marks
    /// none)"). Empty when the file marks them.
    std::string stimuliOrigin, stimuliOriginShort;
    /// Annotations naming a phase of a repetitive-stimulation study ("post exercise"): a train ends there.
    std::vector<PhaseMark> phaseMarks;
    /// Where a new acquisition starts in the samples (after the first, at 0): the segments of an
    /// EDF+D recording, whose samples lie back to back. A sweep never reaches across one: what comes
    /// before it is another acquisition's signal, not this stimulus's baseline.
    std::vector<std::int64_t> acquisitionStarts;
    /// H-reflex and RNS: where each record starts when the file glues records of separate
    /// acquisitions back to back with no hole (each its own DC, drift and hum phase; found from the
    /// level's jumps at one distance before every stimulus, glued_records.h). Such a file's sweeps
    /// are measured from their stimulus alone, as records that start at it (lateResponseSweeps).
    std::vector<std::int64_t> gluedRecordStarts;
    /// F-wave, H-reflex and RNS: lasting steps of the level found between the stimuli's windows (a
    /// lead or electrode moved, or a record of another acquisition starts), taken out of the
    /// unfiltered channel before it is filtered (each sample less the steps before it; rawUv keeps
    /// them): the sample after each step and its size, in order.
    std::vector<std::pair<std::int64_t, double>> levelStepsTakenOut;
    std::vector<std::string> notes;       ///< e.g. clamped low-pass, trigger channel used
    /// A streamed channel (prepareSignalStreamed): filteredUv and rawUv stay empty and only the
    /// samples around the stimuli are kept here, the same values they would hold.
    SampleWindows filteredWindows, rawWindows;
    /// Samples of the channel (filteredUv's size, or the windows' whole length).
    [[nodiscard]] std::size_t sampleCount() const noexcept { return filteredWindows.held() ? filteredWindows.samples() : filteredUv.size(); }
    /// The unfiltered channel is there (rawUv or rawWindows).
    [[nodiscard]] bool hasRaw() const noexcept { return !rawUv.empty() || rawWindows.held(); }
};

/// A trigger, stimulus, event or annotation channel (by its flag or label): never the signal channel.
bool looksLikeTriggerChannel(const RecordedChannel& c);

/// The signal channel: `channel` if given, else the first channel that is not a trigger/annotation
/// channel. Throws std::invalid_argument/runtime_error with a clear message (no channel, no stimuli).
PreparedSignal prepareSignal(const Recording& rec, std::optional<int> channel, const NcsAnalysisSettings& settings);
/// The same from a recording given up (the CLI's): the signal channel's samples are taken over
/// and every channel's released once the stimuli are found; `rawUv` is kept only where it is
/// measured (motor and sensory with measureUnfiltered) and `keepRawUv` is true, so a
/// late-response analysis holds one copy of the channel and motor/sensory two. With `keepRawUv`
/// false rawUv stays empty: a caller that can read the channel again (from the file) puts it
/// there itself once filteredUv is no longer needed, and never holds two copies at once.
/// Results are bit for bit those of the overload above.
PreparedSignal prepareSignal(Recording&& rec, std::optional<int> channel, const NcsAnalysisSettings& settings, bool keepRawUv = true);
/// The same for a recording whose signal channel is not read yet (the CLI, streaming a file): the
/// channel is chosen by `sampleCounts` (each channel's count in the file) instead of its samples,
/// the stimuli found on what was read (annotations, the trigger channel), every channel released,
/// then the signal channel read by `load`: the trigger and the signal channel are never held
/// together. Results are bit for bit those above when `load` gives the channel's samples; a
/// channel of another length than its count throws std::runtime_error.
PreparedSignal prepareSignal(Recording&& rec, const std::vector<std::size_t>& sampleCounts, std::optional<int> channel,
                             const NcsAnalysisSettings& settings, bool keepRawUv,
                             const std::function<std::vector<double>(std::size_t channel)>& load);

/// Hands channel `channel`'s samples to `sink` in order, a block at a time, one whole pass per
/// call (the same doubles `load` above would give); returns the channel's sample count.
using ChannelStreamer = std::function<std::size_t(std::size_t channel, const std::function<void(std::span<const double>)>& sink)>;
/// The same chain as the overload with `load`, the channel streamed instead of held: it is read
/// twice (the samples around the stimuli; the forward filter), the
/// filtered channel goes through an unnamed scratch file (8 bytes a sample on disk, none in
/// memory), the hum is measured and fitted block by block from it, and only the samples around
/// the stimuli are kept (filteredWindows, and rawWindows where the test measures the unfiltered
/// channel and `keepRawUv`). Every number is bit for bit the held chain's. nullopt when the
/// stimuli's windows would cover so much of the channel that holding it is cheaper.
std::optional<PreparedSignal> prepareSignalStreamed(Recording&& rec, const std::vector<std::size_t>& sampleCounts, std::optional<int> channel,
                                                    const NcsAnalysisSettings& settings, bool keepRawUv, const ChannelStreamer& stream);

struct SiteResult {
    std::string site;
    std::vector<std::size_t> stimulusIndices;   ///< all stimuli at this site
    std::optional<double> intensityMa;          ///< of the sweeps measured
    AveragedSweep averaged;                     ///< the sweep measured (average of the used ones)
    ResponseResult response;
    std::optional<SupramaxResult> supramax;     ///< when the site was stimulated at several intensities
    std::vector<std::string> warnings;          ///< e.g. a sweep cut short by the end of the file
    std::vector<std::size_t> truncatedIndices;  ///< stimuli whose sweep the end of the file cut short
    double noiseRmsUv = 0.0;                    ///< noise of the measured (averaged) sweep
    double humFittedUv = 0.0;                   ///< mean per-sweep hum fundamental removed
};

/// Motor / sensory: one result per site, in order of the first stimulus at each site.
std::vector<SiteResult> analyzeSites(const PreparedSignal& signal, const NcsAnalysisSettings& settings);

/// Unfiltered sweeps of the stimuli at `site`, each with its own baseline (DC, drift, hum) removed;
/// with more than 3 sweeps the response window left out of each sweep's fit is the one found on
/// their average (pre-stimulus levels removed), where a small response stands out of the noise;
/// sweeps cut short by the end of the file are included (flagged `truncated`) when at least
/// settings.minTruncatedWindowMs remains. `noiseUv`, `humUv` get each sweep's residual noise and
/// hum, `fits` each sweep's whole baseline model. When no stimulus of the site has the
/// pre-trigger's signal before it (records that start at the stimulus), the sweeps start where the
/// least signal allows and each is fitted on its latent period and on the signal after the response
/// (up to 50 ms past the window when the file has it).
std::vector<Sweep> measurementSweeps(const PreparedSignal& signal, const std::string& site, const NcsAnalysisSettings& settings,
                                     std::vector<std::optional<double>>* intensities = nullptr, std::vector<double>* noiseUv = nullptr,
                                     std::vector<double>* humUv = nullptr, std::vector<SweepBaseline>* fits = nullptr);

/// Sweeps of the stimuli at `site` (all sites when empty), with their intensities; in a signal of
/// several acquisitions (EDF+D segments) each within its own (a sweep whose pre-trigger reaches
/// into the acquisition before is left out, one running past its acquisition's end ends there).
std::vector<Sweep> siteSweeps(const PreparedSignal& signal, const std::string& site, const SweepSettings& sweep,
                              std::vector<std::optional<double>>* intensities = nullptr);

/// Sweeps of an F-wave train, an H-reflex series or RNS trains at `site` (all sites when empty):
/// siteSweeps' (the filtered signal).
/// When no stimulus of the site has the pre-trigger within its own record (records that start at
/// the stimulus, EDF+D) and the unfiltered samples were kept (prepareSignal keeps them for such a
/// file): the unfiltered sweeps from the stimulus on, each low-passed alone (no high-pass across
/// the records), which analyzeFWaves / analyzeHReflex / analyzeRns level and measure against the
/// signal after the responses. H-reflex and RNS sweeps then take up to twice the window where their
/// record holds it (the signal their level is fitted on); a shorter record ends its sweep there.
/// `filterDescription`: what was applied to the sweeps returned (signal.filterDescription, or the
/// per-sweep low-pass).
std::vector<Sweep> lateResponseSweeps(const PreparedSignal& signal, const std::string& site, const NcsAnalysisSettings& settings,
                                      std::vector<std::optional<double>>* intensities = nullptr, std::string* filterDescription = nullptr);

/// The stimuli of `site` that got no sweep among `sweeps` (siteSweeps' for a late response), each
/// named with its time and the reason ("the file ends 40 ms after it"), as the motor and sensory
/// sites' warnings do; none when no stimulus got one (the site's note says why).
std::vector<std::string> uncutStimulusWarnings(const PreparedSignal& signal, const std::string& site, const std::vector<Sweep>& sweeps,
                                               const NcsAnalysisSettings& settings);

/// A train of repetitive stimulation: its stimuli (indices into PreparedSignal::stimuli) and why
/// it starts where it does ("" for the first).
struct StimulusTrain {
    std::vector<std::size_t> stimuli;
    std::string startReason;   ///< "another site", "21.3 s after the last stimulus", "the annotation 'post exercise'", ...
    /// What the file says of the train's phase: the last annotation naming a phase (signal.phaseMarks)
    /// after the train before it and up to its first stimulus, as the file has it (trimmed, at most
    /// 80 characters), else "train N" from the stimuli's train number, else empty.
    std::string condition;
};
/// The trains of `signal`: a new one where the site changes, the spacing exceeds `maxGapSec`, an
/// annotation naming a phase of the study (signal.phaseMarks) lies between two stimuli, the
/// stimuli's train number changes ("train 2"), or their counter starts again (…, #9, #10, #1: a
/// counter that rose by one at each stimulus of the train and falls). Records of separate
/// acquisitions glued back to back keep no time between them: there only the annotations can
/// tell two trains apart.
std::vector<StimulusTrain> rnsTrains(const PreparedSignal& signal, double maxGapSec = 1.5);
/// The condition a study stores train k of `trains` under (study::Rns::condition, part of the
/// test's identity): its own `condition`; without one "" for a file of one train (the study's
/// default, rest) and "train k+1 of n" for a file of several. A label an earlier train already has
/// (case aside, as the study compares them) gets " (train k+1)" so that no two trains of a file share one.
std::string rnsTrainLabel(const std::vector<StimulusTrain>& trains, std::size_t k);

}  // namespace emg::dsp
