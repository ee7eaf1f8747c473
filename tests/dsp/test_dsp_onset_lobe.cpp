// An initial positivity that returns to the baseline before the SNAP's negative phase (a dispersed
// SNAP: held-out seed 1000118 s3 of the accuracy harness read 0.92 ms late, confident, at the
// negative phase). Where the response "leaves the baseline" is then the positivity's take-off or
// the negative phase's, and the samples alone do not say whether the positivity belongs to the
// response: the onset is uncertain, never a confident value a millisecond late. The shape here is
// a sum of Gaussian lobes whose truth (first time |shape| reaches 4 x the noise rms, issue 11) is
// computed in the test, not by the harness's generator.
#include "synthetic_ncs.h"

#include <emg/dsp/ncs_analysis.h>
#include <emg/dsp/ncs_measures.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>

using namespace emg;
using namespace emg::dsp;

namespace {
/// Positivity of `leadUv` at `leadMs` (SD 0.15 ms), then the negative phase (30 uV at 4.4 ms, SD
/// 0.15 ms) and the closing positivity (8 uV at 4.9 ms, SD 0.25 ms).
double snap(double tMs, double leadMs, double leadUv) {
    return test::gaussianLobeUv(tMs, leadMs, 0.15, leadUv) - test::gaussianLobeUv(tMs, 4.4, 0.15, 30.0) +
           test::gaussianLobeUv(tMs, 4.9, 0.25, 8.0);
}

/// First time |snap| reaches levelUv (1 us steps, then bisection within the step).
double firstReachMs(double leadMs, double leadUv, double levelUv) {
    auto f = [&](double t) { return snap(t, leadMs, leadUv); };
    for (double t = 1.0; t < 8.0; t += 1e-3)
        if (std::fabs(f(t)) >= levelUv) return test::firstReachMs(f, t - 1e-3, t, levelUv);
    return -1.0;
}

Sweep sweepOf(double fs, double noiseUv, unsigned seed, double leadMs, double leadUv) {
    return test::noisySweep(fs, 5.0, 20.0, noiseUv, seed, [&](double t) { return snap(t, leadMs, leadUv); });
}
}  // namespace

// 20 kHz, noise 1 uV (level 4 uV), positivity 6.5 uV: beyond the level for ~0.3 ms.
// (a) At 3.0 ms it is back within the level at 3.15 ms, ~0.95 ms before the negative phase reaches
//     the level (4.10 ms): flagged uncertain in every draw, no confident onset off by > 0.10 ms
//     (before: confident in 10/10 at the negative phase, up to 1.26 ms late).
// (b) At 3.75 ms it leads into the negative phase (back within the level ~0.2 ms before it): the
//     onset is its take-off (an initial positive dip), confident and within 0.10 ms.
// (c) No positivity: confident, within 0.10 ms of the negative phase's take-off.
TEST_CASE("Onset: an initial positivity back at the baseline before the main phase makes the onset uncertain", "[dsp][onset][sensory]") {
    const double fs = 20000.0, noiseUv = 1.0, levelUv = 4.0 * noiseUv;
    auto det = ncsSettingsFor(NcsTest::Sensory).detection;
    BaselineStats b;
    b.sdUv = noiseUv;
    struct Variant {
        const char* name;
        double leadMs, leadUv;
    };
    for (const auto& v : {Variant{"separate", 3.0, 6.5}, Variant{"leading in", 3.75, 6.5}, Variant{"none", 3.0, 0.0}}) {
        const double truthMs = firstReachMs(v.leadMs, v.leadUv, levelUv);
        int flagged = 0, confidentWrong = 0;
        double worst = 0.0;
        for (unsigned seed = 1; seed <= 10; ++seed) {
            const auto s = sweepOf(fs, noiseUv, seed, v.leadMs, v.leadUv);
            b.samples = s.preSamples;
            const auto r = detectResponse(s, det, b);
            REQUIRE(r.found);
            const double err = r.measures.onsetLatencyMs - truthMs;
            flagged += r.onsetUncertain ? 1 : 0;
            confidentWrong += !r.onsetUncertain && std::fabs(err) > 0.10 ? 1 : 0;
            if (!r.onsetUncertain) worst = std::max(worst, std::fabs(err));
        }
        WARN("positivity " << v.name << " (truth onset " << truthMs << " ms): flagged " << flagged << "/10, worst confident error " << worst
                           << " ms");
        CHECK(confidentWrong == 0);
        if (std::string(v.name) == "separate") CHECK(flagged == 10);
        else CHECK(flagged <= 1);
    }
}
