#pragma once
// Pieces the randomized accuracy harnesses share (tests/dsp/*_case_generator, *_accuracy_eval):
// a seeded random source, the background, artifact and CMAP they draw, and the interpolated
// quantile their tables print. Test code only.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
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

/// The late-response filter presets' low-pass (filter_presets.cpp: F-wave, H-reflex, RNS), entered
/// here as numbers so the truth does not call the engine's filter code.
inline constexpr double kLateResponseLowPassHz = 10000.0;
inline constexpr int kLateResponseLowPassOrder = 2;

/// The white noise's rms in the band a late response is analysed in, as a fraction of its rms in
/// the file: the late-response presets' low-pass (Butterworth of `order`, corner `lowPassHz`,
/// clamped to 0.45 x the rate as the presets are) run forward and backward (zero phase: the
/// squared magnitude squared again), integrated from 0 to Nyquist. The bilinear transform's
/// Butterworth has |H|^2 = 1 / (1 + (tan(pi f / fs) / tan(pi fc / fs))^(2 order)) exactly. The
/// 2 Hz high-pass takes < 0.1 % of the band and is left out. Written from the formula, not from the
/// engine's filter code, so the truth does not share the engine's code.
inline double analysisBandNoiseGain(double sampleRateHz, double lowPassHz, int order) {
    const double fc = std::min(lowPassHz, 0.45 * sampleRateHz);
    const double tc = std::tan(std::numbers::pi * fc / sampleRateHz);
    constexpr int steps = 20000;
    double sum = 0.0;
    for (int k = 0; k < steps; ++k) {
        const double f = (k + 0.5) / steps * 0.5 * sampleRateHz;
        const double h2 = 1.0 / (1.0 + std::pow(std::tan(std::numbers::pi * f / sampleRateHz) / tc, 2.0 * order));
        sum += h2 * h2;
    }
    return std::sqrt(sum / steps);
}

/// A stimulus artifact: `peakUv` for the first 30 % of `ms`, decaying to `tailUv` by `ms`, then
/// the tail decaying with `tailTauMs`.
struct StimulusArtifact {
    double ms = 0.0, peakUv = 0.0, tailUv = 0.0, tailTauMs = 0.1;
    [[nodiscard]] double at(double t) const {
        if (t < 0.0) return 0.0;
        if (t < 0.3 * ms) return peakUv;
        if (t < ms) return tailUv + (peakUv - tailUv) * std::exp(-(t - 0.3 * ms) / (0.15 * ms));
        return tailUv * std::exp(-(t - ms) / tailTauMs);
    }
};
/// The generators' artifact: 0.1..maxMs long, a peak of 1-8 mV and a tail to 300 uV, each of either
/// sign, the tail's time constant 0.1..tauMaxMs. Draws from `r` in this order (the harnesses' seed
/// sets depend on it).
inline StimulusArtifact drawArtifact(CaseRng& r, double maxMs, double tauMaxMs) {
    StimulusArtifact a;
    a.ms = r.uni(0.1, maxMs);
    a.peakUv = r.sign() * r.uni(1000.0, 8000.0);
    a.tailUv = r.sign() * r.uni(0.0, 300.0);
    a.tailTauMs = r.uni(0.1, tauMaxMs);
    return a;
}

/// What the generators' channel carries besides the responses and the artifact.
struct Background {
    double noiseRmsUv = 0.0, humUv = 0.0, mainsHz = 50.0, dcUv = 0.0, driftUv = 0.0;
};
/// The generators' sample rate: one of 4..48 kHz.
inline double drawSampleRate(CaseRng& r) {
    const double rates[] = {4000, 5000, 8000, 10000, 12000, 16000, 20000, 24000, 32000, 48000};
    return rates[r.integer(0, 9)];
}
/// The generators' background: noise 2..20 uV rms, hum 0..50 uV (none in 20 % of the cases) at 50
/// or 60 Hz, DC to +-10 mV, drift to 500 uV; drawn in this order.
inline Background drawBackground(CaseRng& r) {
    Background b;
    b.noiseRmsUv = r.uni(2.0, 20.0);
    b.humUv = r.chance(0.2) ? 0.0 : r.uni(0.0, 50.0);
    b.mainsHz = r.chance(0.5) ? 50.0 : 60.0;
    b.dcUv = r.uni(-10000.0, 10000.0);
    b.driftUv = r.uni(0.0, 500.0);
    return b;
}
/// A case's background fields (noiseRmsUv, humUv, mainsHz, dcUv, driftUv) set from `b`.
template <class Case>
void setBackground(Case& c, const Background& b) {
    c.noiseRmsUv = b.noiseRmsUv;
    c.humUv = b.humUv;
    c.mainsHz = b.mainsHz;
    c.dcUv = b.dcUv;
    c.driftUv = b.driftUv;
}

/// `total` samples at `fs` of DC, white noise, mains hum (2nd and 3rd harmonics of random size and
/// phase) and a 0.1-0.5 Hz drift; with `recordN` > 0 every record of recordN samples is its own
/// acquisition (its DC within +-2 mV of the case's, its own hum and drift phase, its own time from
/// 0). Draws from `r` in a fixed order, the noise interleaved (the harnesses' seed sets depend on it).
inline std::vector<double> backgroundSamples(std::size_t total, double fs, std::size_t recordN, const Background& b, CaseRng& r) {
    std::vector<double> x(total, 0.0);
    std::normal_distribution<double> noise(0.0, b.noiseRmsUv);
    const double h2 = r.uni(0.0, 0.2), h3 = r.uni(0.0, 0.3), ph2 = r.uni(0, 6.3), ph3 = r.uni(0, 6.3);
    double humPh = r.uni(0, 6.3), driftPh = r.uni(0, 6.3), dc = b.dcUv;
    const double driftHz = r.uni(0.1, 0.5);
    const double w = 2.0 * std::numbers::pi * b.mainsHz;
    for (std::size_t i = 0; i < total; ++i) {
        double t = static_cast<double>(i) / fs;
        if (recordN > 0) {
            if (i % recordN == 0 && i > 0) {   // a new acquisition: its own DC, hum phase, drift phase
                humPh = r.uni(0, 6.3);
                driftPh = r.uni(0, 6.3);
                dc = b.dcUv + r.uni(-2000.0, 2000.0);
            }
            t = static_cast<double>(i % recordN) / fs;
        }
        x[i] = dc + noise(r.g) + b.humUv * (std::sin(w * t + humPh) + h2 * std::sin(2 * w * t + ph2) + h3 * std::sin(3 * w * t + ph3)) +
               b.driftUv * std::sin(2.0 * std::numbers::pi * driftHz * t + driftPh);
    }
    return x;
}

/// A CMAP leaving its baseline with zero slope: a negative phase of raised-cosine rise and fall,
/// then a positive half-sine of posFraction of it.
struct SmoothCmap {
    double onsetMs = 3.0, riseMs = 2.0, fallMs = 3.0, posFraction = 0.4, posMs = 8.0;
    [[nodiscard]] double at(double t, double ampUv) const {
        const double u = t - onsetMs;
        if (u <= 0.0) return 0.0;
        if (u < riseMs) return -ampUv * 0.5 * (1.0 - std::cos(std::numbers::pi * u / riseMs));
        if (u < riseMs + fallMs) return -ampUv * 0.5 * (1.0 + std::cos(std::numbers::pi * (u - riseMs) / fallMs));
        const double p = u - riseMs - fallMs;
        if (p < posMs) return posFraction * ampUv * std::sin(std::numbers::pi * p / posMs);
        return 0.0;
    }
    [[nodiscard]] double endMs() const { return onsetMs + riseMs + fallMs + posMs; }
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
