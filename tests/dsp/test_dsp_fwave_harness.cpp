// Fixed-seed subset of the F-wave rows of the accuracy harness (tests/bench/ncs_accuracy_bench.cpp):
// trains of 10-20 supramaximal stimuli from the independent generator (fwave_case_generator.h: M of
// 2-15 mV, F waves of 20-500 uV from 1-3 backfiring units with their own latency and polyphasic
// shape, persistence 50-100 %, noise 2-20 uV, hum to 50 uV, DC to 10 mV, drift, artifacts, 4-48 kHz,
// continuous and record layouts) through the engine as `emgws-cli analyze fwave` runs it.
// Expectations from issue 11: the F-wave minimal latency within 0.3 ms of the truth (first
// departure of the noise-free F by 4 x the noise rms in the analysis band) where the F wave giving
// it peaks at >= 20 x the noise, unless the engine says the minimal latency is uncertain (at most 3 of
// the 24 goal trains); every stimulus gives a sweep.
#include "fwave_accuracy_eval.h"

#include <emg/dsp/late_responses.h>
#include <emg/dsp/ncs_analysis.h>

#include <catch2/catch.hpp>

#include <algorithm>

#include <spdlog/spdlog.h>

using namespace emg::fwavegen;

namespace {
/// Seeds 300..339 through the engine, in their drawn layouts or as records that start at the stimulus.
FTable fixedSeeds(bool recordsAtStimulus) {
    spdlog::set_level(spdlog::level::warn);
    std::vector<FCase> cases;
    std::vector<FOutcome> outcomes;
    for (std::uint64_t seed = 300; seed < 340; ++seed) {
        auto c = makeFCase(seed, recordsAtStimulus);
        outcomes.push_back(evaluateF(c));
        INFO(c.describe());
        CHECK(outcomes.back().error.empty());
        c.recording = {};
        cases.push_back(std::move(c));
    }
    return tabulateF(cases, outcomes, 0.3);
}

/// The train's F-waves as `emgws-cli analyze --test fwave` reads them (evaluateF's chain).
emg::dsp::FWaveResult analyzeTrain(const FCase& c) {
    using namespace emg::dsp;
    const auto st = ncsSettingsFor(NcsTest::FWave);
    const auto prepared = prepareSignal(c.recording, std::nullopt, st);
    const auto sweeps = lateResponseSweeps(prepared, sitesInOrder(prepared.stimuli).front(), st);
    FWaveSettings fs;
    fs.mDetection = st.detection;
    fs.mainsHz = st.mainsHz;
    return analyzeFWaves(sweeps, fs);
}

/// Issue 11's goal on every goal train of the subset the engine gives a confident minimal latency
/// for: within 0.3 ms, none early by more, none missed; at most 3 flagged uncertain.
void checkGoal(const FTable& t) {
    std::string worst;
    for (const auto& w : t.worst) worst += "worst: " + w + "\n";
    INFO(worst);
    const auto& all = t.rows.back();
    CHECK(t.errors == 0);
    CHECK(t.countFailures == 0);
    REQUIRE(all.goalCases >= 20);   // the subset must exercise the goal
    CHECK(all.missed == 0);
    // dev 1..400: 8 of 197 goal trains flagged (drawn layouts), 6 of 197 (at the stimulus); these
    // 40 seeds give 24 goal trains, 3 of them flagged in the drawn layouts (seed 311 among them), 1 at the stimulus
    CHECK(all.flagged <= 3);
    CHECK(all.within == all.goalCases - all.flagged);
    CHECK(all.early == 0);
    CHECK(all.maxMs <= 0.3);
}
}  // namespace

TEST_CASE("F-wave harness, fixed seeds: minimal latency within 0.3 ms of the truth", "[dsp][fwave][harness]") {
    const auto t = fixedSeeds(false);
    INFO(formatFTable(t, "fixed seeds 300..339"));
    checkGoal(t);
}

TEST_CASE("F-wave harness, fixed seeds, records that start at the stimulus: minimal latency within 0.3 ms", "[dsp][fwave][harness]") {
    // The same trains in the EDF+ specification's layout: one 120 ms record per stimulus starting at
    // it, each with its own DC (+-2 mV about the case's), hum phase and drift, holes between: no
    // signal before any stimulus (before: not measured at all).
    const auto t = fixedSeeds(true);
    INFO(formatFTable(t, "records at the stimulus, fixed seeds 300..339"));
    checkGoal(t);
    CHECK(t.rows.back().falseF == 0);   // no F read where no unit fired
}

TEST_CASE("F-wave harness: a sweep whose F leads in with a lobe near the onset level before the minimal latency makes it uncertain",
          "[dsp][fwave][harness]") {
    // Development seed 311 (foot, continuous, 24 kHz, 14 uV of noise): in sweep 10 (stimulus 11) the F opens with a
    // lobe of the other sign whose noise-free peak lies just above the onset level; the engine reads
    // that sweep's F at its main phase (1.06 ms later), so the train's minimal latency came from
    // another sweep, 0.77 ms after the truth, as a confident value. The take-off sees the lobe near
    // the level (dipNearLevel): the minimal latency is now flagged, its note naming the sweep and
    // where the lobe begins (within 0.3 ms of the truth).
    spdlog::set_level(spdlog::level::warn);
    const auto c = makeFCase(311);
    INFO(c.describe());
    const auto r = analyzeTrain(c);
    INFO(r.minLatencyNote);
    REQUIRE(r.present > 0);
    CHECK(r.minLatencyMs - c.minLatencyMs > 0.3);   // read late, on another sweep
    CHECK(r.minLatencyUncertain());
    CHECK(r.minLatencyNote.find("stimulus 11") != std::string::npos);
    const auto lobe = std::find_if(r.traces.begin(), r.traces.end(), [](const emg::dsp::FWaveTrace& t) { return t.sweepIndex == 10; });
    REQUIRE(lobe != r.traces.end());
    CHECK(std::abs(lobe->nearLevelLobeMs - c.minLatencyMs) <= 0.3);
}

TEST_CASE("F-wave harness: a minimal latency resting on an uncertain onset, every clear F well after it, is uncertain",
          "[dsp][fwave][harness]") {
    // Development seed 175 (hand, continuous, 16 kHz, 17 uV of noise): the F of stimulus 15 peaks at
    // 18 x the noise and its take-off is read 0.62 ms before its truth; it set the train's minimal
    // latency 0.38 ms before the truth, confident, while the earliest F the take-off vouches for
    // (stimulus 5, the truth's earliest, read within 0.02 ms) lies 0.39 ms later.
    spdlog::set_level(spdlog::level::warn);
    const auto c = makeFCase(175);
    INFO(c.describe());
    const auto r = analyzeTrain(c);
    INFO(r.minLatencyNote);
    REQUIRE(r.present > 0);
    CHECK(c.minLatencyMs - r.minLatencyMs > 0.3);   // read early
    CHECK(r.minLatencyUncertain());
    CHECK(r.minLatencyNote.find("stimulus 15: the earliest F") != std::string::npos);
    // the earliest clear F the note names is the truth's earliest, within 0.3 ms
    const auto at = r.minLatencyNote.find("is at ");
    REQUIRE(at != std::string::npos);
    CHECK(std::abs(std::stod(r.minLatencyNote.substr(at + 6)) - c.minLatencyMs) <= 0.3);
}
