#include "glued_records.h"

#include <algorithm>
#include <cmath>

namespace emg::dsp::detail {

namespace {
double medianOf(std::vector<double>& v) {
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    return *mid;
}

/// Median of x[a, b).
double medianOf(std::span<const double> x, std::size_t a, std::size_t b) {
    std::vector<double> v(x.begin() + static_cast<std::ptrdiff_t>(a), x.begin() + static_cast<std::ptrdiff_t>(b));
    return medianOf(v);
}

constexpr double kStepNoiseSds = 12.0;   // a step stands this far above the noise sd
constexpr double kMinStepUv = 10.0;      // and is at least this large (a quantised quiet signal has no spread)
}  // namespace

std::optional<LevelStep> levelStep(std::span<const double> x, double fs) {
    const auto m = std::max<std::size_t>(4, static_cast<std::size_t>(std::lround(0.5e-3 * fs)));   // the 0.5 ms either side
    if (x.size() < std::max<std::size_t>(4 * m, static_cast<std::size_t>(2e-3 * fs))) return std::nullopt;
    std::vector<double> d(x.size() - 1);
    for (std::size_t i = 1; i < x.size(); ++i) d[i - 1] = x[i] - x[i - 1];
    std::vector<double> spread = d;
    const double centre = medianOf(spread);
    for (auto& v : spread) v = std::abs(v - centre);
    const double diffSd = 1.4826 * medianOf(spread);
    const double noiseUv = diffSd / std::sqrt(2.0);
    const double needUv = std::max(kStepNoiseSds * noiseUv, kMinStepUv);
    std::optional<LevelStep> best;
    for (std::size_t i = m; i + m <= x.size(); ++i) {
        if (std::abs(d[i - 1]) < 0.5 * needUv) continue;   // a step of needUv has a difference of at least half of it within its sample
        const double jump = medianOf(x, i, i + m) - medianOf(x, i - m, i);
        if (std::abs(jump) >= needUv && (!best || std::abs(jump) > std::abs(best->jumpUv))) best = LevelStep{i, jump, noiseUv};
    }
    return best;
}

std::vector<std::pair<std::size_t, std::size_t>> gluedSearchRanges(std::span<const std::int64_t> stimulusSamples, std::size_t totalSamples,
                                                                   double fs, double windowMs, double searchToMs) {
    const auto ms = [&](double v) { return static_cast<std::int64_t>(std::llround(v * 1e-3 * fs)); };
    std::vector<std::pair<std::size_t, std::size_t>> ranges(stimulusSamples.size(), {0, 0});
    for (std::size_t k = 1; k < stimulusSamples.size(); ++k) {
        const std::int64_t prev = stimulusSamples[k - 1], stim = stimulusSamples[k];
        const std::int64_t from = std::max<std::int64_t>(0, prev + ms(windowMs));
        const std::int64_t to = std::min({stim - ms(1.0), prev + ms(searchToMs), static_cast<std::int64_t>(totalSamples)});
        if (prev >= 0 && to - from >= std::max<std::int64_t>(16, ms(2.0))) ranges[k] = {static_cast<std::size_t>(from), static_cast<std::size_t>(to)};
    }
    return ranges;
}

LevelStepScan::LevelStepScan(std::vector<std::pair<std::size_t, std::size_t>> ranges, double fs)
    : ranges_(std::move(ranges)), fs_(fs), steps_(ranges_.size()) {}

void LevelStepScan::feed(std::size_t from, std::span<const double> block) {
    const std::size_t to = from + block.size();
    while (current_ < ranges_.size()) {
        const auto [a, b] = ranges_[current_];
        if (a >= b) {   // no stretch before this stimulus
            ++current_;
            continue;
        }
        if (a >= to) return;   // the range starts after this block
        const std::size_t first = std::max(a + held_.size(), from), last = std::min(b, to);
        if (first < last)
            held_.insert(held_.end(), block.begin() + static_cast<std::ptrdiff_t>(first - from), block.begin() + static_cast<std::ptrdiff_t>(last - from));
        if (b > to) return;   // the range goes on in the next block
        if (held_.size() == b - a)
            if (const auto s = levelStep(held_, fs_)) steps_[current_] = static_cast<std::int64_t>(a + s->at);
        held_.clear();
        ++current_;
    }
}

std::vector<std::int64_t> gluedRecordStarts(std::span<const std::int64_t> stimulusSamples, double fs,
                                            const std::vector<std::optional<std::int64_t>>& steps, std::size_t looked) {
    std::vector<std::int64_t> distance;   // stimulus - step, per stimulus where one was found
    for (std::size_t k = 0; k < steps.size() && k < stimulusSamples.size(); ++k)
        if (steps[k]) distance.push_back(stimulusSamples[k] - *steps[k]);
    if (looked < 2 || distance.size() < 2) return {};
    std::vector<double> sorted(distance.begin(), distance.end());
    const auto d = static_cast<std::int64_t>(std::llround(medianOf(sorted)));
    const std::int64_t tolerance = std::max<std::int64_t>(2, std::llround(0.2e-3 * fs));
    const auto agreeing =
        static_cast<std::size_t>(std::count_if(distance.begin(), distance.end(), [&](std::int64_t v) { return std::abs(v - d) <= tolerance; }));
    if (agreeing < 2 || 2 * agreeing < looked) return {};
    std::vector<std::int64_t> starts;
    for (std::size_t k = 0; k < stimulusSamples.size(); ++k) {
        const std::int64_t s = stimulusSamples[k] - d;
        if (k > 0 && s <= stimulusSamples[k - 1]) return {};   // a record would start before the previous stimulus: no such layout
        if (s > 0) starts.push_back(s);
    }
    return starts;
}

}  // namespace emg::dsp::detail
