#pragma once
// What every electrode picks up besides physiology: white electrode/amplifier noise, mains
// interference (50/60 Hz with a small third harmonic) and optional slow baseline drift.

#include "noise_source.h"

#include <cstdint>
#include <span>

namespace emg::sim {

struct BackgroundConfig {
    double sampleRateHz = 20000.0;
    double noiseRmsUv = 3.0;
    double mainsHz = 50.0;
    double mainsAmplitudeUv = 5.0;         ///< peak amplitude of the fundamental
    double mainsThirdHarmonic = 0.1;       ///< third-harmonic amplitude / fundamental
    double driftAmplitudeUv = 0.0;         ///< peak of a slow (0.1-0.5 Hz) wander
    std::uint64_t seed = 1;
    void validate() const;                 ///< throws std::invalid_argument
};

class Background {
public:
    explicit Background(const BackgroundConfig& config);
    /// Adds noise + mains + drift for the next out.size() samples (sample clock advances).
    void add(std::span<double> out) noexcept;
    /// Mains + drift only (shared by channels of one amplifier), then noise separately.
    void addMainsAndDrift(std::span<double> out) noexcept;
    void addNoise(std::span<double> out) noexcept;
    void skipTo(std::int64_t sample) noexcept;   ///< for mains/drift phase
    const BackgroundConfig& config() const noexcept { return config_; }

private:
    BackgroundConfig config_;
    NoiseSource noise_;
    std::int64_t sample_ = 0;
    double driftPhase_ = 0.0, driftHz1_ = 0.17, driftHz2_ = 0.41;
};

}  // namespace emg::sim
