// Fixed-seed subset of the NCS onset accuracy harness (tests/bench/ncs_accuracy_bench.cpp): cases
// from the independent generator (ncs_case_generator.h: raised-cosine, integrated-Gaussian, gamma
// and finite-slope take-offs, motor-unit and sensory-fibre sums; hum up to 50 uV on 100 ms
// records, DC to 10 mV, drift, artifacts with tails, 4-48 kHz, truncated last sweeps) through the
// engine. Expectations from the goals where the peak is >= 20 x the noise: onset error
// median <= 0.03 ms, 95th percentile <= 0.10 ms, max <= 0.15 ms per motor family; never more
// than 0.10 ms early; every stimulus counted; below 20 x the
// noise the onset is flagged uncertain. Limits that the engine does not yet meet everywhere are
// stated in docs/measurements.md (harness table); this subset asserts what it meets.
#include "ncs_accuracy_eval.h"

#include <catch2/catch.hpp>

#include <spdlog/spdlog.h>

using namespace emg::ncsgen;

namespace {
Table runSeeds(std::uint64_t first, std::size_t count, const CaseOptions& o) {
    std::vector<Case> cases;
    std::vector<CaseOutcome> outcomes;
    for (std::size_t i = 0; i < count; ++i) {
        auto c = makeCase(first + i, o);
        outcomes.push_back(evaluate(c));
        c.recording = {};
        cases.push_back(std::move(c));
    }
    return tabulate(cases, outcomes);
}
const FamilyRow& row(const Table& t, const std::string& name) {
    for (const auto& r : t.rows)
        if (r.name == name) return r;
    FAIL("no row " << name);
    throw std::logic_error("unreachable");
}
}  // namespace

TEST_CASE("Onset harness, fixed seeds: motor take-off families within the onset goals", "[dsp][ncs][onset][harness]") {
    spdlog::set_level(spdlog::level::warn);
    for (Family f : {Family::RaisedCosine, Family::Gamma, Family::FiniteSlope, Family::MotorUnitSum}) {
        CaseOptions o;
        o.forceFamily = true;
        o.family = f;
        const auto t = runSeeds(500, 24, o);
        const auto& r = row(t, familyName(f));
        INFO(formatTable(t, familyName(f)));
        for (const auto& w : t.worst) INFO("worst: " << w);
        CHECK(t.errors == 0);
        CHECK(t.countFailures == 0);
        CHECK(r.goalSites >= 50);
        CHECK(r.missed <= r.goalSites / 20);
        // The goals (were 0.035 / 0.16 before the take-off fit was made local and the
        // artifact-tail lobes were separated from the response).
        CHECK(r.medianMs <= 0.03);
        CHECK(r.p95Ms <= 0.10);
        CHECK(r.maxMs <= 0.15);
        // No onset more than 0.10 ms early (goal). (One motor-unit-sum site at 0.107 ms early was
        // allowed here until the hum frequency and the refit with 20 ms before the stimulus came in.)
        CHECK(r.falseEarly == 0u);
        CHECK(r.ampMedianPct <= 1.0);
    }
}

TEST_CASE("Onset harness, fixed seeds: every stimulus counted, low-SNR sensory onsets flagged uncertain", "[dsp][ncs][onset][harness]") {
    spdlog::set_level(spdlog::level::warn);
    CaseOptions o;
    o.forceFamily = true;
    o.family = Family::SensoryFibreSum;
    o.truncateProbability = 0.5;
    const auto t = runSeeds(700, 16, o);
    INFO(formatTable(t, "sensory"));
    CHECK(t.errors == 0);
    CHECK(t.countFailures == 0);
    const auto& r = row(t, "sensory-fibre-sum");
    CHECK(r.lowSnrSites > 0);
    CHECK(r.lowSnrFlagged == r.lowSnrSites);
}
