#pragma once
// Pieces the randomized accuracy harnesses share (tests/dsp/*_case_generator, *_accuracy_eval):
// a seeded random source and the interpolated quantile their tables print. Test code only.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace emg::harness {

/// A seeded random source; each generator passes its own seed mixing so that one seed number
/// gives unrelated cases in different harnesses.
struct CaseRng {
    std::mt19937_64 g;
    CaseRng(std::uint64_t seed, std::uint64_t multiplier, std::uint64_t offset) : g(seed * multiplier + offset) {}
    double uni(double a, double b) { return std::uniform_real_distribution<double>(a, b)(g); }
    double normal(double m, double s) { return std::normal_distribution<double>(m, s)(g); }
    int integer(int a, int b) { return std::uniform_int_distribution<int>(a, b)(g); }
    bool chance(double p) { return uni(0.0, 1.0) < p; }
    double sign() { return chance(0.5) ? 1.0 : -1.0; }
};

/// Quantile q (0..1) of v by linear interpolation between order statistics; 0 for an empty v.
inline double quantile(std::vector<double> v, double q) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    const double pos = q * static_cast<double>(v.size() - 1);
    const auto i = static_cast<std::size_t>(pos);
    const double f = pos - static_cast<double>(i);
    return i + 1 < v.size() ? v[i] * (1 - f) + v[i + 1] * f : v[i];
}

}  // namespace emg::harness
