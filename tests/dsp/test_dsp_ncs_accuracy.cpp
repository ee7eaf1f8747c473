// NCS accuracy on synthetic responses with known truth, at 10 µV rms noise, 50 Hz hum,
// baseline drift and a stimulus artifact: onset within one sample, amplitude within 2 %,
// CV within 2 %. Errors are printed (WARN) for the report.
#include "synthetic_ncs.h"

#include <emg/dsp/ncs_analysis.h>
#include <emg/dsp/ncs_measures.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>

using namespace emg;
using namespace emg::dsp;

namespace {
struct MaxErr {
    double onsetSamples = 0, ampPct = 0, ppPct = 0, areaPct = 0, durMs = 0, cvPct = 0;
};
}  // namespace

TEST_CASE("Motor NCS: onset within one sample, amplitude/area within 2 %, CV within 2 % (noise, hum, drift, artifact)", "[dsp][ncs][accuracy]") {
    for (double fs : {4000.0, 10000.0, 20000.0, 48000.0}) {
        MaxErr e;
        for (unsigned seed = 1; seed <= 10; ++seed) {
            test::ResponseShape wrist{3.52 + 0.013 * seed, 6500.0, 5.5, 2600.0};
            test::ResponseShape elbow{wrist.onsetMs + 4.1 + 0.021 * seed, 6100.0, 5.9, 2400.0};
            const double distanceMm = 230.0;
            const double trueCv = distanceMm / (elbow.onsetMs - wrist.onsetMs);
            test::Disturbances d;
            d.seed = seed;
            const auto rec = test::synthesize({{0.503, "Stim wrist", wrist, {}}, {1.517, "Stim elbow", elbow, {}}}, fs, 2.5, d);
            NcsAnalysisSettings st = ncsSettingsFor(NcsTest::Motor);
            const auto prepared = prepareSignal(rec, std::nullopt, st);
            CHECK(prepared.notchHz == 50.0);
            if (fs == 4000.0) CHECK(prepared.filterDescription.find("clamped") != std::string::npos);
            const auto sites = analyzeSites(prepared, st);
            REQUIRE(sites.size() == 2);
            REQUIRE(sites[0].response.found);
            REQUIRE(sites[1].response.found);
            const double sampleMs = 1000.0 / fs;
            for (int k = 0; k < 2; ++k) {
                const auto& truth = k == 0 ? wrist : elbow;
                const auto& m = sites[static_cast<std::size_t>(k)].response.measures;
                e.onsetSamples = std::max(e.onsetSamples, std::fabs(m.onsetLatencyMs - truth.onsetMs) / sampleMs);
                e.ampPct = std::max(e.ampPct, std::fabs(m.amplitudeUv / truth.negativeUv - 1) * 100);
                e.ppPct = std::max(e.ppPct, std::fabs(m.peakToPeakUv / truth.peakToPeakUv() - 1) * 100);
                e.areaPct = std::max(e.areaPct, std::fabs(m.negativeAreaUvMs / truth.negativeAreaUvMs() - 1) * 100);
                e.durMs = std::max(e.durMs, std::fabs(m.negativeDurationMs - truth.negativeMs));
            }
            const double cv = motorConductionVelocityMPerS(distanceMm, sites[0].response.measures.onsetLatencyMs,
                                                        sites[1].response.measures.onsetLatencyMs);
            e.cvPct = std::max(e.cvPct, std::fabs(cv / trueCv - 1) * 100);
        }
        WARN("motor fs " << fs << ": max |error| over 10 seeds: onset " << e.onsetSamples << " samples, amplitude " << e.ampPct
                         << " %, peak-to-peak " << e.ppPct << " %, area " << e.areaPct << " %, duration " << e.durMs << " ms, CV "
                         << e.cvPct << " %");
        CHECK(e.onsetSamples <= 1.0);
        CHECK(e.ampPct <= 2.0);
        CHECK(e.ppPct <= 2.0);
        CHECK(e.areaPct <= 2.0);
        CHECK(e.cvPct <= 2.0);
    }
}

// One recording electrode: the sites of a channel share their noise. A proximal CMAP filling most of
// a 50 ms sweep at 4 kHz leaves ~100 samples for one sweep's own noise estimate (relative SE of an
// rms from d degrees of freedom: 1 / sqrt(2 d), about 7 %); pooled over four sites about 3.5 %. The
// onset level is 4 x this estimate, so its spread is the onset's.
TEST_CASE("Motor NCS: the noise estimate is pooled over a channel's sites (one sweep each, 4 kHz)", "[dsp][ncs][accuracy][noise]") {
    const double fs = 4000.0, noiseUv = 15.0;
    double sumSq = 0.0;
    int count = 0;
    for (unsigned seed = 1; seed <= 20; ++seed) {
        std::vector<test::Stim> stims;
        const char* names[] = {"s1", "s2", "s3", "s4"};
        for (int k = 0; k < 4; ++k) {
            // Proximal sites later and longer: the response fills 16 ms (s1) to 39 ms (s4) of the 50 ms window.
            test::ResponseShape r{4.0 + 4.0 * k, 6000.0 - 300.0 * k, 4.0 + 1.5 * k, 3000.0};
            stims.push_back({0.5 + 0.6 * k, std::string("Stim ") + names[k], r, {}});
        }
        test::Disturbances d;
        d.seed = seed;
        d.noiseRmsUv = noiseUv;
        const auto rec = test::synthesize(stims, fs, 3.0, d);
        auto st = ncsSettingsFor(NcsTest::Motor);
        st.poolNoiseOverSites = true;
        const auto sites = analyzeSites(prepareSignal(rec, std::nullopt, st), st);
        REQUIRE(sites.size() == 4);
        for (const auto& s : sites) CHECK(s.noiseRmsUv == Approx(sites[0].noiseRmsUv).epsilon(1e-12));   // one pooled value
        sumSq += std::pow(sites[0].noiseRmsUv / noiseUv - 1.0, 2);
        ++count;
    }
    const double rmsRelErr = std::sqrt(sumSq / count);
    WARN("pooled noise estimate: rms relative error over 20 seeds " << rmsRelErr * 100.0 << " %");
    // Pooled: ~3.5 % expected; one site's own (~100 samples): ~7 %. 5 % separates the two.
    CHECK(rmsRelErr <= 0.05);
}

// A dispersed SNAP may lead in with a small positive and a small negative lobe (a quarter of the main
// negative phase) before its main positive-negative pair; baseline to negative peak is the main
// negative phase's, not the first lobe that passes the confirmation threshold.
TEST_CASE("Sensory NCS: the amplitude is the main negative phase's, not a small lead-in lobe's", "[dsp][ncs][accuracy]") {
    const double fs = 20000.0;
    Sweep s;
    s.sampleRateHz = fs;
    s.preSamples = 100;
    s.uv.assign(100 + static_cast<std::size_t>(20e-3 * fs), 0.0);
    auto lobe = [](double t, double centreMs, double widthMs, double uv) {
        const double u = (t - centreMs) / widthMs;
        return uv * std::exp(-0.5 * u * u);
    };
    std::mt19937 rng(7);
    std::normal_distribution<double> noise(0.0, 0.4);
    for (std::size_t i = 0; i < s.uv.size(); ++i) {
        const double t = s.timeMs(static_cast<double>(i));
        s.uv[i] = noise(rng) + lobe(t, 8.9, 0.15, 2.2) + lobe(t, 9.55, 0.12, -2.8) + lobe(t, 10.45, 0.15, 9.0) + lobe(t, 11.0, 0.15, -11.2) +
                  lobe(t, 11.85, 0.2, 5.0);
    }
    auto det = ncsSettingsFor(NcsTest::Sensory).detection;
    BaselineStats b;
    b.sdUv = 0.4;
    b.samples = s.preSamples;
    const auto r = detectResponse(s, det, b);
    REQUIRE(r.found);
    CHECK(r.measures.peakLatencyMs == Approx(11.0).margin(0.05));
    // Within the 10 % sensory goal. Not 5 %: the peak reader (a quartic over +-45 % of the
    // phase, docs/measurements.md) flattens a Gaussian lobe of sd 0.15 ms over +-2 sd by about 5 %
    // (10.63 uV read here); the lead-in lobe that was taken before reads 2.8 uV (-75 %).
    CHECK(r.measures.amplitudeUv == Approx(11.2).epsilon(0.10));
}
