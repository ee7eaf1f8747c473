#include "background.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace emg::sim {
namespace {
constexpr double kTwoPi = 6.283185307179586;
}

void BackgroundConfig::validate() const {
    if (!(sampleRateHz >= 1000.0 && sampleRateHz <= 200000.0))
        throw std::invalid_argument("background: sample rate " + std::to_string(sampleRateHz) + " Hz out of 1-200 kHz");
    if (!(noiseRmsUv >= 0.0 && noiseRmsUv <= 1000.0))
        throw std::invalid_argument("background: noise rms must be 0-1000 uV");
    if (!(mainsHz == 50.0 || mainsHz == 60.0))
        throw std::invalid_argument("background: mains frequency must be 50 or 60 Hz, not " + std::to_string(mainsHz));
    if (!(mainsAmplitudeUv >= 0.0 && mainsAmplitudeUv <= 10000.0))
        throw std::invalid_argument("background: mains amplitude must be 0-10000 uV");
    if (!(mainsThirdHarmonic >= 0.0 && mainsThirdHarmonic <= 1.0))
        throw std::invalid_argument("background: mains third harmonic must be 0-1 of the fundamental");
    if (!(driftAmplitudeUv >= 0.0 && driftAmplitudeUv <= 10000.0))
        throw std::invalid_argument("background: drift amplitude must be 0-10000 uV");
}

Background::Background(const BackgroundConfig& config) : config_(config), noise_(config.seed) {
    config_.validate();
    std::mt19937_64 rng(config.seed ^ 0xd1f7ULL);
    driftPhase_ = kTwoPi * uniform01(rng);
}

void Background::skipTo(std::int64_t sample) noexcept { sample_ = sample; }

void Background::addMainsAndDrift(std::span<double> out) noexcept {
    const double fs = config_.sampleRateHz;
    if (config_.mainsAmplitudeUv > 0.0) {
        // phase from the absolute sample index (no accumulated error), then a rotating phasor
        const double w = kTwoPi * config_.mainsHz / fs;
        const double cycles = std::fmod(static_cast<double>(sample_) * config_.mainsHz / fs, 1.0);
        double c = std::cos(kTwoPi * cycles), s = std::sin(kTwoPi * cycles);
        const double cw = std::cos(w), sw = std::sin(w);
        const double a1 = config_.mainsAmplitudeUv, a3 = a1 * config_.mainsThirdHarmonic;
        for (double& v : out) {
            // sin(3x) = 3 sin x - 4 sin^3 x
            v += a1 * s + a3 * (3.0 * s - 4.0 * s * s * s);
            const double nc = c * cw - s * sw;
            s = s * cw + c * sw;
            c = nc;
        }
    }
    if (config_.driftAmplitudeUv > 0.0) {
        const double a = config_.driftAmplitudeUv * 0.5;
        const std::size_t n = out.size();
        const double t0 = static_cast<double>(sample_) / fs;
        const double t1 = static_cast<double>(sample_ + static_cast<std::int64_t>(n)) / fs;
        // drift is slow: evaluate at the block ends and interpolate
        const double d0 = a * (std::sin(kTwoPi * driftHz1_ * t0 + driftPhase_) + std::sin(kTwoPi * driftHz2_ * t0));
        const double d1 = a * (std::sin(kTwoPi * driftHz1_ * t1 + driftPhase_) + std::sin(kTwoPi * driftHz2_ * t1));
        for (std::size_t i = 0; i < n; ++i) out[i] += d0 + (d1 - d0) * static_cast<double>(i) / static_cast<double>(n);
    }
    sample_ += static_cast<std::int64_t>(out.size());
}

void Background::addNoise(std::span<double> out) noexcept { noise_.add(out, config_.noiseRmsUv); }

void Background::add(std::span<double> out) noexcept {
    addMainsAndDrift(out);
    addNoise(out);
}

}  // namespace emg::sim
