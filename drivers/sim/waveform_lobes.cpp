#include "waveform_lobes.h"

#include <cmath>

namespace emg::sim {
namespace {
constexpr double kHalfPi = 1.5707963267948966;

/// 0 -> 1 -> 0 over x in [0,1], peak at p: quarter sine up, quarter cosine down.
double lobeShape(double x, double p) noexcept {
    if (x <= 0.0 || x >= 1.0) return 0.0;
    if (x < p) return std::sin(kHalfPi * x / p);
    return std::cos(kHalfPi * (x - p) / (1.0 - p));
}
}  // namespace

double lobeChainDurationMs(std::span<const Lobe> lobes) noexcept {
    double d = 0.0;
    for (const auto& l : lobes) d += l.widthMs;
    return d;
}

double lobeChainValue(std::span<const Lobe> lobes, double tMs) noexcept {
    if (tMs <= 0.0) return 0.0;
    double start = 0.0;
    for (const auto& l : lobes) {
        if (tMs < start + l.widthMs) {
            const double p = l.peakFraction < 0.02 ? 0.02 : (l.peakFraction > 0.98 ? 0.98 : l.peakFraction);
            return l.amplitudeUv * lobeShape((tMs - start) / l.widthMs, p);
        }
        start += l.widthMs;
    }
    return 0.0;
}

std::vector<double> sampleLobeChain(const std::vector<Lobe>& lobes, double sampleRateHz) {
    const double durMs = lobeChainDurationMs(lobes);
    const auto n = static_cast<std::size_t>(std::ceil(durMs * sampleRateHz / 1000.0)) + 1;
    std::vector<double> out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = lobeChainValue(lobes, 1000.0 * static_cast<double>(i) / sampleRateHz);
    return out;
}

}  // namespace emg::sim
