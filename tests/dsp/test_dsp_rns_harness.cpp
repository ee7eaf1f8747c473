// Fixed-seed subset of the RNS accuracy harness (tests/bench/rns_accuracy_bench.cpp): trains of
// 6-10 stimuli at 2-5 Hz from the independent generator (rns_case_generator.h: a hand CMAP of
// 2-15 mV with a zero-slope take-off, a decrement of 0-40 % to the 4th-5th response and part
// recovery; noise 2-20 uV, hum to 50 uV, DC to 10 mV, drift, artifacts, 4-48 kHz; continuous, or a
// record of 40-100 ms per stimulus starting at it) through the engine as `emgws-cli analyze --test
// rns` runs it. Expectations: the 4th and 5th amplitude decrements within 2 points of the truth on
// every train (a decrement is abnormal from ~10 %: 2 points never move a reading across it unless the
// truth is that close), within 1 point on at least 95 %; every train on the truth's side of 10 %;
// the rate from the stimuli's times (records at the stimulus had read 20 Hz for a 3 Hz train).
#include "rns_accuracy_eval.h"

#include <catch2/catch.hpp>

#include <spdlog/spdlog.h>

using namespace emg::rnsgen;

namespace {
void checkSeeds(int layout) {
    spdlog::set_level(spdlog::level::warn);
    std::vector<RnsCase> cases;
    std::vector<RnsOutcome> outcomes;
    for (std::uint64_t seed = 700; seed < 740; ++seed) {
        auto c = makeRnsCase(seed, layout);
        outcomes.push_back(evaluateRns(c));
        INFO(c.describe());
        CHECK(outcomes.back().error.empty());
        c.recording = {};
        cases.push_back(std::move(c));
    }
    const auto t = tabulateRns(cases, outcomes);
    std::string worst;
    for (const auto& w : t.worst) worst += "worst: " + w + "\n";
    INFO(formatRnsTable(t, "fixed seeds 700..739") << worst);
    const auto& all = t.rows.back();
    CHECK(t.errors == 0);
    CHECK(t.countFailures == 0);
    CHECK(all.cases == 40);
    CHECK(all.notRead == 0);
    CHECK(all.within2 == all.cases);
    CHECK(all.within1 >= 0.95 * static_cast<double>(all.cases));
    CHECK(all.area4Within2 == all.cases);
    CHECK(all.judgedRight == all.cases);
    CHECK(all.rateRight == all.cases);
}
}  // namespace

TEST_CASE("RNS harness, fixed seeds, drawn layouts: decrements within 2 points, the rate right", "[dsp][rns][harness]") { checkSeeds(-1); }

TEST_CASE("RNS harness, fixed seeds, records that start at the stimulus: decrements within 2 points, the rate right",
          "[dsp][rns][harness]") {
    checkSeeds(1);
}
