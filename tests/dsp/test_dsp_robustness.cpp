// Bad and odd input never crashes the NCS chain: random short recordings, stimuli outside the
// data or at its very ends, sample rates 4-48 kHz, flat, clipped and NaN-containing signals.
// Clear exceptions (std::exception) are allowed; crashes and hangs are not.
#include <emg/dsp/ncs_analysis.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>

using namespace emg;
using namespace emg::dsp;

TEST_CASE("NCS chain on 150 random odd recordings: results or clear exceptions, never a crash", "[dsp][robustness]") {
    std::mt19937 rng(12345);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const double rates[] = {4000.0, 9600.0, 20000.0, 48000.0};
    int results = 0, errors = 0;
    for (int iter = 0; iter < 150; ++iter) {
        Recording rec;
        RecordedChannel ch;
        ch.label = iter % 7 == 0 ? "Trigger" : "EMG";
        ch.sampleRateHz = rates[iter % 4];
        const double dur = 0.002 + 2.0 * u(rng) * u(rng);
        ch.samples.resize(static_cast<std::size_t>(dur * ch.sampleRateHz));
        std::normal_distribution<double> n(0.0, 1.0 + 100.0 * u(rng));
        const int kind = iter % 5;
        for (auto& v : ch.samples) v = kind == 0 ? 0.0 : n(rng);
        if (kind == 2 && !ch.samples.empty()) ch.samples[ch.samples.size() / 2] = std::numeric_limits<double>::quiet_NaN();
        if (kind == 3)
            for (auto& v : ch.samples) v = std::clamp(v * 1000.0, -8000.0, 8000.0);
        rec.channels.push_back(ch);
        const int stims = static_cast<int>(u(rng) * 12);
        for (int k = 0; k < stims; ++k) {
            const double t = (u(rng) * 1.4 - 0.2) * dur;   // some before the start or after the end
            rec.annotations.push_back({t, 0.0, k % 3 ? "Stim wrist" : "stim: elbow 20mA"});
        }
        if (iter % 11 == 0) rec.annotations.push_back({0.0, 0.0, "Stim"});
        if (iter % 13 == 0) rec.annotations.push_back({dur, 0.0, "Stim wrist"});
        for (auto test : {NcsTest::Motor, NcsTest::Sensory, NcsTest::FWave, NcsTest::HReflex, NcsTest::Rns}) {
            try {
                const auto st = ncsSettingsFor(test);
                const auto p = prepareSignal(rec, std::nullopt, st);
                if (test == NcsTest::Motor || test == NcsTest::Sensory) {
                    const auto sites = analyzeSites(p, st);
                    for (const auto& s : sites)
                        if (s.response.found) REQUIRE(std::isfinite(s.response.measures.onsetLatencyMs));
                } else {
                    std::vector<std::optional<double>> intens;
                    const auto sweeps = siteSweeps(p, "", st.sweep, &intens);
                    if (!sweeps.empty()) {
                        if (test == NcsTest::FWave) (void)analyzeFWaves(sweeps);
                        if (test == NcsTest::HReflex) (void)analyzeHReflex(sweeps, intens);
                        if (test == NcsTest::Rns) (void)analyzeRns(sweeps);
                    }
                }
                ++results;
            } catch (const std::exception& e) {
                REQUIRE(std::string(e.what()).size() > 5);   // a message, not an empty what()
                ++errors;
            }
        }
    }
    WARN("robustness: " << results << " analyses gave results, " << errors << " gave clear errors");
    CHECK(results > 0);
    CHECK(errors > 0);
}
