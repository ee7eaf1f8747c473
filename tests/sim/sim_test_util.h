#pragma once
// Small measurement helpers for the simulator tests.

#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

namespace emg::sim::test {

/// First crossing of |v| > threshold at or after `from`, linearly interpolated (fractional index); -1 if none.
inline double onsetIndex(std::span<const double> v, double threshold, std::size_t from = 0) {
    for (std::size_t i = std::max<std::size_t>(from, 1); i < v.size(); ++i)
        if (std::abs(v[i]) > threshold) {
            const double a = std::abs(v[i - 1]), b = std::abs(v[i]);
            return static_cast<double>(i - 1) + (threshold - a) / (b - a);
        }
    return -1.0;
}

/// Amplitude of the sinusoid at `hz` (least squares against sin/cos).
inline double toneAmplitude(std::span<const double> v, double hz, double fs) {
    double s = 0, c = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const double ph = 2.0 * M_PI * hz * static_cast<double>(i) / fs;
        s += v[i] * std::sin(ph);
        c += v[i] * std::cos(ph);
    }
    return 2.0 * std::hypot(s, c) / static_cast<double>(v.size());
}

inline double rms(std::span<const double> v) {
    double acc = 0;
    for (double x : v) acc += x * x;
    return std::sqrt(acc / static_cast<double>(v.size()));
}

}  // namespace emg::sim::test
