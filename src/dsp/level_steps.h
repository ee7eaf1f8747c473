#pragma once
// Jumps of a signal's level: the DC step where a record of another acquisition starts (glued
// records, glued_records.h) and the lasting step a lead or electrode movement leaves. A zero-phase
// high-pass spreads a step both ways (a 2 Hz one over ~0.2 s before and after it), and a hum fit
// over a block holding one takes part of it for hum: so the late-response chains take lasting steps
// out of the unfiltered channel before filtering. Internal to emg_dsp.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace emg::dsp::detail {

/// The median of `v` (reordered; the upper middle of an even count); `v` must not be empty.
double medianInPlace(std::vector<double>& v);

/// A jump of the level in a stretch of samples: where it is (index of the first sample after it),
/// its size (the level after less the level before) and the stretch's noise sd (robust, from the
/// first differences).
struct LevelStep {
    std::size_t at = 0;
    double jumpUv = 0.0;
    double noiseUv = 0.0;
};

/// The largest jump of the level in `x` (sampled at `fs`; the median of the 0.5 ms after less that of
/// the 0.5 ms before) that is a step and not a spike or noise: at least 12 x the noise sd and 10 uV;
/// nullopt when none, or when `x` is shorter than 2 ms.
std::optional<LevelStep> levelStep(std::span<const double> x, double fs);

/// The steps in `x` that last (a lead or electrode moved): each the largest left (levelStep) whose
/// jump holds over 5 ms either side (the medians of 5 ms, or what the stretch holds, differ by at
/// least half the 0.5 ms jump, in its sign, and by 12 noise sd and 10 uV) and is flat either side
/// (the medians of the 2.5 ms next to it and of the 2.5 ms beyond agree within a quarter of the jump
/// or 6 noise sd: a spike is back within the 5 ms, a motor-unit potential's lobes are not flat),
/// taken out before the next is looked for; at most `maxSteps`, in order of position, each `jumpUv`
/// the 5 ms medians' difference.
std::vector<LevelStep> lastingLevelSteps(std::span<const double> x, double fs, int maxSteps = 4);

/// Sorted, disjoint ranges [first, second) of a channel handed over block by block in order (a
/// streamed channel): each range, once complete, handed whole to `use(range, samples)` (`range` its
/// index in `ranges`); one range held at a time. Empty ranges are skipped.
class RangeGatherer {
public:
    using Use = std::function<void(std::size_t range, std::span<const double> samples)>;
    RangeGatherer(std::vector<std::pair<std::size_t, std::size_t>> ranges, Use use);
    /// The channel's samples [from, from + block.size()), the block after the last one fed.
    void feed(std::size_t from, std::span<const double> block);

private:
    std::vector<std::pair<std::size_t, std::size_t>> ranges_;
    Use use_;
    std::size_t current_ = 0;
    std::vector<double> held_;
};

}  // namespace emg::dsp::detail
