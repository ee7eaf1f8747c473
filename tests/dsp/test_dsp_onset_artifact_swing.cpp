// A biphasic stimulus artifact swinging through the baseline into a tail of the CMAP's own sign:
// the artifact's end is found where it crosses the baseline, and its tail (0.1-0.3 mV, decaying
// over a millisecond or two) then grows from zero after the search start. Before, that tail was
// taken for the response's take-off (a lead-in of the CMAP's sign, or the response itself):
// fresh development gamma and raised-cosine sites at 48 kHz read 1.5-2.1 ms early, confident (and
// a held-out gamma site 1.65 ms early, CV 26.5 % off). A lobe that rises straight out of the
// artifact, with no settled baseline before it, is no departure of the response: the onset is the
// main phase's, uncertain when the main phase departs before the tail has settled.
// Shapes set here: artifact P e^(-t/tau1) - T e^(-t/tau2) (t from the stimulus), CMAP
// -A x^3 e^(3 (1 - x)), x = (t - t0) / tau (peak at x = 1); truth = first time the CMAP alone
// reaches 4 x the noise rms (issue 11).
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
constexpr double kFsHz = 48000.0, kNoiseUv = 11.0;
constexpr double kPulseUv = 6000.0, kPulseTauMs = 0.27, kTailTauMs = 0.4;
constexpr double kCmapUv = 10000.0, kCmapTauMs = 1.5;

/// A stimulus artifact: the pulse relaxes from +P towards a polarization level -T with tau1 until
/// tA, then that tail decays with tau2 (T = 0: no artifact at all).
struct Artifact {
    double tailUv = 0.0, endMs = 1.6;
    double at(double tMs) const {
        if (tailUv <= 0.0 || tMs < 0.0) return 0.0;
        auto relax = [&](double t) { return -tailUv + (kPulseUv + tailUv) * std::exp(-t / kPulseTauMs); };
        return tMs < endMs ? relax(tMs) : relax(endMs) * std::exp(-(tMs - endMs) / kTailTauMs);
    }
    /// Where an artifact-end detector lets the search start: the pulse back within 1.5 x the onset
    /// level (4 x noise), on its way through the baseline.
    double searchFromMs() const {
        if (tailUv <= 0.0) return 1.0;
        const double band = 1.5 * 4.0 * kNoiseUv;
        return -kPulseTauMs * std::log((band + tailUv) / (kPulseUv + tailUv));
    }
};

double cmap(double tMs, double t0Ms) {
    const double x = (tMs - t0Ms) / kCmapTauMs;
    return x > 0.0 ? -kCmapUv * x * x * x * std::exp(3.0 * (1.0 - x)) : 0.0;
}

double truthMs(double t0Ms) {   // first |cmap| >= 4 x noise (monotonic up to the peak)
    return test::firstReachMs([t0Ms](double t) { return cmap(t, t0Ms); }, t0Ms, t0Ms + kCmapTauMs, 4.0 * kNoiseUv);
}

Sweep sweepOf(unsigned seed, const Artifact& art, double t0Ms) {
    return test::noisySweep(kFsHz, 5.0, 30.0, kNoiseUv, seed, [&](double t) { return art.at(t) + cmap(t, t0Ms); });
}

struct Tally {
    int confident = 0, flagged = 0, wrong = 0;   // wrong: confident and beyond 0.10 ms
    double worst = 0.0;
};

Tally run(const Artifact& art, double t0Ms, int draws) {
    const auto st = ncsSettingsFor(NcsTest::Motor).detection.takeoff;
    Tally t;
    for (int k = 0; k < draws; ++k) {
        const auto s = sweepOf(static_cast<unsigned>(k + 1), art, t0Ms);
        const auto from = s.preSamples + static_cast<std::size_t>(std::ceil(art.searchFromMs() * 1e-3 * kFsHz));
        const auto tk = findTakeoff(s, 0.0, kNoiseUv, from, s.uv.size(), st);
        REQUIRE(tk);
        if (tk->uncertain) {
            ++t.flagged;
            continue;
        }
        ++t.confident;
        const double err = s.timeMs(tk->sample) - truthMs(t0Ms);
        t.worst = std::max(t.worst, std::fabs(err));
        t.wrong += std::fabs(err) > 0.10 ? 1 : 0;
    }
    return t;
}
}  // namespace

// Tails of 300 uV (ending at 1.2 ms: peak -226 uV), 150 uV (ending at 1.6 ms: -133 uV) and 100 uV
// (ending at 1.4 ms: -88 uV), the search from where the pulse is back within 1.5 x the onset level
// (0.8-0.9 ms), 10 mV CMAP from 3.2 ms (the tails are < 4 uV there). Before: the 100 uV tail (a
// lead-in of the CMAP's sign, not confirmed as a response) read in 8/10 draws, confident, ~2.1 ms
// early (2 flagged); the larger tails were read right. Now 10/10 confident within 0.01 ms each.
TEST_CASE("Onset: a biphasic artifact's tail rising out of its zero crossing is not the take-off", "[dsp][onset][motor]") {
    for (const auto& art : {Artifact{300.0, 1.2}, Artifact{150.0, 1.6}, Artifact{100.0, 1.4}}) {
        const auto t = run(art, 3.2, 10);
        WARN("tail " << art.tailUv << " uV to " << art.endMs << " ms, CMAP from 3.2 ms: confident " << t.confident << "/10, worst " << t.worst
                     << " ms, flagged " << t.flagged);
        CHECK(t.wrong == 0);
        CHECK(t.confident >= 9);
    }
}

// The CMAP departs at 2.2 ms, while a 300 uV tail ending at 1.9 ms is still -141 uV (13 x noise)
// and falling: the baseline under the take-off has not settled; no confident onset beyond 0.10 ms
// (before: 10/10 confident at the tail, up to 1.44 ms early; now 10/10 flagged).
TEST_CASE("Onset: a CMAP rising from an unsettled artifact tail is flagged, not read at the tail", "[dsp][onset][motor]") {
    const auto t = run(Artifact{300.0, 1.9}, 2.2, 10);
    WARN("CMAP from 2.2 ms on the tail: confident " << t.confident << "/10 (worst " << t.worst << " ms), flagged " << t.flagged);
    CHECK(t.wrong == 0);
}

// Without the artifact (the search from 1.0 ms), the same CMAP stays confident within 0.10 ms.
TEST_CASE("Onset: the same CMAP without an artifact tail stays confident", "[dsp][onset][motor]") {
    const auto t = run(Artifact{0.0, 0.0}, 3.2, 10);
    CHECK(t.confident == 10);
    CHECK(t.wrong == 0);
}
