// A steep take-off sampled slowly: a large CMAP whose take-off (gamma-shaped, zero initial slope)
// rises from the baseline to ~8 x the onset level within one sample interval at 4 kHz (retired
// held-out seed 1000089 s2 of the accuracy harness: 0.103 ms early, confident). The onset is then
// read on the straight line between the last sample at the baseline and the first far beyond the
// level; a convex take-off crosses the level anywhere between that reading and the next sample, and
// the onset's SE says so (a uniform spread over that span): flagged uncertain where that span, not
// the noise, leaves the onset undecided within 0.10 ms. Shape set here: a gamma function
// (x^k e^(k (1 - x)), x = (t - t0) / tau, peak at x = 1); truth = first time it reaches 4 x the noise rms (issue 11).
#include "synthetic_ncs.h"

#include <emg/dsp/ncs_analysis.h>
#include <emg/dsp/ncs_measures.h>
#include <emg/dsp/onset_takeoff.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <random>

using namespace emg;
using namespace emg::dsp;

namespace {
constexpr double kPeakUv = 8000.0, kTauMs = 0.5, kShape = 40.0;

/// Negative CMAP: -peak * (x^k e^(k (1 - x))) for x = (t - t0) / tau > 0 (peak at x = 1).
double cmap(double tMs, double t0Ms) {
    const double x = (tMs - t0Ms) / kTauMs;
    return x > 0.0 ? -kPeakUv * std::pow(x, kShape) * std::exp(kShape * (1.0 - x)) : 0.0;
}

double firstReachMs(double t0Ms, double levelUv) {   // |cmap| rises monotonically up to the peak
    return test::firstReachMs([t0Ms](double t) { return cmap(t, t0Ms); }, t0Ms, t0Ms + kTauMs, levelUv);
}

Sweep sweepOf(double fs, double noiseUv, unsigned seed, double t0Ms) {
    return test::noisySweep(fs, 5.0, 50.0, noiseUv, seed, [t0Ms](double t) { return cmap(t, t0Ms); });
}
}  // namespace

// 4 kHz, noise 2.7 uV (level 10.8 uV), 8 mV CMAP (k 40, tau 0.5 ms: from the baseline to ~8 x the
// level within one 0.25 ms interval), 40 draws over sub-sample positions of the take-off. Where
// the take-off finder reads the onset on the straight line between two samples (no power-law fit
// kept: Takeoff::fitPower 0; 21 of the 40 draws), a confident onset lies within 0.10 ms of the
// truth (before, noise / slope as the SE: none of the 21 flagged, 5 confident more than 0.10 ms off;
// now all 21 flagged). Onsets from the fit are not what this
// test is about: at 4 kHz such take-offs are still read up to ~0.15 ms off (docs/measurements.md).
TEST_CASE("Onset: a steep take-off read between two samples is flagged when they cannot place it", "[dsp][onset][motor]") {
    const double fs = 4000.0, noiseUv = 2.7;
    const auto st = ncsSettingsFor(NcsTest::Motor).detection.takeoff;
    int onLine = 0, flagged = 0, confidentWrong = 0;
    for (unsigned k = 0; k < 40; ++k) {
        const double t0Ms = 4.0 + 0.00625 * k;   // across one 0.25 ms sample interval
        const auto s = sweepOf(fs, noiseUv, k + 1, t0Ms);
        const auto tk = findTakeoff(s, 0.0, noiseUv, s.preSamples + static_cast<std::size_t>(1e-3 * fs), s.uv.size(), st);
        REQUIRE(tk);
        if (tk->fitPower > 0.0) continue;
        ++onLine;
        const double err = s.timeMs(tk->sample) - firstReachMs(t0Ms, 4.0 * noiseUv);
        flagged += tk->uncertain ? 1 : 0;
        confidentWrong += !tk->uncertain && std::fabs(err) > 0.10 ? 1 : 0;
    }
    WARN("read on the line between two samples: " << onLine << "/40, flagged " << flagged << ", confident beyond 0.10 ms " << confidentWrong);
    CHECK(onLine >= 5);
    CHECK(confidentWrong == 0);
}
