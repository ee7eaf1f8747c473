#include <emg/dsp/sweeps.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace emg::dsp {

std::vector<Sweep> cutSweeps(std::size_t samples, const SampleRangeReader& read, double sampleRateHz,
                             std::span<const std::int64_t> stimulusSamples, const SweepSettings& settings) {
    if (!(sampleRateHz > 0.0)) throw std::invalid_argument("sweeps: sample rate must be positive");
    if (!(settings.preTriggerMs >= 0.0) || !(settings.windowMs > 0.0))
        throw std::invalid_argument("sweeps: need a pre-trigger of 0 ms or more and a positive window");
    const auto pre = static_cast<std::size_t>(std::llround(settings.preTriggerMs * 1e-3 * sampleRateHz));
    const auto post = static_cast<std::size_t>(std::llround(settings.windowMs * 1e-3 * sampleRateHz));
    std::vector<Sweep> out;
    for (std::size_t k = 0; k < stimulusSamples.size(); ++k) {
        const std::int64_t s = stimulusSamples[k];
        if (s < static_cast<std::int64_t>(pre)) continue;
        std::size_t len = post;
        bool truncated = false;
        if (s + static_cast<std::int64_t>(post) > static_cast<std::int64_t>(samples)) {
            const auto avail = static_cast<std::int64_t>(samples) - s;
            if (!(settings.minWindowMs > 0.0) || static_cast<double>(avail) < settings.minWindowMs * 1e-3 * sampleRateHz) continue;
            len = static_cast<std::size_t>(avail);
            truncated = true;
        }
        Sweep w;
        w.truncated = truncated;
        w.sampleRateHz = sampleRateHz;
        w.preSamples = pre;
        w.stimulusSample = s;
        w.index = k;
        w.uv.resize(pre + len);
        read(static_cast<std::size_t>(s) - pre, std::span<double>(w.uv));
        out.push_back(std::move(w));
    }
    return out;
}

std::vector<Sweep> cutSweeps(std::span<const double> signalUv, double sampleRateHz, std::span<const std::int64_t> stimulusSamples,
                             const SweepSettings& settings) {
    const auto read = [&](std::size_t from, std::span<double> out) {
        std::copy(signalUv.begin() + static_cast<std::ptrdiff_t>(from), signalUv.begin() + static_cast<std::ptrdiff_t>(from + out.size()), out.begin());
    };
    return cutSweeps(signalUv.size(), read, sampleRateHz, stimulusSamples, settings);
}

BaselineStats baselineStats(const Sweep& sweep) {
    BaselineStats b;
    const auto guard = static_cast<std::size_t>(std::ceil(0.2e-3 * sweep.sampleRateHz));
    const std::size_t end = sweep.preSamples > guard + 2 ? sweep.preSamples - guard : sweep.preSamples;
    if (end == 0) return b;
    double s = 0.0;
    for (std::size_t i = 0; i < end; ++i) s += sweep.uv[i];
    b.meanUv = s / static_cast<double>(end);
    double v = 0.0;
    for (std::size_t i = 0; i < end; ++i) v += (sweep.uv[i] - b.meanUv) * (sweep.uv[i] - b.meanUv);
    b.sdUv = end > 1 ? std::sqrt(v / static_cast<double>(end - 1)) : 0.0;
    b.samples = end;
    return b;
}

std::size_t artifactEndSample(const Sweep& sweep, const BaselineStats& baseline, const ArtifactSettings& st) {
    const double fs = sweep.sampleRateHz;
    const std::size_t n = sweep.uv.size();
    const std::size_t minEnd = std::min(n, sweep.preSamples + static_cast<std::size_t>(std::ceil(st.minBlankMs * 1e-3 * fs)));
    const std::size_t maxEnd = std::min(n, sweep.preSamples + static_cast<std::size_t>(std::ceil(st.maxBlankMs * 1e-3 * fs)));
    const auto settle = std::max<std::size_t>(2, static_cast<std::size_t>(std::ceil(st.settleMs * 1e-3 * fs)));
    const double band = std::max(st.settleSd * baseline.sdUv, st.settleFloorUv);
    std::size_t run = 0;
    for (std::size_t i = sweep.preSamples; i < maxEnd; ++i) {
        if (std::fabs(sweep.uv[i] - baseline.meanUv) <= band) {
            ++run;
            const std::size_t start = i + 1 - run;
            if (run >= settle && start >= minEnd) return start;
        } else run = 0;
    }
    // A long tail: settled later, within extendedBlankMs (a response does not stay within the band for settleMs).
    if (st.extendedBlankMs > st.maxBlankMs) {
        const std::size_t extEnd = std::min(n, sweep.preSamples + static_cast<std::size_t>(std::ceil(st.extendedBlankMs * 1e-3 * fs)));
        std::size_t run2 = run;
        for (std::size_t i = maxEnd; i < extEnd; ++i) {
            if (std::fabs(sweep.uv[i] - baseline.meanUv) <= band) {
                ++run2;
                const std::size_t start = i + 1 - run2;
                if (run2 >= settle && start >= minEnd) return start;
            } else run2 = 0;
        }
    }
    // Never settled within maxBlankMs: the response overlaps the artifact tail. Start the search
    // where the signal comes closest to the baseline between the artifact and the response (the
    // junction of a decaying tail and a rising response), at the earliest after the minimum blank.
    if (run > 0 && maxEnd - run >= minEnd) return maxEnd - run;
    std::size_t best = minEnd;
    for (std::size_t i = minEnd; i < maxEnd; ++i)
        if (std::fabs(sweep.uv[i] - baseline.meanUv) < std::fabs(sweep.uv[best] - baseline.meanUv)) best = i;
    return best;
}

BaselineStats stretchStats(const Sweep& s, std::size_t from, std::size_t end) {
    BaselineStats b;
    end = std::min(end, s.uv.size());
    if (end < from + 8) return b;
    std::vector<double> v(s.uv.begin() + static_cast<std::ptrdiff_t>(from), s.uv.begin() + static_cast<std::ptrdiff_t>(end));
    const auto median = [](std::vector<double> x) {
        const auto mid = x.begin() + static_cast<std::ptrdiff_t>(x.size() / 2);
        std::nth_element(x.begin(), mid, x.end());
        return *mid;
    };
    b.meanUv = median(v);
    std::vector<double> dev(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) dev[i] = std::fabs(v[i] - b.meanUv);
    const double robust = median(dev) / 0.6745;
    const auto guard = static_cast<std::size_t>(std::ceil(2e-3 * s.sampleRateHz));
    std::vector<char> aside(v.size(), 0);
    for (std::size_t i = 0; i < v.size(); ++i)
        if (dev[i] > 4.0 * robust)
            for (std::size_t j = i > guard ? i - guard : 0; j < std::min(v.size(), i + guard + 1); ++j) aside[j] = 1;
    double ss = 0.0;
    std::size_t used = 0;
    for (std::size_t i = 0; i < v.size(); ++i)
        if (!aside[i]) ss += dev[i] * dev[i], ++used;
    b.sdUv = used > 1 ? std::sqrt(ss / static_cast<double>(used - 1)) : robust;
    b.samples = used;
    return b;
}

bool lacksPreStimulus(const Sweep& s) {
    return baselineStats(s).samples < std::max<std::size_t>(4, static_cast<std::size_t>(std::ceil(1e-3 * s.sampleRateHz)));
}

BaselineStats sweepLevel(const Sweep& s) {
    return lacksPreStimulus(s) ? stretchStats(s, s.uv.size() * 3 / 5, s.uv.size()) : baselineStats(s);
}

void blankArtifact(Sweep& sweep, std::size_t endSample, double baselineUv) {
    const std::size_t a = sweep.preSamples;
    const std::size_t b = std::min(endSample, sweep.uv.size() - 1);
    if (b <= a) return;
    const double yb = sweep.uv[b];
    for (std::size_t i = a; i < b; ++i) {
        const double t = static_cast<double>(i - a) / static_cast<double>(b - a);
        sweep.uv[i] = baselineUv + t * (yb - baselineUv);
    }
}

double blankStimulusArtifact(std::span<double> part, std::int64_t offset, std::int64_t n, double fs, std::int64_t s, const ArtifactSettings& st) {
    const auto levelN = std::max<std::int64_t>(2, static_cast<std::int64_t>(1e-3 * fs));
    // the noise from up to 5 ms before the stimulus: a sweep cut with just 5 ms before it (the
    // protocol run's, the live late responses') has 5 ms less one sample, which is plenty; only
    // when fewer than 1 ms (at least 4 samples) come before it is the artifact left as it is
    const auto noiseN = std::min<std::int64_t>(std::max<std::int64_t>(4, static_cast<std::int64_t>(5e-3 * fs)), s - 1);
    if (noiseN < std::max<std::int64_t>(4, levelN) || s >= n - 2) return 0.0;
    const auto maxN = std::min<std::int64_t>(n - s, static_cast<std::int64_t>(std::ceil(st.maxBlankMs * 1e-3 * fs)) + 2);
    if (s - noiseN - 1 < offset || std::min(s + maxN + 1, n) > offset + static_cast<std::int64_t>(part.size()))
        throw std::logic_error("stimulus artifact blanking: the samples around stimulus " + std::to_string(s) + " were not read");
    const auto at = [&](std::int64_t i) -> double& { return part[static_cast<std::size_t>(i - offset)]; };
    double level = 0.0;
    for (std::int64_t i = s - levelN; i < s; ++i) level += at(i);
    level /= static_cast<double>(levelN);
    double sd = 0.0;
    for (std::int64_t i = s - noiseN; i < s; ++i) {
        const double d = at(i) - at(i - 1);
        sd += d * d;
    }
    sd = std::sqrt(sd / static_cast<double>(noiseN) / 2.0);
    Sweep view;
    view.sampleRateHz = fs;
    view.preSamples = 0;
    view.uv.assign(part.begin() + (s - offset), part.begin() + (s - offset + maxN));
    BaselineStats b;
    b.meanUv = level;
    b.sdUv = sd;
    const std::size_t end = artifactEndSample(view, b, st);
    const auto e = static_cast<std::int64_t>(static_cast<std::size_t>(s) + end);
    const double y0 = at(s - 1), y1 = at(std::min(e, n - 1));
    for (std::int64_t i = s; i < e && i < n; ++i)
        at(i) = y0 + (y1 - y0) * static_cast<double>(static_cast<std::size_t>(i - s) + 1) / static_cast<double>(static_cast<std::size_t>(e - s) + 1);
    return static_cast<double>(end) * 1000.0 / fs;
}

std::vector<double> blankStimulusArtifacts(std::vector<double>& x, double fs, std::span<const std::int64_t> stimuli,
                                           const ArtifactSettings& st) {
    std::vector<double> out;
    const auto n = static_cast<std::int64_t>(x.size());
    for (const std::int64_t s : stimuli) out.push_back(blankStimulusArtifact(std::span<double>(x), 0, n, fs, s, st));
    return out;
}

AveragedSweep averageSweeps(std::span<const Sweep> sweeps, const RejectionSettings& settings) {
    if (sweeps.empty()) throw std::invalid_argument("average: no sweeps");
    const auto& ref = sweeps.front();
    AveragedSweep out;
    std::vector<double> sum(ref.uv.size(), 0.0);
    for (const auto& s : sweeps) {
        if (s.uv.size() != ref.uv.size() || s.preSamples != ref.preSamples || s.sampleRateHz != ref.sampleRateHz)
            throw std::invalid_argument("average: sweeps differ in length, pre-trigger or sample rate");
        const auto b = baselineStats(s);
        double lo = s.uv[0], hi = s.uv[0];
        for (std::size_t i = 0; i < b.samples; ++i) {
            lo = std::min(lo, s.uv[i]);
            hi = std::max(hi, s.uv[i]);
        }
        std::ostringstream why;
        if (hi - lo > settings.baselineLimitUv) why << "baseline peak-to-peak " << (hi - lo) << " uV > " << settings.baselineLimitUv << " uV";
        else {
            const std::size_t from = artifactEndSample(s, b, settings.artifact);
            double peak = 0.0;
            for (std::size_t i = from; i < s.uv.size(); ++i) peak = std::max(peak, std::fabs(s.uv[i] - b.meanUv));
            if (peak > settings.peakLimitUv) why << "peak " << peak << " uV > " << settings.peakLimitUv << " uV";
        }
        if (!why.str().empty()) {
            out.rejectedIndices.push_back(s.index);
            out.rejectionReasons.push_back(why.str());
            continue;
        }
        for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += s.uv[i];
        out.usedIndices.push_back(s.index);
    }
    if (out.usedIndices.empty())
        throw std::runtime_error("average: all " + std::to_string(sweeps.size()) + " sweeps rejected (first: " + out.rejectionReasons.front() + ")");
    out.average = ref;
    for (const auto& s : sweeps)
        if (s.index == out.usedIndices.front()) {
            out.average.stimulusSample = s.stimulusSample;
            out.average.index = s.index;
        }
    const double n = static_cast<double>(out.usedIndices.size());
    for (std::size_t i = 0; i < sum.size(); ++i) out.average.uv[i] = sum[i] / n;
    return out;
}

}  // namespace emg::dsp
