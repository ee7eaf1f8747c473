#include "level_steps.h"

#include <algorithm>
#include <cmath>

namespace emg::dsp::detail {

double medianInPlace(std::vector<double>& v) {
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    return *mid;
}

namespace {
/// Median of x[a, b).
double medianOf(std::span<const double> x, std::size_t a, std::size_t b) {
    std::vector<double> v(x.begin() + static_cast<std::ptrdiff_t>(a), x.begin() + static_cast<std::ptrdiff_t>(b));
    return medianInPlace(v);
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
    const double centre = medianInPlace(spread);
    for (auto& v : spread) v = std::abs(v - centre);
    const double diffSd = 1.4826 * medianInPlace(spread);
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

std::vector<LevelStep> lastingLevelSteps(std::span<const double> x, double fs, int maxSteps) {
    std::vector<LevelStep> found;
    std::vector<double> work(x.begin(), x.end());
    const auto p = std::max<std::size_t>(4, static_cast<std::size_t>(std::lround(5e-3 * fs)));   // the 5 ms either side
    for (int k = 0; k < maxSteps; ++k) {
        const auto s = levelStep(work, fs);
        if (!s) break;
        const std::size_t a = s->at;
        const double jump = medianOf(work, a, std::min(work.size(), a + p)) - medianOf(work, a > p ? a - p : 0, a);
        const double needUv = std::max(kStepNoiseSds * s->noiseUv, kMinStepUv);
        if (std::abs(jump) < needUv || std::abs(jump) < 0.5 * std::abs(s->jumpUv) || (jump > 0.0) != (s->jumpUv > 0.0)) break;
        // flat either side: the medians of the 2.5 ms next to the step and of the 2.5 ms beyond
        // agree (a potential's lobes do not: a 6 ms biphasic one passes the 5 ms test above)
        const std::size_t b0 = a > p ? a - p : 0, b1 = std::min(work.size(), a + p);
        const double flatUv = std::max(0.25 * std::abs(jump), 6.0 * s->noiseUv);
        if (std::abs(medianOf(work, (a + b0) / 2, a) - medianOf(work, b0, (a + b0) / 2)) > flatUv ||
            std::abs(medianOf(work, a, (a + b1) / 2) - medianOf(work, (a + b1) / 2, b1)) > flatUv)
            break;
        for (std::size_t i = a; i < work.size(); ++i) work[i] -= jump;
        found.push_back(LevelStep{a, jump, s->noiseUv});
    }
    std::sort(found.begin(), found.end(), [](const LevelStep& l, const LevelStep& r) { return l.at < r.at; });
    return found;
}

RangeGatherer::RangeGatherer(std::vector<std::pair<std::size_t, std::size_t>> ranges, Use use) : ranges_(std::move(ranges)), use_(std::move(use)) {}

void RangeGatherer::feed(std::size_t from, std::span<const double> block) {
    const std::size_t to = from + block.size();
    while (current_ < ranges_.size()) {
        const auto [a, b] = ranges_[current_];
        if (a >= b) {   // nothing to gather
            ++current_;
            continue;
        }
        if (a >= to) return;   // the range starts after this block
        const std::size_t first = std::max(a + held_.size(), from), last = std::min(b, to);
        if (first < last)
            held_.insert(held_.end(), block.begin() + static_cast<std::ptrdiff_t>(first - from), block.begin() + static_cast<std::ptrdiff_t>(last - from));
        if (b > to) return;   // the range goes on in the next block
        if (held_.size() == b - a) use_(current_, held_);
        held_.clear();
        ++current_;
    }
}

}  // namespace emg::dsp::detail
