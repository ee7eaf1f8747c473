#pragma once
// The largest spikes of an interference pattern: the peak-to-peak amplitude of each spike (a peak
// of |x| that is the largest within +-1 ms and reaches the turn criterion) measured within +-1 ms of
// its peak, and the median of the N largest. In a dense pattern the mean amplitude per turn mixes
// the few large potentials of reinnervated units with the many small turns of the background; the
// largest spikes measure those potentials themselves (as the outlier rule of quantitative MUP
// analysis looks at the largest MUPs, not at the mean). Criteria: docs/needle-emg.md.

#include <cstddef>
#include <span>

namespace emg::needle {

struct LargestSpikesOptions {
    double minPeakUv = 100.0;    ///< a spike's |peak| reaches the turn criterion (Willison 1964)
    double halfWindowMs = 1.0;   ///< the peak is the largest |x| within this; peak to peak is measured within it
    std::size_t count = 20;      ///< the median of this many largest spikes
};

struct LargestSpikes {
    double medianUv = 0.0;       ///< median peak to peak of the `count` largest spikes; 0 when fewer were found
    std::size_t spikes = 0;      ///< spikes found
};

LargestSpikes largestSpikes(std::span<const double> x, double sampleRateHz, const LargestSpikesOptions& o = {});
LargestSpikes largestSpikes(std::span<const float> x, double sampleRateHz, const LargestSpikesOptions& o = {});

}  // namespace emg::needle
