#include <emg/dsp/ncs_analysis.h>

#include <emg/core/recording_segments.h>

#include "glued_records.h"
#include "ncs_prepare_detail.h"

#include <emg/dsp/hum_removal.h>
#include <emg/dsp/spectrum.h>
#include <emg/dsp/stimulus_artifacts.h>
#include <emg/dsp/sweep_baseline.h>
#include <emg/dsp/zero_phase.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <iomanip>
#include <limits>
#include <map>
#include <span>
#include <sstream>
#include <stdexcept>

namespace emg::dsp {

const char* toString(NcsTest t) noexcept { return testKindName(t); }

NcsAnalysisSettings ncsSettingsFor(NcsTest test) {
    NcsAnalysisSettings s;
    s.test = test;
    if (test == NcsTest::Motor || test == NcsTest::Sensory) {
        // One electrode's sites share their noise; the take-off fit up to 45 x the noise (not 30)
        // so that one noisy sample at its top moves a slow take-off less (docs/measurements.md).
        s.poolNoiseOverSites = true;
        s.detection.takeoff.fitUpSd = 45.0;
        // An onset whose own standard error (noise / take-off slope) does not place it within
        // 0.10 ms is flagged uncertain (issue 11: no confident onset more than 0.10 ms early).
        s.detection.takeoff.maxOnsetSeMs = 0.10;
    }
    switch (test) {
        case NcsTest::Motor:
            s.preset = filterPreset(FilterPresetId::Motor);
            s.sweep = {5.0, 50.0};
            s.detection.onsetSd = 5.0;
            s.detection.peakFitMs = 0.1;
            // A CMAP's negative peak is broad (ms): read from a quartic over its top half, not from
            // its deepest sample (which reads the noise's extreme; docs/measurements.md section 1).
            s.detection.peakFitLevelFraction = 0.5;
            // A CMAP is large: a lobe under 10 % of it that returns to the baseline for 0.5 ms
            // before it is a baseline wobble (residual hum, the artifact's tail), wherever it lies.
            s.detection.takeoff.isolatedLobeWithinMs = 0.0;
            // A take-off the power law does not describe (a dispersed CMAP's foot in two stages) gets
            // the fit's residual, not the noise, in its standard error (docs/measurements.md section 7).
            s.detection.takeoff.seFromMisfit = true;
            s.longPreTriggerMs = 20.0;
            break;
        case NcsTest::Sensory:
            s.preset = filterPreset(FilterPresetId::Sensory);
            s.sweep = {5.0, 20.0};
            s.detection.onsetSd = 5.0;
            s.detection.peakFitMs = 0.2;
            s.detection.peakFitPhaseFraction = 0.45;   // a small averaged SNAP: its peak read over most of the phase
            // A dispersed SNAP's fastest fibres can hold it just under the onset level for 0.2-0.3 ms
            // before the main rise: the noise then decides which rise is read (docs/measurements.md,
            // section 7, ncs-snapearly). Motor sites keep it off: it flagged right CMAP onsets there.
            s.detection.takeoff.shoulderMs = 0.15;
            // A SNAP's take-off read from few samples (4-8 kHz): the onset's SE for the 0.10 ms limit
            // gets Ts/6 in quadrature (the take-off fit's error beyond the noise, as for velocities).
            s.detection.takeoff.onsetSeSampleFraction = 1.0 / 6.0;
            s.rejection.peakLimitUv = 2000.0;   // a sensory response above 2 mV is an artifact
            s.longPreTriggerMs = 20.0;
            s.longPostWindowMs = 30.0;
            break;
        case NcsTest::FWave:
            s.preset = filterPreset(FilterPresetId::FWave);
            s.sweep = {5.0, 100.0};
            s.humPerSweep = true;
            break;
        case NcsTest::HReflex:
            s.preset = filterPreset(FilterPresetId::HReflex);
            s.sweep = {5.0, 60.0};
            break;
        case NcsTest::Rns:
            s.preset = filterPreset(FilterPresetId::Rns);
            s.sweep = {5.0, 30.0};
            break;
        default:   // needle EMG and any other kind that is no nerve conduction test
            throw std::invalid_argument(std::string(testKindName(test)) + " is not a nerve conduction test: no NCS analysis settings");
    }
    return s;
}

bool looksLikeTriggerChannel(const RecordedChannel& c) {
    if (c.isAnnotationOrTrigger) return true;
    std::string l = c.label;
    std::transform(l.begin(), l.end(), l.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    for (const char* key : {"trig", "stim", "event", "marker", "ttl", "sync", "annotation"})
        if (l.find(key) != std::string::npos) return true;
    return false;
}

namespace {
/// How far after a stimulus a glued record's start is looked for (detail::gluedSearch): records of
/// up to half a second after their stimulus.
constexpr double kGluedRecordSearchMs = 500.0;

/// The sweep length the hum's frequency is judged on when the file is segments of single sweeps.
constexpr double kHumDecisionWindowMs = 80.0;

/// The first sample of the acquisition holding sample `sm` (PreparedSignal::acquisitionStarts).
std::int64_t acquisitionStart(const PreparedSignal& signal, std::int64_t sm) {
    const auto& a = signal.acquisitionStarts;
    const auto it = std::upper_bound(a.begin(), a.end(), sm);
    return it == a.begin() ? 0 : *(it - 1);
}

/// One past the last sample of the acquisition holding sample `sm`; the channel's `total` samples
/// (0: whichever of the signal's forms holds it, a streamed signal may keep raw windows only).
std::int64_t acquisitionEnd(const PreparedSignal& signal, std::int64_t sm, std::size_t total = 0) {
    const auto& a = signal.acquisitionStarts;
    const auto it = std::upper_bound(a.begin(), a.end(), sm);
    if (it != a.end()) return *it;
    if (total == 0) total = std::max({signal.filteredUv.size(), signal.rawUv.size(), signal.filteredWindows.samples(), signal.rawWindows.samples()});
    return static_cast<std::int64_t>(total);
}

/// Sweeps of a signal of several acquisitions kept within their own: one whose pre-stimulus part
/// reaches into the acquisition before is dropped (its stimulus is then named as not measured); one
/// whose window runs past its acquisition's end ends there, `truncated`, when at least
/// minWindowMs remains, else is dropped.
void keepWithinAcquisitions(std::vector<Sweep>& sweeps, const PreparedSignal& signal, const SweepSettings& cut, std::size_t total = 0) {
    if (signal.acquisitionStarts.empty()) return;
    std::erase_if(sweeps, [&](Sweep& w) {
        const std::int64_t sm = w.stimulusSample;
        if (sm - acquisitionStart(signal, sm) < static_cast<std::int64_t>(w.preSamples)) return true;
        const std::int64_t after = acquisitionEnd(signal, sm, total) - sm;
        if (after >= static_cast<std::int64_t>(w.uv.size() - w.preSamples)) return false;
        if (static_cast<double>(after) * 1000.0 / signal.sampleRateHz < cut.minWindowMs) return true;
        w.uv.resize(w.preSamples + static_cast<std::size_t>(after));
        w.truncated = true;
        return false;
    });
}

/// Each sweep ended where the next glued record starts (`starts`, ascending); a sweep left shorter
/// than `minWindowMs` after its stimulus is dropped.
void truncateAtRecordStarts(std::vector<Sweep>& sweeps, const std::vector<std::int64_t>& starts, double fs, double minWindowMs) {
    std::erase_if(sweeps, [&](Sweep& w) {
        const auto next = std::upper_bound(starts.begin(), starts.end(), w.stimulusSample);
        if (next == starts.end()) return false;
        const std::int64_t after = *next - w.stimulusSample;
        if (after >= static_cast<std::int64_t>(w.uv.size() - w.preSamples)) return false;
        if (static_cast<double>(after) * 1000.0 / fs < minWindowMs) return true;
        w.uv.resize(w.preSamples + static_cast<std::size_t>(after));
        w.truncated = true;
        return false;
    });
}

/// The pre-trigger a site's sweeps get when none of its stimuli (`samples`) has `cut`'s within its
/// own acquisition: the least any has (a file whose records start at the stimulus: none).
SweepSettings preTriggerWithin(const PreparedSignal& signal, std::span<const std::int64_t> samples, SweepSettings cut) {
    const auto preNeeded = std::llround(cut.preTriggerMs * 1e-3 * signal.sampleRateHz);
    std::vector<std::int64_t> before;
    for (const auto sm : samples)
        if (sm >= 0) before.push_back(sm - acquisitionStart(signal, sm));   // a stimulus in a hole (-1) has none
    if (!before.empty() && std::none_of(before.begin(), before.end(), [&](std::int64_t b) { return b >= preNeeded; })) {
        const std::int64_t least = std::max<std::int64_t>(0, *std::min_element(before.begin(), before.end()));
        cut.preTriggerMs = static_cast<double>(least) * 1000.0 / signal.sampleRateHz;
    }
    return cut;
}

bool looksLikeTrigger(const RecordedChannel& c) { return looksLikeTriggerChannel(c); }

/// `count(i)`: channel i's sample count (its samples' size, or the file's count for a channel not read yet).
template <typename Count>
int chooseSignalChannel(const Recording& rec, std::optional<int> channel, const Count& count) {
    if (channel) {
        if (*channel < 0 || *channel >= static_cast<int>(rec.channels.size()))
            throw std::invalid_argument("channel " + std::to_string(*channel) + " does not exist (" + std::to_string(rec.channels.size()) + " channels)");
        return *channel;
    }
    for (std::size_t i = 0; i < rec.channels.size(); ++i)
        if (!looksLikeTrigger(rec.channels[i]) && rec.channels[i].sampleRateHz > 0.0 && count(i) >= 16)
            return static_cast<int>(i);
    throw std::runtime_error("no signal channel in the recording (only trigger/annotation channels or empty ones)");
}

/// Bridges each stimulus window of `y` by a straight line in place, in the order given (a window
/// overlapping the one before bridges from its already bridged end, as on a copy), runs `use` on
/// the bridged signal and puts the original samples back. Kept aside: each sample once, the first
/// time a window touches it (windows in order of their start), so no copy of the whole signal.
template <typename Use>
void withWindowsBridged(std::vector<double>& y, const std::vector<std::pair<std::size_t, std::size_t>>& excluded, Use&& use) {
    const auto bridge = [&](std::vector<double>& z, auto&& keep) {
        for (const auto& [a, b] : excluded) {
            if (b <= a + 1 || b >= z.size()) continue;
            const std::size_t a0 = a > 0 ? a - 1 : 0;
            keep(a0 + 1, b);
            for (std::size_t i = a0 + 1; i < b; ++i)
                z[i] = z[a0] + (z[b] - z[a0]) * static_cast<double>(i - a0) / static_cast<double>(b - a0);
        }
    };
    bool ordered = true;
    for (std::size_t k = 1; k < excluded.size() && ordered; ++k) ordered = excluded[k - 1].first <= excluded[k].first;
    if (!ordered) {   // not met by the stimuli (sorted by time): bridged on a copy
        std::vector<double> quiet(y);
        bridge(quiet, [](std::size_t, std::size_t) {});
        use(static_cast<const std::vector<double>&>(quiet));
        return;
    }
    std::vector<std::pair<std::size_t, std::vector<double>>> saved;
    std::size_t savedUpTo = 0;
    bridge(y, [&](std::size_t from, std::size_t to) {
        from = std::max(from, savedUpTo);
        if (from >= to) return;
        saved.emplace_back(from, std::vector<double>(y.begin() + static_cast<std::ptrdiff_t>(from), y.begin() + static_cast<std::ptrdiff_t>(to)));
        savedUpTo = to;
    });
    use(static_cast<const std::vector<double>&>(y));
    for (const auto& [from, v] : saved) std::copy(v.begin(), v.end(), y.begin() + static_cast<std::ptrdiff_t>(from));
}

/// Which unfiltered samples prepareSamples keeps as rawUv: always (a caller holding the recording),
/// where they are measured (detail::keepsRawSamples), or never (a caller that reads them again).
enum class KeepRaw { Always, WhereMeasured, Never };

/// The chain after the channel is chosen and the stimuli found: `x` is the channel's samples
/// (taken over), kept as rawUv as `keep` says.
void prepareSamples(PreparedSignal& p, std::vector<double> x, KeepRaw keep, const NcsAnalysisSettings& st) {
    const double fs = p.sampleRateHz;
    {   // glued records (H-reflex, RNS): the level's steps looked for on the unfiltered channel
        const auto searched = detail::gluedSearch(p, st, x.size());
        std::vector<std::optional<std::int64_t>> steps(searched.size());
        for (std::size_t k = 0; k < searched.size(); ++k)
            if (const auto [a, b] = searched[k]; a < b)
                if (const auto step = detail::levelStep(std::span<const double>(x).subspan(a, b - a), fs)) steps[k] = static_cast<std::int64_t>(a + step->at);
        detail::setGluedRecords(p, searched, steps);
    }
    // 1. Blank the stimulus artifacts in the raw signal (so no filter can spread them).
    if (keep == KeepRaw::Always || (keep == KeepRaw::WhereMeasured && detail::keepsRawSamples(p, st, true))) p.rawUv = x;
    {   // lasting level steps (F-wave, H-reflex, RNS) taken out before filtering
        std::vector<std::pair<std::int64_t, double>> steps;
        for (const auto& [a, b] : detail::levelStepSearch(p, st, x.size()))
            for (const auto& step : detail::lastingLevelSteps(std::span<const double>(x).subspan(a, b - a), fs))
                steps.emplace_back(static_cast<std::int64_t>(a + step.at), step.jumpUv);
        detail::setLevelStepsTakenOut(p, std::move(steps));
        detail::takeOutLevelSteps(p, 0, std::span<double>(x));
    }
    std::vector<std::int64_t> stimSamples;
    for (const auto& m : p.stimuli) stimSamples.push_back(m.sampleIndex);
    // Motor and sensory sweeps measured unfiltered: the hum's frequency for their baseline models
    // is one per file (the mains), judged on the raw sweeps themselves, where a spectral detection
    // on short records with gaps between the stimulus windows can be misled (100 ms records: a
    // 10 Hz comb, of which 50 Hz is a line). The sweeps are cut here, before blanking, since the
    // raw signal may not be kept (a streamed file is read again for measurement).
    const bool mainsBySweeps = st.mainsHz < 0.0 && st.measureUnfiltered && (st.test == NcsTest::Motor || st.test == NcsTest::Sensory);
    std::vector<Sweep> rawSweeps;
    if (mainsBySweeps) {   // within each stimulus's acquisition (EDF+D segments), as the measurement cuts them
        SweepSettings cut = preTriggerWithin(p, stimSamples, st.sweep);
        if (!p.acquisitionStarts.empty() && cut.windowMs < kHumDecisionWindowMs) {
            // Segments of single sweeps (a record per stimulus, each its own acquisition): the file-wide
            // line is smeared by the hum's phase and the DC jumping at every segment, so the frequency
            // is judged on the sweeps alone, lengthened up to their segment's end (up to
            // kHumDecisionWindowMs). A 20 ms sensory sweep holds too little of the hum; so does a 50 ms
            // motor one after a proximal CMAP: its 20 ms tail is one 50 Hz period, too short for the
            // 50 Hz terms and not for the 60 Hz ones, and three such records read a 50 Hz hum as 60 Hz
            // (test_dsp_ncs_amplitude_se). Lengthened in an earlier engine, the motor window read 4
            // early onsets instead of 1 on dev 11,000,001..11,003,000; in this one it changes no
            // onset error (docs/measurements.md section 7).
            cut.minWindowMs = cut.windowMs;
            cut.windowMs = std::max(cut.windowMs, kHumDecisionWindowMs);
        }
        rawSweeps = cutSweeps(x, fs, stimSamples, cut);
        keepWithinAcquisitions(rawSweeps, p, cut, x.size());
    }
    p.blankMs = blankStimulusArtifacts(x, fs, stimSamples, st.detection.artifact);
    // 2. High-pass and low-pass, zero-phase (no notch: it would ring with the response's own 50 Hz content).
    const auto chain = buildFilter(st.preset, fs, 0.0);
    for (const auto& a : chain.adjustments) p.notes.push_back(a);
    p.filterDescription = chain.description() + " (zero-phase, forward-backward); stimulus artifact blanked before filtering";
    filtfiltInPlace(chain.cascade, std::span<double>(x));   // bit for bit filtfilt's result
    p.filteredUv = std::move(x);
    // 3. Mains hum: measured outside the stimulus windows; subtracted as fitted sinusoids when present.
    const auto n = static_cast<std::int64_t>(p.filteredUv.size());
    const auto pre = static_cast<std::int64_t>(1e-3 * fs);
    const auto post = static_cast<std::int64_t>(std::max(st.sweep.windowMs, 20.0) * 1e-3 * fs);
    std::vector<std::pair<std::size_t, std::size_t>> excluded;
    for (const auto& m : p.stimuli)
        excluded.emplace_back(static_cast<std::size_t>(std::clamp<std::int64_t>(m.sampleIndex - pre, 0, n)),
                              static_cast<std::size_t>(std::clamp<std::int64_t>(m.sampleIndex + post, 0, n)));
    double mains = st.mainsHz > 0.0 ? st.mainsHz : 0.0;
    if (st.mainsHz < 0.0 && fs >= 200.0 && p.filteredUv.size() >= static_cast<std::size_t>(fs)) {
        // each stimulus window bridged by a straight line while the hum is measured
        withWindowsBridged(p.filteredUv, excluded, [&](const std::vector<double>& quiet) {
            const auto hum = mainsInterference(quiet, fs);
            p.humRmsUv = hum.rmsUv;
            if (hum.lineToBackgroundDb >= st.humDetectDb) mains = hum.mainsHz;
        });
    }
    p.sweepMainsHz = mains > 0.0 ? mains : (st.mainsHz == 0.0 ? 0.0 : -1.0);
    if (mainsBySweeps) {
        const double hz = mainsHzByResidual(rawSweeps, mains);
        if (hz > 0.0) p.sweepMainsHz = hz;
    }
    if (mains > 0.0 && st.humPerSweep) {
        p.filterDescription += "; mains hum fitted and subtracted on each sweep";
    } else if (mains > 0.0) {
        const auto fit = subtractHum(p.filteredUv, fs, mains, 3, excluded);
        p.notchHz = mains;
        p.filterDescription += detail::humSubtractedNote(mains, fit.meanFundamentalUv);
    }
}

/// A continuous file of short data records (`recordSec` <= 1 s, whole samples) with every stimulus
/// (three at least, one per record) on a record's first sample (within a sample): a record per
/// stimulus glued back to back, the EDF+ specification's nerve-conduction layout written without its
/// holes (an EDF+C). Each stimulus's record starts an acquisition of its own, as an EDF+D segment
/// would (PreparedSignal::acquisitionStarts): what lies before the stimulus is the previous record,
/// another acquisition, and its DC jump hides under the stimulus artifact.
void findRecordsAtStimuli(PreparedSignal& p, double recordSec) {
    if (!(recordSec > 0.0) || recordSec > 1.0 || p.stimuli.size() < 3) return;
    const double perRecord = recordSec * p.sampleRateHz;
    if (std::abs(perRecord - std::round(perRecord)) > 1e-6 || perRecord < 16.0) return;
    const auto n = static_cast<std::int64_t>(std::llround(perRecord));
    std::vector<std::int64_t> starts;
    for (const auto& m : p.stimuli) {
        if (m.sampleIndex < 0) return;
        const std::int64_t r = m.sampleIndex % n;
        if (r > 1 && r < n - 1) return;   // not on a record's first sample
        const std::int64_t start = r <= 1 ? m.sampleIndex - r : m.sampleIndex;   // (a sample before one: from the stimulus)
        if (!starts.empty() && start - starts.back() < n - 1) return;   // two stimuli in one record
        starts.push_back(start);
    }
    for (const std::int64_t s : starts)
        if (s > 0) p.acquisitionStarts.push_back(s);
    std::ostringstream note;
    note.precision(4);
    note << "every stimulus on the first sample of a " << recordSec * 1000.0
         << " ms data record: a record per stimulus, each read as its own acquisition (as EDF+D records, with no hole between them)";
    p.notes.push_back(note.str());
}

/// Where a recording that marks no stimulus may have them found from their artifacts: the test the
/// examiner named and the chosen channel's samples (read on demand).
struct ArtifactSource {
    std::optional<NcsTest> test;
    std::function<const std::vector<double>&(std::size_t)> samples;
};

/// A continuous recording that marks no stimulus, read for a nerve-conduction test: its stimuli
/// from their artifacts on the chosen channel (stimulus_artifacts.h), said in the notes.
void stimuliFromArtifactsFor(PreparedSignal& p, const Recording& rec, const ArtifactSource& src) {
    // (a sensory study's sites are told apart by the pauses alone: a single sweep's SNAP cannot say
    // which site it came from; analyzeSites checks each such site's two halves against each other)
    if (!src.test || *src.test == NcsTest::Needle || !src.samples || !rec.segments.empty()) return;
    const auto& ch = rec.channels[static_cast<std::size_t>(p.channelIndex)];
    const auto& x = src.samples(static_cast<std::size_t>(p.channelIndex));
    auto marks = stimuliFromArtifacts(x, ch.sampleRateHz);
    if (marks.empty()) return;
    const bool sensory = *src.test == NcsTest::Sensory;
    const bool sites = *src.test == NcsTest::Motor || sensory;
    if (sites) splitArtifactSites(marks, x, ch.sampleRateHz, !sensory);
    std::ostringstream n;
    n << "the recording marks no stimulus (no 'Stim <site>' annotation, no trigger channel): " << marks.size()
      << " stimuli found from their artifacts on '" << ch.label
      << "' (each a jump of the signal within a sample or 0.05 ms out of a quiet baseline; check them on the trace)";
    if (sites && sensory)
        n << ", split into " << sitesInOrder(marks).size()
          << " site(s) at the pauses between them, in time order, no distances (each site's first and second half of sweeps are "
             "compared: a single sweep's SNAP cannot say its site)";
    else if (sites)
        n << ", split into " << sitesInOrder(marks).size()
          << " site(s) at the pauses between them and where the response's peak moves, in time order, no distances";
    p.notes.push_back(n.str());
    p.stimuliOrigin = n.str();
    p.stimuliOriginShort = "its stimuli found from their artifacts (it marks none)";
    p.stimuli = std::move(marks);
    p.sitesByPausesOnly = sensory;
}

/// A file of short records (EDF+D, every record at most kSweepSegmentMaxSec: the EDF+ nerve-conduction
/// layout, a record per stimulus) that marks no stimulus, read for a test the examiner names: a
/// stimulus in each record. Where every record shows a stimulus artifact 1-20 ms into it at one
/// offset (within 1 ms: the export's pre-trigger), there; else at each record's first sample, as
/// the layout has it. Motor and sensory records are each a site ("record 1", "record 2", ...: the
/// layout stores a site per record); F-wave, H-reflex and RNS records one site "record". Said in
/// the notes.
void stimuliAtRecordStarts(PreparedSignal& p, const Recording& rec, const ArtifactSource& src) {
    if (!src.test || *src.test == NcsTest::Needle || !src.samples || !isRecordPerSweep(rec)) return;
    const auto& ch = rec.channels[static_cast<std::size_t>(p.channelIndex)];
    const double fs = ch.sampleRateHz;
    const auto& x = src.samples(static_cast<std::size_t>(p.channelIndex));
    const std::size_t n = rec.segments.size();
    std::vector<double> offsetMs;
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t s0 = segmentFirstSample(rec, k, fs), s1 = std::min(segmentFirstSample(rec, k + 1, fs), x.size());
        if (s0 >= s1) return;
        const auto marks = stimuliFromArtifacts(std::span<const double>(x).subspan(s0, s1 - s0), fs);
        if (!marks.empty()) offsetMs.push_back(1000.0 * static_cast<double>(marks.front().sampleIndex) / fs);
    }
    const bool pretrigger = offsetMs.size() == n && *std::min_element(offsetMs.begin(), offsetMs.end()) >= 1.0 &&
                            *std::max_element(offsetMs.begin(), offsetMs.end()) <= 20.0 &&
                            *std::max_element(offsetMs.begin(), offsetMs.end()) - *std::min_element(offsetMs.begin(), offsetMs.end()) <= 1.0;
    const bool sitePerRecord = *src.test == NcsTest::Motor || *src.test == NcsTest::Sensory;
    std::vector<StimulusMark> marks;
    for (std::size_t k = 0; k < n; ++k) {
        const double atMs = pretrigger ? offsetMs[k] : 0.0;
        StimulusMark m;
        m.sampleIndex = static_cast<std::int64_t>(segmentFirstSample(rec, k, fs)) + static_cast<std::int64_t>(std::llround(atMs * 1e-3 * fs));
        m.timeSec = rec.segments[k].startSec + atMs * 1e-3;
        m.site = sitePerRecord ? "record " + std::to_string(k + 1) : std::string("record");
        m.source = pretrigger ? "artifact" : "record start";
        marks.push_back(std::move(m));
    }
    std::ostringstream note;
    note.precision(3);
    note << "the recording marks no stimulus: a stimulus in each of its " << n << " records (a record per stimulus, the EDF+ nerve-conduction layout), ";
    if (pretrigger)
        note << "found from its artifact " << *std::min_element(offsetMs.begin(), offsetMs.end()) << "-"
             << *std::max_element(offsetMs.begin(), offsetMs.end()) << " ms into every record";
    else
        note << "taken at each record's first sample";
    note << (sitePerRecord ? "; each record a site ('record 1', ...), no distances" : "; one site") << ": check them on the trace";
    p.notes.push_back(note.str());
    p.stimuliOrigin = note.str();
    p.stimuliOriginShort = pretrigger ? "its stimuli found from their artifacts, one in each record (it marks none)"
                                      : "its stimuli taken at its records' starts (it marks none)";
    p.stimuli = std::move(marks);
}

/// A motor or sensory study's stimuli that name no site (a trigger line's pulses, every one "trigger";
/// or annotations "Stim" / "Stimulus" alone, every one "site"): a study stimulates several sites,
/// which would be measured as one (the others' responses lost, or averaged in). Split as artifact
/// stimuli are (pauses; for motor also the response's peak moving), said in the notes; kept as they
/// are when that finds one site. Sensory sites are then checked half against half (analyzeSites).
/// Whether a site every stimulus shares names no place: a trigger line's "trigger", an annotation
/// "Stim" alone ("site"), or a marker code ("Stimulus/S  1" is "s1": the recorder's trigger
/// value, the same for every stimulus when one code was used for the whole study).
bool sharedSiteNamesNoPlace(const std::string& site, bool fromTrigger) {
    if (fromTrigger) return site == "trigger";
    if (site == "site") return true;
    return site.size() >= 2 && site.front() == 's' &&
           std::all_of(site.begin() + 1, site.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

void splitUnnamedSites(PreparedSignal& p, const Recording& rec, const ArtifactSource& src) {
    const bool sensory = src.test == NcsTest::Sensory;
    if ((src.test != NcsTest::Motor && !sensory) || !src.samples || !rec.segments.empty() || p.stimuli.size() < 2) return;
    const std::string placeholder = p.stimuli.front().site;
    const bool fromTrigger = p.stimuli.front().source.rfind("trigger:", 0) == 0;
    if (!sharedSiteNamesNoPlace(placeholder, fromTrigger)) return;
    const bool code = !fromTrigger && placeholder != "site";
    for (const auto& m : p.stimuli)
        if (m.site != placeholder || m.source != p.stimuli.front().source || m.sampleIndex < 0) return;
    const auto& ch = rec.channels[static_cast<std::size_t>(p.channelIndex)];
    auto marks = p.stimuli;
    splitArtifactSites(marks, src.samples(static_cast<std::size_t>(p.channelIndex)), ch.sampleRateHz, !sensory);
    const std::size_t sites = sitesInOrder(marks).size();
    // (a sensory study's one group is kept under its name, and checked as split ones are)
    p.sitesByPausesOnly = sensory;
    if (sites < 2) return;
    std::ostringstream n;
    n << (fromTrigger ? "the trigger channel names no stimulation site"
          : code      ? "every stimulus carries the one marker code '" + placeholder + "', which names no site"
                      : "the stimulus annotations name no site")
      << ": its "
      << marks.size() << " stimuli split into " << sites << " sites at the pauses between them"
      << (sensory ? " (each site's first and second half of sweeps compared)" : " and where the response's peak moves on '" + ch.label + "'")
      << ", in time order (site 1 first), no distances: check them on the trace";
    p.notes.push_back(n.str());
    p.stimuliOrigin = n.str();
    p.stimuliOriginShort = "its stimuli name no site: sites told apart by the pauses" + std::string(sensory ? "" : " and the response's peak");
    p.stimuli = std::move(marks);
}

template <typename Count>
PreparedSignal describeSignal(const Recording& rec, std::optional<int> channel, const Count& count, const ArtifactSource& artifacts = {}) {
    PreparedSignal p;
    p.channelIndex = chooseSignalChannel(rec, channel, count);
    const auto& ch = rec.channels[static_cast<std::size_t>(p.channelIndex)];
    if (!(ch.sampleRateHz > 0.0) || count(static_cast<std::size_t>(p.channelIndex)) < 16)
        throw std::runtime_error("channel '" + ch.label + "' has no usable samples");
    if (const auto problem = ncsSampleRateProblem(ch); !problem.empty()) throw std::invalid_argument(problem);
    p.channelLabel = ch.label;
    p.sampleRateHz = ch.sampleRateHz;
    p.stimuli = findStimuli(rec, ch.sampleRateHz);
    p.phaseMarks = phaseMarksFromAnnotations(rec, ch.sampleRateHz);
    if (p.stimuli.empty()) stimuliFromArtifactsFor(p, rec, artifacts);
    else splitUnnamedSites(p, rec, artifacts);
    if (p.stimuli.empty()) stimuliAtRecordStarts(p, rec, artifacts);
    if (p.stimuli.empty())
        throw std::runtime_error(
            artifacts.test && artifacts.samples && rec.segments.empty()
                ? "no stimuli found: no 'Stim <site>' annotations, no trigger channel with pulses, and no stimulus artifact stands out of "
                  "the signal"
                : "no stimuli found: no 'Stim <site>' annotations and no trigger channel with pulses");
    for (std::size_t k = 1; k < rec.segments.size(); ++k)
        p.acquisitionStarts.push_back(static_cast<std::int64_t>(segmentFirstSample(rec, k, ch.sampleRateHz)));
    if (rec.segments.empty()) findRecordsAtStimuli(p, rec.dataRecordSec);
    if (p.stimuli.front().source != "annotation") p.notes.push_back("stimuli from " + p.stimuli.front().source);
    return p;
}

PreparedSignal describeLoadedSignal(const Recording& rec, std::optional<int> channel, std::optional<NcsTest> artifactsFor = std::nullopt) {
    return describeSignal(rec, channel, [&](std::size_t i) { return rec.channels[i].samples.size(); },
                          ArtifactSource{artifactsFor, [&](std::size_t i) -> const std::vector<double>& { return rec.channels[i].samples; }});
}
}  // namespace

std::string ncsSampleRateProblem(const RecordedChannel& c) {
    if (c.sampleRateHz >= kMinNcsSampleRateHz) return {};
    std::ostringstream m;
    m.precision(7);   // 23437.5, 200, 0.5: as the file gives them
    m << "channel '" << c.label << "' is sampled at " << c.sampleRateHz << " Hz: nerve conduction needs at least " << kMinNcsSampleRateHz / 1000.0
      << " kHz (10 kHz or more recommended)";
    return m.str();
}

std::string detail::humSubtractedNote(double mainsHz, double fundamentalUv) {
    std::ostringstream d;
    d.precision(3);
    d << "; mains " << mainsHz << " Hz + harmonics subtracted (least-squares sinusoid fit outside the stimulus windows, fundamental "
      << fundamentalUv << " uV)";
    return d.str();
}

PreparedSignal detail::describeSignalByCounts(const Recording& rec, std::optional<int> channel, const std::vector<std::size_t>& sampleCounts) {
    return describeSignal(rec, channel, [&](std::size_t i) { return i < sampleCounts.size() ? sampleCounts[i] : rec.channels[i].samples.size(); });
}

bool detail::keepsRawSamples(const PreparedSignal& p, const NcsAnalysisSettings& st, bool keepRawUv) {
    if (!keepRawUv) return false;
    if (st.measureUnfiltered && (st.test == NcsTest::Motor || st.test == NcsTest::Sensory)) return true;
    if (!p.gluedRecordStarts.empty()) return true;   // glued records: each sweep measured unfiltered from its stimulus
    if ((st.test != NcsTest::FWave && st.test != NcsTest::HReflex && st.test != NcsTest::Rns) || p.acquisitionStarts.empty()) return false;
    std::vector<std::int64_t> samples;
    for (const auto& m : p.stimuli) samples.push_back(m.sampleIndex);
    return preTriggerWithin(p, samples, st.sweep).preTriggerMs < st.sweep.preTriggerMs;
}

double detail::atStimulusWindowMs(const NcsAnalysisSettings& st) {
    return st.test == NcsTest::HReflex || st.test == NcsTest::Rns ? 2.0 * st.sweep.windowMs : st.sweep.windowMs;
}

double detail::keptPostStimulusMs(const NcsAnalysisSettings& st) {
    return std::max({st.sweep.windowMs + st.longPostWindowMs, atStimulusWindowMs(st), 20.0, st.detection.artifact.maxBlankMs});
}

std::vector<std::pair<std::size_t, std::size_t>> detail::levelStepSearch(const PreparedSignal& p, const NcsAnalysisSettings& st,
                                                                         std::size_t totalSamples) {
    if (st.test != NcsTest::FWave && st.test != NcsTest::HReflex && st.test != NcsTest::Rns) return {};
    const double fs = p.sampleRateHz;
    const auto ms = [&](double v) { return static_cast<std::int64_t>(std::llround(v * 1e-3 * fs)); };
    std::vector<std::int64_t> stims;
    for (const auto& m : p.stimuli)
        if (m.sampleIndex >= 0) stims.push_back(m.sampleIndex);
    std::sort(stims.begin(), stims.end());
    const auto total = static_cast<std::int64_t>(totalSamples);
    const std::int64_t after = ms(std::max(st.sweep.windowMs, 20.0)), guard = ms(1.0), reach = ms(1000.0), least = std::max<std::int64_t>(16, ms(2.0));
    std::vector<std::pair<std::size_t, std::size_t>> ranges;
    const auto add = [&](std::int64_t a, std::int64_t b) {
        a = std::clamp<std::int64_t>(a, 0, total);
        b = std::clamp<std::int64_t>(b, 0, total);
        if (b - a >= least) ranges.emplace_back(static_cast<std::size_t>(a), static_cast<std::size_t>(b));
    };
    std::int64_t from = std::numeric_limits<std::int64_t>::min() / 2;   // (before the first stimulus: its 1 s)
    for (std::size_t k = 0; k <= stims.size(); ++k) {
        const std::int64_t to = k < stims.size() ? stims[k] - guard : std::numeric_limits<std::int64_t>::max() / 2;
        if (to - from <= 2 * reach) add(from, to);
        else {
            add(from, from + reach);
            add(to - reach, to);
        }
        if (k < stims.size()) from = std::max(from, stims[k] + after);
    }
    std::sort(ranges.begin(), ranges.end());
    std::vector<std::pair<std::size_t, std::size_t>> merged;   // (overlapping windows of close stimuli: disjoint ranges)
    for (const auto& r : ranges) {
        if (!merged.empty() && r.first < merged.back().second) merged.back().second = std::max(merged.back().second, r.second);
        else merged.push_back(r);
    }
    return merged;
}

void detail::setLevelStepsTakenOut(PreparedSignal& p, std::vector<std::pair<std::int64_t, double>> steps) {
    std::sort(steps.begin(), steps.end());
    p.levelStepsTakenOut = std::move(steps);
    if (p.levelStepsTakenOut.empty()) return;
    const auto largest = *std::max_element(p.levelStepsTakenOut.begin(), p.levelStepsTakenOut.end(),
                                           [](const auto& a, const auto& b) { return std::abs(a.second) < std::abs(b.second); });
    std::ostringstream n;
    n.precision(4);
    n << p.levelStepsTakenOut.size() << " lasting step" << (p.levelStepsTakenOut.size() == 1 ? "" : "s")
      << " of the level between the stimuli (a lead or electrode moved, or a record of another acquisition starts) taken out of the "
         "unfiltered signal before filtering, so that no filter spreads them into a sweep; largest "
      << largest.second << " uV at sample " << largest.first;
    p.notes.push_back(n.str());
}

void detail::takeOutLevelSteps(const PreparedSignal& p, std::size_t from, std::span<double> x) {
    const auto& steps = p.levelStepsTakenOut;
    if (steps.empty() || x.empty()) return;
    double level = 0.0;
    auto it = steps.begin();
    for (; it != steps.end() && it->first <= static_cast<std::int64_t>(from); ++it) level += it->second;
    for (std::size_t i = 0; i < x.size(); ++i) {
        while (it != steps.end() && it->first <= static_cast<std::int64_t>(from + i)) level += (it++)->second;
        x[i] -= level;
    }
}

std::vector<std::pair<std::size_t, std::size_t>> detail::gluedSearch(const PreparedSignal& p, const NcsAnalysisSettings& st, std::size_t totalSamples) {
    if ((st.test != NcsTest::HReflex && st.test != NcsTest::Rns) || !p.acquisitionStarts.empty()) return {};
    std::vector<std::int64_t> samples;
    for (const auto& m : p.stimuli) samples.push_back(m.sampleIndex);
    if (!std::is_sorted(samples.begin(), samples.end())) return {};
    return gluedSearchRanges(samples, totalSamples, p.sampleRateHz, st.sweep.windowMs, kGluedRecordSearchMs);
}

void detail::setGluedRecords(PreparedSignal& p, const std::vector<std::pair<std::size_t, std::size_t>>& searched,
                             const std::vector<std::optional<std::int64_t>>& steps) {
    std::vector<std::int64_t> samples;
    for (const auto& m : p.stimuli) samples.push_back(m.sampleIndex);
    const auto looked = static_cast<std::size_t>(std::count_if(searched.begin(), searched.end(), [](const auto& r) { return r.first < r.second; }));
    p.gluedRecordStarts = gluedRecordStarts(samples, p.sampleRateHz, steps, looked);
    if (p.gluedRecordStarts.empty()) return;
    std::ostringstream n;
    n.precision(3);
    n << "records of separate acquisitions glued back to back (the level jumps "
      << static_cast<double>(samples.back() - p.gluedRecordStarts.back()) * 1000.0 / p.sampleRateHz
      << " ms before every stimulus): each sweep measured from its stimulus alone, as records that start at it";
    p.notes.push_back(n.str());
}

PreparedSignal prepareSignal(const Recording& rec, std::optional<int> channel, const NcsAnalysisSettings& st) {
    PreparedSignal p = describeLoadedSignal(rec, channel, st.test);
    prepareSamples(p, rec.channels[static_cast<std::size_t>(p.channelIndex)].samples, KeepRaw::Always, st);
    return p;
}

PreparedSignal prepareSignal(Recording&& rec, std::optional<int> channel, const NcsAnalysisSettings& st, bool keepRawUv) {
    PreparedSignal p = describeLoadedSignal(rec, channel, st.test);
    std::vector<double> x = std::move(rec.channels[static_cast<std::size_t>(p.channelIndex)].samples);
    for (auto& c : rec.channels) std::vector<double>().swap(c.samples);   // the trigger channel is read: released
    prepareSamples(p, std::move(x), keepRawUv ? KeepRaw::WhereMeasured : KeepRaw::Never, st);
    return p;
}

PreparedSignal prepareSignal(Recording&& rec, const std::vector<std::size_t>& sampleCounts, std::optional<int> channel,
                             const NcsAnalysisSettings& st, bool keepRawUv, const std::function<std::vector<double>(std::size_t)>& load) {
    const auto count = [&](std::size_t i) { return i < sampleCounts.size() ? sampleCounts[i] : rec.channels[i].samples.size(); };
    std::optional<std::vector<double>> loaded;   // the channel, when reading it was needed to find the stimuli
    PreparedSignal p = describeSignal(rec, channel, count, ArtifactSource{st.test, [&](std::size_t i) -> const std::vector<double>& {
                                                                             loaded = load(i);
                                                                             return *loaded;
                                                                         }});
    for (auto& c : rec.channels) std::vector<double>().swap(c.samples);   // the trigger channel is read: released
    const auto index = static_cast<std::size_t>(p.channelIndex);
    std::vector<double> x = loaded ? std::move(*loaded) : load(index);
    if (x.size() != count(index))
        throw std::runtime_error("channel '" + p.channelLabel + "' changed while it was read (" + std::to_string(count(index)) +
                                 " samples, then " + std::to_string(x.size()) + "): was the file being written?");
    prepareSamples(p, std::move(x), keepRawUv ? KeepRaw::WhereMeasured : KeepRaw::Never, st);
    return p;
}

namespace {
SampleRangeReader readerOf(const SampleWindows& w) {
    return [&w](std::size_t from, std::span<double> out) { w.read(from, out); };
}

/// Sweeps of the channel measured (rawUv when there, else filteredUv; or their windows).
std::vector<Sweep> cutMeasured(const PreparedSignal& signal, std::span<const std::int64_t> samples, const SweepSettings& cut) {
    if (signal.filteredWindows.held()) {
        const auto& w = signal.rawWindows.held() ? signal.rawWindows : signal.filteredWindows;
        return cutSweeps(w.samples(), readerOf(w), signal.sampleRateHz, samples, cut);
    }
    return cutSweeps(signal.rawUv.empty() ? signal.filteredUv : signal.rawUv, signal.sampleRateHz, samples, cut);
}

/// The stimuli at `site` (all when empty): their sample indices and their indices in signal.stimuli.
void stimuliOfSite(const PreparedSignal& signal, const std::string& site, std::vector<std::int64_t>& samples,
                   std::vector<std::size_t>& index) {
    for (std::size_t i = 0; i < signal.stimuli.size(); ++i)
        if (site.empty() || signal.stimuli[i].site == site) {
            samples.push_back(signal.stimuli[i].sampleIndex);
            index.push_back(i);
        }
}
}  // namespace

std::vector<Sweep> siteSweeps(const PreparedSignal& signal, const std::string& site, const SweepSettings& sweep,
                              std::vector<std::optional<double>>* intensities) {
    std::vector<std::int64_t> samples;
    std::vector<std::size_t> index;
    stimuliOfSite(signal, site, samples, index);
    auto sweeps = signal.filteredWindows.held()
                      ? cutSweeps(signal.filteredWindows.samples(), readerOf(signal.filteredWindows), signal.sampleRateHz, samples, sweep)
                      : cutSweeps(signal.filteredUv, signal.sampleRateHz, samples, sweep);
    // Within each stimulus's own acquisition (an EDF+D segment): no sweep reaching across a hole
    // into another's signal. (A record starting at its stimulus gives no sweep here: the late
    // responses' baseline is the pre-trigger, docs/measurements.md section 4.)
    keepWithinAcquisitions(sweeps, signal, sweep, signal.sampleCount());
    if (intensities) intensities->clear();
    for (auto& s : sweeps) {
        s.index = index[s.index];   // global stimulus index
        s.stimulusTimeSec = signal.stimuli[s.index].timeSec;
        if (intensities) intensities->push_back(signal.stimuli[s.index].intensityMa);
    }
    return sweeps;
}

std::vector<Sweep> lateResponseSweeps(const PreparedSignal& signal, const std::string& site, const NcsAnalysisSettings& st,
                                      std::vector<std::optional<double>>* intensities, std::string* filterDescription) {
    std::vector<std::int64_t> samples;
    std::vector<std::size_t> index;
    stimuliOfSite(signal, site, samples, index);
    SweepSettings cut = preTriggerWithin(signal, samples, st.sweep);
    const bool unfilteredHeld = !signal.rawUv.empty() || signal.rawWindows.held();
    const bool glued = !signal.gluedRecordStarts.empty();
    if ((cut.preTriggerMs >= st.sweep.preTriggerMs && !glued) || !unfilteredHeld) {
        if (filterDescription) *filterDescription = signal.filterDescription;
        return siteSweeps(signal, site, st.sweep, intensities);
    }
    // Records that start at the stimulus (or a little before it, less than the pre-trigger): the
    // whole signal's zero-phase high-pass runs across the records, each with its own DC, and bends
    // every record's start (M's end then read late); each unfiltered sweep is low-passed alone,
    // from the stimulus on (the way analyzeFWaves measures sweeps with nothing before it; the
    // unfiltered sweeps measured against a short pre-trigger were not tried), its DC and drift
    // left to analyzeFWaves.
    cut.preTriggerMs = 0.0;
    // An H-reflex or RNS sweep is measured alone: it takes what its record holds after the window
    // (up to twice the window), the signal after the responses its level and hum are fitted on (a
    // 60 ms window leaves ~12 ms after a soleus H, less than a mains period; a 30 ms RNS window
    // ~10 ms after a hand CMAP). A shorter record ends its sweep.
    if (detail::atStimulusWindowMs(st) > cut.windowMs) {
        cut.minWindowMs = std::min(cut.minWindowMs > 0.0 ? cut.minWindowMs : cut.windowMs, cut.windowMs);
        cut.windowMs = detail::atStimulusWindowMs(st);
    }
    auto sweeps = cutMeasured(signal, samples, cut);
    keepWithinAcquisitions(sweeps, signal, cut, signal.sampleCount());
    // Glued records (each its own acquisition, no hole between them): what lies before the
    // stimulus is its record's pre-trigger, but the whole signal's high-pass and hum fit have run
    // across the records' jumps and hum phases; each sweep is measured as a record that starts at
    // its stimulus, and ends where the next record starts.
    if (glued) truncateAtRecordStarts(sweeps, signal.gluedRecordStarts, signal.sampleRateHz, cut.minWindowMs);
    FilterPreset lowOnly = st.preset;
    lowOnly.highPassHz = 0.0;
    lowOnly.notchHz = 0.0;
    const auto chain = buildFilter(lowOnly, signal.sampleRateHz, 0.0);
    if (filterDescription)
        *filterDescription = std::string(glued ? "records of separate acquisitions glued back to back: each sweep from its stimulus, unfiltered but for "
                                               : "records that start at the stimulus: each sweep unfiltered but for ") +
                             (chain.cascade.empty() ? std::string("nothing (no low-pass below the Nyquist frequency)") : chain.description()) +
                             " (zero-phase, on the sweep alone); no high-pass (it would run across the records), the stimulus artifact "
                             "not blanked (" + (glued ? "the sweep starts at it" : "nothing before it") + "); DC, drift and hum fitted on each sweep";
    if (intensities) intensities->clear();
    for (auto& s : sweeps) {
        s.index = index[s.index];
        s.stimulusTimeSec = signal.stimuli[s.index].timeSec;
        s.gluedRecord = glued;
        if (intensities) intensities->push_back(signal.stimuli[s.index].intensityMa);
        if (s.truncated && s.timeMs(static_cast<double>(s.uv.size())) >= st.sweep.windowMs - 1e-9) s.truncated = false;   // the window is all there
        if (s.uv.size() >= 2) filtfiltInPlace(chain.cascade, std::span<double>(s.uv));
    }
    return sweeps;
}

namespace {
/// Where the response ends on the average of the (full-length) sweeps, each less its
/// pre-stimulus level (with nothing before the stimulus: less its own DC, drift and hum fitted on
/// its last part, removeSweepTailTrend; a level alone leaves every record's drift and hum in the
/// average, taken for a response to the window's end): the common window the per-sweep baseline
/// models leave out.
double commonResponseEndMs(const std::vector<Sweep>& sw, const SweepBaselineSettings& bs) {
    std::size_t longest = 0;
    for (const auto& x : sw) longest = std::max(longest, x.uv.size());
    Sweep avg;
    std::size_t count = 0;
    for (const auto& x : sw) {
        if (x.uv.size() != longest) continue;
        if (avg.uv.empty()) {
            avg = x;
            std::fill(avg.uv.begin(), avg.uv.end(), 0.0);
        }
        if (x.preSamples < 2) {   // nothing before the stimulus: the sweep less its own DC, drift and hum fitted on its last part
            Sweep y = x;
            removeSweepTailTrend(y, bs);
            for (std::size_t i = 0; i < longest; ++i) avg.uv[i] += y.uv[i];
        } else {
            const double level = baselineStats(x).meanUv;
            for (std::size_t i = 0; i < longest; ++i) avg.uv[i] += x.uv[i] - level;
        }
        ++count;
    }
    for (auto& v : avg.uv) v /= static_cast<double>(std::max<std::size_t>(1, count));
    return removeSweepBaseline(avg, bs).responseEndMs;
}
/// How much signal before each stimulus in `samples` is free of the previous stimulus's window
/// (`windowMs` after it) and of the file's start, at most `limitMs`.
double freePreStimulusMs(const PreparedSignal& signal, const std::vector<std::int64_t>& samples, double windowMs, double limitMs) {
    const double fs = signal.sampleRateHz;
    double freeMs = limitMs;
    for (std::int64_t sm : samples) {
        for (const auto& other : signal.stimuli)
            if (other.sampleIndex < sm)
                freeMs = std::min(freeMs, static_cast<double>(sm - other.sampleIndex) * 1000.0 / fs - windowMs);
        freeMs = std::min(freeMs, static_cast<double>(sm - acquisitionStart(signal, sm)) * 1000.0 / fs);   // its own acquisition only
    }
    return freeMs;
}

/// How much signal after each stimulus's window (`windowMs` after the stimulus in `samples`) is
/// free of the next stimulus (of any site, less a 1 ms guard) and of the file's end, at most `limitMs`.
double freePostWindowMs(const PreparedSignal& signal, std::size_t total, const std::vector<std::int64_t>& samples, double windowMs,
                        double limitMs) {
    const double fs = signal.sampleRateHz;
    double freeMs = limitMs;
    for (std::int64_t sm : samples) {
        for (const auto& other : signal.stimuli)
            if (other.sampleIndex > sm)
                freeMs = std::min(freeMs, static_cast<double>(other.sampleIndex - sm) * 1000.0 / fs - windowMs - 1.0);
        const std::int64_t end = signal.acquisitionStarts.empty() ? static_cast<std::int64_t>(total) : acquisitionEnd(signal, sm);
        freeMs = std::min(freeMs, static_cast<double>(end - sm) * 1000.0 / fs - windowMs - 1.0);
    }
    return std::max(0.0, freeMs);
}

/// Robust SD of the first differences of x about their median (1.4826 x MAD) and that median.
double diffSpread(const std::vector<double>& x, std::vector<double>& d, double& med) {
    d.clear();
    for (std::size_t i = 1; i < x.size(); ++i) d.push_back(x[i] - x[i - 1]);
    std::vector<double> sorted = d;
    const auto mid = sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2);
    std::nth_element(sorted.begin(), mid, sorted.end());
    med = *mid;
    for (auto& v : sorted) v = std::fabs(v - med);
    std::nth_element(sorted.begin(), mid, sorted.end());
    return 1.4826 * *mid;
}

/// How much of the signal after each stimulus's window (at most `limitMs`) is one stretch of
/// acquisition: up to the first step between two samples (as continuousPreStimulusMs).
double continuousPostWindowMs(std::size_t total, const SampleRangeReader& read, double fs, const std::vector<std::int64_t>& samples,
                              double windowMs, double limitMs) {
    double freeMs = limitMs;
    const auto win = static_cast<std::int64_t>(std::ceil(windowMs * 1e-3 * fs));
    const auto span = static_cast<std::int64_t>(limitMs * 1e-3 * fs);
    std::vector<double> x, d;
    for (std::int64_t sm : samples) {
        const std::int64_t lo = sm + win - 1, hi = std::min<std::int64_t>(sm + win + span, static_cast<std::int64_t>(total));
        if (lo < 0 || hi - lo < 16) continue;
        x.resize(static_cast<std::size_t>(hi - lo));
        read(static_cast<std::size_t>(lo), std::span<double>(x));
        double med = 0.0;
        const double sd = diffSpread(x, d, med);
        if (!(sd > 0.0)) continue;
        for (std::size_t k = 0; k < d.size(); ++k)
            if (std::fabs(d[k] - med) > 8.0 * sd) {   // samples lo + k + 1 on follow the step
                freeMs = std::min(freeMs, static_cast<double>(k) * 1000.0 / fs);
                break;
            }
    }
    return freeMs;
}

/// How much of the signal before each stimulus in `samples` (at most `limitMs`) is one stretch of
/// acquisition: back to the nearest step between two samples (the first difference beyond 8 x its
/// robust SD, 1.4826 x the median absolute deviation, over the stretch). Records of separate
/// acquisitions (one EDF record per sweep) start with their own DC level and hum phase; a baseline
/// model fitted across such a step fits neither record.
double continuousPreStimulusMs(std::size_t total, const SampleRangeReader& read, double fs, const std::vector<std::int64_t>& samples,
                               double limitMs) {
    double freeMs = limitMs;
    const auto span = static_cast<std::int64_t>(limitMs * 1e-3 * fs);
    std::vector<double> x;
    for (std::int64_t sm : samples) {
        const std::int64_t lo = std::max<std::int64_t>(1, sm - span), hi = std::min<std::int64_t>(sm, static_cast<std::int64_t>(total));
        if (hi - lo < 16) continue;
        x.resize(static_cast<std::size_t>(hi - lo + 1));   // samples lo - 1 .. hi - 1
        read(static_cast<std::size_t>(lo - 1), std::span<double>(x));
        std::vector<double> d;
        for (std::size_t i = 1; i < x.size(); ++i) d.push_back(x[i] - x[i - 1]);
        std::vector<double> sorted = d;
        const auto mid = sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2);
        std::nth_element(sorted.begin(), mid, sorted.end());
        const double med = *mid;
        for (auto& v : sorted) v = std::fabs(v - med);
        std::nth_element(sorted.begin(), mid, sorted.end());
        const double sd = 1.4826 * *mid;
        if (!(sd > 0.0)) continue;
        for (std::size_t k = d.size(); k-- > 0;)
            if (std::fabs(d[k] - med) > 8.0 * sd) {   // the samples from lo + k on follow the step
                freeMs = std::min(freeMs, static_cast<double>(sm - (lo + static_cast<std::int64_t>(k))) * 1000.0 / fs);
                break;
            }
    }
    return freeMs;
}

/// continuousPreStimulusMs on the channel measured (rawUv when there, else filteredUv; or their
/// windows); with `windowMs` > 0, continuousPostWindowMs after that window, less what the next
/// stimulus and the file's end leave (freePostWindowMs).
double measuredFreeMs(const PreparedSignal& signal, const std::vector<std::int64_t>& samples, double limitMs, double windowMs = 0.0) {
    const double fs = signal.sampleRateHz;
    std::size_t total = 0;
    SampleRangeReader read;
    if (signal.filteredWindows.held()) {
        const auto& w = signal.rawWindows.held() ? signal.rawWindows : signal.filteredWindows;
        total = w.samples();
        read = readerOf(w);
    } else {
        const std::vector<double>& x = signal.rawUv.empty() ? signal.filteredUv : signal.rawUv;
        total = x.size();
        read = [&x](std::size_t from, std::span<double> out) {
            std::copy_n(x.begin() + static_cast<std::ptrdiff_t>(from), out.size(), out.begin());
        };
    }
    if (windowMs <= 0.0) return continuousPreStimulusMs(total, read, fs, samples, limitMs);
    const double freeMs = freePostWindowMs(signal, total, samples, windowMs, limitMs);
    return freeMs > 0.0 ? continuousPostWindowMs(total, read, fs, samples, windowMs, freeMs) : 0.0;
}

/// The residual power of the short sweeps and of the longer ones on the samples the short fits
/// used (before the stimulus, less a 0.2 ms guard, and after each short fit's response end).
void residualPowers(const std::vector<Sweep>& sweeps, const std::vector<Sweep>& longer, const std::vector<SweepBaseline>& fits,
                    const std::vector<SweepBaseline>& longFits, double fs, double& shortPower, double& longPower) {
    for (std::size_t k = 0; k < longer.size() && k < sweeps.size(); ++k) {
        const auto& w = sweeps[k];
        const std::size_t drop = longer[k].preSamples - w.preSamples;
        const auto guard = static_cast<std::size_t>(std::ceil(0.2e-3 * fs));
        const std::size_t gapLo = w.preSamples > guard + 2 ? w.preSamples - guard : w.preSamples;
        // Outside both fits' response windows: a short fit whose window ended before the response
        // (on a hum it could not model) has partly fitted the response there, and its smaller
        // residual on those samples would say nothing about the hum.
        const double endMs = std::max(fits[k].responseEndMs, k < longFits.size() ? longFits[k].responseEndMs : 0.0);
        const auto gapHi = static_cast<std::size_t>(std::clamp(std::ceil(w.sampleAt(endMs)), 0.0, static_cast<double>(w.uv.size())));
        for (std::size_t i = 0; i < w.uv.size() && i + drop < longer[k].uv.size(); ++i) {
            if (i >= gapLo && i < gapHi) continue;
            shortPower += w.uv[i] * w.uv[i];
            longPower += longer[k].uv[i + drop] * longer[k].uv[i + drop];
        }
    }
}
/// The longer sweeps (cut with more signal before the stimulus and after the window for their
/// baseline models) trimmed back to the short ones' span; false when they do not match them.
bool trimmedTo(std::vector<Sweep>& longer, const std::vector<Sweep>& sweeps) {
    for (std::size_t k = 0; k < longer.size(); ++k) {
        auto& x = longer[k];
        const std::size_t pre = sweeps[k].preSamples;
        if (x.preSamples < pre || x.index != sweeps[k].index) return false;
        const std::size_t drop = x.preSamples - pre;
        x.uv.erase(x.uv.begin(), x.uv.begin() + static_cast<std::ptrdiff_t>(drop));
        x.preSamples = pre;
        if (x.uv.size() < sweeps[k].uv.size()) return false;
        x.uv.resize(sweeps[k].uv.size());
        x.truncated = sweeps[k].truncated;
    }
    return true;
}
}  // namespace

/// How much signal after the window a sweep with nothing before its stimulus may take for its baseline model.
constexpr double kNoPreLongPostWindowMs = 50.0;

std::vector<Sweep> measurementSweeps(const PreparedSignal& signal, const std::string& site, const NcsAnalysisSettings& st,
                                     std::vector<std::optional<double>>* intensities, std::vector<double>* noiseUv, std::vector<double>* humUv,
                                     std::vector<SweepBaseline>* fitsOut) {
    std::vector<std::int64_t> samples;
    std::vector<std::size_t> index;
    stimuliOfSite(signal, site, samples, index);
    SweepSettings cut = st.sweep;
    cut.minWindowMs = std::min(st.minTruncatedWindowMs, st.sweep.windowMs);
    // No stimulus of the site has the pre-trigger's signal before it (a file whose records start
    // at the stimulus): the sweeps start where the least signal allows, and their baseline is
    // fitted on the latent period and after the response (removeSweepBaseline).
    cut = preTriggerWithin(signal, samples, cut);   // counted within each stimulus's own acquisition (an EDF+D segment)
    auto sweeps = cutMeasured(signal, samples, cut);
    keepWithinAcquisitions(sweeps, signal, cut);
    if (intensities) intensities->clear();
    if (noiseUv) noiseUv->clear();
    if (humUv) humUv->clear();
    for (auto& s : sweeps) {
        s.index = index[s.index];
        if (intensities) intensities->push_back(signal.stimuli[s.index].intensityMa);
    }
    // Few sweeps (a motor site): each sweep's own baseline model, its response end found on the
    // sweep itself. Many (averaging, a small response): the response end is found on the average
    // of the sweeps (each less its pre-stimulus level), where the response stands out of the
    // noise; then each sweep gets its own model (DC, drift, hum: records from separate
    // acquisitions differ in all three) fitted outside that common response window.
    const bool perSweepModel = sweeps.size() <= 3;
    auto removeBaselines = [&](std::vector<Sweep>& sw, double mainsHz, std::vector<SweepBaseline>& out) {
        SweepBaselineSettings bs;
        bs.mainsHz = mainsHz;
        bs.driftFromTail = !perSweepModel;   // averaged records with nothing before the stimulus: each its own drift
        out.clear();
        double commonEndMs = 0.0;
        if (!perSweepModel) {
            commonEndMs = commonResponseEndMs(sw, bs);
            // Nothing before the stimulus and no response standing out of the average's noise (its
            // end is the sweep's end): the sweeps lengthened past the measurement window are fitted
            // after that window, where no response is measured (a SNAP too small to see, or none).
            std::size_t longest = 0;
            for (const auto& x : sw) longest = std::max(longest, x.uv.size());
            if (!sw.empty() && sw.front().preSamples < 2 && commonEndMs >= sw.front().timeMs(static_cast<double>(longest)) - 1e-9)
                commonEndMs = std::min(commonEndMs, cut.windowMs);
        }
        double total = 0.0;
        for (auto& x : sw) {
            out.push_back(perSweepModel ? removeSweepBaseline(x, bs) : removeSweepBaselineOutside(x, commonEndMs, bs));
            total += out.back().noiseRmsUv * out.back().noiseRmsUv;
        }
        return total;
    };
    // The hum's frequency: the file-wide detection, unless the other of 50/60 Hz leaves a clearly
    // smaller residual over the site's sweeps (the detection can be misled by short records with
    // gaps); when nothing was detected, whichever leaves the smaller residual; none when the
    // settings say so.
    auto fitAll = [&](std::vector<Sweep>& sw, std::vector<SweepBaseline>& fits) {
        if (signal.sweepMainsHz == 0.0 || sw.empty()) return removeBaselines(sw, 0.0, fits);
        std::vector<Sweep> other = sw;
        std::vector<SweepBaseline> otherFits;
        const double r50 = removeBaselines(sw, 50.0, fits);
        const double r60 = removeBaselines(other, 60.0, otherFits);
        // The detected frequency stands unless the other leaves clearly less (rms below 0.8 x):
        // fits with different left-out windows are not compared on equal terms.
        const bool take60 = signal.sweepMainsHz == 60.0 ? r50 >= 0.64 * r60 : (signal.sweepMainsHz == 50.0 ? r60 < 0.64 * r50 : r60 < r50);
        if (take60) {
            sw = std::move(other);
            fits = std::move(otherFits);
            return r60;
        }
        return r50;
    };
    std::vector<SweepBaseline> fits;
    fitAll(sweeps, fits);
    // Short windows leave too little beside the response to fit a 50/60 Hz hum and its harmonics
    // (terms are then dropped in most sweeps): a sensory sweep (5 ms before, 20 ms after), where
    // the hum left in every sweep does not average out when the stimuli are locked to the mains
    // (one per 100 ms record), and a proximal motor response that fills most of its 50 ms window
    // (the residual hum under its slow take-off read as an early or late onset). Where the signal before
    // each stimulus is free of the previous stimulus's window, the model is fitted again on sweeps
    // with a longer pre-stimulus part (up to longPreTriggerMs). It is kept when, on the samples the
    // short fit used (before the stimulus and after the response), it leaves a residual not clearly
    // larger than the short fit's own (rms below 1.1 x): the short fit, with few samples on either
    // side of the response, follows a piece of hum by its DC and slope there and then misses it
    // inside the response window, so its own residual says nothing about that; a step between
    // records or a curved drift, which one model of DC, linear drift and hum cannot follow over the
    // longer stretch, leaves a clearly larger residual on those samples. The sweeps are then
    // trimmed back to the window.
    const auto humless = std::count_if(fits.begin(), fits.end(), [](const SweepBaseline& b) { return b.humHarmonics < b.humHarmonicsWanted; });
    const bool averaging = !perSweepModel && st.longPostWindowMs > 0.0;
    // Nothing before the stimulus: the sweep after the window is the baseline's only anchor beside
    // the latent period (a proximal CMAP leaves ~10 ms of a 50 ms window, less than one hum period).
    const bool noPre = cut.preTriggerMs < st.sweep.preTriggerMs;
    const double longPostMs = noPre ? std::max(st.longPostWindowMs, kNoPreLongPostWindowMs) : st.longPostWindowMs;
    if ((signal.sweepMainsHz != 0.0 || noPre) && st.longPreTriggerMs > cut.preTriggerMs &&
        (averaging || noPre || 2 * static_cast<std::size_t>(humless) > fits.size())) {
        const double freeMs = std::min(freePreStimulusMs(signal, samples, cut.windowMs, st.longPreTriggerMs),
                                       measuredFreeMs(signal, samples, st.longPreTriggerMs));
        const double postMs = averaging || noPre ? measuredFreeMs(signal, samples, longPostMs, cut.windowMs) : 0.0;
        const bool longPre = freeMs >= 2.0 * cut.preTriggerMs, longPost = postMs >= 10.0;
        const double fs = signal.sampleRateHz;
        if (longPre || longPost) {
            SweepSettings longCut = cut;
            longCut.preTriggerMs = longPre ? freeMs : cut.preTriggerMs;
            longCut.windowMs = cut.windowMs + (longPost ? postMs : 0.0);
            auto longer = cutMeasured(signal, samples, longCut);
            if (longer.size() == sweeps.size()) {
                for (auto& x : longer) x.index = index[x.index];
                std::vector<SweepBaseline> longFits;
                fitAll(longer, longFits);
                double shortPower = 0.0, longPower = 0.0;   // on the samples the short fits used
                residualPowers(sweeps, longer, fits, longFits, fs, shortPower, longPower);
                // With nothing before the stimulus and many sweeps, the short fits may leave no sample
                // after both response windows to compare on (a 20 ms sensory window): the longer fit,
                // on up to 50 ms after the window, is the one that pins each record's drift and hum.
                const bool nothingToCompare = noPre && averaging && shortPower == 0.0 && longPower == 0.0;
                if ((longPower < 1.21 * shortPower || nothingToCompare) && trimmedTo(longer, sweeps)) {
                    sweeps = std::move(longer);
                    fits = std::move(longFits);
                }
            }
        }
    }
    for (const auto& b : fits) {
        if (noiseUv) noiseUv->push_back(b.noiseRmsUv);
        if (humUv) humUv->push_back(b.humAmplitudeUv);
    }
    if (fitsOut) *fitsOut = std::move(fits);
    return sweeps;
}

namespace {
std::string fmt(double v, int precision = 3) {
    std::ostringstream o;
    o.precision(precision);
    o << v;
    return o.str();
}

/// Complete sweeps are averaged; a sweep cut short by the end of the file is named in the
/// warnings, or, when the site has no complete sweep, all are cut to the shortest and measured.
std::vector<Sweep> handleTruncated(std::vector<Sweep> sweeps, const PreparedSignal& signal, const NcsAnalysisSettings& st, SiteResult& r,
                                   std::vector<std::size_t>* kept) {
    std::vector<Sweep> complete;
    std::size_t shortest = sweeps.empty() ? 0 : sweeps.front().uv.size();
    for (std::size_t k = 0; k < sweeps.size(); ++k) {
        const auto& s = sweeps[k];
        shortest = std::min(shortest, s.uv.size());
        if (s.truncated) r.truncatedIndices.push_back(s.index);
        else {
            complete.push_back(s);
            if (kept) kept->push_back(k);
        }
    }
    const double fs = signal.sampleRateHz;
    if (!complete.empty()) {
        for (const auto& s : sweeps)
            if (s.truncated)
                r.warnings.push_back("stimulus " + std::to_string(s.index) + " (site " + r.site + ", " + fmt(signal.stimuli[s.index].timeSec, 6) +
                                     " s): the file ends " + fmt(s.timeMs(static_cast<double>(s.uv.size()))) + " ms after it (window " +
                                     fmt(st.sweep.windowMs) + " ms): not averaged, the complete sweeps are measured");
        return complete;
    }
    if (sweeps.empty()) return sweeps;
    if (kept) {
        kept->clear();
        for (std::size_t k = 0; k < sweeps.size(); ++k) kept->push_back(k);
    }
    for (auto& s : sweeps) s.uv.resize(shortest);
    r.warnings.push_back("site " + r.site + ": the file ends " + fmt((static_cast<double>(shortest) - static_cast<double>(sweeps.front().preSamples)) * 1000.0 / fs) +
                         " ms after the stimulus (window " + fmt(st.sweep.windowMs) + " ms): measured over what is there");
    return sweeps;
}
/// Why stimulus `i` got no sweep: the file ends too soon after it, or too little signal lies before
/// it for the baseline (a file whose data records start at the stimulus, as the EDF+
/// specification's nerve conduction example does, has none).
std::string uncutReason(const PreparedSignal& signal, const NcsAnalysisSettings& st, std::size_t i) {
    const double fs = signal.sampleRateHz;
    const std::int64_t sm = signal.stimuli[i].sampleIndex;
    if (sm < 0) return "it lies in a hole of the recording, where nothing was recorded";
    const bool several = !signal.acquisitionStarts.empty();
    // whichever of the signal's forms holds it (a late response's keeps the filtered samples only)
    const auto end = static_cast<double>(acquisitionEnd(signal, sm));
    const double afterMs = (end - static_cast<double>(sm)) * 1000.0 / fs;
    const double beforeMs = static_cast<double>(sm - acquisitionStart(signal, sm)) * 1000.0 / fs;
    if (several && afterMs < st.minTruncatedWindowMs) return "its segment of the recording ends " + fmt(afterMs) + " ms after it";
    if (several && beforeMs < st.sweep.preTriggerMs)
        return "only " + fmt(std::max(0.0, beforeMs)) + " ms of its segment of the recording before it, where other stimuli of the site have " +
               fmt(st.sweep.preTriggerMs) + " ms";
    if (beforeMs < st.sweep.preTriggerMs)
        return "only " + fmt(std::max(0.0, beforeMs)) + " ms of signal before it (the baseline needs " + fmt(st.sweep.preTriggerMs) +
               " ms; a file whose records start at the stimulus has none)";
    if (afterMs < st.minTruncatedWindowMs) return "the file ends " + fmt(afterMs) + " ms after it";
    if (afterMs < st.sweep.windowMs)   // a late response's sweep is whole or none
        return "the " + std::string(several ? "segment of the recording" : "file") + " ends " + fmt(afterMs) + " ms after it, within its " +
               fmt(st.sweep.windowMs) + " ms sweep";
    return "too close to the end of the recording";
}

/// The site's stimuli that got no sweep are named in the warnings, with the reason.
void warnUncut(const PreparedSignal& signal, const std::vector<Sweep>& all, const NcsAnalysisSettings& st, SiteResult& r) {
    if (all.empty()) return;
    for (std::size_t i : r.stimulusIndices) {
        const bool cut = std::any_of(all.begin(), all.end(), [&](const Sweep& w) { return w.index == i; });
        if (!cut)
            r.warnings.push_back("stimulus " + std::to_string(i) + " (site " + r.site + ", " + fmt(signal.stimuli[i].timeSec, 6) +
                                 " s): " + uncutReason(signal, st, i) + ": not measured");
    }
}

/// No stimulus of the site gave a sweep: the response note and a warning per stimulus say why.
void noteNoSweeps(const PreparedSignal& signal, const NcsAnalysisSettings& st, SiteResult& r) {
    r.response.note = "every stimulus at this site is too close to the start or end of the recording";
    for (std::size_t i : r.stimulusIndices)
        r.warnings.push_back("stimulus " + std::to_string(i) + " (site " + r.site + ", " + fmt(signal.stimuli[i].timeSec, 6) + " s): " +
                             uncutReason(signal, st, i) + ": no sweep cut, not measured");
}

template <typename T>
std::vector<T> picked(const std::vector<T>& values, const std::vector<std::size_t>& keep) {
    std::vector<T> out;
    for (auto k : keep) out.push_back(values[k]);
    return out;
}
}  // namespace

std::vector<std::string> uncutStimulusWarnings(const PreparedSignal& signal, const std::string& site, const std::vector<Sweep>& sweeps,
                                               const NcsAnalysisSettings& st) {
    SiteResult r;
    r.site = site;
    std::vector<std::int64_t> samples;
    stimuliOfSite(signal, site, samples, r.stimulusIndices);
    // the reason against the pre-trigger the sweeps were cut with (lateResponseSweeps cuts those of
    // records that start at the stimulus with none: a short last record is then short after it,
    // not "0 ms before it, where other stimuli have 5 ms")
    NcsAnalysisSettings cutWith = st;
    if (!sweeps.empty() && signal.sampleRateHz > 0.0)
        cutWith.sweep.preTriggerMs = std::min(st.sweep.preTriggerMs, static_cast<double>(sweeps.front().preSamples) * 1000.0 / signal.sampleRateHz);
    warnUncut(signal, sweeps, cutWith, r);
    return r.warnings;
}

namespace {
/// The baseline model of an average of the sweeps `used` (stimulus indices) as their own models
/// give it: the residual noise of the mean (sqrt(sum of the noise powers) / N), the fewest fit
/// samples and hum terms, the latest response end.
SweepBaseline averagedFit(const std::vector<SweepBaseline>& fits, const std::vector<Sweep>& sweeps, const std::vector<std::size_t>& used) {
    SweepBaseline out;
    double power = 0.0;
    std::size_t n = 0;
    for (std::size_t k = 0; k < sweeps.size() && k < fits.size(); ++k) {
        if (std::find(used.begin(), used.end(), sweeps[k].index) == used.end()) continue;
        const auto& f = fits[k];
        power += f.noiseRmsUv * f.noiseRmsUv;
        out.fitSamples = n == 0 ? f.fitSamples : std::min(out.fitSamples, f.fitSamples);
        out.humHarmonics = n == 0 ? f.humHarmonics : std::min(out.humHarmonics, f.humHarmonics);
        out.humHarmonicsWanted = std::max(out.humHarmonicsWanted, f.humHarmonicsWanted);
        out.responseEndMs = std::max(out.responseEndMs, f.responseEndMs);
        out.humAmplitudeUv += f.humAmplitudeUv;
        out.models.insert(out.models.end(), f.models.begin(), f.models.end());
        ++n;
    }
    if (n == 0) return out;
    out.noiseRmsUv = std::sqrt(power) / static_cast<double>(n);
    out.humAmplitudeUv /= static_cast<double>(n);
    out.humFitted = out.humHarmonics > 0;
    return out;
}

/// One site on its way through analyzeSites: averaged, its baseline removed, the response not yet detected.
struct SiteWork {
    SiteResult r;
    bool averaged = false;   ///< false: nothing to detect (no sweeps, all rejected); r is final
    std::string note;        ///< the site's note so far (plateau, rejection), kept after detection
    SweepBaseline fit;       ///< unfiltered: the average's own baseline model
};

/// The site's sweeps, the supramaximal search over several intensities, the plateau of an
/// unlabelled motor series, and their average (unfiltered: less its own baseline model).
SiteWork averageSite(const PreparedSignal& signal, const NcsAnalysisSettings& st, const std::string& site, bool unfiltered,
                     const DetectionSettings& det) {
    SiteWork w;
    SiteResult& r = w.r;
    r.site = site;
    for (std::size_t i = 0; i < signal.stimuli.size(); ++i)
        if (signal.stimuli[i].site == site) r.stimulusIndices.push_back(i);
    std::vector<std::optional<double>> intensity;
    std::vector<double> noise, hum;
    std::vector<SweepBaseline> fits;
    std::vector<Sweep> sweeps;
    if (unfiltered) {
        auto all = measurementSweeps(signal, site, st, &intensity, &noise, &hum, &fits);
        warnUncut(signal, all, st, r);
        std::vector<std::size_t> kept;
        sweeps = handleTruncated(std::move(all), signal, st, r, &kept);
        intensity = picked(intensity, kept);
        noise = picked(noise, kept);
        hum = picked(hum, kept);
        fits = picked(fits, kept);
        for (double h : hum) r.humFittedUv += h / static_cast<double>(hum.size());
    } else {
        sweeps = siteSweeps(signal, site, st.sweep, &intensity);
    }
    if (sweeps.empty()) {
        noteNoSweeps(signal, st, r);
        return w;
    }
    auto detectOne = [&](const Sweep& sw, std::size_t k) {
        if (!unfiltered) return detectResponse(sw, st.detection);
        BaselineStats b;
        b.meanUv = 0.0;
        b.sdUv = noise[k];
        b.samples = sw.preSamples;
        return detectResponse(sw, det, b);
    };
    // Several intensities: supramaximal search over single sweeps, then measure the highest.
    std::map<double, int> distinct;
    for (const auto& i : intensity)
        if (i) distinct[*i]++;
    std::vector<Sweep> chosen = sweeps;
    if (distinct.size() >= 2) {
        std::vector<SupramaxPoint> pts;
        for (std::size_t k = 0; k < sweeps.size(); ++k) {
            if (!intensity[k]) continue;
            const auto d = detectOne(sweeps[k], k);
            pts.push_back({*intensity[k], d.found ? d.measures.amplitudeUv : 0.0, sweeps[k].index});
        }
        r.supramax = findSupramaximal(pts);
        const double top = distinct.rbegin()->first;
        chosen.clear();
        for (std::size_t k = 0; k < sweeps.size(); ++k)
            if (intensity[k] && *intensity[k] == top) chosen.push_back(sweeps[k]);
        r.intensityMa = top;
    } else if (distinct.size() == 1) {
        r.intensityMa = distinct.begin()->first;
    }
    // Motor without intensities: repeated sweeps may be an unlabelled intensity series.
    // Average only the plateau: sweeps within 5 % of the largest response.
    if (st.test == NcsTest::Motor && distinct.size() < 2 && chosen.size() > 1) {
        std::vector<double> amp;
        double top = 0.0;
        for (std::size_t k = 0; k < chosen.size(); ++k) {
            const auto d = detectOne(chosen[k], k);
            amp.push_back(d.found ? d.measures.amplitudeUv : 0.0);
            top = std::max(top, amp.back());
        }
        if (top > 0.0) {
            std::vector<Sweep> plateau;
            for (std::size_t k = 0; k < chosen.size(); ++k)
                if (amp[k] >= 0.95 * top) plateau.push_back(chosen[k]);
            if (plateau.size() < chosen.size())
                r.response.note = "sweeps differ in size: only the " + std::to_string(plateau.size()) + " within 5 % of the largest averaged";
            chosen = std::move(plateau);
        }
    }
    try {
        r.averaged = averageSweeps(chosen, st.rejection);
    } catch (const std::runtime_error& e) {
        r.response.note = e.what();
        return w;
    }
    w.averaged = true;
    w.note = r.response.note;
    // The average's own baseline and noise (residual hum of the single sweeps averages out further).
    // With nothing before the stimulus the sweeps' own models, fitted on the longer sweeps, stand:
    // the average (trimmed to the window) may leave no signal after the response to fit again on.
    if (unfiltered && r.averaged.average.preSamples < 2) {
        w.note += std::string(w.note.empty() ? "" : "; ") +
                  "no signal before the stimulus (the record starts at it): the baseline is the latent period after the stimulus "
                  "artifact and the sweep after the response";
        w.fit = averagedFit(fits, sweeps, r.averaged.usedIndices);
    } else if (unfiltered) {
        w.fit = removeSweepBaseline(r.averaged.average, SweepBaselineSettings{signal.sweepMainsHz});
    }
    if (unfiltered) r.noiseRmsUv = w.fit.noiseRmsUv;
    return w;
}

/// One recording electrode and amplifier: a channel's sites share their noise per sweep, so each
/// site's estimate (its average's residual rms x sqrt(sweeps averaged)) is pooled with the others'.
/// A site's own estimate can rest on few samples (a proximal CMAP filling most of a 50 ms sweep at
/// 4 kHz leaves ~110: +-7 % rms, an onset level 18 % low was seen) and sets the onset level (4 x
/// noise) and the 20 x noise criterion. Pooled are the sites whose estimate agrees with the others'
/// within chance (|ln(s^2 / others)| <= 3 standard errors, var ln s^2 ~ 2 / dof): a site whose
/// residual also holds something else (hum not fitted, part of a response) keeps its own estimate,
/// as does every site when fewer than two agree. Pooled variance weights each site by its degrees
/// of freedom (fit samples less the model's terms).
void poolSiteNoise(std::vector<SiteWork>& sites) {
    struct Est {
        std::size_t k;
        double perSweepVar, dof, n;
    };
    std::vector<Est> est;
    for (std::size_t k = 0; k < sites.size(); ++k) {
        const auto& w = sites[k];
        const double terms = 2.0 + 2.0 * w.fit.humHarmonics;
        const double dof = static_cast<double>(w.fit.fitSamples) - terms;
        const auto n = static_cast<double>(w.r.averaged.usedIndices.size());
        if (!w.averaged || !(w.fit.noiseRmsUv > 0.0) || dof < 8.0 || n < 1.0) continue;
        est.push_back({k, w.fit.noiseRmsUv * w.fit.noiseRmsUv * n, dof, n});
    }
    if (est.size() < 2) return;
    std::vector<bool> agrees(est.size(), false);
    std::size_t agreeing = 0;
    for (std::size_t a = 0; a < est.size(); ++a) {
        double sum = 0.0, dof = 0.0;
        for (std::size_t b = 0; b < est.size(); ++b)
            if (b != a) {
                sum += est[b].perSweepVar * est[b].dof;
                dof += est[b].dof;
            }
        const double z = std::log(est[a].perSweepVar / (sum / dof)) / std::sqrt(2.0 / est[a].dof + 2.0 / dof);
        agrees[a] = std::fabs(z) <= 3.0;
        agreeing += agrees[a];
    }
    if (agreeing < 2) return;
    double sum = 0.0, dof = 0.0;
    for (std::size_t a = 0; a < est.size(); ++a)
        if (agrees[a]) {
            sum += est[a].perSweepVar * est[a].dof;
            dof += est[a].dof;
        }
    for (std::size_t a = 0; a < est.size(); ++a)
        if (agrees[a]) sites[est[a].k].r.noiseRmsUv = std::sqrt(sum / dof / est[a].n);
}

/// The response of an averaged site, against its (pooled) noise.
void detectSite(SiteWork& w, const PreparedSignal& signal, const NcsAnalysisSettings& st, bool unfiltered, const DetectionSettings& det) {
    SiteResult& r = w.r;
    if (unfiltered) {
        BaselineStats bs;
        bs.sdUv = r.noiseRmsUv;
        bs.samples = r.averaged.average.preSamples;
        r.response = detectResponse(r.averaged.average, det, bs);
        // The baseline is the fitted model, not a mean of the samples before the stimulus: the
        // amplitude's SE takes the model's level uncertainty under the peak.
        auto& m = r.response.measures;
        if (r.response.found && std::isfinite(m.peakSeUv)) {
            const double level = r.noiseRmsUv * baselineLevelSeFactor(w.fit, m.peakLatencyMs);
            m.amplitudeSeUv = amplitudeStandardErrorUv(m.peakSeUv, level, m.amplitudeUv);
        }
        // Nothing found on a sweep the file cut short: a response running past the cut (a proximal
        // CMAP whose baseline the cut left no anchor for) cannot be told from none, so the note says
        // the absence is not established rather than reading as an absent response.
        if (!r.response.found && r.averaged.average.truncated) {
            const auto& a = r.averaged.average;
            std::ostringstream m;
            m.precision(3);
            m << "the file ends " << a.timeMs(static_cast<double>(a.uv.size())) << " ms after the stimulus: a response cut short cannot be "
              << "told from none here (absence not established)";
            r.response.note += std::string(r.response.note.empty() ? "" : "; ") + m.str();
        }
        // Cut short by the end of the file less than one mains period after the response ended
        // (or before it ended): the baseline model has too few samples after the response to
        // tell hum from the response's own slow phases (with none, only the few ms before the
        // stimulus: DC), so a level that hum moves under the take-off cannot be told from a
        // departure. No confident onset.
        const auto& avg = r.averaged.average;
        const double periodMs = 1000.0 / (signal.sweepMainsHz > 0.0 ? signal.sweepMainsHz : 50.0);
        if (r.response.found && avg.truncated && avg.timeMs(static_cast<double>(avg.uv.size())) - w.fit.responseEndMs < periodMs) {
            r.response.onsetUncertain = true;
            r.response.note += std::string(r.response.note.empty() ? "" : "; ") +
                               "onset uncertain: the file ends less than a mains period after the response (or before it ends), so "
                               "the baseline (hum, drift) under the take-off is not known";
        }
    } else {
        r.response = detectResponse(r.averaged.average, st.detection);
        r.noiseRmsUv = r.response.baseline.sdUv;
    }
    const std::string& note = w.note;
    if (!note.empty()) r.response.note = r.response.note.empty() ? note : r.response.note + "; " + note;
    r.response.provenance.sweepIndices = r.averaged.usedIndices;
    r.response.provenance.rejectedSweepIndices = r.averaged.rejectedIndices;
    const bool noPre = r.averaged.average.preSamples < 2;
    r.response.provenance.filter =
        !unfiltered ? signal.filterDescription
        : noPre     ? std::string("none for measurement: unfiltered sweeps, each sweep's DC, linear drift and mains hum (least-squares fit on "
                                  "its latent period after the stimulus artifact and its samples after the response; nothing precedes the "
                                  "stimulus) removed")
                    : std::string("none for measurement: unfiltered sweeps, each sweep's DC, linear drift and mains hum (least-squares fit on "
                                  "its samples before the stimulus and after the response) removed");
}
}  // namespace

namespace {
std::vector<SiteResult> analyzeSitesOnce(const PreparedSignal& signal, const NcsAnalysisSettings& st);

/// A sensory study's stimuli that name no site (found from their artifacts, an unnamed trigger line,
/// "Stim" alone) are split into sites by the pauses alone (a single sweep's SNAP cannot say its
/// site: PreparedSignal::sitesByPausesOnly), so sites stimulated one after the other without a
/// pause would be averaged into one SNAP of none of them. Each such site's first and second half
/// of sweeps are averaged and measured apart: when either half shows no SNAP or their negative peaks
/// lie more than kHalvesPeakMs apart, the site's onset is uncertain and its note says why.
constexpr double kHalvesPeakMs = 0.25;   ///< 30 mm between sites at 60 m/s moves a SNAP by 0.5 ms

void checkArtifactSiteHalves(const PreparedSignal& signal, const NcsAnalysisSettings& st, std::vector<SiteResult>& out) {
    if (st.test != NcsTest::Sensory || signal.stimuli.empty() || !signal.sitesByPausesOnly) return;
    PreparedSignal halves = signal;   // (a sensory recording is short)
    const auto sites = sitesInOrder(signal.stimuli);
    for (const auto& site : sites) {
        std::vector<std::size_t> idx;
        for (std::size_t i = 0; i < signal.stimuli.size(); ++i)
            if (signal.stimuli[i].site == site) idx.push_back(i);
        for (std::size_t k = 0; k < idx.size(); ++k) halves.stimuli[idx[k]].site = site + (2 * k < idx.size() ? "\x01a" : "\x01b");
    }
    const auto parts = analyzeSitesOnce(halves, st);
    for (auto& r : out) {
        const auto find = [&](const char* tag) -> const SiteResult* {
            for (const auto& h : parts)
                if (h.site == r.site + tag) return &h;
            return nullptr;
        };
        const SiteResult* a = find("\x01a");
        const SiteResult* b = find("\x01b");
        if (!r.response.found) continue;
        std::ostringstream why;
        why.precision(3);
        if (!a || !b || r.stimulusIndices.size() < 4) {
            why << "only " << r.stimulusIndices.size() << " sweeps: their halves cannot be compared";
        } else if (!a->response.found || !b->response.found) {
            why << "a SNAP in only one half of its sweeps";
        } else if (std::abs(a->response.measures.peakLatencyMs - b->response.measures.peakLatencyMs) > kHalvesPeakMs) {
            why << "the first and second half of its sweeps peak at " << a->response.measures.peakLatencyMs << " and "
                << b->response.measures.peakLatencyMs << " ms";
        } else {
            continue;
        }
        r.response.onsetUncertain = true;
        r.response.note += std::string(r.response.note.empty() ? "" : "; ") +
                           "onset uncertain: its stimuli name no site and were told apart by the pauses alone, and " + why.str() +
                           ": the sweeps may come from more than one stimulation site";
    }
}
}  // namespace

std::vector<SiteResult> analyzeSites(const PreparedSignal& signal, const NcsAnalysisSettings& st) {
    auto out = analyzeSitesOnce(signal, st);
    checkArtifactSiteHalves(signal, st, out);
    return out;
}

namespace {
std::vector<SiteResult> analyzeSitesOnce(const PreparedSignal& signal, const NcsAnalysisSettings& st) {
    const bool unfiltered = st.measureUnfiltered && (st.test == NcsTest::Motor || st.test == NcsTest::Sensory) && signal.hasRaw();
    DetectionSettings det = st.detection;
    if (unfiltered) det.artifact.extendedBlankMs = std::max(det.artifact.extendedBlankMs, 5.0);
    std::vector<SiteWork> work;
    for (const auto& site : sitesInOrder(signal.stimuli)) work.push_back(averageSite(signal, st, site, unfiltered, det));
    if (unfiltered && st.poolNoiseOverSites) poolSiteNoise(work);
    std::vector<SiteResult> out;
    for (auto& w : work) {
        if (w.averaged) detectSite(w, signal, st, unfiltered, det);
        out.push_back(std::move(w.r));
    }
    return out;
}
}  // namespace

namespace {
/// Why stimulus i starts a new train after stimulus j (the last of `train`), "" if it does not.
std::string newTrainReason(const PreparedSignal& sig, const std::vector<std::size_t>& train, std::size_t i, double maxGapSec) {
    const auto& a = sig.stimuli[train.back()];
    const auto& b = sig.stimuli[i];
    if (b.site != a.site) return "another site (" + b.site + ")";
    if (b.timeSec - a.timeSec > maxGapSec) {
        std::ostringstream r;
        r << std::fixed << std::setprecision(1) << b.timeSec - a.timeSec << " s after the stimulus before";
        return r.str();
    }
    if (a.train != b.train && (a.train || b.train)) return "train number " + (b.train ? std::to_string(*b.train) : std::string("none"));
    // (the marks are in time order: the first after stimulus a)
    const auto m = std::upper_bound(sig.phaseMarks.begin(), sig.phaseMarks.end(), a.sampleIndex,
                                    [](std::int64_t at, const PhaseMark& mark) { return at < mark.sampleIndex; });
    if (m != sig.phaseMarks.end() && m->sampleIndex <= b.sampleIndex) return "the annotation '" + m->text + "' before it";
    // a counter that rose by one at each stimulus of this train and now falls: it starts again
    if (a.ordinal && b.ordinal && *b.ordinal < *a.ordinal) {
        bool counting = true;
        for (std::size_t k = 1; k < train.size() && counting; ++k) {
            const auto& p = sig.stimuli[train[k - 1]].ordinal;
            const auto& q = sig.stimuli[train[k]].ordinal;
            counting = p && q && *q == *p + 1;
        }
        if (counting) return "its counter starts again (#" + std::to_string(*b.ordinal) + " after #" + std::to_string(*a.ordinal) + ")";
    }
    return {};
}

/// The phase train k is in by what the file says (StimulusTrain::condition).
std::string trainCondition(const PreparedSignal& sig, const std::vector<StimulusTrain>& trains, std::size_t k) {
    const auto first = sig.stimuli[trains[k].stimuli.front()].sampleIndex;
    const auto after = k == 0 ? std::numeric_limits<std::int64_t>::min() : sig.stimuli[trains[k - 1].stimuli.back()].sampleIndex;
    // the last mark at or before the first stimulus (marks in time order), if it lies after the train before
    const auto m = std::upper_bound(sig.phaseMarks.begin(), sig.phaseMarks.end(), first,
                                    [](std::int64_t at, const PhaseMark& mark) { return at < mark.sampleIndex; });
    if (m != sig.phaseMarks.begin() && std::prev(m)->sampleIndex > after) {
        std::string t = std::prev(m)->text;   // (UTF-8: phaseMarksFromAnnotations)
        const auto b = t.find_first_not_of(" \t\r\n"), e = t.find_last_not_of(" \t\r\n");
        t = b == std::string::npos ? std::string() : t.substr(b, e - b + 1);
        if (t.size() > 80) {   // (never inside a character)
            std::size_t cut = 80;
            while (cut > 0 && (static_cast<unsigned char>(t[cut]) & 0xC0) == 0x80) --cut;
            t.resize(cut);
        }
        if (!t.empty()) return t;
    }
    if (const auto n = sig.stimuli[trains[k].stimuli.front()].train) return "train " + std::to_string(*n);
    return {};
}
}  // namespace

std::vector<StimulusTrain> rnsTrains(const PreparedSignal& signal, double maxGapSec) {
    std::vector<StimulusTrain> trains;
    for (std::size_t i = 0; i < signal.stimuli.size(); ++i) {
        if (trains.empty()) trains.emplace_back();
        else if (auto why = newTrainReason(signal, trains.back().stimuli, i, maxGapSec); !why.empty())
            trains.push_back(StimulusTrain{{}, std::move(why), {}});
        trains.back().stimuli.push_back(i);
    }
    for (std::size_t k = 0; k < trains.size(); ++k) trains[k].condition = trainCondition(signal, trains, k);
    return trains;
}

std::string rnsTrainLabel(const std::vector<StimulusTrain>& trains, std::size_t k) {
    const auto own = [&](std::size_t j) {
        if (!trains[j].condition.empty() || trains.size() < 2) return trains[j].condition;
        return "train " + std::to_string(j + 1) + " of " + std::to_string(trains.size());
    };
    // the study's identity ignores case (study::identityText): "Post exercise" and "post exercise" are one condition
    const auto lowered = [](std::string t) {
        std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return t;
    };
    const auto label = own(k);
    for (std::size_t j = 0; j < k; ++j)
        if (lowered(own(j)) == lowered(label)) return label + " (train " + std::to_string(k + 1) + ")";
    return label;
}

}  // namespace emg::dsp
