// Fixed-seed subset of the H-reflex accuracy harness (tests/bench/hreflex_accuracy_bench.cpp):
// recruitment series of 8-15 stimuli from the independent generator (hreflex_case_generator.h: a
// soleus M of 2-15 mV growing with intensity, an H of its own shape rising and then suppressed,
// Hmax/Mmax 0.1-0.7, no H in 10 % of the series; noise 2-20 uV, hum to 50 uV, DC to 10 mV, drift,
// artifacts, 4-48 kHz; continuous, records of separate acquisitions, records that start at the
// stimulus) through the engine as `emgws-cli analyze --test hreflex` runs it. Expectations: the H
// latency within 0.3 ms of the truth (the first departure of the noise-free H of the Hmax sweep by
// 4 x the noise rms; the F-wave goal of issue 11, none is set for H) on at least 90 % of the series
// whose H peak is >= 20 x the noise, at most one early by more than 0.3 ms, median <= 0.03 ms and 95th
// percentile <= 0.10 ms (the motor onset goals); H/M within 5 % on at least 90 %;
// an absent H read below 0.05 H/M; every stimulus gives a sweep.
#include "hreflex_accuracy_eval.h"

#include <catch2/catch.hpp>

#include <spdlog/spdlog.h>

using namespace emg::hgen;

namespace {
HTable fixedSeeds(int layout) {
    spdlog::set_level(spdlog::level::warn);
    std::vector<HCase> cases;
    std::vector<HOutcome> outcomes;
    for (std::uint64_t seed = 500; seed < 540; ++seed) {
        auto c = makeHCase(seed, layout);
        outcomes.push_back(evaluateH(c));
        INFO(c.describe());
        CHECK(outcomes.back().error.empty());
        c.recording = {};
        cases.push_back(std::move(c));
    }
    return tabulateH(cases, outcomes, 0.3, 5.0);
}

void checkGoals(const HTable& t, std::size_t maxEarly) {
    std::string worst;
    for (const auto& w : t.worst) worst += "worst: " + w + "\n";
    INFO(worst);
    const auto& all = t.rows.back();
    CHECK(t.errors == 0);
    CHECK(t.countFailures == 0);
    REQUIRE(all.goalCases >= 25);   // the subset must exercise the goal
    CHECK(all.noLatency == 0);
    CHECK(all.within >= 0.9 * static_cast<double>(all.goalCases));
    CHECK(all.ratioWithin >= 0.9 * static_cast<double>(all.goalCases));
    CHECK(all.sweepRight == all.goalCases);
    CHECK(all.absentReadBelow == all.absent);
    CHECK(all.early <= maxEarly);
    // the latency from a fit of H's take-off (as F-waves and motor onsets): the motor onset goals of
    // issue 11 for median and 95th percentile (the threshold crossing extrapolated along the
    // steepest tangent read these seeds 0.044-0.049 / 0.129-0.150 ms)
    CHECK(all.medianMs <= 0.03);
    CHECK(all.p95Ms <= 0.10);
}
}  // namespace

TEST_CASE("H-reflex harness, fixed seeds, drawn layouts: H latency within 0.3 ms, H/M within 5 %", "[dsp][hreflex][harness]") {
    const auto t = fixedSeeds(-1);
    INFO(formatHTable(t, "fixed seeds 500..539"));
    checkGoals(t, 1);
}

TEST_CASE("H-reflex harness, fixed seeds, records that start at the stimulus: as in the drawn layouts", "[dsp][hreflex][harness]") {
    // the same series in the EDF+ specification's layout: one record of 60-120 ms per stimulus
    // starting at it, each with its own DC, hum phase and drift, holes between (before 2026-12-06:
    // not measured at all)
    const auto t = fixedSeeds(3);
    INFO(formatHTable(t, "records at the stimulus, fixed seeds 500..539"));
    checkGoals(t, 0);
}

TEST_CASE("H-reflex harness: an H whose small first lobe lies near the onset level is read on its main phase and flagged uncertain",
          "[dsp][hreflex][harness]") {
    // development seeds 9, 32, 49, 276 (records at the stimulus, 4-12 kHz, 9-20 uV of noise): the H opens
    // with a lobe of the other sign peaking at 4-5 x the noise, which the truth's 4 x level crosses and
    // one sweep cannot show; the main phase's take-off is read 0.85-1.7 ms after the truth. Before the
    // flag the latency was stated as a confident value; now it is an estimate, flagged, with the reason.
    spdlog::set_level(spdlog::level::warn);
    for (const std::uint64_t seed : {9U, 32U, 49U, 276U}) {
        const auto c = makeHCase(seed);
        INFO(c.describe());
        const auto o = evaluateH(c);
        INFO(o.detail);
        REQUIRE(o.error.empty());
        REQUIRE(o.goal);
        REQUIRE(o.latencyRead);
        CHECK(o.latencyFlagged);
        CHECK(o.latencyErrorMs > 0.3);    // the main phase: late, never early
        CHECK(o.latencyErrorMs < 2.0);
        CHECK(std::abs(o.ratioErrorPct) <= 5.0);
    }
}
