// NCS model physiology: latency = distance / velocity, CV between sites, supramaximal plateau,
// F-waves, H-reflex, RNS decrement, artifact decay, validation.
#include "sim_test_util.h"

#include <sim/ncs_model.h>

#include <catch2/catch.hpp>

#include <algorithm>

using namespace emg::sim;
using emg::sim::test::onsetIndex;

namespace {
constexpr double kFs = 48000.0;

std::vector<double> cleanResponse(const NerveModel& n, const StimulusSpec& s, NcsResponseTruth* truthOut = nullptr) {
    std::vector<double> v(static_cast<std::size_t>(0.1 * kFs), 0.0);
    const auto t = n.response(s, nullptr);
    n.renderResponse(s, t, kFs, v);
    if (truthOut) *truthOut = t;
    return v;
}
}  // namespace

TEST_CASE("sensory onset latency is distance / velocity, within one sample of the clean SNAP", "[sim][ncs]") {
    for (const char* name : {"median-sensory", "ulnar-sensory", "sural-sensory"}) {
        const NerveModel n(nervePreset(name));
        for (std::size_t site = 0; site < n.siteCount(); ++site) {
            const auto& cfg = n.config();
            const double expectedMs = cfg.sites[site].distanceMm / cfg.conductionVelocityMps;
            CHECK(n.onsetLatencyMs(site) == Approx(expectedMs).epsilon(1e-12));
            NcsResponseTruth t;
            const auto v = cleanResponse(n, {site, 30.0, 0.1, 0}, &t);
            const double onset = onsetIndex(v, 0.01 * t.amplitudeUv);
            CHECK(std::abs(onset - expectedMs * kFs / 1000.0) <= 1.0);
        }
    }
}

TEST_CASE("motor onset: distal latency, then + extra distance / CV, measured CV within 1 %", "[sim][ncs]") {
    for (const char* name : {"median-motor", "ulnar-motor", "peroneal-motor", "tibial-motor"}) {
        const NerveModel n(nervePreset(name));
        const auto& cfg = n.config();
        std::vector<double> onsetsMs;
        for (std::size_t site = 0; site < n.siteCount(); ++site) {
            const double expected =
                cfg.distalLatencyMs + (cfg.sites[site].distanceMm - cfg.sites[0].distanceMm) / cfg.conductionVelocityMps;
            NcsResponseTruth t;
            const auto v = cleanResponse(n, {site, 100.0, 0.2, 0}, &t);
            REQUIRE(t.recruitedFraction == 1.0);
            const double onset = onsetIndex(v, 0.01 * t.amplitudeUv);
            CHECK(std::abs(onset - expected * kFs / 1000.0) <= 1.0);
            onsetsMs.push_back(onset * 1000.0 / kFs);
        }
        for (std::size_t s = 1; s < onsetsMs.size(); ++s) {
            const double cv = (cfg.sites[s].distanceMm - cfg.sites[s - 1].distanceMm) / (onsetsMs[s] - onsetsMs[s - 1]);
            INFO(name << " segment " << s << " measured CV " << cv);
            CHECK(cv == Approx(cfg.conductionVelocityMps).epsilon(0.01));
        }
    }
}

TEST_CASE("CMAP is negative first with the preset amplitude, proximal sites mildly dispersed", "[sim][ncs]") {
    const NerveModel n(nervePreset("median-motor"));
    NcsResponseTruth d, p;
    const auto vd = cleanResponse(n, {0, 40.0, 0.2, 0}, &d);
    const auto vp = cleanResponse(n, {1, 40.0, 0.2, 0}, &p);
    const auto first = std::find_if(vd.begin(), vd.end(), [](double x) { return x != 0.0; });
    REQUIRE(first != vd.end());
    CHECK(*first < 0.0);
    CHECK(-*std::min_element(vd.begin(), vd.end()) == Approx(8000.0).epsilon(0.01));   // 5-10 mV median APB
    const double ampRatio = p.amplitudeUv / d.amplitudeUv;
    CHECK(ampRatio > 0.85);   // normal: < 15-20 % drop elbow vs wrist
    CHECK(ampRatio < 1.0);
    CHECK(p.negativeDurationMs / d.negativeDurationMs < 1.15);
    CHECK(p.negativeDurationMs > d.negativeDurationMs);
}

TEST_CASE("amplitude rises monotonically with intensity and plateaus at supramaximal", "[sim][ncs]") {
    for (const char* name : {"median-motor", "median-sensory", "tibial-motor"}) {
        const NerveModel n(nervePreset(name));
        for (double width : {0.1, 0.2, 0.5}) {
            double prev = -1.0, plateau = 0.0;
            const double supra = n.supramaximalMa(width), thr = n.thresholdMa(width);
            for (double ma = 0.0; ma <= 100.0; ma += 0.5) {
                const auto v = cleanResponse(n, {0, ma, width, 0});
                const double amp = -*std::min_element(v.begin(), v.end());
                CHECK(amp >= prev - 1e-9);
                prev = amp;
                if (ma < thr) CHECK(amp == 0.0);
                if (ma >= supra) {
                    if (plateau == 0.0) plateau = amp;
                    CHECK(std::abs(amp - plateau) / plateau < 0.05);
                }
            }
            CHECK(plateau > 0.0);
            CHECK(thr >= 2.0);          // thresholds of a few mA
            CHECK(supra <= 60.0);
        }
        // Weiss strength-duration law: longer pulses need less current
        CHECK(n.supramaximalMa(0.2) < n.supramaximalMa(0.1));
        CHECK(n.thresholdMa(0.1) >= 4.0);
        CHECK(n.thresholdMa(0.1) <= 10.0);
    }
}

TEST_CASE("F-waves: persistence ~80 %, latency in the normal range, 1-5 % of M, varying", "[sim][ncs]") {
    struct Case { const char* nerve; double minMs, maxMs; };
    for (const auto& c : {Case{"median-motor", 25.0, 32.0}, Case{"ulnar-motor", 25.0, 33.0}, Case{"tibial-motor", 45.0, 56.0},
                          Case{"peroneal-motor", 44.0, 56.0}}) {
        const NerveModel n(nervePreset(c.nerve));
        std::mt19937_64 rng(7);
        int present = 0;
        double sumRatio = 0.0, minLat = 1e9, maxLat = 0.0;
        const int trials = 400;
        for (int i = 0; i < trials; ++i) {
            const auto t = n.response({0, 100.0, 0.2, 0}, &rng);
            if (!t.fWave) continue;
            ++present;
            sumRatio += t.fAmplitudeUv / t.amplitudeUv;
            minLat = std::min(minLat, t.fLatencyMs);
            maxLat = std::max(maxLat, t.fLatencyMs);
        }
        INFO(c.nerve << " F latency " << minLat << ".." << maxLat);
        CHECK(present / double(trials) == Approx(0.8).margin(0.07));
        CHECK(minLat >= c.minMs);
        CHECK(maxLat <= c.maxMs);
        CHECK(maxLat - minLat > 1.0);   // chronodispersion of a few ms
        const double meanRatio = sumRatio / present;
        CHECK(meanRatio > 0.01);
        CHECK(meanRatio < 0.05);
    }
}

TEST_CASE("H-reflex: appears at low intensity, Hmax/Mmax < 0.5, gone at supramaximal, latency 28-35 ms", "[sim][ncs]") {
    const NerveModel n(nervePreset("tibial-h"));
    double hMax = 0.0, mMax = 0.0;
    for (double ma = 0.0; ma <= 60.0; ma += 0.25) {
        const auto t = n.response({0, ma, 1.0, 0}, nullptr);
        hMax = std::max(hMax, t.hAmplitudeUv);
        mMax = std::max(mMax, t.amplitudeUv);
        if (t.hAmplitudeUv > 0.0) {
            CHECK(t.hLatencyMs >= 28.0);
            CHECK(t.hLatencyMs <= 35.0);
        }
    }
    CHECK(hMax > 0.1 * mMax);
    CHECK(hMax / mMax < 0.5);
    const auto supra = n.response({0, 60.0, 1.0, 0}, nullptr);
    CHECK(supra.hAmplitudeUv < 0.01 * hMax);
    // at the M threshold the H wave is present and M is still small
    const auto low = n.response({0, n.thresholdMa(1.0), 1.0, 0}, nullptr);
    CHECK(low.hAmplitudeUv > low.amplitudeUv);
}

TEST_CASE("RNS: the 4th response is decremented by the configured percentage", "[sim][ncs]") {
    for (double dec : {0.0, 10.0, 30.0}) {
        auto cfg = nervePreset("median-motor");
        cfg.rnsDecrementPercent = dec;
        const NerveModel n(cfg);
        std::vector<double> amps;
        for (int k = 0; k < 10; ++k) amps.push_back(n.response({0, 100.0, 0.2, k}, nullptr).amplitudeUv);
        CHECK((amps[0] - amps[3]) / amps[0] * 100.0 == Approx(dec).margin(1e-9));
        for (int k = 1; k < 4; ++k) CHECK(amps[static_cast<std::size_t>(k)] <= amps[static_cast<std::size_t>(k) - 1]);
        CHECK(*std::min_element(amps.begin(), amps.end()) >= amps[0] * (1.0 - dec / 100.0) - 1e-9);
    }
}

TEST_CASE("stimulus artifact scales with intensity and is gone within 2 ms", "[sim][ncs]") {
    const double big = stimulusArtifactUv(30.0, 0.2, 0.1);
    CHECK(big > stimulusArtifactUv(10.0, 0.2, 0.1));
    CHECK(std::abs(stimulusArtifactUv(30.0, 0.2, 2.0)) < 0.01 * big);
    CHECK(stimulusArtifactUv(30.0, 0.2, -0.1) == 0.0);
}

TEST_CASE("simulated sweep: stimulus at the pre-stimulus index, noise of the set size", "[sim][ncs]") {
    const NerveModel n(nervePreset("median-sensory"));
    std::mt19937_64 rng(3);
    SweepOptions o;
    o.sampleRateHz = 20000.0;
    o.noiseRmsUv = 3.0;
    const auto s = simulateSweep(n, {0, 20.0, 0.1, 0}, o, rng);
    CHECK(s.stimulusIndex == 100);
    CHECK(s.microvolts.size() == 100 + 1000);
    const std::span<const double> pre(s.microvolts.data(), s.stimulusIndex);
    CHECK(emg::sim::test::rms(pre) == Approx(3.0).epsilon(0.3));   // only 100 samples
    CHECK(s.truth.onsetLatencyMs == Approx(140.0 / 56.0));
}

TEST_CASE("nerve configuration is validated with a message", "[sim][ncs]") {
    CHECK_THROWS_WITH(nervePreset("radial-motor"), Catch::Contains("unknown nerve") && Catch::Contains("median-motor"));
    auto c = nervePreset("median-motor");
    c.conductionVelocityMps = 500.0;
    CHECK_THROWS_WITH(NerveModel(c), Catch::Contains("conduction velocity"));
    c = nervePreset("median-motor");
    c.sites[1].distanceMm = 10.0;
    CHECK_THROWS_WITH(NerveModel(c), Catch::Contains("distances must increase"));
    c = nervePreset("median-motor");
    c.sites.clear();
    CHECK_THROWS_AS(NerveModel(c), std::invalid_argument);
    const NerveModel n(nervePreset("median-motor"));
    CHECK_THROWS_WITH(n.siteIndex("knee"), Catch::Contains("wrist"));
    CHECK(n.siteIndex("elbow") == 1);
    CHECK_THROWS_AS(n.response({7, 20.0, 0.2, 0}), std::invalid_argument);
}
