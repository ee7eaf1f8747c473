// Fixed-seed subset of the NCS onset accuracy harness (tests/bench/ncs_accuracy_bench.cpp): cases
// from the independent generator (ncs_case_generator.h: raised-cosine, integrated-Gaussian, gamma
// and finite-slope take-offs, motor-unit and sensory-fibre sums; hum up to 50 uV on 100 ms
// records, DC to 10 mV, drift, artifacts with tails, 4-48 kHz, truncated last sweeps) through the
// engine. Expectations from the goals where the peak is >= 20 x the noise: onset error
// median <= 0.03 ms, 95th percentile <= 0.10 ms, max <= 0.15 ms per motor family; never more
// than 0.10 ms early; every stimulus counted; below 20 x the
// noise the onset is flagged uncertain; confident velocities within 3 % (>= 200 mm) and 5 % (80-120 mm). Limits that the engine does not yet meet everywhere are
// stated in docs/measurements.md (harness table); this subset asserts what it meets.
#include "ncs_accuracy_eval.h"

#include <emg/core/recording_segments.h>
#include <emg/dsp/conduction_velocity_se.h>

#include <algorithm>
#include <cmath>
#include <vector>

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
        // Conduction velocities given as confident (not "velocity uncertain", conduction_velocity_se.h):
        // within 3 % on segments >= 200 mm and 5 % on 80-120 mm (the goals).
        CHECK(r.cvLong >= 5);
        CHECK(r.cvLongOk == r.cvLong);
        CHECK(r.cvShort >= 3);
        CHECK(r.cvShortOk == r.cvShort);
    }
}

TEST_CASE("Onset harness, fixed seeds: records that start at the stimulus (the EDF+ specification's layout) within the onset goals",
          "[dsp][ncs][onset][harness]") {
    // One 100 ms record per site, its own acquisition (DC, hum phase, drift), starting at its
    // stimulus, the records 1 s apart (EDF+D), the file analysed as one study with no sweep reaching
    // across a hole (as `analyze --test motor` does it): nothing precedes the stimulus, so the
    // baseline comes from the latent period and the signal after the response. Before, no such site
    // was measured at all ("only 0 ms of signal before it"). Each segment analysed alone
    // (NCS_PER_SEGMENT=1) reads 85/85 long segments within 3 %; the whole file 83/85 (3.8 and 3.1 %:
    // the sites' noise pooled, as for any file); over development seeds 11,000,001..11,003,000 the two
    // read 2535 and 2532 of 2543 (docs/measurements.md).
    spdlog::set_level(spdlog::level::warn);
    const auto t = runSeeds(kAtStimulusDevFirstSeed, 100, atStimulusOptions());
    const auto& r = row(t, "all");
    INFO(formatTable(t, "records at the stimulus"));
    for (const auto& w : t.worst) INFO("worst: " << w);
    CHECK(t.errors == 0);
    CHECK(t.countFailures == 0);
    CHECK(r.goalSites >= 300);
    CHECK(r.missed <= r.goalSites / 50);   // the misses are sweeps the file cuts short inside the response
    CHECK(r.medianMs <= 0.03);
    CHECK(r.p95Ms <= 0.10);
    // the 0.15 ms maximum is not met in this layout (docs/measurements.md): a late onset
    // under a long artifact tail at a distal site; none of them early
    CHECK(r.maxMs <= 0.5);
    CHECK(r.falseEarly == 0u);
    CHECK(r.ampMedianPct <= 1.0);
    CHECK(r.cvLong >= 50);
    CHECK(r.cvLongOk >= r.cvLong - 2);
}

TEST_CASE("Onset harness: an artifact tail after the swing, or before a short latent period, is not the response", "[dsp][ncs][onset][harness]") {
    // Development seed 11004458 s4: a +6.2 mV artifact swinging through the baseline into a -170 uV
    // tail whose lobe starts 0.29 ms after the artifact end (read where the swing crosses zero):
    // taken for the take-off of the 0.98 mV CMAP at 9.83 ms (1.44 ms, -84 % amplitude; the same with
    // 10 ms before the stimulus). Seed 11006818 s2: that tail emptied the latent period, so the
    // baseline lost its drift term (1.65 ms for a CMAP at 6.90 ms). Both within the 0.15 ms goal now.
    spdlog::set_level(spdlog::level::warn);
    const std::pair<std::uint64_t, std::size_t> cases[] = {{11004458, 3}, {11006818, 1}};
    for (const auto& [seed, site] : cases) {
        const auto c = makeCase(seed, atStimulusOptions());
        const auto o = evaluate(c);
        INFO(c.describe());
        REQUIRE(o.error.empty());
        REQUIRE(o.sites.at(site).found);
        CHECK(std::fabs(o.sites[site].onsetErrorMs) <= 0.15);
        CHECK(std::fabs(o.sites[site].amplitudeErrorPct) <= 3.0);
    }
}

TEST_CASE("Onset harness: a short latent period keeps the drift term, a positivity before a steep phase is not cancelled",
          "[dsp][ncs][onset][harness]") {
    // Records at the stimulus (development seeds). 11000651 s1 (4 kHz, CMAP at 2.84 ms after a
    // 0.24 ms artifact): the refining pass left a latent period of 5 samples, under the 8 it needed,
    // so the drift term was dropped and a 20 uV offset stood under the take-off: 0.65 ms late, +6.1 %,
    // confident. 11000466 s1 (5 kHz, a 113 uV positivity leading into a 5.6 mV negative phase): the
    // negative phase's first sample, at the fitted onset, cancelled the positivity in the +-1 sample
    // average: 0.62 ms late, confident. Now within the goals, or flagged.
    spdlog::set_level(spdlog::level::warn);
    {
        const auto c = makeCase(11000651, atStimulusOptions());
        const auto o = evaluate(c);
        INFO(c.describe());
        REQUIRE(o.error.empty());
        REQUIRE(o.sites.at(0).found);
        CHECK_FALSE(o.sites[0].uncertainFlag);
        CHECK(std::fabs(o.sites[0].onsetErrorMs) <= 0.10);
        CHECK(std::fabs(o.sites[0].amplitudeErrorPct) <= 2.0);
    }
    {
        const auto c = makeCase(11000466, atStimulusOptions());
        const auto o = evaluate(c);
        INFO(c.describe());
        REQUIRE(o.error.empty());
        REQUIRE(o.sites.at(0).found);
        CHECK((o.sites[0].uncertainFlag || std::fabs(o.sites[0].onsetErrorMs) <= 0.10));
        CHECK(std::fabs(o.sites[0].onsetErrorMs) <= 0.15);
    }
}

TEST_CASE("Onset harness: a large CMAP's foot stays out of the latent period, a misfit take-off and a lead-in before a slow phase "
          "are not confident, an empty refined fit is not kept",
          "[dsp][ncs][onset][harness]") {
    // Records at the stimulus, development seeds 11,006,001..11,012,000 (docs/measurements.md section 7,
    // fourth stop of 2026-12-05). 11006128 s4: a 10.5 mV CMAP whose positivity lay under the band that
    // found the response; the latent period held it, noise read as 18.7 uV (8.7), 0.39 ms late,
    // confident. 11006763 s4: a take-off in two stages, one power law 0.43 ms late with an SE of
    // 0.033 ms. 11007455 s4: a positivity at 1.2 x the level leading into a slow negative phase, read
    // at the negative phase, 1.09 ms late. 11010017 s4 and 11010792 s4: a refining pass left no
    // sample to fit (every latent sample beyond the band, no tail), the empty fit lost to an early start
    // on the artifact's flat top, and the 4 and 9 mV CMAPs were missed (noise read as 1.5-1.8 mV).
    spdlog::set_level(spdlog::level::warn);
    struct Expect {
        std::uint64_t seed;
        std::size_t site;
        bool mayBeFlagged;
    };
    for (const auto& [seed, site, mayBeFlagged] :
         {Expect{11006128, 3, false}, Expect{11006763, 3, true}, Expect{11007455, 3, true}, Expect{11010017, 3, false}, Expect{11010792, 3, false}}) {
        const auto c = makeCase(seed, atStimulusOptions());
        const auto o = evaluate(c);
        INFO(c.describe());
        REQUIRE(o.error.empty());
        REQUIRE(o.sites.at(site).found);
        const auto& s = o.sites[site];
        if (!mayBeFlagged) CHECK_FALSE(s.uncertainFlag);
        // confident: within the 0.10 ms goal
        CHECK((s.uncertainFlag || std::fabs(s.onsetErrorMs) <= 0.10));
        CHECK(std::fabs(s.amplitudeErrorPct) <= 2.0);
    }
}

TEST_CASE("Onset harness: a site whose record the file cuts short is found or said to be not established, never plainly absent",
          "[dsp][ncs][onset][harness]") {
    // Records at the stimulus, the last one cut inside the response: the sweep after the response,
    // one of the baseline's two anchors, is missing. Nothing found must not read as an absent
    // response (development seeds whose last site the engine misses, and two it finds).
    spdlog::set_level(spdlog::level::warn);
    for (std::uint64_t seed : {11000127ULL, 11000149ULL, 11000051ULL, 11000010ULL}) {
        const auto c = makeCase(seed, atStimulusOptions());
        REQUIRE(c.sites.back().lastSweepTruncated);
        const auto st = evalSettings(true);
        const auto last = c.recording.segments.size() - 1;
        const auto sites = emg::dsp::analyzeSites(emg::dsp::prepareSignal(emg::segmentRecording(c.recording, last), std::nullopt, st), st);
        REQUIRE(sites.size() == 1);
        INFO(c.describe() << "\n" << sites[0].response.note);
        if (!sites[0].response.found) CHECK_THAT(sites[0].response.note, Catch::Contains("absence not established"));
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

// A site whose last sweep the file cuts short is measured on its complete sweeps only (the cut
// one is not averaged), so its average has the noise of one sweep fewer: the truth onset (4 x the
// noise) must use that noise, the one the engine measures. With all sweeps' noise the truth was
// 4 x noise / sqrt(n) against a measured 4 x noise / sqrt(n - 1): 22-41 % higher for 3 or 2 sweeps,
// 0.06-0.12 ms "late" on slow take-offs (development seeds 583, 706 s4).
TEST_CASE("Onset harness: a site with its last sweep cut has the truth noise of its complete sweeps", "[dsp][ncs][onset][harness]") {
    spdlog::set_level(spdlog::level::warn);
    CaseOptions o;
    o.forceMotor = true;
    o.motor = true;
    o.truncateProbability = 1.0;
    int checked = 0;
    std::vector<double> ratio;
    for (std::uint64_t seed = 900; seed < 940; ++seed) {
        const auto c = makeCase(seed, o);
        const auto& cut = c.sites.back();
        REQUIRE(cut.lastSweepTruncated);
        const int used = std::max(1, cut.sweeps - 1);
        CHECK(cut.effectiveNoiseUv == Approx(c.noiseRmsUv / std::sqrt(static_cast<double>(used))).epsilon(1e-12));
        for (std::size_t k = 0; k + 1 < c.sites.size(); ++k)
            CHECK(c.sites[k].effectiveNoiseUv == Approx(c.noiseRmsUv / std::sqrt(static_cast<double>(c.sites[k].sweeps))).epsilon(1e-12));
        if (cut.sweeps < 2) continue;
        const auto out = evaluate(c);
        const auto& s = out.sites.back();
        if (!s.found || s.signalToNoise <= 0.0) continue;
        // The engine's noise of that site (its peak / its peak-to-noise ratio) against the truth's.
        ratio.push_back(cut.peakAbsUv / s.signalToNoise / cut.effectiveNoiseUv);
        ++checked;
    }
    REQUIRE(checked >= 10);
    std::sort(ratio.begin(), ratio.end());
    INFO("noise measured / truth: min " << ratio.front() << " median " << ratio[ratio.size() / 2] << " max " << ratio.back());
    // A noise estimate from a few hundred baseline samples: a few % either way, the hum residue on
    // top (at most ~10 %); the old truth read 1.22 (3 sweeps) or 1.41 (2 sweeps).
    CHECK(ratio[ratio.size() / 2] == Approx(1.0).margin(0.05));
    CHECK(ratio.front() >= 0.88);
    CHECK(ratio.back() <= 1.12);
}

TEST_CASE("Onset harness, fixed seeds: sensory sweeps a record each, starting at the stimulus (EDF+D), averaged across segments",
          "[dsp][ncs][onset][harness]") {
    // Each sweep its own 100 ms record and acquisition (DC, hum phase, drift), starting at its
    // stimulus, the records 1 s apart (EDF+D). Before, each segment was analysed alone: a "site" of
    // one sweep, never averaged (a 10 uV SNAP under 2-20 uV of noise). Now the file is one study: each
    // site's 8-64 sweeps averaged across the segments, none reaching across a hole.
    spdlog::set_level(spdlog::level::warn);
    const auto c = makeCase(kSweepsAtStimulusDevFirstSeed, sweepsAtStimulusOptions());
    REQUIRE(c.recording.segments.size() == c.stimuli);   // a segment per sweep
    const auto st = evalSettings(false);
    const auto prepared = emg::dsp::prepareSignal(c.recording, std::nullopt, st);
    CHECK(prepared.acquisitionStarts.size() == c.stimuli - 1);
    const auto sites = emg::dsp::analyzeSites(prepared, st);
    REQUIRE(sites.size() == c.sites.size());
    for (const auto& s : sites) {
        INFO(s.site);
        // every complete sweep of the site averaged (the last one may be cut short by the file's end)
        CHECK(s.averaged.usedIndices.size() + s.averaged.rejectedIndices.size() + s.truncatedIndices.size() == s.stimulusIndices.size());
        CHECK(s.averaged.usedIndices.size() >= s.stimulusIndices.size() / 2);
    }
    // 20 cases (~20 s): on development seeds 13,000,001..13,000,400 this layout reads onset median
    // .015 ms, p95 .054 ms, max .126 ms, no goal site early, amplitude max 8.2 % since each record's
    // drift and hum are fitted on its own signal after the response (docs/measurements.md; before:
    // median .026, p95 .139, max 2.55 ms, 3 early, amplitude max 21 %; these 20 median .033, p95 .051
    // ms, the noise 2-4 x too high at hummy sites); these 20 now read median .035, max .038 ms. The
    // median is checked at .05 ms (6 goal sites here: the goal's .03 ms is for the whole set).
    const auto t = runSeeds(kSweepsAtStimulusDevFirstSeed, 20, sweepsAtStimulusOptions());
    const auto& r = row(t, "all");
    INFO(formatTable(t, "sweeps at the stimulus"));
    CHECK(t.errors == 0);
    CHECK(t.countFailures == 0);   // every stimulus counted
    CHECK(r.goalSites >= 5);
    CHECK(r.medianMs <= 0.05);
    CHECK(r.maxMs <= 0.10);
    CHECK(r.falseEarly == 0u);
    // amplitude: the sensory goal after averaging is 10 % at every site (the median is 1.4 % over the
    // 236 development goal sites; these 6 read 2.2 %)
    CHECK(r.ampMedianPct <= 5.0);
    CHECK(r.ampMaxPct <= 10.0);
    CHECK(2 * r.uncertainFlagsInGoal <= r.goalSites);   // most goal sites read confidently
    CHECK(r.lowSnrFlagged == r.lowSnrSites);   // below 20 x the averaged noise: "onset uncertain"
}

// Development seed 13,000,011 (a record per sweep): at the site 4.5 ms from the stimulus the average
// is already beyond the onset level where the stimulus artifact ends, so the take-off fit finds no
// rising slope and the onset has no standard error. The note read "its standard error 5e+07 ms"
// (and analyze's JSON carried the number); now it says the SE cannot be given, and a velocity's SE
// treats it as unknown. The onset stays "uncertain".
TEST_CASE("Onset harness: an onset with no take-off slope has no standard error, never a huge one", "[dsp][ncs][onset][harness]") {
    spdlog::set_level(spdlog::level::warn);
    const auto c = makeCase(kSweepsAtStimulusDevFirstSeed + 10, sweepsAtStimulusOptions());
    const auto st = evalSettings(false);
    const auto sites = emg::dsp::analyzeSites(emg::dsp::prepareSignal(c.recording, std::nullopt, st), st);
    int unmeasurable = 0;
    for (const auto& s : sites) {
        const auto& r = s.response;
        INFO(s.site << ": " << r.note);
        CHECK(r.note.find("e+") == std::string::npos);   // no number in exponent form in a note
        if (r.found && !(r.onsetSeMs < emg::dsp::kUnmeasurableOnsetSeMs)) {
            ++unmeasurable;
            CHECK(r.onsetUncertain);
            CHECK(r.note.find("its standard error cannot be given") != std::string::npos);
            CHECK(emg::dsp::velocityOnsetSeMs(r.onsetSeMs, c.sampleRateHz) == 0.0);
        }
    }
    CHECK(unmeasurable >= 1);
}
