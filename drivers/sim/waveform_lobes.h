#pragma once
// Potentials built as a chain of lobes (phases): each lobe rises from baseline to its peak
// and returns, alternating sign, so the phase count is exactly the number of lobes.

#include <span>
#include <vector>

namespace emg::sim {

struct Lobe {
    double amplitudeUv = 0.0;   ///< signed peak (positive = electrode positive)
    double widthMs = 1.0;
    double peakFraction = 0.5;  ///< where in the lobe the peak sits (0..1): <0.5 = sharp rise
};

/// Value of a lobe chain starting at t = 0 (ms); 0 outside [0, sum of widths).
double lobeChainValue(std::span<const Lobe> lobes, double tMs) noexcept;
double lobeChainDurationMs(std::span<const Lobe> lobes) noexcept;
/// Samples the chain at sampleRateHz starting at t = 0 (one sample past the end included).
std::vector<double> sampleLobeChain(const std::vector<Lobe>& lobes, double sampleRateHz);

}  // namespace emg::sim
