// The NCS chain of prepareSignal on a channel streamed instead of held (prepareSignalStreamed):
// the same steps in the same order of operations, so the same doubles, with the channel read
// pass by pass, the filtered channel kept in an unnamed scratch file, and only the samples
// around the stimuli kept in memory.
#include "ncs_prepare_detail.h"
#include "scratch_samples.h"

#include <emg/dsp/filter_presets.h>
#include <emg/dsp/hum_removal.h>
#include <emg/dsp/spectrum.h>
#include <emg/dsp/sweep_baseline.h>
#include <emg/dsp/zero_phase.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace emg::dsp {

namespace {
constexpr std::size_t kBlock = std::size_t{1} << 16;   // samples filtered at a time on the way back
using Range = std::pair<std::size_t, std::size_t>;
using Pass = std::function<void(const std::function<void(std::size_t, std::span<const double>)>&)>;

/// What the chain reads of the channel beside whole passes: around each stimulus the sweep (with
/// the long pre-stimulus part), the artifact blanking's level and noise (5 ms before) and reach,
/// the hum's excluded window and the samples bridging it; the first and last pad + 1 samples
/// (the zero-phase filter's reflections). Sorted and merged.
std::vector<Range> keptRanges(const PreparedSignal& p, std::size_t n, const NcsAnalysisSettings& st, std::size_t pad) {
    const double fs = p.sampleRateHz;
    const double preMs = std::max({st.sweep.preTriggerMs, st.longPreTriggerMs, 6.0});
    // (the window plus longPostWindowMs: averaged sites fit their baseline on longer sweeps)
    // (and the longer sweeps of records that start at the stimulus: lateResponseSweeps)
    const double postMs = detail::keptPostStimulusMs(st);
    const auto pre = static_cast<std::int64_t>(std::ceil(preMs * 1e-3 * fs)) + 4;
    const auto post = static_cast<std::int64_t>(std::ceil(postMs * 1e-3 * fs)) + 4;
    const auto total = static_cast<std::int64_t>(n);
    std::vector<Range> r{{0, std::min(n, pad + 1)}, {n - std::min(n, pad + 1), n}};
    for (const auto& m : p.stimuli) {
        const auto a = std::clamp<std::int64_t>(m.sampleIndex - pre, 0, total), b = std::clamp<std::int64_t>(m.sampleIndex + post, 0, total);
        if (a < b) r.emplace_back(static_cast<std::size_t>(a), static_cast<std::size_t>(b));
    }
    std::sort(r.begin(), r.end());
    std::vector<Range> merged;
    for (const auto& x : r) {
        if (!merged.empty() && x.first <= merged.back().second) merged.back().second = std::max(merged.back().second, x.second);
        else merged.push_back(x);
    }
    return merged;
}

/// The parts of `w` overlapping [from, from + out.size()) copied over `out`.
void overlay(const SampleWindows& w, std::size_t from, std::span<double> out) {
    const std::size_t to = from + out.size();
    const auto& parts = w.parts();
    auto it = std::upper_bound(parts.begin(), parts.end(), from, [](std::size_t v, const SampleWindows::Part& p) { return v < p.from; });
    if (it != parts.begin()) --it;
    for (; it != parts.end() && it->from < to; ++it) {
        const std::size_t a = std::max(from, it->from), b = std::min(to, it->from + it->uv.size());
        for (std::size_t i = a; i < b; ++i) out[i - from] = it->uv[i - it->from];
    }
}

/// The kept ranges' samples of one pass over the channel.
SampleWindows collect(const std::vector<Range>& ranges, std::size_t n, const Pass& pass) {
    std::vector<SampleWindows::Part> parts;
    for (const auto& [a, b] : ranges) parts.push_back({a, std::vector<double>(b - a)});
    SampleWindows w(n, std::move(parts));
    pass([&](std::size_t from, std::span<const double> block) {
        for (auto& p : w.parts()) {   // few parts per block: skip those before it cheaply
            if (p.from + p.uv.size() <= from || p.from >= from + block.size()) continue;
            const std::size_t a = std::max(from, p.from), b = std::min(from + block.size(), p.from + p.uv.size());
            std::copy(block.begin() + static_cast<std::ptrdiff_t>(a - from), block.begin() + static_cast<std::ptrdiff_t>(b - from),
                      p.uv.begin() + static_cast<std::ptrdiff_t>(a - p.from));
        }
    });
    return w;
}

/// filtfiltInPlace's operations, block by block: the blanked channel (a pass, with `blanked`'s
/// samples over it) forward into `scratch`, then backward from the scratch file into it.
void filterIntoScratch(const BiquadCascade& cascade, const SampleWindows& blanked, std::size_t n, const Pass& pass,
                       detail::ScratchSamples& scratch) {
    const auto x = [&](std::size_t i) { return blanked.partHolding(i)->uv[i - blanked.partHolding(i)->from]; };
    const std::size_t pad = cascade.empty() ? 0 : std::min(filtfiltPadLength(cascade), n - 1);
    std::vector<double> head(pad), tail(pad), buf;
    for (std::size_t k = 0; k < pad; ++k) head[k] = 2.0 * x(0) - x(pad - k);
    for (std::size_t k = 0; k < pad; ++k) tail[k] = 2.0 * x(n - 1) - x(n - 2 - k);
    BiquadCascade f = cascade;
    f.reset();
    f.primeSteadyState(pad ? head.front() : x(0));
    f.process(std::span<const double>(head), std::span<double>(head));
    pass([&](std::size_t from, std::span<const double> block) {
        buf.assign(block.begin(), block.end());
        overlay(blanked, from, std::span<double>(buf));
        f.process(std::span<const double>(buf), std::span<double>(buf));
        scratch.write(from, std::span<const double>(buf));
    });
    if (cascade.empty()) return;
    f.process(std::span<const double>(tail), std::span<double>(tail));
    std::reverse(tail.begin(), tail.end());
    f.reset();
    f.primeSteadyState(tail.front());
    f.process(std::span<const double>(tail), std::span<double>(tail));
    for (std::size_t end = n; end > 0;) {
        const std::size_t from = end > kBlock ? end - kBlock : 0;
        buf.resize(end - from);
        scratch.read(from, std::span<double>(buf));
        std::reverse(buf.begin(), buf.end());
        f.process(std::span<const double>(buf), std::span<double>(buf));
        std::reverse(buf.begin(), buf.end());
        scratch.write(from, std::span<const double>(buf));
        end = from;
    }
}

/// withWindowsBridged's lines over a copy of the kept filtered samples (each window's ends held).
SampleWindows bridged(const SampleWindows& filtered, const std::vector<Range>& excluded) {
    SampleWindows z = filtered;
    const std::size_t n = z.samples();
    for (const auto& [a, b] : excluded) {
        if (b <= a + 1 || b >= n) continue;
        const std::size_t a0 = a > 0 ? a - 1 : 0;
        auto* part = z.partHolding(a0);
        if (!part || part != z.partHolding(b)) throw std::logic_error("hum measurement: a stimulus window's ends were not kept");
        auto& v = part->uv;
        const std::size_t o = part->from;
        for (std::size_t i = a0 + 1; i < b; ++i)
            v[i - o] = v[a0 - o] + (v[b - o] - v[a0 - o]) * static_cast<double>(i - a0) / static_cast<double>(b - a0);
    }
    return z;
}

/// Step 3 of the chain (the hum measured on the bridged signal, subtracted as fitted sinusoids)
/// on the scratch file; the kept filtered samples get the subtraction.
double measureAndSubtractHum(PreparedSignal& p, SampleWindows& filtered, const detail::ScratchSamples& scratch, const NcsAnalysisSettings& st,
                             const std::vector<Range>& excluded) {
    const double fs = p.sampleRateHz;
    const std::size_t n = filtered.samples();
    const auto readScratch = [&](std::size_t from, std::span<double> out) { scratch.read(from, out); };
    double mains = st.mainsHz > 0.0 ? st.mainsHz : 0.0;
    if (st.mainsHz < 0.0 && fs >= 200.0 && n >= static_cast<std::size_t>(fs)) {
        const SampleWindows quiet = bridged(filtered, excluded);
        const auto spectrum = welchPsd(n, fs, [&](std::size_t from, std::span<double> out) {
            scratch.read(from, out);
            overlay(quiet, from, out);
        });
        const auto hum = mainsInterference(spectrum);
        p.humRmsUv = hum.rmsUv;
        if (hum.lineToBackgroundDb >= st.humDetectDb) mains = hum.mainsHz;
    }
    if (mains > 0.0 && !st.humPerSweep) {
        const HumSubtractor take = [&](std::size_t start, std::size_t end, const std::function<double(std::size_t)>& humAt) {
            for (auto& part : filtered.parts()) {
                const std::size_t a = std::max(start, part.from), b = std::min(end, part.from + part.uv.size());
                for (std::size_t i = a; i < b; ++i) part.uv[i - part.from] -= humAt(i);
            }
        };
        const auto fit = subtractHum(n, fs, mains, 3, excluded, readScratch, take);
        p.notchHz = mains;
        p.filterDescription += detail::humSubtractedNote(mains, fit.meanFundamentalUv);
    } else if (mains > 0.0) {
        p.filterDescription += "; mains hum fitted and subtracted on each sweep";
    }
    return mains;
}

std::vector<Range> humExcluded(const PreparedSignal& p, std::size_t samples, const NcsAnalysisSettings& st) {
    const double fs = p.sampleRateHz;
    const auto n = static_cast<std::int64_t>(samples);
    const auto pre = static_cast<std::int64_t>(1e-3 * fs);
    const auto post = static_cast<std::int64_t>(std::max(st.sweep.windowMs, 20.0) * 1e-3 * fs);
    std::vector<Range> excluded;
    for (const auto& m : p.stimuli)
        excluded.emplace_back(static_cast<std::size_t>(std::clamp<std::int64_t>(m.sampleIndex - pre, 0, n)),
                              static_cast<std::size_t>(std::clamp<std::int64_t>(m.sampleIndex + post, 0, n)));
    return excluded;
}
}  // namespace

std::optional<PreparedSignal> prepareSignalStreamed(Recording&& rec, const std::vector<std::size_t>& sampleCounts, std::optional<int> channel,
                                                    const NcsAnalysisSettings& st, bool keepRawUv, const ChannelStreamer& stream) {
    // a recording that marks no stimulus has them found on the channel's samples (artifacts, record
    // starts): the chain that holds the channel does that
    if (findStimuli(rec, 1000.0).empty()) return std::nullopt;
    PreparedSignal p = detail::describeSignalByCounts(rec, channel, sampleCounts);
    const auto index = static_cast<std::size_t>(p.channelIndex);
    const std::size_t n = index < sampleCounts.size() ? sampleCounts[index] : rec.channels[index].samples.size();
    const double fs = p.sampleRateHz;
    const auto chain = buildFilter(st.preset, fs, 0.0);
    const auto ranges = keptRanges(p, n, st, chain.cascade.empty() ? 0 : std::min(filtfiltPadLength(chain.cascade), n - 1));
    std::size_t held = 0;
    for (const auto& [a, b] : ranges) held += b - a;
    if (3 * held > n) return std::nullopt;   // dense stimuli: the windows would cost more than the channel
    for (auto& c : rec.channels) std::vector<double>().swap(c.samples);   // the trigger channel is read: released
    const Pass pass = [&](const std::function<void(std::size_t, std::span<const double>)>& use) {
        std::size_t at = 0;
        const auto check = [&](std::size_t got) {
            if (got != n)
                throw std::runtime_error("channel '" + p.channelLabel + "' changed while it was read (" + std::to_string(n) + " samples, then " +
                                         std::to_string(got) + "): was the file being written?");
        };
        check(stream(index, [&](std::span<const double> block) {
            if (at + block.size() > n) check(at + block.size());
            use(at, block);
            at += block.size();
        }));
        check(at);
    };
    // 1. The samples around the stimuli; the raw sweeps for the mains choice; the artifacts blanked.
    // (and in the same pass the level's steps, one stretch held at a time: those of glued records,
    // H-reflex and RNS, and the lasting ones taken out before filtering, F-wave, H-reflex and RNS)
    const auto searched = detail::gluedSearch(p, st, n);
    std::vector<std::optional<std::int64_t>> gluedSteps(searched.size());
    detail::RangeGatherer glued(searched, [&](std::size_t k, std::span<const double> x) {
        if (const auto step = detail::levelStep(x, fs)) gluedSteps[k] = static_cast<std::int64_t>(searched[k].first + step->at);
    });
    std::vector<std::pair<std::int64_t, double>> lasting;
    const auto stepRanges = detail::levelStepSearch(p, st, n);
    detail::RangeGatherer moved(stepRanges, [&](std::size_t k, std::span<const double> x) {
        for (const auto& step : detail::lastingLevelSteps(x, fs)) lasting.emplace_back(static_cast<std::int64_t>(stepRanges[k].first + step.at), step.jumpUv);
    });
    SampleWindows raw = collect(ranges, n, [&](const std::function<void(std::size_t, std::span<const double>)>& use) {
        pass([&](std::size_t from, std::span<const double> block) {
            glued.feed(from, block);
            moved.feed(from, block);
            use(from, block);
        });
    });
    detail::setGluedRecords(p, searched, gluedSteps);
    detail::setLevelStepsTakenOut(p, std::move(lasting));
    std::vector<std::int64_t> stimSamples;
    for (const auto& m : p.stimuli) stimSamples.push_back(m.sampleIndex);
    const bool mainsBySweeps = st.mainsHz < 0.0 && st.measureUnfiltered && (st.test == NcsTest::Motor || st.test == NcsTest::Sensory);
    std::vector<Sweep> rawSweeps;
    if (mainsBySweeps)
        rawSweeps = cutSweeps(n, [&](std::size_t from, std::span<double> out) { raw.read(from, out); }, fs, stimSamples, st.sweep);
    SampleWindows blanked = raw;
    for (auto& part : blanked.parts()) detail::takeOutLevelSteps(p, part.from, std::span<double>(part.uv));
    for (const std::int64_t s : stimSamples) {
        auto* part = s >= 0 && static_cast<std::size_t>(s) < n ? blanked.partHolding(static_cast<std::size_t>(s)) : nullptr;
        p.blankMs.push_back(part ? blankStimulusArtifact(std::span<double>(part->uv), static_cast<std::int64_t>(part->from), static_cast<std::int64_t>(n),
                                                         fs, s, st.detection.artifact)
                                 : blankStimulusArtifact({}, 0, static_cast<std::int64_t>(n), fs, s, st.detection.artifact));
    }
    if (!detail::keepsRawSamples(p, st, keepRawUv)) raw = SampleWindows();
    // 2. High-pass and low-pass, zero-phase, through the scratch file.
    for (const auto& a : chain.adjustments) p.notes.push_back(a);
    p.filterDescription = chain.description() + " (zero-phase, forward-backward); stimulus artifact blanked before filtering";
    detail::ScratchSamples scratch;
    const Pass leveled = p.levelStepsTakenOut.empty() ? pass : Pass([&](const std::function<void(std::size_t, std::span<const double>)>& use) {
        std::vector<double> buf;
        pass([&](std::size_t from, std::span<const double> block) {
            buf.assign(block.begin(), block.end());
            detail::takeOutLevelSteps(p, from, std::span<double>(buf));
            use(from, std::span<const double>(buf));
        });
    });
    filterIntoScratch(chain.cascade, blanked, n, leveled, scratch);
    blanked = SampleWindows();
    SampleWindows filtered = collect(ranges, n, [&](const std::function<void(std::size_t, std::span<const double>)>& use) {
        std::vector<double> buf;
        for (const auto& [a, b] : ranges) {
            buf.resize(b - a);
            scratch.read(a, std::span<double>(buf));
            use(a, std::span<const double>(buf));
        }
    });
    // 3. Mains hum.
    const double mains = measureAndSubtractHum(p, filtered, scratch, st, humExcluded(p, n, st));
    p.sweepMainsHz = mains > 0.0 ? mains : (st.mainsHz == 0.0 ? 0.0 : -1.0);
    if (mainsBySweeps) {
        const double hz = mainsHzByResidual(rawSweeps, mains);
        if (hz > 0.0) p.sweepMainsHz = hz;
    }
    p.filteredWindows = std::move(filtered);
    p.rawWindows = std::move(raw);
    return p;
}

}  // namespace emg::dsp
