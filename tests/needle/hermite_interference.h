#pragma once
// Synthetic needle interference that does NOT come from our simulator (drivers/sim): MUAP shapes
// are sums of Hermite-Rodriguez functions (Lo Conte LR, Merletti R, Sandri GV, IEEE Trans Biomed
// Eng 1994;41:1154-1165: H_n(t / lambda) exp(-(t / lambda)^2)), a brief main spike of order 1-2 with
// a slow first-order component for the initial and terminal phases; units fire as renewal trains
// with Gaussian intervals (rate 8-20 Hz, CV 0.1-0.2); a background of many small, blunt far units
// and white noise lies under them. The truth (shapes, firing times) is kept for the tests.

#include <cmath>
#include <cstddef>
#include <random>
#include <vector>

namespace hermite {

/// Physicists' Hermite polynomial H_n(u), n <= 3, times exp(-u^2).
inline double hr(int n, double u) {
    const double g = std::exp(-u * u);
    switch (n) {
        case 0: return g;
        case 1: return 2.0 * u * g;
        case 2: return (4.0 * u * u - 2.0) * g;
        default: return (8.0 * u * u * u - 12.0 * u) * g;
    }
}

struct UnitShape {
    double spikeLambdaMs = 0.25;   ///< scale of the main spike
    double spikeOrder2 = 0.3;      ///< weight of the 2nd-order function in the spike (1st order = 1)
    double slowLambdaMs = 2.0;     ///< scale of the slow component
    double slowWeight = 0.1;       ///< slow component / spike (before scaling)
    double slowShiftMs = 0.5;
    double peakToPeakUv = 500.0;   ///< of the whole shape
    double sign = -1.0;
};

/// The shape sampled at `fs` over [-beforeMs, +afterMs) around t = 0 (t = 0 is the spike centre).
inline std::vector<double> sampleShape(const UnitShape& s, double fs, double beforeMs, double afterMs) {
    const auto nb = static_cast<long>(std::lround(beforeMs * 1e-3 * fs));
    const auto na = static_cast<long>(std::lround(afterMs * 1e-3 * fs));
    std::vector<double> v;
    for (long k = -nb; k < na; ++k) {
        const double tMs = static_cast<double>(k) * 1000.0 / fs;
        const double us = tMs / s.spikeLambdaMs, ul = (tMs - s.slowShiftMs) / s.slowLambdaMs;
        v.push_back(hr(1, us) + s.spikeOrder2 * hr(2, us) + s.slowWeight * hr(1, ul));
    }
    double hi = -1e300, lo = 1e300;
    for (double a : v) { hi = std::max(hi, a); lo = std::min(lo, a); }
    for (double& a : v) a *= s.sign * s.peakToPeakUv / (hi - lo);
    return v;
}

struct Unit {
    UnitShape shape;
    std::vector<double> waveform;     ///< sampled over [-kBeforeMs, kAfterMs)
    std::vector<double> spikeTimesSec;///< times of t = 0 of each discharge
    std::size_t mainPeakOffset = 0;   ///< index of the largest |value| in waveform
};

constexpr double kBeforeMs = 15.0, kAfterMs = 25.0;

/// Discharge times of a renewal train (Gaussian intervals, >= 25 % of the mean), random phase.
inline std::vector<double> train(double rateHz, double cv, double seconds, std::mt19937& rng) {
    std::normal_distribution<double> isi(1.0 / rateHz, cv / rateHz);
    std::uniform_real_distribution<double> phase(0.0, 1.0 / rateHz);
    std::vector<double> t;
    for (double s = phase(rng); s < seconds; s += std::max(0.25 / rateHz, isi(rng))) t.push_back(s);
    return t;
}

/// Adds `w` (sampled from -kBeforeMs) at time tSec, scaled by `gain`.
inline void place(std::vector<double>& x, const std::vector<double>& w, double fs, double tSec, double gain) {
    const auto start = static_cast<long>(std::lround(tSec * fs)) - static_cast<long>(std::lround(kBeforeMs * 1e-3 * fs));
    for (std::size_t k = 0; k < w.size(); ++k) {
        const long i = start + static_cast<long>(k);
        if (i >= 0 && i < static_cast<long>(x.size())) x[static_cast<std::size_t>(i)] += gain * w[k];
    }
}

struct Interference {
    std::vector<double> microvolts;
    std::vector<Unit> units;
};

/// A background of `count` far units (10-40 uV, blunt spikes) firing at 8-15 Hz, added into x.
inline void addFarUnits(std::vector<double>& x, double fs, int count, double seconds, std::mt19937& rng) {
    std::uniform_real_distribution<double> U(0.0, 1.0);
    for (int f = 0; f < count; ++f) {
        UnitShape s;
        s.spikeLambdaMs = 0.8 + 0.8 * U(rng);
        s.spikeOrder2 = -0.3 + 0.6 * U(rng);
        s.slowLambdaMs = 2.5;
        s.slowWeight = 0.1;
        s.peakToPeakUv = 10.0 + 30.0 * U(rng);
        s.sign = U(rng) < 0.5 ? -1.0 : 1.0;
        const auto w = sampleShape(s, fs, kBeforeMs, kAfterMs);
        for (double t : train(8.0 + 7.0 * U(rng), 0.15, seconds, rng)) place(x, w, fs, t, 1.0);
    }
}

/// `amplitudesUv`: one near unit each (shapes drawn at random); `farUnits` small blunt units of
/// 10-40 µV; `noiseUv` white noise rms; `jigglePercent` per-discharge amplitude variation (SD, %).
inline Interference make(const std::vector<double>& amplitudesUv, double fs, double seconds, unsigned seed, int farUnits,
                         double noiseUv, double jigglePercent = 2.0) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> U(0.0, 1.0);
    Interference r;
    r.microvolts.assign(static_cast<std::size_t>(seconds * fs), 0.0);
    std::normal_distribution<double> jig(1.0, jigglePercent / 100.0);
    for (double a : amplitudesUv) {
        Unit u;
        u.shape.spikeLambdaMs = 0.18 + 0.10 * U(rng);
        u.shape.spikeOrder2 = -0.4 + 0.8 * U(rng);
        u.shape.slowLambdaMs = 1.5 + 1.5 * U(rng);
        u.shape.slowWeight = 0.10 + 0.10 * U(rng);
        u.shape.slowShiftMs = -1.0 + 2.0 * U(rng);
        u.shape.peakToPeakUv = a;
        u.shape.sign = U(rng) < 0.8 ? -1.0 : 1.0;
        u.waveform = sampleShape(u.shape, fs, kBeforeMs, kAfterMs);
        for (std::size_t k = 1; k < u.waveform.size(); ++k)
            if (std::abs(u.waveform[k]) > std::abs(u.waveform[u.mainPeakOffset])) u.mainPeakOffset = k;
        u.spikeTimesSec = train(8.0 + 12.0 * U(rng), 0.1 + 0.1 * U(rng), seconds, rng);
        for (double t : u.spikeTimesSec) place(r.microvolts, u.waveform, fs, t, jig(rng));
        r.units.push_back(std::move(u));
    }
    addFarUnits(r.microvolts, fs, farUnits, seconds, rng);
    std::normal_distribution<double> N(0.0, noiseUv);
    for (double& v : r.microvolts) v += N(rng);
    return r;
}

}  // namespace hermite
