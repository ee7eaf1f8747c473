// A CMAP's initial positivity (issue 11): the onset is the first departure of either polarity, so a
// positivity before the negative phase is the take-off. Where the detector cannot tell it from the
// stimulus artifact's tail or a baseline wobble it must flag the onset uncertain, not read the
// negative phase confidently (up to 1.3 ms late on fresh motor development sites 7,000,001..).
// Shapes set here: negative phase -A x^3 e^(3 (1 - x)), x = (t - t0) / tau (peak at x = 1);
// initial positivity a Gaussian lobe; truth = first time the response alone (positivity + negative
// phase, no artifact) reaches 4 x the noise rms. Motor take-off settings (ncsSettingsFor). The last
// case gives the lead-in lobe the negative phase's sign: a take-off rising in two stages.
#include "synthetic_ncs.h"

#include <emg/dsp/ncs_analysis.h>
#include <emg/dsp/ncs_measures.h>
#include <emg/dsp/onset_takeoff.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

using namespace emg;
using namespace emg::dsp;

namespace {
struct Response {
    double posUv, posAtMs, posSdMs;   // initial positivity (Gaussian lobe)
    double negUv, negT0Ms, negTauMs;  // negative phase
    double at(double tMs) const {
        const double x = (tMs - negT0Ms) / negTauMs;
        const double neg = x > 0.0 ? -negUv * x * x * x * std::exp(3.0 * (1.0 - x)) : 0.0;
        return test::gaussianLobeUv(tMs, posAtMs, posSdMs, posUv) + neg;
    }
};

struct Tally {
    int confident = 0, flagged = 0, wrong = 0;   // wrong: confident and beyond 0.10 ms
    double worst = 0.0;                          // largest |error| of a confident onset (ms)
};

/// The first time after loMs at which |f| reaches levelUv: scanned in 1 us steps (the response is not
/// monotonic: positivity, then the negative phase), then bisected.
template <class F>
double firstReachScanMs(F&& f, double loMs, double hiMs, double levelUv) {
    for (double t = loMs; t < hiMs; t += 0.001)
        if (std::fabs(f(t + 0.001)) >= levelUv) return test::firstReachMs(f, t, t + 0.001, levelUv);
    return hiMs;
}

/// `draws` noise draws of response + artifact, searched from fromMs; truth from the response alone
/// (its first reach of 4 x noise after loMs, where it is still below that).
Tally run(double fs, double noiseUv, const Response& resp, const std::function<double(double)>& artifact, double fromMs, double loMs,
          int draws) {
    const auto st = ncsSettingsFor(NcsTest::Motor).detection.takeoff;
    const double truth = firstReachScanMs([&](double t) { return resp.at(t); }, loMs, resp.negT0Ms + resp.negTauMs, 4.0 * noiseUv);
    Tally t;
    for (int k = 0; k < draws; ++k) {
        const auto s = test::noisySweep(fs, 5.0, 30.0, noiseUv, static_cast<unsigned>(k + 1), [&](double tm) { return artifact(tm) + resp.at(tm); });
        const auto from = s.preSamples + static_cast<std::size_t>(std::ceil(fromMs * 1e-3 * fs));
        const auto tk = findTakeoff(s, 0.0, noiseUv, from, s.uv.size(), st);
        REQUIRE(tk);
        // As detectResponse reports it: a lead-in near the level and a take-off within a sample of the
        // search start also make the onset uncertain there.
        if (tk->uncertain || tk->dipNearLevel || tk->sample <= static_cast<double>(from) + 1.0) {
            ++t.flagged;
            continue;
        }
        ++t.confident;
        const double err = s.timeMs(tk->sample) - truth;
        t.worst = std::max(t.worst, std::fabs(err));
        t.wrong += std::fabs(err) > 0.10 ? 1 : 0;
    }
    return t;
}

double noArtifact(double) { return 0.0; }

/// A biphasic artifact swinging through the baseline into a tail of the positivity's sign: the
/// pulse relaxes from -6 mV towards +T with 0.27 ms until endMs, then decays with tauMs.
struct SwingTail {
    double tailUv, endMs, tauMs;
    double operator()(double tMs) const {
        if (tMs < 0.0) return 0.0;
        auto relax = [&](double t) { return tailUv - (6000.0 + tailUv) * std::exp(-t / 0.27); };
        return tMs < endMs ? relax(tMs) : relax(endMs) * std::exp(-(tMs - endMs) / tauMs);
    }
    double zeroCrossingMs() const { return -0.27 * std::log(tailUv / (6000.0 + tailUv)); }
};
}  // namespace

// 20 kHz, 20 uV noise: a 250 uV positivity (Gaussian, SD 0.12 ms, at 5.2 ms) back within the onset
// level 0.6 ms before a 2.8 mV negative phase (from 5.8 ms) departs; truth 5.02 ms (the positivity's
// take-off). Under 10 % of the CMAP and back at the baseline for 0.5 ms, it was skipped as a
// baseline wobble (motor: anywhere in the sweep) and the negative phase read, confident: before
// 10/10 confident, up to 0.99 ms late (fresh site 7000508 s4, +1.22 ms). Now 9/10 flagged (the
// response may begin at the positivity or at the negative phase), 1 confident within 0.012 ms.
TEST_CASE("Onset: a CMAP's initial positivity back at the baseline before the negative phase is not skipped as a wobble",
          "[dsp][onset][motor]") {
    const Response r{250.0, 5.2, 0.12, 2800.0, 5.8, 1.5};
    const auto t = run(20000.0, 20.0, r, noArtifact, 1.0, 4.0, 10);
    WARN("isolated positivity: confident " << t.confident << "/10 (worst " << t.worst << " ms), flagged " << t.flagged);
    CHECK(t.wrong == 0);
}

// 48 kHz, 4 uV noise: the artifact swings through the baseline at 0.56 ms into a 300 uV tail
// (ending 1.2 ms, tau 0.6 ms: still ~40 uV = 2.5 x the level at 2.2 ms), and a 170 uV positivity
// (SD 0.25 ms at 2.8 ms) rises out of it before a 4 mV negative phase from 3.0 ms; truth 2.26 ms.
// Tail and positivity form one lobe above the level from the search start: it was skipped whole as
// the artifact's tail and the negative phase read, confident: before 10/10 confident, up to 0.89 ms
// late (fresh sites 7000324 s1 +0.96, 7000329 s1 +0.57, 7001525 s1 +1.32 ms). The tail decays; this
// lobe rises again by ~130 uV: it carries the response. Now 10/10 flagged.
TEST_CASE("Onset: an initial positivity rising out of the artifact's tail is not skipped with the tail", "[dsp][onset][motor]") {
    const SwingTail art{300.0, 1.2, 0.6};
    const Response r{170.0, 2.8, 0.25, 4000.0, 3.0, 1.2};
    const auto t = run(48000.0, 4.0, r, art, art.zeroCrossingMs(), 1.5, 10);
    WARN("positivity on the tail: confident " << t.confident << "/10 (worst " << t.worst << " ms), flagged " << t.flagged);
    CHECK(t.wrong == 0);
}

// 5 kHz, 8 uV noise (level 32 uV): a positivity peaking at 1.15 x the level (Gaussian, SD 0.15 ms,
// at 2.3 ms: two samples near its top) right before a steep 8 mV negative phase (from 2.5 ms, tau
// 0.8 ms); truth 2.22 ms (the positivity), the negative phase's take-off 0.34 ms later. At 5 kHz the
// +-0.1 ms average is +-1 sample and held the negative phase's first steep sample, which cancelled
// the lead-in (fresh sites 7000263 s1 +0.31 ms; 7000652 s1 +0.43 ms, where the look-back's largest
// lobe, the artifact's tail, was taken for the lead-in). Before: 5/10 confident, up to 0.36 ms late;
// now 10/10 flagged. (Not covered: a lobe narrower than the sample spacing, one sample near the
// level, averaged with a baseline sample: SD 0.1 ms here left 3/10 confident ~0.33 ms late.)
TEST_CASE("Onset: a lead-in at the onset level just before a steep negative phase is flagged at 5 kHz", "[dsp][onset][motor]") {
    const Response r{1.15 * 32.0, 2.3, 0.15, 8000.0, 2.5, 0.8};
    const auto t = run(5000.0, 8.0, r, noArtifact, 1.0, 1.5, 10);
    WARN("lead-in at the level: confident " << t.confident << "/10 (worst " << t.worst << " ms), flagged " << t.flagged);
    CHECK(t.wrong == 0);
}

// Control: a clear 250 uV positivity leading straight into the negative phase from a settled
// baseline (20 kHz, 20 uV noise, no artifact): the onset is its take-off, confident within 0.10 ms.
TEST_CASE("Onset: a clear initial positivity from a settled baseline stays confident at its take-off", "[dsp][onset][motor]") {
    const Response r{250.0, 5.2, 0.15, 2800.0, 5.3, 1.5};
    const auto t = run(20000.0, 20.0, r, noArtifact, 1.0, 4.0, 10);
    WARN("clear positivity: confident " << t.confident << "/10 (worst " << t.worst << " ms), flagged " << t.flagged);
    CHECK(t.confident >= 9);
    CHECK(t.wrong == 0);
}

// 20 kHz, 14 uV noise (level 56 uV): a positivity peaking at 1.25 x the level (Gaussian, SD 0.15 ms,
// at 14.3 ms) leading straight into a slow 850 uV negative phase (from 14.55 ms, tau 4 ms), which
// takes ~0.6 ms from its zero crossing to half the level. The check for a lead-in near the level
// looked for the lobe within 0.5 ms of the main phase's onset, so this one counted as separate
// (and, under dipMinMs beyond the level, as no lobe at all): the negative phase read, confident,
// ~1 ms late (fresh dev 11007455 s4, an integrated Gaussian with a 72 uV positivity, 1.09 ms late).
// The gap is now counted to where the main phase leaves the baseline (its average's zero crossing
// before it passes half the level). Before: 3/10 confident, up to 1.06 ms late; now 10/10 flagged.
TEST_CASE("Onset: a positivity near the level leading into a slow negative phase is flagged", "[dsp][onset][motor]") {
    const Response r{1.25 * 56.0, 14.3, 0.15, 850.0, 14.55, 4.0};
    const auto t = run(20000.0, 14.0, r, noArtifact, 1.0, 13.0, 10);
    WARN("positivity before a slow phase: confident " << t.confident << "/10 (worst " << t.worst << " ms), flagged " << t.flagged);
    CHECK(t.wrong == 0);
}

// 16 kHz, 19 uV noise (level 76 uV): a take-off that rises in two stages, as a dispersed CMAP's
// slowest units give it: a broad early component (a negative Gaussian lobe of 150 uV, SD 0.9 ms at 13.8 ms: Response's
// lead-in lobe with the main phase's sign) under a
// 1.6 mV negative phase from 13.6 ms (tau 1.5 ms). One power law fitted over both placed the level
// crossing late, and its standard error, propagated from the noise alone, said 0.03 ms (fresh dev
// 11006763 s4: 0.43 ms late, confident). The fit's residual now enters that error where it is
// beyond chance. Before: 10/10 confident, up to 0.41 ms late; now 10/10 flagged. Not covered: a
// narrower early component (SD 0.6 ms), which one power law fits within chance, is still read up to
// 0.25 ms late, confident.
TEST_CASE("Onset: a take-off rising in two stages is not read confidently from one power law", "[dsp][onset][motor]") {
    const Response r{-150.0, 13.8, 0.9, 1600.0, 13.6, 1.5};
    const auto t = run(16000.0, 19.0, r, noArtifact, 1.0, 10.0, 10);
    WARN("two-stage take-off: confident " << t.confident << "/10 (worst " << t.worst << " ms), flagged " << t.flagged);
    CHECK(t.wrong == 0);
}
