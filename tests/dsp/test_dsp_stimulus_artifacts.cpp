// Stimuli found from their artifacts in a recording that marks none (stimulus_artifacts.h), on the
// independent generators' files (tests/dsp/*_case_generator: their artifacts are 0.1-2 ms, 1-8 mV,
// either sign, with tails of either sign; noise, hum, DC and drift), their annotations taken away:
// every stimulus is found within a sample of where the file marked it, no other, and the F-wave
// reading is the annotated file's. A sharp motor-unit potential is not a stimulus.
#include "fwave_case_generator.h"
#include "ncs_case_generator.h"
#include "rns_case_generator.h"
#include "unmarked_stimuli_support.h"

#include <emg/dsp/late_responses.h>
#include <emg/dsp/ncs_analysis.h>
#include <emg/dsp/stimulus_artifacts.h>

#include <catch2/catch.hpp>

#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>

using namespace emg;
using namespace emg::dsp;

namespace {
using emg::test::withoutMarks;

/// The NCS generator's continuous files, no sweep cut by the file's end; motor only when asked.
ncsgen::CaseOptions continuousFiles(bool motorOnly) { return emg::test::generatorFiles(ncsgen::Layout::Continuous, motorOnly); }
}  // namespace

TEST_CASE("stimuli from artifacts: every stimulus of the NCS generator's continuous files, within a sample, no other",
          "[dsp][stimuli][artifacts]") {
    spdlog::set_level(spdlog::level::warn);
    const auto o = continuousFiles(false);
    std::size_t cases = 0, stimuli = 0;
    for (std::uint64_t seed = 1; seed <= (std::getenv("ARTIFACT_DIAG") ? 400 : 60); ++seed) {
        const auto c = ncsgen::makeCase(seed, o);
        INFO(c.describe());
        // (every artifact, down to one sample: 393 of 400 files before the level was taken from before
        // a one-sample spike's rise rather than its fall, since 2026-12-06 night 400 of 400)
        const auto& ch = c.recording.channels.front();
        const auto marked = stimuliFromAnnotations(c.recording, ch.sampleRateHz);
        REQUIRE(marked.size() == c.stimuli);
        const auto found = stimuliFromArtifacts(ch.samples, ch.sampleRateHz);
        if (std::getenv("ARTIFACT_DIAG")) {
            std::size_t near = 0;
            for (const auto& f : found)
                for (const auto& m : marked) near += std::abs(f.sampleIndex - m.sampleIndex) <= 1;
            std::printf("%llu fs %.0f art %.3f ms found %zu near %zu marked %zu\n", static_cast<unsigned long long>(seed), ch.sampleRateHz, c.artifactMs, found.size(), near, marked.size());
            continue;
        }
        REQUIRE(found.size() == marked.size());
        for (std::size_t k = 0; k < found.size(); ++k) CHECK(std::abs(found[k].sampleIndex - marked[k].sampleIndex) <= 1);
        ++cases;
        stimuli += found.size();
    }
    CHECK(cases >= 50);
    CHECK(stimuli > 200);
}

TEST_CASE("stimuli from artifacts: an F-wave train whose file marks no stimulus reads as the marked file, and says how its stimuli were found",
          "[dsp][stimuli][artifacts][fwave]") {
    spdlog::set_level(spdlog::level::warn);
    const auto st = ncsSettingsFor(NcsTest::FWave);
    std::size_t compared = 0;
    for (std::uint64_t seed = 1; seed <= 40 && compared < 12; ++seed) {
        const auto c = fwavegen::makeFCase(seed);
        if (!c.recording.segments.empty()) continue;
        INFO(c.describe());
        const auto marked = prepareSignal(c.recording, std::nullopt, st);
        const auto found = prepareSignal(withoutMarks(c.recording), std::nullopt, st);
        REQUIRE(found.stimuli.size() == marked.stimuli.size());
        for (std::size_t k = 0; k < found.stimuli.size(); ++k) CHECK(std::abs(found.stimuli[k].sampleIndex - marked.stimuli[k].sampleIndex) <= 1);
        bool said = false;
        for (const auto& n : found.notes) said = said || n.find("found from their artifacts") != std::string::npos;
        CHECK(said);
        const auto a = emg::test::fwavesOf(marked, st), b = emg::test::fwavesOf(found, st);
        CHECK(b.stimuli == a.stimuli);
        CHECK(b.present == a.present);
        if (a.present > 0 && b.present > 0) CHECK(b.minLatencyMs == Approx(a.minLatencyMs).margin(1.5 / c.sampleRateHz * 1000.0));
        ++compared;
    }
    CHECK(compared == 12);
}

TEST_CASE("stimuli from artifacts: an RNS train without marks is found whole, its decrement as the marked file's", "[dsp][stimuli][artifacts][rns]") {
    spdlog::set_level(spdlog::level::warn);
    const auto st = ncsSettingsFor(NcsTest::Rns);
    std::size_t compared = 0;
    for (std::uint64_t seed = 1; seed <= 30 && compared < 8; ++seed) {
        const auto c = rnsgen::makeRnsCase(seed, 0);
        INFO(c.describe());
        if (c.recording.annotations.empty()) continue;
        const auto marked = prepareSignal(c.recording, std::nullopt, st);
        const auto found = prepareSignal(withoutMarks(c.recording), std::nullopt, st);
        REQUIRE(found.stimuli.size() == marked.stimuli.size());
        REQUIRE(rnsTrains(found).size() == 1);
        const auto dec = [&](const PreparedSignal& p) { return analyzeRns(lateResponseSweeps(p, "", st), st.detection, st.mainsHz).decrement4AmplitudePercent; };
        const auto a = dec(marked), b = dec(found);
        REQUIRE(a.has_value());
        REQUIRE(b.has_value());
        CHECK(*b == Approx(*a).margin(0.5));
        ++compared;
    }
    CHECK(compared == 8);
}

TEST_CASE("stimuli from artifacts: a motor study without marks splits into its sites where the response moves, each read as marked",
          "[dsp][stimuli][artifacts][motor]") {
    spdlog::set_level(spdlog::level::warn);
    const auto o = continuousFiles(true);
    const auto st = ncsSettingsFor(NcsTest::Motor);
    std::size_t compared = 0;
    const bool diag = std::getenv("ARTIFACT_DIAG") != nullptr;   // (seeds 1..300, a line per case that differs)
    std::size_t diagCases = 0, diagRight = 0;
    for (std::uint64_t seed = 1; seed <= (diag ? 300 : 60) && (diag || compared < 15); ++seed) {
        const auto c = ncsgen::makeCase(seed, o);
        INFO(c.describe());
        const auto marked = prepareSignal(c.recording, std::nullopt, st);
        const auto found = prepareSignal(withoutMarks(c.recording), std::nullopt, st);
        if (diag) {
            ++diagCases;
            const auto n = sitesInOrder(found.stimuli).size();
            diagRight += n == c.sites.size() && found.stimuli.size() == marked.stimuli.size();
            if (n != c.sites.size() || found.stimuli.size() != marked.stimuli.size())
                std::printf("%s\n  sites %zu of %zu, stimuli %zu of %zu\n", c.describe().c_str(), n, c.sites.size(), found.stimuli.size(), marked.stimuli.size());
            continue;
        }
        REQUIRE(sitesInOrder(found.stimuli).size() == c.sites.size());
        emg::test::checkSitesAsMarked(marked, found, st);
        ++compared;
    }
    if (diag) std::printf("motor cases %zu, sites and stimuli right %zu\n", diagCases, diagRight);
    else CHECK(compared == 15);
}

TEST_CASE("a motor study on one trigger line, annotated Stim alone or with one marker code, names no site: it splits into its sites, each read as marked", "[dsp][stimuli][motor]") {
    // the marks moved to a TTL channel (5 V, 0.2 ms pulses, site "trigger" for every stimulus): before,
    // every stimulus was one site "trigger" and only one CMAP was measured
    spdlog::set_level(spdlog::level::warn);
    const auto o = continuousFiles(true);
    const auto st = ncsSettingsFor(NcsTest::Motor);
    std::size_t compared = 0;
    for (std::uint64_t seed = 1; seed <= 60 && compared < 12; ++seed) {
        const auto c = ncsgen::makeCase(seed, o);
        INFO(c.describe());
        const auto& emgCh = c.recording.channels.front();
        const auto marked = prepareSignal(c.recording, std::nullopt, st);
        Recording onTrigger = withoutMarks(c.recording);
        RecordedChannel ttl;
        ttl.label = "Trigger";
        ttl.physicalUnit = "V";
        ttl.sampleRateHz = emgCh.sampleRateHz;
        ttl.samples.assign(emgCh.samples.size(), 0.0);
        const auto width = static_cast<std::size_t>(std::ceil(0.2e-3 * emgCh.sampleRateHz));
        for (const auto& m : marked.stimuli)
            for (std::size_t i = 0; i < width && static_cast<std::size_t>(m.sampleIndex) + i < ttl.samples.size(); ++i)
                ttl.samples[static_cast<std::size_t>(m.sampleIndex) + i] = 5.0;
        onTrigger.channels.push_back(ttl);
        const auto found = prepareSignal(onTrigger, 0, st);
        REQUIRE(found.stimuli.size() == marked.stimuli.size());
        REQUIRE(sitesInOrder(found.stimuli).size() == c.sites.size());
        emg::test::checkSitesAsMarked(marked, found, st);
        bool said = false;
        for (const auto& n : found.notes) said = said || n.find("names no stimulation site") != std::string::npos;
        CHECK(said == (c.sites.size() > 1));
        // the same with annotations "Stim" that name no site
        Recording bare = c.recording;
        for (auto& a : bare.annotations)
            if (a.text.rfind("Stim", 0) == 0) a.text = "Stim";
        const auto unnamed = prepareSignal(bare, std::nullopt, st);
        REQUIRE(unnamed.stimuli.size() == marked.stimuli.size());
        CHECK(sitesInOrder(unnamed.stimuli).size() == c.sites.size());
        // and with one BrainVision marker code for every stimulus ("Stimulus/S  1", as MNE names it):
        // the recorder's trigger value, not a place
        Recording coded = c.recording;
        for (auto& a : coded.annotations)
            if (a.text.rfind("Stim", 0) == 0) a.text = "Stimulus/S  1";
        const auto byCode = prepareSignal(coded, std::nullopt, st);
        REQUIRE(byCode.stimuli.size() == marked.stimuli.size());
        REQUIRE(sitesInOrder(byCode.stimuli).size() == c.sites.size());
        emg::test::checkSitesAsMarked(marked, byCode, st);
        bool named = false;
        for (const auto& n : byCode.notes) named = named || n.find("marker code 's1'") != std::string::npos;
        CHECK(named == (c.sites.size() > 1));
        ++compared;
    }
    CHECK(compared == 12);
}

namespace {
/// The generator's sensory file with each site's stimuli moved apart by 3 s of quiet (a ramp
/// between the two ends' levels, with the file's noise): sites stimulated one after the other with
/// a pause to move the stimulator, as at the bedside. The annotations move with their stimuli.
Recording sitesWithPauses(const ncsgen::Case& c, std::uint64_t seed) {
    const auto& ch = c.recording.channels.front();
    const double fs = ch.sampleRateHz;
    std::vector<std::pair<double, std::string>> stims;
    for (const auto& a : c.recording.annotations)
        if (a.text.rfind("Stim ", 0) == 0) stims.emplace_back(a.onsetSec, a.text);
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> noise(0.0, c.noiseRmsUv);
    Recording out = c.recording;
    out.annotations.clear();
    std::vector<double> x;
    std::size_t k = 0;
    while (k < stims.size()) {
        std::size_t e = k;
        while (e + 1 < stims.size() && stims[e + 1].second == stims[k].second) ++e;
        const auto from = static_cast<std::size_t>(std::max(0.0, stims[k].first - 0.1) * fs);
        const auto to = std::min(ch.samples.size(), static_cast<std::size_t>((stims[e].first + 0.15) * fs));
        if (!x.empty()) {
            const double a0 = x.back(), a1 = ch.samples[from];
            const auto gap = static_cast<std::size_t>(3.0 * fs);
            for (std::size_t i = 0; i < gap; ++i) x.push_back(a0 + (a1 - a0) * static_cast<double>(i) / static_cast<double>(gap) + noise(rng));
        }
        const double shiftSec = static_cast<double>(x.size()) / fs - static_cast<double>(from) / fs;
        for (std::size_t i = k; i <= e; ++i) out.annotations.push_back({stims[i].first + shiftSec, 0.0, stims[i].second});
        x.insert(x.end(), ch.samples.begin() + static_cast<std::ptrdiff_t>(from), ch.samples.begin() + static_cast<std::ptrdiff_t>(to));
        k = e + 1;
    }
    out.channels.front().samples = std::move(x);
    return out;
}
}  // namespace

TEST_CASE("stimuli from artifacts, sensory: sites stimulated without a pause are one group whose halves disagree, so no confident SNAP",
          "[dsp][stimuli][artifacts][sensory]") {
    spdlog::set_level(spdlog::level::warn);
    auto o = continuousFiles(false);
    o.forceMotor = true;
    o.motor = false;
    const auto st = ncsSettingsFor(NcsTest::Sensory);
    std::size_t cases = 0, found = 0;
    for (std::uint64_t seed = 1; seed <= 30 && cases < 12; ++seed) {
        const auto c = ncsgen::makeCase(seed, o);
        if (c.sites.size() < 2) continue;
        INFO(c.describe());
        const auto p = prepareSignal(withoutMarks(c.recording), std::nullopt, st);
        for (const auto& r : analyzeSites(p, st)) {
            if (!r.response.found) continue;
            ++found;
            CHECK(r.response.onsetUncertain);
            CHECK_THAT(r.response.note, Catch::Contains("more than one stimulation site"));
        }
        ++cases;
    }
    CHECK(cases == 12);
    CHECK(found >= 4);
}

TEST_CASE("a sensory study on one trigger line naming no site: mixed sites are never a confident SNAP, sites apart by pauses read as marked",
          "[dsp][stimuli][sensory]") {
    spdlog::set_level(spdlog::level::warn);
    auto o = continuousFiles(false);
    o.forceMotor = true;
    o.motor = false;
    const auto st = ncsSettingsFor(NcsTest::Sensory);
    // the marks moved to a 5 V, 0.2 ms TTL channel
    const auto onTrigger = [&](const Recording& marked, const PreparedSignal& p) {
        Recording r = withoutMarks(marked);
        RecordedChannel ttl;
        ttl.label = "Trigger";
        ttl.physicalUnit = "V";
        ttl.sampleRateHz = marked.channels.front().sampleRateHz;
        ttl.samples.assign(marked.channels.front().samples.size(), 0.0);
        const auto width = static_cast<std::size_t>(std::ceil(0.2e-3 * ttl.sampleRateHz));
        for (const auto& m : p.stimuli)
            for (std::size_t i = 0; i < width && static_cast<std::size_t>(m.sampleIndex) + i < ttl.samples.size(); ++i)
                ttl.samples[static_cast<std::size_t>(m.sampleIndex) + i] = 5.0;
        r.channels.push_back(ttl);
        return r;
    };
    std::size_t cases = 0, mixedFound = 0, confident = 0;
    for (std::uint64_t seed = 1; seed <= 30 && cases < 10; ++seed) {
        const auto c = ncsgen::makeCase(seed, o);
        if (c.sites.size() < 2) continue;
        INFO(c.describe());
        // no pauses: one group of every site
        const auto mixed = prepareSignal(onTrigger(c.recording, prepareSignal(c.recording, std::nullopt, st)), 0, st);
        for (const auto& r : analyzeSites(mixed, st))
            if (r.response.found) {
                ++mixedFound;
                CHECK(r.response.onsetUncertain);
            }
        // 3 s between sites: split there, each as the marked file's
        const Recording paused = sitesWithPauses(c, seed);
        const auto marked = prepareSignal(paused, std::nullopt, st);
        const auto found = prepareSignal(onTrigger(paused, marked), 0, st);
        REQUIRE(sitesInOrder(found.stimuli).size() == c.sites.size());
        const auto a = analyzeSites(marked, st), b = analyzeSites(found, st);
        REQUIRE(a.size() == b.size());
        for (std::size_t k = 0; k < a.size(); ++k) {
            if (!a[k].response.found || !b[k].response.found) continue;
            CHECK(b[k].response.measures.onsetLatencyMs == Approx(a[k].response.measures.onsetLatencyMs).margin(0.01));
            CHECK(b[k].response.onsetUncertain == a[k].response.onsetUncertain);
            confident += !b[k].response.onsetUncertain;
        }
        ++cases;
    }
    CHECK(cases == 10);
    CHECK(mixedFound >= 3);
    CHECK(confident >= 2);
}

TEST_CASE("stimuli from artifacts, sensory: sites apart by pauses are split there and read as the marked file", "[dsp][stimuli][artifacts][sensory]") {
    spdlog::set_level(spdlog::level::warn);
    auto o = continuousFiles(false);
    o.forceMotor = true;
    o.motor = false;
    const auto st = ncsSettingsFor(NcsTest::Sensory);
    std::size_t cases = 0, confidentSites = 0;   // (most of the generator's SNAPs lie below 20 x the noise: uncertain in both)
    for (std::uint64_t seed = 1; seed <= 40 && cases < 12; ++seed) {
        const auto c = ncsgen::makeCase(seed, o);
        INFO(c.describe());
        const Recording paused = sitesWithPauses(c, seed);
        const auto marked = prepareSignal(paused, std::nullopt, st);
        const auto found = prepareSignal(withoutMarks(paused), std::nullopt, st);
        REQUIRE(found.stimuli.size() == marked.stimuli.size());
        REQUIRE(sitesInOrder(found.stimuli).size() == c.sites.size());
        const auto a = analyzeSites(marked, st), b = analyzeSites(found, st);
        REQUIRE(a.size() == b.size());
        for (std::size_t k = 0; k < a.size(); ++k) {
            CHECK(b[k].stimulusIndices.size() == a[k].stimulusIndices.size());
            if (!a[k].response.found || !b[k].response.found) continue;
            CHECK(b[k].response.measures.onsetLatencyMs == Approx(a[k].response.measures.onsetLatencyMs).margin(0.01));
            // a site the marked file reads confidently is read so here too (its halves agree)
            CHECK(b[k].response.onsetUncertain == a[k].response.onsetUncertain);
            confidentSites += !b[k].response.onsetUncertain;
        }
        ++cases;
    }
    CHECK(cases == 12);
    CHECK(confidentSites >= 2);
}

TEST_CASE("stimuli from artifacts: a motor study's sites split at the pauses between them, not within a site's repetitions",
          "[dsp][stimuli][artifacts]") {
    std::vector<StimulusMark> marks;
    for (double t : {1.0, 2.0, 3.1, 11.0, 12.0, 13.0, 25.0, 26.2}) {
        StimulusMark m;
        m.timeSec = t;
        marks.push_back(m);
    }
    splitArtifactSites(marks, {}, 20000.0, false);
    CHECK(marks[0].site == "site 1");
    CHECK(marks[2].site == "site 1");
    CHECK(marks[3].site == "site 2");
    CHECK(marks[5].site == "site 2");
    CHECK(marks[6].site == "site 3");
    CHECK(marks[7].site == "site 3");
    // an F-wave train at 0.5 Hz: one site (its intervals are all alike)
    std::vector<StimulusMark> train(20);
    for (std::size_t k = 0; k < train.size(); ++k) train[k].timeSec = 2.0 * static_cast<double>(k);
    splitArtifactSites(train, {}, 20000.0, false);
    CHECK(train.back().site == "site 1");
}

TEST_CASE("stimuli from artifacts: sharp motor-unit potentials, hum and noise hold no stimulus", "[dsp][stimuli][artifacts]") {
    // 10 s at 20 and 48 kHz: 5 uV noise, 30 uV of 50 Hz hum, triphasic potentials of 0.2-5 mV whose
    // main spike rises in 0.1-0.3 ms (a unit near the needle), at random, some in bursts
    for (const double fs : {20000.0, 48000.0}) {
        std::mt19937_64 rng(7);
        std::normal_distribution<double> noise(0.0, 5.0);
        std::uniform_real_distribution<double> uni(0.0, 1.0);
        std::vector<double> x(static_cast<std::size_t>(10.0 * fs));
        for (std::size_t i = 0; i < x.size(); ++i) x[i] = noise(rng) + 30.0 * std::sin(2.0 * M_PI * 50.0 * static_cast<double>(i) / fs);
        for (int k = 0; k < 300; ++k) {
            const double at = 0.01 + 9.98 * uni(rng), amp = 200.0 + 4800.0 * uni(rng), rise = 1e-4 + 2e-4 * uni(rng);
            const double sign = uni(rng) < 0.5 ? -1.0 : 1.0;
            for (std::size_t i = static_cast<std::size_t>((at - 0.002) * fs); i < static_cast<std::size_t>((at + 0.006) * fs) && i < x.size(); ++i) {
                const double t = static_cast<double>(i) / fs - at;
                // a small positive lead, the main negative spike, a slower positive tail
                const double s = 0.2 * std::exp(-0.5 * std::pow((t + 1.2 * rise) / (0.8 * rise), 2)) - std::exp(-0.5 * std::pow(t / rise, 2)) +
                                 0.3 * std::exp(-0.5 * std::pow((t - 3.0 * rise) / (2.0 * rise), 2));
                x[i] += sign * amp * s;
            }
        }
        INFO(fs << " Hz");
        const auto found = stimuliFromArtifacts(x, fs);
        if (std::getenv("ARTIFACT_DIAG"))
            for (const auto& f : found) {
                std::printf("at %.5f s:", f.timeSec);
                for (auto i = f.sampleIndex - 4; i < f.sampleIndex + 12; ++i) std::printf(" %.0f", x[static_cast<std::size_t>(i)]);
                std::printf("\n");
            }
        CHECK(found.empty());
    }
}
