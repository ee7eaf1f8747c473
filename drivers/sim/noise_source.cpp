#include "noise_source.h"

#include <array>
#include <cmath>

namespace emg::sim {
namespace {

constexpr std::size_t kTableBits = 16;
constexpr std::size_t kTableSize = std::size_t{1} << kTableBits;

/// 65536 normal deviates from a fixed seed, shifted and scaled to exactly zero mean, unit variance.
const std::array<float, kTableSize>& gaussianTable() {
    static const std::array<float, kTableSize> table = [] {
        std::array<double, kTableSize> d{};
        std::mt19937_64 rng(0x5eed5eedULL);
        for (std::size_t i = 0; i < kTableSize; ++i) d[i] = standardNormal(rng);
        double mean = 0.0;
        for (double v : d) mean += v;
        mean /= kTableSize;
        double var = 0.0;
        for (double v : d) var += (v - mean) * (v - mean);
        const double sd = std::sqrt(var / kTableSize);
        std::array<float, kTableSize> t{};
        for (std::size_t i = 0; i < kTableSize; ++i) t[i] = static_cast<float>((d[i] - mean) / sd);
        return t;
    }();
    return table;
}

}  // namespace

double standardNormal(std::mt19937_64& rng) noexcept {
    constexpr double kTwoPi = 6.283185307179586;
    double u1 = uniform01(rng);
    while (u1 <= 0.0) u1 = uniform01(rng);
    const double u2 = uniform01(rng);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
}

double NoiseSource::next() noexcept {
    if (bitsLeft_ < static_cast<int>(kTableBits)) {
        bits_ = rng_();
        bitsLeft_ = 64;
    }
    const auto idx = static_cast<std::size_t>(bits_ & (kTableSize - 1));
    bits_ >>= kTableBits;
    bitsLeft_ -= static_cast<int>(kTableBits);
    return gaussianTable()[idx];
}

void NoiseSource::add(std::span<double> out, double rmsUv) noexcept {
    if (rmsUv <= 0.0) return;
    const auto& table = gaussianTable();
    for (double& v : out) {
        if (bitsLeft_ < static_cast<int>(kTableBits)) {
            bits_ = rng_();
            bitsLeft_ = 64;
        }
        v += rmsUv * table[static_cast<std::size_t>(bits_ & (kTableSize - 1))];
        bits_ >>= kTableBits;
        bitsLeft_ -= static_cast<int>(kTableBits);
    }
}

}  // namespace emg::sim
