#pragma once
// Interference pattern at strong contraction: turns per second against mean amplitude per turn
// in epochs (turns/amplitude cloud), the envelope, and the comparison with a reference cloud.

#include <emg/needle/needle_types.h>

#include <span>

namespace emg::needle {

struct InterferenceOptions {
    double epochMs = 500.0;
    double minTurnsPerSec = 30.0;       ///< epochs with fewer turns are not an interference pattern
    double outsidePercentAbnormal = 10.0;  ///< more than this share of epochs outside the cloud is abnormal
};

/// Turn points (indices) with the given criterion (direction change with >= turnUv on both sides).
std::vector<std::size_t> turnPoints(std::span<const double> x, double turnUv);

/// `x`: band-filtered signal at strong effort, µV.
InterferenceResult analyzeInterference(std::span<const double> x, double sampleRateHz, const InterferenceCloud& cloud,
                                       const InterferenceOptions& o = {});

}  // namespace emg::needle
