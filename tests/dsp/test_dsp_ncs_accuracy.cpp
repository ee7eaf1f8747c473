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
