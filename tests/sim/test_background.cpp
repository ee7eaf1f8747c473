// Mains interference and electrode noise of the set size.
#include "sim_test_util.h"

#include <sim/background.h>
#include <sim/needle_emg_model.h>

#include <catch2/catch.hpp>

using namespace emg::sim;
using namespace emg::sim::test;

TEST_CASE("mains component at 50 / 60 Hz has the set amplitude (within 10 %)", "[sim][background]") {
    for (double hz : {50.0, 60.0})
        for (double amp : {3.0, 20.0}) {
            BackgroundConfig c;
            c.sampleRateHz = 20000.0;
            c.mainsHz = hz;
            c.mainsAmplitudeUv = amp;
            c.noiseRmsUv = 5.0;
            Background bg(c);
            std::vector<double> v(200000, 0.0);   // 10 s, in blocks like the amplifier
            for (std::size_t i = 0; i < v.size(); i += 200) bg.add(std::span<double>(v.data() + i, 200));
            CHECK(toneAmplitude(v, hz, c.sampleRateHz) == Approx(amp).epsilon(0.10));
            CHECK(toneAmplitude(v, 3 * hz, c.sampleRateHz) == Approx(amp * c.mainsThirdHarmonic).margin(0.2 + 0.1 * amp * 0.1));
            CHECK(toneAmplitude(v, hz == 50.0 ? 60.0 : 50.0, c.sampleRateHz) < 0.1 * amp + 0.1);
        }
}

TEST_CASE("electrode noise has the set rms (within 10 %) and is white", "[sim][background]") {
    for (double rmsUv : {2.0, 5.0, 10.0}) {
        BackgroundConfig c;
        c.sampleRateHz = 48000.0;
        c.noiseRmsUv = rmsUv;
        c.mainsAmplitudeUv = 0.0;
        c.seed = 77;
        Background bg(c);
        std::vector<double> v(96000, 0.0);
        bg.add(v);
        CHECK(rms(v) == Approx(rmsUv).epsilon(0.10));
        double lag1 = 0, zero = 0;
        for (std::size_t i = 1; i < v.size(); ++i) {
            lag1 += v[i] * v[i - 1];
            zero += v[i] * v[i];
        }
        CHECK(std::abs(lag1 / zero) < 0.02);
    }
    // the needle model adds its configured noise too
    NeedleMuscleConfig n;
    n.noiseRmsUv = 7.0;
    n.mainsAmplitudeUv = 0.0;
    NeedleMuscleModel m(n);
    const auto s = m.generate(2.0);
    CHECK(rms(s.microvolts) == Approx(7.0).epsilon(0.10));
}

TEST_CASE("background settings are validated", "[sim][background]") {
    BackgroundConfig c;
    c.mainsHz = 55.0;
    CHECK_THROWS_WITH(Background(c), Catch::Contains("50 or 60"));
    c = {};
    c.noiseRmsUv = -1.0;
    CHECK_THROWS_WITH(Background(c), Catch::Contains("noise"));
}
