// A SNAP's take-off read from few samples (4-8 kHz, 0.125-0.25 ms apart). The take-off fit's own
// standard error (noise / slope) counts the noise only; at these rates the fit's error beyond it
// is ~Ts/6 (the velocity SE's calibration, docs/measurements.md section 7, ncs-cvse: site z rms
// 21.6 below 6 kHz with the noise-only SE). The sensory settings add Ts/6 in quadrature for the
// onset's 0.10 ms limit (2.5 SE), so a sensory onset at <= 4.17 kHz is never stated confidently.
#include "ncs_accuracy_eval.h"
#include "ncs_case_generator.h"
#include "synthetic_ncs.h"

#include <emg/dsp/ncs_analysis.h>
#include <emg/dsp/ncs_measures.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

using namespace emg;
using namespace emg::dsp;
using namespace emg::test;
using namespace emg::ncsgen;

namespace {
/// A small initial positivity (1.5 uV at 3.7 ms, under the level), the negative phase (30 uV at
/// 4.2 ms) and the closing positivity (8 uV at 4.75 ms): peak 30 x the 1 uV noise.
double snap(double tMs) {
    return gaussianLobeUv(tMs, 3.7, 0.15, 1.5) - gaussianLobeUv(tMs, 4.2, 0.17, 30.0) + gaussianLobeUv(tMs, 4.75, 0.25, 8.0);
}

double truthMs(double levelUv) {
    for (double t = 1.0; t < 8.0; t += 1e-3)
        if (std::fabs(snap(t)) >= levelUv) return firstReachMs([](double x) { return snap(x); }, t - 1e-3, t, levelUv);
    return -1.0;
}

struct Tally {
    int confident = 0, confidentWrong = 0;
    double worst = 0.0;
};

Tally run(const DetectionSettings& det, double fs, unsigned draws) {
    const double noiseUv = 1.0, truth = truthMs(4.0 * noiseUv);
    Tally t;
    BaselineStats b;
    b.sdUv = noiseUv;
    for (unsigned seed = 1; seed <= draws; ++seed) {
        const auto s = noisySweep(fs, 5.0, 20.0, noiseUv, seed, [](double x) { return snap(x); });
        b.samples = s.preSamples;
        const auto r = detectResponse(s, det, b);
        REQUIRE(r.found);
        if (r.onsetUncertain) continue;
        const double err = std::fabs(r.measures.onsetLatencyMs - truth);
        ++t.confident;
        t.confidentWrong += err > 0.10 ? 1 : 0;
        t.worst = std::max(t.worst, err);
    }
    return t;
}
}  // namespace

// Harness sites (seeds of the retired held-out set 8,000,001.., drawn as the bench draws them:
// dispersed sums of fibre potentials, not this simulator) read 0.105 ms early, confident, with the
// noise-only SE: 8000025 s1 and 8000149 s2 (both 5 kHz). Now both are flagged or within 0.10 ms,
// and no other confident goal site of those files is beyond 0.10 ms. (8000061 s1, 8 kHz, 0.118 ms
// early, is not this: the artifact's tail, 30 uV, decays to 2.5 uV at the search start 0.4 ms before
// the take-off and lifts it; a rule flagging such take-offs cost ~100 right sites on the development
// sets for this one, docs/measurements.md section 7: not adopted.)
TEST_CASE("Onset harness: SNAPs read 0.1 ms early at 5 kHz are no longer confident", "[dsp][ncs][onset][sensory][harness]") {
    const std::pair<std::uint64_t, std::string> named[] = {{8000025, "s1"}, {8000149, "s2"}};
    for (const auto& [seed, site] : named) {
        const auto c = makeCase(seed, CaseOptions{});
        REQUIRE(c.family == Family::SensoryFibreSum);
        const auto o = evaluate(c);
        REQUIRE(o.error.empty());
        for (std::size_t k = 0; k < o.sites.size(); ++k) {
            const auto& s = o.sites[k];
            if (!s.goal || !s.found) continue;
            INFO("seed " << seed << " " << c.sites[k].name << " at " << c.sampleRateHz << " Hz: error " << s.onsetErrorMs << " ms, "
                         << (s.uncertainFlag ? "flagged" : "confident"));
            if (c.sites[k].name == site) WARN("seed " << seed << " " << site << ": error " << s.onsetErrorMs << " ms, " << (s.uncertainFlag ? "flagged" : "confident"));
            CHECK((s.uncertainFlag || std::fabs(s.onsetErrorMs) <= 0.10));
        }
    }
}

// A clean Gaussian SNAP at 30 x the noise, 40 noise draws per rate: no confident onset beyond
// 0.10 ms at any rate; at 4 kHz none is confident (2.5 x Ts/6 = 0.104 ms > 0.10 ms, whatever the
// noise: the price of the rule, which the noise-only SE did not pay here: 40/40 confident, worst
// 0.083 ms); at 6 and 20 kHz the term costs nothing (>= 38/40 confident).
TEST_CASE("Onset: the sampling term of a sensory onset's SE, by rate", "[dsp][onset][sensory]") {
    const auto sensory = ncsSettingsFor(NcsTest::Sensory).detection;
    REQUIRE(sensory.takeoff.onsetSeSampleFraction == Approx(1.0 / 6.0));
    REQUIRE(ncsSettingsFor(NcsTest::Motor).detection.takeoff.onsetSeSampleFraction == 0.0);   // motor: noise-only SE
    for (const double fs : {4000.0, 5000.0, 6000.0, 20000.0}) {
        const auto t = run(sensory, fs, 40);
        INFO(fs << " Hz: confident " << t.confident << "/40, worst " << t.worst << " ms");
        CHECK(t.confidentWrong == 0);
        if (fs == 4000.0) CHECK(t.confident == 0);
        if (fs >= 6000.0) CHECK(t.confident >= 38);
    }
}
