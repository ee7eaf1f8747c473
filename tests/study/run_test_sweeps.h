#pragma once
// Sweeps for the protocol-run tests: a SNAP-like response in white noise.
#include <emg/study/session_store.h>

#include <cmath>
#include <cstddef>
#include <random>

namespace emg::study::test {

inline constexpr double kSnapRateHz = 20000.0;
inline constexpr double kSnapPreMs = 5.0;
inline constexpr double kSnapOnsetMs = 2.5, kSnapNegativeMs = 1.0, kSnapAmplitudeUv = 20.0, kSnapNoiseUv = 2.0;

/// A SNAP-like sweep: a negative half-sine (kSnapAmplitudeUv, kSnapNegativeMs from kSnapOnsetMs
/// after the stimulus) then a positive one of half its size, with white noise of kSnapNoiseUv rms
/// (25 ms at 20 kHz, 5 ms of them before the stimulus).
inline RunSweep snapSweep(std::mt19937& rng, double amplitudeUv = kSnapAmplitudeUv) {
    std::normal_distribution<double> noise(0.0, kSnapNoiseUv);
    RunSweep s;
    s.channel = "SNAP";
    s.sampleRateHz = kSnapRateHz;
    s.stimulusIndex = static_cast<int>(kSnapPreMs * kSnapRateHz / 1000.0);
    s.stimulusMa = 20.0;
    s.pulseWidthMs = 0.2;
    const auto n = static_cast<std::size_t>((kSnapPreMs + 20.0) * kSnapRateHz / 1000.0);
    for (std::size_t i = 0; i < n; ++i) {
        const double t = (static_cast<double>(i) - s.stimulusIndex) * 1000.0 / kSnapRateHz - kSnapOnsetMs;
        double v = 0.0;
        if (t > 0.0 && t < kSnapNegativeMs) v = -amplitudeUv * std::sin(M_PI * t / kSnapNegativeMs);
        if (t >= kSnapNegativeMs && t < 2.0 * kSnapNegativeMs) v = 0.5 * amplitudeUv * std::sin(M_PI * (t - kSnapNegativeMs) / kSnapNegativeMs);
        s.microvolts.push_back(static_cast<float>(v + noise(rng)));
    }
    return s;
}

}  // namespace emg::study::test
