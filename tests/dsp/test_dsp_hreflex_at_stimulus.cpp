// An H-reflex recruitment series stored a record per stimulus, each record starting at its
// stimulus (the EDF+ specification's nerve-conduction layout: nothing before the stimulus). Each
// record has its own DC level (+-3 mV about 2 mV), its own drift and its own mains-hum phase, so no
// pre-stimulus baseline and no file-wide high-pass can serve; analyzeHReflex levels each sweep on
// its own signal after the responses. The M and H waves are synthetic_ncs.h's half-sine phases (a
// sharp take-off: the truth onset is where they start, within 0.02 ms of where they reach 4 x the
// noise) or, for H, a raised-cosine take-off whose truth onset is where it reaches 4 x the noise.
// Expectations are those of the continuous-file tests (test_dsp_late_responses): H latency within
// 0.1 ms, H/M and Mmax within 2-3 %, the largest H on the right sweep, an absent H read absent.
#include "synthetic_ncs.h"

#include <emg/dsp/late_responses.h>
#include <emg/dsp/ncs_analysis.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <random>
#include <sstream>
#include <string>

using namespace emg;
using namespace emg::dsp;

namespace {
/// A late wave that leaves its baseline with zero slope: a raised-cosine rise of riseMs to -peakUv,
/// then a half-sine back through zero to +peakUv over fallMs and back to zero over fallMs.
struct SmoothWave {
    double startMs = 30.0, peakUv = 2000.0, riseMs = 3.0, fallMs = 4.0;
    [[nodiscard]] double at(double tMs) const {
        const double u = tMs - startMs;
        if (u <= 0.0) return 0.0;
        if (u < riseMs) return -peakUv * 0.5 * (1.0 - std::cos(std::numbers::pi * u / riseMs));
        const double v = u - riseMs;
        if (v < 2.0 * fallMs) return -peakUv * std::cos(std::numbers::pi * v / (2.0 * fallMs));
        const double w = v - 2.0 * fallMs;
        if (w < fallMs) return peakUv * 0.5 * (1.0 + std::cos(std::numbers::pi * w / fallMs));
        return 0.0;
    }
};

struct Series {
    Recording rec;
    double noiseUv = 5.0;
};

/// Nine records 2 s apart at intensities 4..30 mA ("Stim popliteal 8mA"), each `recordMs` from its
/// stimulus: DC 2 mV +- 3 mV, drift up to +-3 uV/ms, 50 Hz hum of 30 uV (20 % 2nd, 30 % 3rd
/// harmonic) at a phase of its own, white noise, a 0.2 ms stimulus artifact with a 0.3 ms tail of
/// either sign, and the sweep's M and H (`wave(k, tMs)`).
template <class Wave>
Series hSeries(double fs, double recordMs, unsigned seed, Wave&& wave, double noiseUv = 5.0) {
    Series s;
    s.noiseUv = noiseUv;
    RecordedChannel ch;
    ch.label = "Soleus";
    ch.sampleRateHz = fs;
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0.0, noiseUv);
    std::uniform_real_distribution<double> uni(-1.0, 1.0);
    const double intens[] = {4, 6, 8, 10, 12, 15, 20, 25, 30};
    const double w = 2.0 * std::numbers::pi * 50.0;
    for (int k = 0; k < 9; ++k) {
        const double dc = 2000.0 + 3000.0 * uni(rng), slope = 3.0 * uni(rng), phase = 3.2 * (1.0 + uni(rng));
        const double tail = (k % 2 == 0 ? 1.0 : -1.0) * 400.0;
        std::ostringstream a;
        a << "Stim popliteal " << intens[k] << "mA";
        test::appendRecordAtStimulus(
            s.rec, ch, 0.5 + 2.0 * k, a.str(),
            [&](double tMs) {
                const double t = tMs * 1e-3;
                const double hum = 30.0 * (std::sin(w * t + phase) + 0.2 * std::sin(2 * w * t + 2 * phase + 1.0) +
                                           0.3 * std::sin(3 * w * t + 3 * phase + 2.0));
                const double artifact = tMs < 0.2 ? 4000.0 : tail * std::exp(-(tMs - 0.2) / 0.3);
                return dc + slope * (tMs - recordMs / 2.0) + hum + noise(rng) + artifact + wave(k, tMs);
            },
            recordMs);
    }
    s.rec.channels.push_back(std::move(ch));
    return s;
}

HReflexResult analyzeSeries(const Series& s, std::size_t& sweepCount, std::string* filter = nullptr) {
    const auto st = ncsSettingsFor(NcsTest::HReflex);
    const auto prepared = prepareSignal(s.rec, std::nullopt, st);
    std::vector<std::optional<double>> intensity;
    const auto sweeps = lateResponseSweeps(prepared, "popliteal", st, &intensity, filter);
    sweepCount = sweeps.size();
    if (sweeps.empty()) throw std::runtime_error("no sweeps");
    CHECK(sweeps.front().preSamples == 0);   // cut from the stimulus on: nothing of the record before it
    return analyzeHReflex(sweeps, intensity);
}
}  // namespace

TEST_CASE("H-reflex of records that start at the stimulus: H latency, H/M and Mmax as from a continuous file", "[dsp][hreflex][accuracy]") {
    // the continuous test's series: M grows to 8 mV, H peaks (2.4 mV) at 8 mA and is suppressed as M grows
    const double mAmp[] = {0, 200, 800, 2000, 4000, 6000, 7600, 8000, 8000};
    const double hAmp[] = {600, 1400, 2400, 2100, 1500, 900, 400, 200, 150};
    for (const double fs : {20000.0, 10000.0})
        for (const double recordMs : {60.0, 70.0, 100.0})
            for (const unsigned seed : {1u, 2u, 3u}) {
                INFO(fs << " Hz, records of " << recordMs << " ms, seed " << seed);
                const auto s = hSeries(fs, recordMs, seed, [&](int k, double tMs) {
                    return test::ResponseShape{5.2, mAmp[k], 4.0, mAmp[k]}.at(tMs) + test::ResponseShape{29.8, hAmp[k], 6.0, hAmp[k]}.at(tMs);
                });
                std::size_t n = 0;
                std::string filter;
                const auto r = analyzeSeries(s, n, &filter);
                CHECK(n == 9);
                CHECK_THAT(filter, Catch::Contains("no high-pass"));
                CHECK_THAT(r.method, Catch::Contains("no signal before the stimulus"));
                CHECK(r.hMaxSweep == 2);
                CHECK(r.mMaxSweep >= 7);
                CHECK(r.hmRatio == Approx(2400.0 / 8000.0).epsilon(0.02));
                CHECK(r.mMaxUv == Approx(16000.0).epsilon(0.02));
                CHECK(r.hMaxUv == Approx(4800.0).epsilon(0.02));
                REQUIRE(r.hLatencyMs);
                // the half-sine leaves its baseline at 29.8 ms and reaches 4 x 5 uV 0.016 ms later
                CHECK(*r.hLatencyMs == Approx(29.8).margin(0.1));
                // each sweep's H against its own level: the sweeps without H (none here below 150 uV)
                // and M at the lowest intensity (none) read near zero, not the record's DC or drift
                CHECK(r.sweeps[0].mPeakToPeakUv < 60.0);
            }
}

TEST_CASE("H-reflex of records that start at the stimulus: a long soleus M is not read as H, an absent H stays absent", "[dsp][hreflex][accuracy]") {
    // A soleus M of 10 mV with a long positive phase (7 ms negative, 15.6 ms positive at 0.45 of it)
    // runs to 28.6 ms; the H (raised-cosine take-off, zero initial slope) starts at 31 ms.
    const double mAmp[] = {0, 300, 1200, 3000, 6000, 8500, 9800, 10000, 10000};
    const double hAmp[] = {600, 1500, 2200, 1700, 900, 300, 0, 0, 0};
    for (const bool hPresent : {true, false})
        for (const unsigned seed : {11u, 12u}) {
            INFO((hPresent ? "H present" : "H absent") << ", seed " << seed);
            const auto s = hSeries(20000.0, 80.0, seed, [&](int k, double tMs) {
                double v = test::ResponseShape{6.0, mAmp[k], 7.0, 0.45 * mAmp[k]}.at(tMs);
                if (hPresent && hAmp[k] > 0.0) v += SmoothWave{31.0, hAmp[k], 3.0, 4.0}.at(tMs);
                return v;
            });
            std::size_t n = 0;
            const auto r = analyzeSeries(s, n);
            REQUIRE(n == 9);
            INFO("M settles at " << r.mWindowToMs << " ms; H pp at 20/25/30 mA " << r.sweeps[6].hPeakToPeakUv << " / "
                                 << r.sweeps[7].hPeakToPeakUv << " / " << r.sweeps[8].hPeakToPeakUv << " uV; H/M " << r.hmRatio);
            CHECK(r.mWindowToMs > 15.0);
            CHECK(r.mWindowToMs < 31.0);
            for (std::size_t k = 6; k < 9; ++k) CHECK(r.sweeps[k].hPeakToPeakUv < 100.0);   // a third of the smallest H kept (300 uV)
            CHECK(r.mMaxUv == Approx(14500.0).epsilon(0.02));
            if (hPresent) {
                CHECK(r.hMaxSweep == 2);
                CHECK(r.hmRatio == Approx(4400.0 / 14500.0).epsilon(0.03));   // peak-to-peak: H 2 x 2200, M 1.45 x 10000
                REQUIRE(r.hLatencyMs);
                // truth: where the raised cosine reaches 4 x the noise (20 uV of 2200)
                const double truth = 31.0 + 3.0 / std::numbers::pi * std::acos(1.0 - 2.0 * 20.0 / 2200.0);
                CHECK(*r.hLatencyMs == Approx(truth).margin(0.1));
            } else {
                CHECK(r.hMaxUv < 100.0);
                CHECK(r.hmRatio < 0.01);
            }
        }
}

TEST_CASE("RNS of records that start at the stimulus: the decrement as from a continuous file", "[dsp][rns][accuracy]") {
    // The continuous test's 3 Hz train (test_dsp_late_responses): a hand CMAP of 5 mV whose size
    // falls to 77 % at the 5th response, each in a record of its own starting at its stimulus, with
    // its own DC (2 mV +- 3 mV), drift, 50 Hz hum of 30 uV at a phase of its own and 5 uV noise.
    const double scale[] = {1.0, 0.9, 0.83, 0.78, 0.77, 0.78, 0.8, 0.82, 0.83, 0.84};
    for (const double recordMs : {30.0, 50.0, 100.0})
        for (const unsigned seed : {21u, 22u, 23u}) {
            INFO("records of " << recordMs << " ms, seed " << seed);
            Recording rec;
            RecordedChannel ch;
            ch.label = "ADM";
            ch.sampleRateHz = 20000.0;
            std::mt19937 rng(seed);
            std::normal_distribution<double> noise(0.0, 5.0);
            std::uniform_real_distribution<double> uni(-1.0, 1.0);
            const double w = 2.0 * std::numbers::pi * 50.0;
            for (int k = 0; k < 10; ++k) {
                const double dc = 2000.0 + 3000.0 * uni(rng), slope = 3.0 * uni(rng), phase = 3.2 * (1.0 + uni(rng));
                const test::ResponseShape cmap{3.3, 5000.0 * scale[k], 5.0, 2000.0 * scale[k]};
                test::appendRecordAtStimulus(
                    rec, ch, 0.5 + k / 3.0, "Stim wrist 3Hz",
                    [&](double tMs) {
                        const double hum = 30.0 * (std::sin(w * tMs * 1e-3 + phase) + 0.3 * std::sin(3 * w * tMs * 1e-3 + 3 * phase));
                        const double artifact = tMs < 0.2 ? 4000.0 : 300.0 * std::exp(-(tMs - 0.2) / 0.3);
                        return dc + slope * (tMs - recordMs / 2.0) + hum + noise(rng) + artifact + cmap.at(tMs);
                    },
                    recordMs);
            }
            rec.channels.push_back(std::move(ch));
            const auto st = ncsSettingsFor(NcsTest::Rns);
            const auto prepared = prepareSignal(rec, std::nullopt, st);
            REQUIRE(rnsTrains(prepared).size() == 1);
            const auto sweeps = lateResponseSweeps(prepared, "", st);
            REQUIRE(sweeps.size() == 10);
            CHECK(sweeps.front().preSamples == 0);
            const auto r = analyzeRns(sweeps, st.detection);
            CHECK_THAT(r.method, Catch::Contains("no signal before the stimulus"));
            CHECK(r.rateHz == Approx(3.0).epsilon(0.01));
            REQUIRE(r.decrement4AmplitudePercent);
            REQUIRE(r.decrement5AreaPercent);
            // Records of 50 ms or more leave 30 ms after the CMAP: level, drift and hum fitted there,
            // a decrement within 1 point. A 30 ms record leaves ~8 ms, less than a mains period: the
            // level alone (hum of 30 uV and a drift of up to 3 uV/ms left under a 5 mV CMAP, up to
            // ~1 % of each amplitude), a decrement within 2.5 points, and the note says so.
            const double margin = recordMs < 40.0 ? 2.5 : 1.0;
            CHECK(*r.decrement4AmplitudePercent == Approx(22.0).margin(margin));
            CHECK(*r.decrement5AmplitudePercent == Approx(23.0).margin(margin));
            CHECK(*r.decrement4AreaPercent == Approx(22.0).margin(margin));
            CHECK(*r.decrement5AreaPercent == Approx(23.0).margin(margin));
            if (recordMs < 40.0) CHECK_THAT(r.note, Catch::Contains("hum was not fitted"));
            else CHECK(r.note.empty());
            CHECK(r.responses.front().measures.amplitudeUv == Approx(5000.0).epsilon(0.02));
            CHECK(r.responses.front().measures.onsetLatencyMs == Approx(3.3).margin(0.1));
        }
}
