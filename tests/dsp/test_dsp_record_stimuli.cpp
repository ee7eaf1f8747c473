// A file of a record per stimulus (EDF+D, the EDF+ nerve-conduction layout) whose records carry no
// stimulus annotation: the stimulus is at each record's start, or at the artifact a pre-trigger puts
// a fixed time into every record. Built from the independent generators' files (motor and sensory,
// F-wave trains) with their annotations taken away; each must read as the annotated file does.
#include "fwave_case_generator.h"
#include "ncs_case_generator.h"
#include "unmarked_stimuli_support.h"

#include <emg/core/recording_segments.h>
#include <emg/dsp/late_responses.h>
#include <emg/dsp/ncs_analysis.h>

#include <catch2/catch.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

using namespace emg;
using namespace emg::dsp;

namespace {

using emg::test::withoutMarks;

bool notes(const PreparedSignal& p, const std::string& text) {
    return std::any_of(p.notes.begin(), p.notes.end(), [&](const std::string& n) { return n.find(text) != std::string::npos; });
}

/// The same records, each with `preMs` of quiet baseline (its own level, 3 µV of noise) before its
/// stimulus, and the stimulus annotations moved with them: an export with a pre-trigger.
Recording withPretrigger(const Recording& rec, double preMs, std::uint64_t seed) {
    Recording out = rec;
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> noise(0.0, 3.0);
    for (std::size_t c = 0; c < rec.channels.size(); ++c) {
        const auto& ch = rec.channels[c];
        const auto pre = static_cast<std::size_t>(std::llround(preMs * 1e-3 * ch.sampleRateHz));
        std::vector<double> x;
        for (std::size_t k = 0; k < rec.segments.size(); ++k) {
            const std::size_t s0 = segmentFirstSample(rec, k, ch.sampleRateHz), s1 = segmentFirstSample(rec, k + 1, ch.sampleRateHz);
            std::vector<double> tail(ch.samples.begin() + static_cast<std::ptrdiff_t>(s0 + (s1 - s0) * 4 / 5),
                                     ch.samples.begin() + static_cast<std::ptrdiff_t>(s1));
            std::nth_element(tail.begin(), tail.begin() + static_cast<std::ptrdiff_t>(tail.size() / 2), tail.end());
            for (std::size_t i = 0; i < pre; ++i) x.push_back(tail[tail.size() / 2] + noise(rng));
            x.insert(x.end(), ch.samples.begin() + static_cast<std::ptrdiff_t>(s0), ch.samples.begin() + static_cast<std::ptrdiff_t>(s1));
        }
        out.channels[c].samples = std::move(x);
    }
    for (auto& s : out.segments) s.durationSec += preMs * 1e-3;
    for (auto& a : out.annotations) a.onsetSec += preMs * 1e-3;
    return out;
}

ncsgen::CaseOptions recordsAtStimulus(bool motor) { return emg::test::generatorFiles(ncsgen::Layout::RecordsAtStimulus, true, motor); }

}  // namespace

TEST_CASE("a record per stimulus without stimulus marks: a stimulus at each record's start, each record a site, read as marked",
          "[dsp][stimuli][records]") {
    spdlog::set_level(spdlog::level::warn);
    for (const bool motor : {true, false}) {
        INFO((motor ? "motor" : "sensory"));
        const auto st = ncsSettingsFor(motor ? NcsTest::Motor : NcsTest::Sensory);
        for (std::uint64_t seed = 1; seed <= 8; ++seed) {
            const auto c = ncsgen::makeCase(seed, recordsAtStimulus(motor));
            INFO(c.describe());
            REQUIRE(c.recording.segments.size() >= 2);
            const auto marked = prepareSignal(c.recording, std::nullopt, st);
            const auto found = prepareSignal(withoutMarks(c.recording), std::nullopt, st);
            REQUIRE(found.stimuli.size() == marked.stimuli.size());
            CHECK(sitesInOrder(found.stimuli).size() == c.recording.segments.size());
            for (std::size_t k = 0; k < found.stimuli.size(); ++k) CHECK(found.stimuli[k].sampleIndex == marked.stimuli[k].sampleIndex);
            CHECK(notes(found, "taken at each record's first sample"));
            emg::test::checkSitesAsMarked(marked, found, st, 0.005);
        }
    }
}

TEST_CASE("a record per stimulus without marks but with a pre-trigger: the stimulus at its artifact, not at the record's start",
          "[dsp][stimuli][records]") {
    spdlog::set_level(spdlog::level::warn);
    const auto st = ncsSettingsFor(NcsTest::Motor);
    std::size_t compared = 0;
    for (std::uint64_t seed = 1; seed <= 30 && compared < 8; ++seed) {
        const auto c = ncsgen::makeCase(seed, recordsAtStimulus(true));
        INFO(c.describe());
        const Recording shifted = withPretrigger(c.recording, 10.0, seed);
        const auto marked = prepareSignal(shifted, std::nullopt, st);
        const auto found = prepareSignal(withoutMarks(shifted), std::nullopt, st);
        REQUIRE(found.stimuli.size() == marked.stimuli.size());
        for (std::size_t k = 0; k < found.stimuli.size(); ++k) CHECK(std::abs(found.stimuli[k].sampleIndex - marked.stimuli[k].sampleIndex) <= 1);
        CHECK(notes(found, "found from its artifact"));
        const auto a = analyzeSites(marked, st), b = analyzeSites(found, st);
        REQUIRE(a.size() == b.size());
        for (std::size_t k = 0; k < a.size(); ++k)
            if (a[k].response.found && b[k].response.found)   // within a sample of the marked stimulus
                CHECK(b[k].response.measures.onsetLatencyMs == Approx(a[k].response.measures.onsetLatencyMs).margin(1.5e3 / c.sampleRateHz));
        ++compared;
    }
    CHECK(compared == 8);
}

TEST_CASE("an F-wave train of a record per stimulus without marks: one site, its minimal latency as the marked file's",
          "[dsp][stimuli][records][fwave]") {
    spdlog::set_level(spdlog::level::warn);
    const auto st = ncsSettingsFor(NcsTest::FWave);
    for (std::uint64_t seed = 1; seed <= 8; ++seed) {
        const auto c = fwavegen::makeFCase(seed, true);
        INFO(c.describe());
        const auto marked = prepareSignal(c.recording, std::nullopt, st);
        const auto found = prepareSignal(withoutMarks(c.recording), std::nullopt, st);
        REQUIRE(found.stimuli.size() == marked.stimuli.size());
        REQUIRE(sitesInOrder(found.stimuli).size() == 1);
        const auto a = emg::test::fwavesOf(marked, st), b = emg::test::fwavesOf(found, st);
        CHECK(b.present == a.present);
        if (a.present > 0 && b.present > 0) CHECK(b.minLatencyMs == Approx(a.minLatencyMs).margin(0.001));
    }
}

TEST_CASE("long records without marks are not taken for sweeps", "[dsp][stimuli][records]") {
    spdlog::set_level(spdlog::level::warn);
    // two 2 s segments of a quiet signal: a recording of segments, not a record per stimulus
    Recording rec;
    RecordedChannel ch;
    ch.label = "EMG APB";
    ch.sampleRateHz = 10000.0;
    std::mt19937_64 rng(7);
    std::normal_distribution<double> noise(0.0, 5.0);
    for (int i = 0; i < 40000; ++i) ch.samples.push_back(noise(rng));
    rec.channels.push_back(ch);
    rec.segments = {{0.0, 2.0}, {5.0, 2.0}};
    CHECK_THROWS_WITH(prepareSignal(rec, std::nullopt, ncsSettingsFor(NcsTest::Motor)), Catch::Contains("no stimuli found"));
    // the same as two 50 ms records: a stimulus at each start
    Recording sweeps = rec;
    sweeps.channels[0].samples.resize(1000);
    sweeps.segments = {{0.0, 0.05}, {1.0, 0.05}};
    CHECK(prepareSignal(sweeps, std::nullopt, ncsSettingsFor(NcsTest::Motor)).stimuli.size() == 2);
}
