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
#include <utility>

using namespace emg;
using namespace emg::dsp;

namespace {
/// A Gaussian lobe of `uv` at `centreMs` with standard deviation `widthMs`.
double lobe(double tMs, double centreMs, double widthMs, double uv) { return test::gaussianLobeUv(tMs, centreMs, widthMs, uv); }

/// A sweep of 5 ms before and 20 ms after the stimulus at `fs`, holding shape(t ms) plus white noise.
template <class Shape>
Sweep sensorySweep(double fs, double noiseUv, unsigned seed, Shape&& shape) {
    return test::noisySweep(fs, 5.0, 20.0, noiseUv, seed, std::forward<Shape>(shape));
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
            const double truthMs = snap.visibleOnsetMs(4.0 * sigma);
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

namespace {
/// The first time |shape| reaches `levelUv` after `fromMs` (1 us grid, then bisection): the truth onset.
template <class Shape>
double firstReachMs(Shape&& shape, double levelUv, double fromMs, double toMs) {
    double prev = fromMs;
    for (double t = fromMs; t <= toMs; t += 1e-3) {
        if (std::fabs(shape(t)) >= levelUv) {
            double lo = prev, hi = t;
            for (int k = 0; k < 40; ++k) {
                const double m = 0.5 * (lo + hi);
                (std::fabs(shape(m)) >= levelUv ? hi : lo) = m;
            }
            return hi;
        }
        prev = t;
    }
    return -1.0;
}
}  // namespace

// A dispersed SNAP whose fastest fibres make a small positivity of their own ahead of the main
// positivity (a notch between them), then the negative phase. The onset is the first departure
// from the baseline by 4 x the noise rms. A power-law take-off fitted over both lobes read a point
// between them (dev seed 131 s2: +0.22 ms on the lobe's flank; seed 529 s3: -0.20 ms where the lobe
// only reached the level). Shapes: Gaussian lobes set here (not the harness generator's fibre sum),
// 20 kHz, noise 1 uV rms (the averaged noise), 10 noise draws each.
// (a) The lead-in lobe 6.5 x the noise, clearly beyond the level: within 0.10 ms of its take-off
//     when confident (the goal of issue 11), flagged in at most 2 of 10 draws (its own SE).
// (b) The lead-in lobe peaking at the level: whether the response leaves the baseline there is not
//     decided by the data (the truth jumps from the lobe's peak to the main rise, 0.55 ms later,
//     when the lobe is a hair lower): flagged uncertain in most draws, and a confident onset lies
//     within 0.10 ms of one of the two.
// (c) The lead-in lobe at 0.6 x the level: the onset is the main rise's, within 0.10 ms when
//     confident (its take-off is fitted from the notch: a fit from before the lobe read early).
// (d) No lead-in lobe: confident and within 0.10 ms (the rule does not fire on a plain take-off).
// The notch here is clear (0.75 ms between the lobes); where it is no deeper than the noise the
// lobe cannot be told from the rise and the fit over both can still read early (docs/measurements.md).
TEST_CASE("Sensory NCS: a lobe of the main phase's own sign leading into it is the first departure", "[dsp][ncs][sensory][onset]") {
    const double fs = 20000.0, noiseUv = 1.0, levelUv = 4.0 * noiseUv;
    auto snapWith = [](double leadUv) {
        return [leadUv](double t) {
            return lobe(t, 3.05, 0.15, leadUv) + lobe(t, 3.8, 0.15, 10.0) - lobe(t, 4.25, 0.15, 30.0) + lobe(t, 4.75, 0.25, 8.0);
        };
    };
    auto det = ncsSettingsFor(NcsTest::Sensory).detection;
    BaselineStats b;
    b.sdUv = noiseUv;
    struct Variant {
        const char* name;
        double leadUv;
    };
    for (const auto& v : {Variant{"clearly beyond", 6.5}, Variant{"at the level", 4.0}, Variant{"below the level", 2.4}, Variant{"none", 0.0}}) {
        const auto shape = snapWith(v.leadUv);
        const double truthMs = firstReachMs(shape, levelUv, 1.0, 6.0);
        const double truthBelowMs = firstReachMs(snapWith(0.999 * v.leadUv), levelUv, 1.0, 6.0);   // the lobe a hair lower
        int flagged = 0, confidentWrong = 0;
        double worst = 0.0;
        for (unsigned seed = 1; seed <= 10; ++seed) {
            const auto s = sensorySweep(fs, noiseUv, seed, shape);
            b.samples = s.preSamples;
            const auto r = detectResponse(s, det, b);
            REQUIRE(r.found);
            const double err = r.measures.onsetLatencyMs - truthMs;
            flagged += r.onsetUncertain ? 1 : 0;
            const double errBelow = r.measures.onsetLatencyMs - truthBelowMs;
            confidentWrong += !r.onsetUncertain && std::min(std::fabs(err), std::fabs(errBelow)) > 0.10 ? 1 : 0;
            if (!r.onsetUncertain) worst = std::max(worst, std::min(std::fabs(err), std::fabs(errBelow)));
        }
        WARN("lead-in lobe " << v.name << " (truth onset " << truthMs << " ms, " << truthBelowMs << " ms with the lobe 0.1 % lower): flagged "
                             << flagged << "/10, worst confident error " << worst << " ms");
        CHECK(confidentWrong == 0);
        if (v.leadUv == 4.0) CHECK(flagged >= 8);
        else if (v.leadUv == 0.0) CHECK(flagged == 0);
        // A 6.5 x noise lobe's take-off is placed with a standard error near the limit of the
        // onset's own-SE rule (slope at the level ~26 uV/ms against 1 uV noise: 0.04 ms a sample),
        // so a draw may be flagged: at most 2 of 10 (since 2026-12-03, branch ncs-onset7).
        else if (v.leadUv == 6.5) CHECK(flagged <= 2);
    }
}

// The worst relative amplitude error of a SNAP `shapeAt(t ms)` (µV) sampled at fsHz, moved by
// k x stepMs for k = 0..9 (where the samples fall on the peak), one noise draw each; the truth is
// the shape's deepest negativity within [fromMs, toMs) on a 0.1 us grid.
template <class Shape>
double worstAmplitudeOverOffsets(double fsHz, double noiseUv, double stepMs, double fromMs, double toMs, Shape shapeAt) {
    auto det = ncsSettingsFor(NcsTest::Sensory).detection;
    BaselineStats b;
    b.sdUv = noiseUv;
    double worst = 0.0;
    for (int k = 0; k < 10; ++k) {
        const double shiftMs = stepMs * k;
        auto shape = [shiftMs, &shapeAt](double t) { return shapeAt(t - shiftMs); };
        double truthUv = 0.0;
        for (double t = fromMs; t < toMs; t += 1e-4) truthUv = std::max(truthUv, -shape(t));
        const auto s = sensorySweep(fsHz, noiseUv, static_cast<unsigned>(k + 1), shape);
        b.samples = s.preSamples;
        const auto r = detectResponse(s, det, b);
        REQUIRE(r.found);
        worst = std::max(worst, std::fabs(r.measures.amplitudeUv / truthUv - 1.0));
    }
    return worst;
}

// The negative peak of a narrow SNAP sampled slowly (a negative phase of ~0.5 ms at 5 kHz: three
// samples): too few samples for the quartic, and a parabola through the three around the peak
// assumes a quadratic peak and reads a sharper one short, by how much depends on where the samples
// fall (dev seed 234 s1: -10 %). A recording is band-limited below half its sample rate, so the
// peak is read from the sinc reconstruction of the samples. Shape: Gaussian lobes set here (the
// negative one 0.15 ms SD), 5 kHz, noise 0.2 uV; ten sub-sample offsets of the stimulus. Goal
// (issue 11): within 10 % after averaging (the parabola: up to 11.8 % short on these samples even
// without noise; the sinc reconstruction 3.5 %, the rest the shape's content above 2.5 kHz).
TEST_CASE("Sensory NCS: the negative peak of a narrow SNAP at a low sample rate is read from the band-limited waveform",
          "[dsp][ncs][sensory][amplitude]") {
    // 0.02 ms steps: where the samples fall on the peak
    const double worst = worstAmplitudeOverOffsets(5000.0, 0.2, 0.02, 2.5, 4.0, [](double u) {
        return lobe(u, 2.7, 0.15, 12.0) - lobe(u, 3.1, 0.15, 40.0) + lobe(u, 3.6, 0.25, 14.0);
    });
    WARN("narrow SNAP at 5 kHz: worst amplitude error over 10 sample offsets " << worst * 100.0 << " %");
    CHECK(worst <= 0.10);
}

// A SNAP recorded far from the stimulus is dispersed: fibre groups of different speeds arrive apart
// and partly cancel, so the response is polyphasic. Here a small positivity, a first negative lobe
// of 60 % of the deepest, a positive lobe, then the deepest negativity 1.3 ms after the first. The
// amplitude (baseline to negative peak) is the response's largest negativity; reading the first
// lobe that reaches half of it is up to 50 % short (fresh seed 3000749 s3, 415 mm: -44 %; this
// shape: worst of 10 seeds 44 % before, 3 % now).
TEST_CASE("Sensory NCS: the amplitude of a dispersed SNAP is its deepest negative lobe, not the first reaching half of it",
          "[dsp][ncs][sensory][amplitude]") {
    const double fs = 12000.0, noiseUv = 0.3;
    auto shape = [](double t) {
        return lobe(t, 3.0, 0.25, 2.0) - lobe(t, 3.6, 0.2, 6.0) + lobe(t, 4.25, 0.15, 5.0) - lobe(t, 4.9, 0.2, 10.0) +
               lobe(t, 5.6, 0.3, 4.0);
    };
    double truthUv = 0.0;
    for (double t = 2.0; t < 7.0; t += 1e-3) truthUv = std::max(truthUv, -shape(t));
    auto det = ncsSettingsFor(NcsTest::Sensory).detection;
    BaselineStats b;
    b.sdUv = noiseUv;
    double worst = 0.0;
    for (unsigned seed = 1; seed <= 10; ++seed) {
        const auto s = sensorySweep(fs, noiseUv, seed, shape);
        b.samples = s.preSamples;
        const auto r = detectResponse(s, det, b);
        REQUIRE(r.found);
        CHECK(std::fabs(r.measures.peakLatencyMs - 4.9) < 0.1);   // the deepest lobe's peak
        worst = std::max(worst, std::fabs(r.measures.amplitudeUv / truthUv - 1.0));
    }
    WARN("dispersed SNAP: worst amplitude error over 10 seeds " << worst * 100.0 << " % (truth " << truthUv << " uV)");
    CHECK(worst <= 0.10);
}

// A narrow SNAP at 8 kHz: the negative phase (sigma 0.09 ms, half width at half height 0.106 ms)
// holds three or four samples, and the +-0.2 ms parabola (+-2 samples) runs down its flanks into
// the positive lobes either side, reading the peak short (fresh seed 3000216 s1: -11 %). The peak
// is read within its top half (here: the band-limited reconstruction). 10 sample offsets; before,
// worst 32 % (the parabola over +-2 samples); now about 5 %.
TEST_CASE("Sensory NCS: the negative peak of a narrow SNAP at 8 kHz is read within its top half", "[dsp][ncs][sensory][amplitude]") {
    // 0.0125 ms steps: a tenth of the sample spacing
    const double worst = worstAmplitudeOverOffsets(8000.0, 0.2, 0.0125, 2.4, 3.2, [](double u) {
        return lobe(u, 2.45, 0.1, 28.0) - lobe(u, 2.75, 0.09, 56.0) + lobe(u, 3.05, 0.12, 10.0);
    });
    WARN("narrow SNAP at 8 kHz: worst amplitude error over 10 sample offsets " << worst * 100.0 << " %");
    CHECK(worst <= 0.10);   // the goal (issue 11); a Gaussian this narrow is not band-limited below 4 kHz (aliasing)
}

// A SNAP whose top half holds one sample either side of the peak at 8 and 10 kHz (the negative
// phase a Gaussian of 0.125 ms SD: its neighbours at 0.61-0.73 of the depth, the next ones at
// 0.13-0.28). The parabola was fitted over the top half's samples *and* one more each side, the
// +-2 samples reaching past the phase (fresh seed 3000213 s1, 8 kHz: -9.4 %; over the fresh
// sensory cases at 8-12 kHz the amplitude was read 2.6 % short on average, 2.3 x its SE). Read from
// the top half's samples (here: the band-limited reconstruction of the three). The tolerance: a
// Gaussian of 0.125 ms SD keeps 0.7 % of its spectrum's peak at 4 kHz, so its samples at 8 kHz
// nearly determine it; 3 % over 10 sample offsets, noise 0.2 uV on a 60 uV SNAP. Before: 12.7 % at
// 8 kHz and 8.4 % at 10 kHz; now 1.3 and 0.5 %.
TEST_CASE("Sensory NCS: the negative peak of a SNAP is read from its top half's samples, not one beyond", "[dsp][ncs][sensory][amplitude]") {
    for (const double fs : {8000.0, 10000.0}) {
        const double worst = worstAmplitudeOverOffsets(fs, 0.2, 100.0 / fs, 2.4, 3.3, [](double u) {
            return lobe(u, 2.45, 0.12, 20.0) - lobe(u, 2.8, 0.125, 60.0) + lobe(u, 3.2, 0.18, 20.0);
        });
        WARN("SNAP at " << fs << " Hz: worst amplitude error over 10 sample offsets " << worst * 100.0 << " %");
        CHECK(worst <= 0.03);
    }
}

// A stimulus artifact whose main part (-2450 uV, decaying) crosses the baseline where it ends and
// leaves a +23 uV tail of the other sign (decaying with 0.45 ms) ahead of a SNAP with an initial
// positivity 1 ms later (fresh seed 3000380 s1: the tail's rise read as the onset, 1.04 ms early,
// confident). Where the artifact is taken to end the take-off follows within a sample: no settled
// baseline between them, so the samples cannot tell the artifact's tail from a response. Never a
// confident onset more than 0.10 ms from the truth (first crossing of 4 x the noise by the SNAP).
// Before: 2 of 10 seeds confident at the artifact's end, 1.09 ms early; now flagged.
TEST_CASE("Sensory NCS: a take-off at the stimulus artifact's end is not a confident onset", "[dsp][ncs][sensory][onset]") {
    const double fs = 24000.0, noiseUv = 0.75, artMs = 1.82, tailUv = 23.0;
    auto artifact = [&](double t) {
        if (t < 0.0) return 0.0;
        if (t < 0.3 * artMs) return -2450.0;
        if (t < artMs) return tailUv + (-2450.0 - tailUv) * std::exp(-(t - 0.3 * artMs) / (0.15 * artMs));
        return tailUv * std::exp(-(t - artMs) / 0.45);
    };
    auto snap = [](double t) { return lobe(t, 3.3, 0.2, 25.0) - lobe(t, 3.85, 0.2, 52.0) + lobe(t, 4.4, 0.3, 15.0); };
    double truthMs = 0.0;
    for (double t = 2.0; t < 4.0; t += 1e-4)
        if (std::fabs(snap(t)) > 4.0 * noiseUv) {
            truthMs = t;
            break;
        }
    auto det = ncsSettingsFor(NcsTest::Sensory).detection;
    BaselineStats b;
    b.sdUv = noiseUv;
    int confidentWrong = 0;
    for (unsigned seed = 1; seed <= 10; ++seed) {
        const auto s = sensorySweep(fs, noiseUv, seed, [&](double t) { return artifact(t) + snap(t); });
        b.samples = s.preSamples;
        const auto r = detectResponse(s, det, b);
        REQUIRE(r.found);
        const double err = r.measures.onsetLatencyMs - truthMs;
        confidentWrong += !r.onsetUncertain && std::fabs(err) > 0.10 ? 1 : 0;
        WARN("tail of the other sign at the artifact's end, seed " << seed << ": onset error " << err << " ms, uncertain " << r.onsetUncertain << " artifact end " << r.provenance.artifactEndMs << " ms");
    }
    CHECK(confidentWrong == 0);
}
