// Fixed-seed subset of the H-reflex accuracy harness (tests/bench/hreflex_accuracy_bench.cpp):
// recruitment series of 8-15 stimuli from the independent generator (hreflex_case_generator.h: a
// soleus M of 2-15 mV growing with intensity, an H of its own shape rising and then suppressed,
// Hmax/Mmax 0.1-0.7, no H in 10 % of the series; noise 2-20 uV, hum to 50 uV, DC to 10 mV, drift,
// artifacts, 4-48 kHz; continuous, records of separate acquisitions, records that start at the
// stimulus) through the engine as `emgws-cli analyze --test hreflex` runs it. Expectations: the H
// latency within 0.3 ms of the truth (the first departure of the noise-free H of the Hmax sweep by
// 4 x the noise rms in the band H is analysed in; the F-wave goal of issue 11, none is set for H) on at least 90 % of the series
// whose H peak is >= 20 x the noise, at most one early by more than 0.3 ms, median <= 0.03 ms and 95th
// percentile <= 0.10 ms (the motor onset goals); H/M within 5 % on at least 90 %;
// an absent H read below 0.05 H/M; every stimulus gives a sweep.
#include "harness_common.h"
#include "hreflex_accuracy_eval.h"

#include <emg/dsp/filter_presets.h>
#include <emg/dsp/zero_phase.h>

#include <catch2/catch.hpp>

#include <random>

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

TEST_CASE("H-reflex harness truth: the onset level is 4 x the noise in the analysis band, the band's gain from the filter formula",
          "[dsp][hreflex][harness]") {
    // The truth's level is counted from the noise the trace shows after the late-response preset's
    // 10 kHz low-pass (run forward and backward), as the engine's level is. The gain is computed in
    // the harness from the Butterworth formula; here it must agree with the engine's own filter run
    // over white noise (within 1 %), so the two definitions cannot drift apart unseen.
    std::mt19937_64 g(7);
    std::normal_distribution<double> nd(0.0, 1.0);
    for (const double fs : {4000.0, 20000.0, 24000.0, 32000.0, 48000.0}) {
        std::vector<double> x(400000);
        for (auto& v : x) v = nd(g);
        const auto chain = emg::dsp::buildFilter(emg::dsp::filterPreset(emg::dsp::FilterPresetId::HReflex), fs);
        emg::dsp::filtfiltInPlace(chain.cascade, std::span<double>(x));
        double ss = 0.0;
        for (std::size_t i = 20000; i + 20000 < x.size(); ++i) ss += x[i] * x[i];
        const double measured = std::sqrt(ss / static_cast<double>(x.size() - 40000));
        const double formula = emg::harness::analysisBandNoiseGain(fs, emg::harness::kLateResponseLowPassHz, emg::harness::kLateResponseLowPassOrder);
        INFO("fs " << fs << ": engine's filter " << measured << ", formula " << formula);
        CHECK(formula == Approx(measured).epsilon(0.01));
    }
    // 0.59-0.93 of the file's noise: not a detail at 32-48 kHz
    CHECK(emg::harness::analysisBandNoiseGain(48000.0, 10000.0, 2) == Approx(0.593).margin(0.005));
    CHECK(emg::harness::analysisBandNoiseGain(10000.0, 10000.0, 2) == Approx(0.929).margin(0.005));

    // Development seed 736 (records at the stimulus, 32 kHz, 20 uV of noise): H opens with a positive
    // lobe whose noise-free peak lies between 4 x the band's noise (59 uV) and 4 x the file's (80 uV).
    // At the file's level the truth was the negative main phase, 1.5 ms after the engine's reading of
    // the lobe (the only early reading of dev 1..1200); in the band the trace shows, the lobe is a
    // visible departure and the reading is right.
    spdlog::set_level(spdlog::level::warn);
    const auto c = makeHCase(736);
    INFO(c.describe());
    REQUIRE(c.hPresent);
    CHECK(c.hLatencyFileNoiseMs - c.hLatencyMs > 1.0);
    const auto o = evaluateH(c);
    INFO(o.detail);
    REQUIRE(o.latencyRead);
    CHECK_FALSE(o.latencyFlagged);
    CHECK(std::abs(o.latencyErrorMs) <= 0.3);
}
