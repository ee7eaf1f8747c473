// Motor amplitude (issue 11: within 2 %): the CMAP's negative peak read from a quartic over the
// peak's top half (DetectionSettings::peakFitLevelFraction), not from its deepest sample. Signals
// built here (a raised-cosine CMAP, white Gaussian noise of stated rms), not by the harness's
// generator; the truth amplitude is the raised cosine's peak, set by the formula.
#include <emg/dsp/ncs_analysis.h>
#include <emg/dsp/ncs_measures.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

using namespace emg::dsp;

namespace {
constexpr double kPreMs = 20.0, kSweepMs = 40.0, kOnsetMs = 5.0;

/// Noise-free CMAP: 0 before kOnsetMs, a raised-cosine rise to -peak over riseMs, a raised-cosine
/// return over fallMs, then a positive half sine of 0.4 x peak over 5 ms. The negative peak is
/// exactly -peak, at kOnsetMs + riseMs.
double cmap(double tMs, double peakUv, double riseMs, double fallMs) {
    const double tau = tMs - kOnsetMs;
    if (tau <= 0.0) return 0.0;
    if (tau < riseMs) return -peakUv * 0.5 * (1.0 - std::cos(std::numbers::pi * tau / riseMs));
    const double f = tau - riseMs;
    if (f < fallMs) return -peakUv * 0.5 * (1.0 + std::cos(std::numbers::pi * f / fallMs));
    const double p = f - fallMs;
    if (p < 5.0) return 0.4 * peakUv * std::sin(std::numbers::pi * p / 5.0);
    return 0.0;
}

Sweep makeSweep(double fs, double peakUv, double riseMs, double fallMs, double offsetSamples, double noiseUv, std::mt19937_64& g) {
    Sweep s;
    s.sampleRateHz = fs;
    s.preSamples = static_cast<std::size_t>(kPreMs * 1e-3 * fs);
    std::normal_distribution<double> nd(0.0, 1.0);
    const auto n = static_cast<std::size_t>((kPreMs + kSweepMs) * 1e-3 * fs);
    for (std::size_t i = 0; i < n; ++i) {
        const double t = (static_cast<double>(i) - static_cast<double>(s.preSamples) + offsetSamples) * 1e3 / fs;
        s.uv.push_back(cmap(t, peakUv, riseMs, fallMs) + (noiseUv > 0.0 ? noiseUv * nd(g) : 0.0));
    }
    return s;
}

/// Amplitude error (%) of the motor detector on one sweep; the baseline is the pre-stimulus mean
/// and rms (20 ms), as detectResponse measures it.
double amplitudeErrorPct(const Sweep& s, double peakUv, const DetectionSettings& st) {
    const auto r = detectResponse(s, st);
    REQUIRE(r.found);
    return (r.measures.amplitudeUv / peakUv - 1.0) * 100.0;
}

struct Stats {
    double mean = 0.0, sd = 0.0, worst = 0.0;
};
Stats draws(double fs, double riseMs, double fallMs, double snr, int n, const DetectionSettings& st, std::uint64_t seed) {
    std::mt19937_64 g(seed);
    std::uniform_real_distribution<double> off(0.0, 1.0);
    const double peak = 1000.0;
    std::vector<double> e;
    for (int d = 0; d < n; ++d) e.push_back(amplitudeErrorPct(makeSweep(fs, peak, riseMs, fallMs, off(g), peak / snr, g), peak, st));
    Stats s;
    for (double v : e) s.mean += v / n;
    for (double v : e) s.sd += (v - s.mean) * (v - s.mean) / n;
    s.sd = std::sqrt(s.sd);
    for (double v : e) s.worst = std::max(s.worst, std::fabs(v));
    return s;
}
}  // namespace

/// The noise floor: SD (% of the peak) of the peak read from a quartic least-squares fit over the N
/// samples of the peak's top half, noise rms = peak / snr. For N equally spaced samples, the variance
/// of the fitted value at the centre is sum_k (2k + 1) P_k(0)^2 / N = (1 + 5/4 + 9 x 9/64) / N =
/// 3.52 / N noise variances (Legendre polynomials P_0..P_4), plus the baseline's: the mean of the
/// pre-stimulus samples, 1 / Npre. The raised cosine's top half spans (rise + fall) / 2.
double floorSdPct(double fs, double riseMs, double fallMs, double snr) {
    const double n = std::max(7.0, fs * 1e-3 * 0.5 * (riseMs + fallMs));
    const double pre = fs * 1e-3 * kPreMs;
    return 100.0 / snr * std::sqrt(3.52 / n + 1.0 / pre);
}

TEST_CASE("motor amplitude: a CMAP's broad negative peak is read from a fit over its top half", "[dsp][ncs][motor]") {
    const auto motor = ncsSettingsFor(NcsTest::Motor).detection;
    REQUIRE(motor.peakFitLevelFraction == 0.5);
    auto deepest = motor;
    deepest.peakFitLevelFraction = 0.0;   // before: the deepest sample, a parabola through +-0.1 ms
    std::mt19937_64 g(1);
    for (double fs : {4000.0, 12000.0})
        for (auto [rise, fall] : {std::pair{1.2, 1.5}, std::pair{3.0, 4.0}, std::pair{1.2, 4.0}}) {
            CAPTURE(fs, rise, fall);
            // Noise-free, 10 sample phases: the fit's own error a small part of the 2 % goal. Equal
            // curvature either side within 0.5 %; a rise 3.3 x steeper than the fall (curvature
            // ratio 11, a kink in the second derivative at the peak) within 1.2 %.
            double nf = 0.0;
            for (int k = 0; k < 10; ++k) nf = std::max(nf, std::fabs(amplitudeErrorPct(makeSweep(fs, 1000.0, rise, fall, k / 10.0, 0.0, g), 1000.0, motor)));
            CHECK(nf <= (fall / rise > 2.0 ? 1.2 : 0.5));
            // Noise at 1/20 of the peak (the goal's edge), 200 draws: the deepest sample of a broad
            // top is the noise's extreme (mean error +1.9 .. +7.5 % here); the fit is unbiased within
            // 3 standard errors of the mean, and its spread is the noise floor (floorSdPct) within 25 %.
            const auto fit = draws(fs, rise, fall, 20.0, 200, motor, 7);
            const auto old = draws(fs, rise, fall, 20.0, 200, deepest, 7);
            CAPTURE(fit.mean, fit.sd, fit.worst, old.mean, old.sd, floorSdPct(fs, rise, fall, 20.0));
            CHECK(old.mean > 1.5);
            CHECK(std::fabs(fit.mean) <= (fall / rise > 2.0 ? 1.2 : 0.0) + 3.0 * fit.sd / std::sqrt(200.0));
            CHECK(fit.sd <= 1.25 * floorSdPct(fs, rise, fall, 20.0));
            // At 1/100 (a 2 mV CMAP in 20 uV noise, one sweep) every draw within the 2 % goal where
            // the noise floor allows it (3.5 floor SDs under 2 %: the broad CMAP at 4 kHz, all at
            // 12 kHz), else within the fit's bias allowance + 3.5 floor SDs (the narrow peak at 4 kHz:
            // 5-7 samples in its top half, floor SD 0.72 %: no estimator on these samples does 2 %).
            const auto big = draws(fs, rise, fall, 100.0, 200, motor, 9);
            const double allowance = (fall / rise > 2.0 ? 1.2 : 0.0) + 3.5 * floorSdPct(fs, rise, fall, 100.0);
            CAPTURE(big.worst, allowance);
            CHECK(big.worst <= std::max(2.0, allowance));
        }
}

// A clinician who moves only the onset marker (remeasure) keeps the amplitude the detector read:
// the negative peak and baseline markers did not move. Moving the peak marker reads the value at
// the new marker (the +-0.1 ms parabola there), here 1 ms before the peak on the raised cosine
// (rise 2 ms): peak x (1 + cos(pi/2)) / 2 = half the peak; the parabola through 3 samples of
// 25 uV noise reads it within ~15 uV (0.6 %) and the raised cosine's inflection adds no bias: 2 %.
TEST_CASE("Motor amplitude: moving only the onset marker keeps the detector's amplitude", "[dsp][ncs][motor][amplitude]") {
    std::mt19937_64 g(7);
    const double fs = 12000.0, peakUv = 5000.0;
    const auto s = makeSweep(fs, peakUv, 2.0, 3.0, 0.0, peakUv / 200.0, g);   // 25 uV rms
    const auto st = ncsSettingsFor(NcsTest::Motor).detection;
    const auto detected = detectResponse(s, st);
    REQUIRE(detected.found);
    Markers moved = detected.provenance.markers;
    moved.onsetMs += 0.2;
    const auto onsetMoved = remeasure(s, detected, moved);
    CHECK(onsetMoved.measures.onsetLatencyMs == Approx(detected.measures.onsetLatencyMs + 0.2).margin(1e-9));
    CHECK(onsetMoved.measures.amplitudeUv == detected.measures.amplitudeUv);
    CHECK(onsetMoved.measures.peakToPeakUv == Approx(detected.measures.peakToPeakUv).margin(1e-6));
    moved.negativePeakMs = kOnsetMs + 1.0;
    const auto peakMoved = remeasure(s, onsetMoved, moved);
    CHECK(peakMoved.measures.amplitudeUv == Approx(0.5 * peakUv).epsilon(0.02));
}

// A CMAP of 10 x the noise rms (below the 20 x for a confident onset) is found with its
// onset "uncertain". Moving the negative peak marker leaves the onset the detector's: still
// uncertain. Moving the onset marker makes it the clinician's: no longer uncertain, no detector SE.
TEST_CASE("remeasure: a moved onset marker is the clinician's reading, other markers keep the onset uncertain", "[dsp][ncs][motor]") {
    std::mt19937_64 g(11);
    const auto st = ncsSettingsFor(NcsTest::Motor).detection;
    for (int draw = 0; draw < 5; ++draw) {
        const auto s = makeSweep(12000.0, 300.0, 2.0, 3.0, 0.0, 30.0, g);   // peak 10 x the 30 uV noise
        const auto detected = detectResponse(s, st);
        REQUIRE(detected.found);
        CHECK(detected.onsetUncertain);
        CHECK(detected.note.find("onset uncertain") != std::string::npos);
        Markers moved = detected.provenance.markers;
        moved.negativePeakMs += 0.1;
        const auto peakMoved = remeasure(s, detected, moved);
        CHECK(peakMoved.onsetUncertain);
        moved.onsetMs = kOnsetMs;   // the clinician places the onset where the CMAP leaves the baseline
        const auto onsetPlaced = remeasure(s, peakMoved, moved);
        CHECK_FALSE(onsetPlaced.onsetUncertain);
        CHECK(onsetPlaced.onsetSeMs == 0.0);
        CHECK(onsetPlaced.measures.onsetLatencyMs == Approx(kOnsetMs).margin(1e-9));
    }
}
