// Sensory NCS on averaged sweeps: the three ways a small SNAP was misread on the fresh development
// set (docs/measurements.md, issue 11), each on a synthetic case whose truth is set by the formulas
// here (synthetic_ncs.h's half-sine phases, Gaussian lobes), not by the accuracy harness's generator.
#include "synthetic_ncs.h"

#include <emg/dsp/ncs_analysis.h>
#include <emg/dsp/ncs_measures.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

using namespace emg;
using namespace emg::dsp;

namespace {
/// A Gaussian lobe of `uv` at `centreMs` with standard deviation `widthMs`.
double lobe(double tMs, double centreMs, double widthMs, double uv) {
    const double u = (tMs - centreMs) / widthMs;
    return uv * std::exp(-0.5 * u * u);
}

/// A sweep of 5 ms before and 20 ms after the stimulus at `fs`, holding shape(t ms) plus white noise.
template <class Shape>
Sweep sensorySweep(double fs, double noiseUv, unsigned seed, Shape&& shape) {
    Sweep s;
    s.sampleRateHz = fs;
    s.preSamples = static_cast<std::size_t>(5e-3 * fs);
    s.uv.assign(s.preSamples + static_cast<std::size_t>(20e-3 * fs), 0.0);
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0.0, noiseUv);
    for (std::size_t i = 0; i < s.uv.size(); ++i) s.uv[i] = noise(rng) + shape(s.timeMs(static_cast<double>(i)));
    return s;
}
}  // namespace

// Mains hum locked to the stimulus: one stimulus per 100 ms record (5 cycles of 50 Hz), so the hum
// (30 uV, 10 uV at 150 Hz) is the same in every sweep and does not average out. Two sites, a SNAP
// 2.5 ms and one 6 ms after the stimulus. Where the response ends is found on the average of the
// sweeps less only their levels, the hum still in it: read under the hum, the end came before the
// later SNAP, which then lay in the samples every sweep's baseline model was fitted on (the same
// error in every sweep, so in the average too). The goals (issue 11): onset within 0.10 ms of where
// the noise-free SNAP leaves the baseline by 4 x the averaged noise, amplitude (baseline to
// negative peak) within 10 %.
TEST_CASE("Sensory NCS: a hum locked to the stimulus does not move the onset or the amplitude of the average",
          "[dsp][ncs][accuracy][sensory][hum]") {
    const double fs = 48000.0, noiseUv = 19.0, humUv = 25.0;
    const int sweeps = 64;
    double worstOnsetMs = 0.0, worstAmp = 0.0;
    for (unsigned seed = 1; seed <= 2; ++seed) {
        const test::ResponseShape distal{2.2 + 0.05 * seed, 80.0, 0.8, 40.0}, proximal{5.0 + 0.05 * seed, 60.0, 0.9, 30.0};
        // 100 ms records, one stimulus 20.3 ms into each; the hum (fundamental, 15 % at 100 Hz,
        // 30 % at 150 Hz) keeps its phase over the file, so it is the same in every sweep.
        Recording rec;
        RecordedChannel ch;
        ch.label = "digit II";
        ch.sampleRateHz = fs;
        const auto n = static_cast<std::size_t>(0.1 * 2 * sweeps * fs);
        ch.samples.assign(n, 0.0);
        std::mt19937 rng(seed);
        std::normal_distribution<double> noise(0.0, noiseUv);
        const double w = 2.0 * std::numbers::pi * 50.0;
        for (std::size_t i = 0; i < n; ++i) {
            const double t = static_cast<double>(i) / fs;
            ch.samples[i] = 7000.0 + noise(rng) + humUv * (std::sin(w * t + 0.4) + 0.15 * std::sin(2 * w * t + 2.1) + 0.3 * std::sin(3 * w * t + 4.0)) +
                            100.0 * std::sin(2.0 * std::numbers::pi * 0.3 * t + 1.0);
        }
        for (int k = 0; k < 2 * sweeps; ++k) {
            const double stimSec = 0.0203 + 0.1 * k;
            const auto& snap = k < sweeps ? distal : proximal;
            for (auto i = static_cast<std::size_t>(std::ceil(stimSec * fs)); i < n; ++i) {
                const double tMs = (static_cast<double>(i) / fs - stimSec) * 1000.0;
                if (tMs > 60.0) break;
                ch.samples[i] += 2000.0 * std::exp(-tMs / 0.1) + snap.at(tMs);
            }
            rec.annotations.push_back({stimSec, 0.0, k < sweeps ? "Stim wrist" : "Stim elbow"});
        }
        rec.channels.push_back(std::move(ch));
        const auto st = ncsSettingsFor(NcsTest::Sensory);
        const auto sites = analyzeSites(prepareSignal(rec, std::nullopt, st), st);
        REQUIRE(sites.size() == 2);
        // Truth: the half-sine leaves the baseline by 4 x the averaged noise (19 / sqrt(64) uV) here.
        const double sigma = noiseUv / std::sqrt(static_cast<double>(sweeps));
        for (std::size_t k = 0; k < 2; ++k) {
            const auto& snap = k == 0 ? distal : proximal;
            const auto& r = sites[k].response;
            REQUIRE(r.found);
            const double truthMs = snap.onsetMs + snap.negativeMs / std::numbers::pi * std::asin(4.0 * sigma / snap.negativeUv);
            const double onsetErr = r.measures.onsetLatencyMs - truthMs;
            const double ampErr = r.measures.amplitudeUv / snap.negativeUv - 1.0;
            WARN("locked hum, seed " << seed << " " << sites[k].site << ": onset error " << onsetErr << " ms, amplitude error "
                                     << ampErr * 100.0 << " %, noise " << sites[k].noiseRmsUv << " uV (true " << sigma << ")");
            CHECK_FALSE(r.onsetUncertain);   // peak 25-33 x the averaged noise
            // Hum left in the average's baseline would inflate its noise (and lower the SNR below 20 x).
            CHECK(sites[k].noiseRmsUv == Approx(sigma).epsilon(0.10));
            worstOnsetMs = std::max(worstOnsetMs, std::fabs(onsetErr));
            worstAmp = std::max(worstAmp, std::fabs(ampErr));
        }
    }
    CHECK(worstOnsetMs <= 0.10);
    CHECK(worstAmp <= 0.10);
}

// The stimulus artifact's tail, of the sign of the SNAP's initial positivity, still a few uV where
// the artifact is taken to end and running straight into the positivity: no settled baseline lies
// under that take-off, so there is no confident onset ("onset uncertain"), never a confident wrong
// one. The same SNAP without the tail keeps a confident onset within 0.10 ms.
TEST_CASE("Sensory NCS: an artifact tail running into a phase of its own sign makes the onset uncertain", "[dsp][ncs][sensory][onset]") {
    const double fs = 12000.0, noiseUv = 1.0;
    const double onsetMs = 2.2;   // the positivity's take-off
    // Initial positivity (half-sine 0.5 ms, 8 uV), negative phase (half-sine 0.6 ms, 30 uV), positive after.
    const test::ResponseShape neg{onsetMs + 0.5, 30.0, 0.6, 12.0};
    auto snap = [&](double t) { return (t > onsetMs && t < onsetMs + 0.5 ? 8.0 * std::sin(std::numbers::pi * (t - onsetMs) / 0.5) : 0.0) + neg.at(t); };
    auto det = ncsSettingsFor(NcsTest::Sensory).detection;
    BaselineStats b;
    b.sdUv = noiseUv;
    int flagged = 0, confidentWrong = 0;
    for (unsigned seed = 1; seed <= 10; ++seed) {
        const auto withTail = sensorySweep(fs, noiseUv, seed, [&](double t) {
            return snap(t) + (t >= 0.0 ? 90.0 * std::exp(-t / 0.62) : 0.0);   // 3.7 uV at 1.8 ms, 2.6 uV at 2.0 ms
        });
        b.samples = withTail.preSamples;
        const auto r = detectResponse(withTail, det, b);
        REQUIRE(r.found);
        const double truthMs = onsetMs + 0.5 / std::numbers::pi * std::asin(4.0 * noiseUv / 8.0);
        const double err = r.measures.onsetLatencyMs - truthMs;
        flagged += r.onsetUncertain ? 1 : 0;
        confidentWrong += !r.onsetUncertain && std::fabs(err) > 0.10 ? 1 : 0;
        WARN("tail into the positivity, seed " << seed << ": onset error " << err << " ms, uncertain " << r.onsetUncertain);

        const auto clean = sensorySweep(fs, noiseUv, seed, snap);
        const auto c = detectResponse(clean, det, b);
        REQUIRE(c.found);
        CHECK_FALSE(c.onsetUncertain);
        CHECK(std::fabs(c.measures.onsetLatencyMs - truthMs) <= 0.10);
    }
    CHECK(confidentWrong == 0);
    CHECK(flagged >= 8);   // the tail is 2.6-3.7 uV over the 2 uV half level: flagged nearly always
}

// A SNAP with an initial positivity: the onset is the positivity's take-off, a phase before the
// negative phase. The negative peak is read over a span that is a fraction of the negative phase,
// from where it crosses the baseline going negative (not from the onset: that span reached far
// beyond a narrow peak and flattened it, -26 % on the fresh set). Amplitude = baseline to negative
// peak of the noise-free shape; goal within 10 %, here within 5 % (smooth shape, 20 kHz, noise 0.5 uV).
TEST_CASE("Sensory NCS: the negative peak of a SNAP with an initial positivity is read over its own phase", "[dsp][ncs][sensory][amplitude]") {
    const double fs = 20000.0, noiseUv = 0.5;
    // A long initial positivity, then a narrow negative peak (half-height width 0.3 ms) with a slow return.
    auto shape = [](double t) {
        return lobe(t, 2.9, 0.35, 6.0) - lobe(t, 3.9, 0.13, 22.0) - lobe(t, 4.4, 0.45, 4.0) + lobe(t, 5.6, 0.5, 5.0);
    };
    double truthUv = 0.0;   // baseline to negative peak of the noise-free shape (1 us grid)
    for (double t = 3.0; t < 5.0; t += 1e-3) truthUv = std::max(truthUv, -shape(t));
    auto det = ncsSettingsFor(NcsTest::Sensory).detection;
    BaselineStats b;
    b.sdUv = noiseUv;
    double worst = 0.0;
    for (unsigned seed = 1; seed <= 10; ++seed) {
        const auto s = sensorySweep(fs, noiseUv, seed, shape);
        b.samples = s.preSamples;
        const auto r = detectResponse(s, det, b);
        REQUIRE(r.found);
        CHECK(r.measures.onsetLatencyMs < 2.5);   // the positivity's take-off, not the negative phase's
        worst = std::max(worst, std::fabs(r.measures.amplitudeUv / truthUv - 1.0));
    }
    WARN("SNAP with an initial positivity: worst amplitude error over 10 seeds " << worst * 100.0 << " % (truth " << truthUv << " uV)");
    CHECK(worst <= 0.05);
}
