#pragma once
// Fast deterministic white Gaussian noise: std::mt19937_64 drives lookups into a table of
// normal deviates (normalised to zero mean, unit variance). Four deviates per 64-bit draw.

#include <cstdint>
#include <random>
#include <span>

namespace emg::sim {

class NoiseSource {
public:
    explicit NoiseSource(std::uint64_t seed = 1) : rng_(seed) {}
    void reseed(std::uint64_t seed) { rng_.seed(seed); bitsLeft_ = 0; }
    /// One standard-normal deviate.
    double next() noexcept;
    /// Adds rmsUv * N(0,1) to every element.
    void add(std::span<double> out, double rmsUv) noexcept;

private:
    std::mt19937_64 rng_;
    std::uint64_t bits_ = 0;
    int bitsLeft_ = 0;
};

/// Uniform [0,1) from a 64-bit engine (portable, unlike std::uniform_real_distribution).
inline double uniform01(std::mt19937_64& rng) noexcept {
    return static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0);
}
/// Standard normal by Box-Muller (portable across standard libraries).
double standardNormal(std::mt19937_64& rng) noexcept;

}  // namespace emg::sim
