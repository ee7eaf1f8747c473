// Sensory NCS on averaged sweeps, F-waves, H-reflex, RNS decrement and the supramaximal search on
// synthetic recordings with known truth (10 µV rms noise, hum, drift, stimulus artifact).
#include "synthetic_ncs.h"

#include <emg/dsp/late_responses.h>
#include <emg/dsp/ncs_analysis.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <sstream>

using namespace emg;
using namespace emg::dsp;

TEST_CASE("Sensory NCS on averaged sweeps: onset within one sample, amplitude within 2 % on average, CV within 2 %", "[dsp][ncs][accuracy]") {
    double maxOnset = 0, maxAmp = 0, maxPeakLat = 0, maxCv = 0, meanAmp = 0;
    for (unsigned seed = 1; seed <= 5; ++seed) {
        const double fs = 20000.0;
        test::ResponseShape snap{2.61 + 0.007 * seed, 40.0, 0.9, 20.0};
        test::Disturbances d;
        d.seed = seed;
        d.mainsHz = seed % 2 ? 50.0 : 60.0;
        std::vector<test::Stim> stims;
        for (int k = 0; k < 64; ++k) stims.push_back({0.3 + 0.5 * k + 0.0013 * k, "Stim wrist", snap, {}});
        const auto rec = test::synthesize(stims, fs, 33.0, d, "D2 sensory");
        const auto st = ncsSettingsFor(NcsTest::Sensory);
        const auto prepared = prepareSignal(rec, std::nullopt, st);
        CHECK(prepared.notchHz == d.mainsHz);
        const auto sites = analyzeSites(prepared, st);
        REQUIRE(sites.size() == 1);
        REQUIRE(sites[0].response.found);
        CHECK(sites[0].averaged.usedIndices.size() == 64);
        const auto& m = sites[0].response.measures;
        // Truth onset: where the response leaves its baseline by a visible level (issue 11: 4 x the
        // noise rms of the average, 10 uV / sqrt(64)), not the mathematical start of the half-sine,
        // which lies below the noise (its finite initial slope reaches 5 uV 0.036 ms = 0.7 sample
        // later for a 40 uV, 0.9 ms phase); the CV's truth follows from the same onset.
        const double level = 4.0 * d.noiseRmsUv / std::sqrt(64.0);
        const double onsetTruthMs = snap.onsetMs + snap.negativeMs / std::numbers::pi * std::asin(level / snap.negativeUv);
        maxOnset = std::max(maxOnset, std::fabs(m.onsetLatencyMs - onsetTruthMs) * fs / 1000.0);
        maxAmp = std::max(maxAmp, std::fabs(m.amplitudeUv / snap.negativeUv - 1) * 100);
        meanAmp += (m.amplitudeUv / snap.negativeUv - 1) * 100 / 5.0;
        maxPeakLat = std::max(maxPeakLat, std::fabs(m.peakLatencyMs - snap.peakLatencyMs()));
        const double cv = sensoryConductionVelocityMPerS(140.0, m.onsetLatencyMs);
        maxCv = std::max(maxCv, std::fabs(cv / (140.0 / onsetTruthMs) - 1) * 100);
    }
    WARN("sensory 20 kHz, 64 averages, 5 seeds: max |error| onset " << maxOnset << " samples, amplitude " << maxAmp << " % (mean " << meanAmp << " %), peak latency "
                                                                   << maxPeakLat << " ms, CV " << maxCv << " %");
    CHECK(maxOnset <= 1.0);
    // The amplitude is read on the average, whose noise (10 uV / sqrt(64) = 1.25 uV) is 3.1 % of the
    // 40 uV SNAP; the quartic over +-0.4 ms (17 samples) leaves about 0.46 x that at its centre
    // (least squares: sqrt(3.5 / 17)), 1.4 % of the amplitude. Without bias the mean over the 5 seeds
    // is then within 2 % (3 x 1.4 / sqrt(5)) and every seed within 4.5 % (3 x 1.4 %); a bound of 2 %
    // on each seed was within the reading's own noise (1.7 % rms over 40 seeds) and held by chance.
    CHECK(std::fabs(meanAmp) <= 2.0);
    CHECK(maxAmp <= 4.5);
    CHECK(maxPeakLat <= 0.05);
    CHECK(maxCv <= 2.0);
}

namespace {
/// A train of 20 stimuli at the wrist (20 kHz): M of the given shape, an F (negative half-sine of
/// 2.5 ms, 150-400 uV, onset 26-30 ms) on 16 of them (not on every 5th from the 4th), `extra`
/// added to sweep 3's late activity. Returns the F-wave sweeps and each F's truth latency (issue
/// 11: where the noise-free F first leaves the baseline by 4 x the 10 uV noise rms: asin(40 / a)
/// into its 2.5 ms phase).
struct FTrain {
    std::vector<Sweep> sweeps;
    std::vector<double> truthMs;
};
FTrain fwaveTrain(unsigned seed, const test::ResponseShape& m, std::vector<test::ResponseShape> extra = {}) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> lat(26.0, 30.0), amp(150.0, 400.0);
    std::vector<test::Stim> stims;
    FTrain out;
    for (int k = 0; k < 20; ++k) {
        test::Stim s{0.5 + 1.0 * k, "Stim wrist", m, {}};
        if (k % 5 != 3) {
            const double a = amp(rng);
            s.late.push_back({lat(rng), a, 2.5, 0.5 * a});
            out.truthMs.push_back(s.late.back().onsetMs + 2.5 / std::numbers::pi * std::asin(4.0 * test::Disturbances{}.noiseRmsUv / a));
        }
        if (k == 3) s.late.insert(s.late.end(), extra.begin(), extra.end());
        stims.push_back(s);
    }
    const auto rec = test::synthesize(stims, 20000.0, 21.0, {}, "ADM");
    const auto st = ncsSettingsFor(NcsTest::FWave);
    const auto prepared = prepareSignal(rec, std::nullopt, st);
    out.sweeps = siteSweeps(prepared, "wrist", st.sweep);
    return out;
}
}  // namespace

TEST_CASE("F-waves: persistence, min/mean/max latency and chronodispersion from a train of 20", "[dsp][fwave][accuracy]") {
    const auto train = fwaveTrain(7, test::ResponseShape{3.4, 6000.0, 5.0, 2500.0});
    const auto& sweeps = train.sweeps;
    const auto& truth = train.truthMs;
    REQUIRE(sweeps.size() == 20);
    const auto r = analyzeFWaves(sweeps);
    REQUIRE(r.m.found);
    CHECK(r.m.measures.onsetLatencyMs == Approx(3.4).margin(0.05));
    CHECK(r.searchFromMs < 26.0);
    CHECK(r.present == 16);
    CHECK(r.persistencePercent == Approx(80.0));
    const double tMin = *std::min_element(truth.begin(), truth.end()), tMax = *std::max_element(truth.begin(), truth.end());
    double tMean = 0;
    for (double t : truth) tMean += t;
    tMean /= static_cast<double>(truth.size());
    WARN("F-wave errors: min " << r.minLatencyMs - tMin << " ms, mean " << r.meanLatencyMs - tMean << " ms, max " << r.maxLatencyMs - tMax
                               << " ms, chronodispersion " << r.chronodispersionMs - (tMax - tMin) << " ms");
    CHECK(r.minLatencyMs == Approx(tMin).margin(0.1));
    CHECK(r.maxLatencyMs == Approx(tMax).margin(0.1));
    CHECK(r.meanLatencyMs == Approx(tMean).margin(0.1));
    CHECK(r.chronodispersionMs == Approx(tMax - tMin).margin(0.15));
    for (std::size_t k = 0; k < 20; ++k) CHECK(r.traces[k].present == (k % 5 != 3));
}

// One sweep without an F carries a departure ~10 ms before the train's F waves (M's tail or an
// artifact in that sweep; F-wave harness seed 347 read its minimal latency 11.3 ms early so). F
// latencies of one train spread over a few ms (chronodispersion, normal up to ~6 ms): a departure
// more than 8 ms before every other F is not counted, and the result says which sweep it was.
TEST_CASE("F-waves: a departure far before every other F of the train is not counted as the minimal latency", "[dsp][fwave][accuracy]") {
    // M over by ~13.4 ms; sweep 3: no F, a departure (300 uV, 1 ms) at 16 ms
    const auto train = fwaveTrain(11, test::ResponseShape{3.4, 6000.0, 5.0, 6000.0}, {test::ResponseShape{16.0, 300.0, 1.0, 150.0}});
    const auto& sweeps = train.sweeps;
    const auto& truth = train.truthMs;
    REQUIRE(sweeps.size() == 20);
    const double tMin = *std::min_element(truth.begin(), truth.end());

    FWaveSettings off;
    off.isolatedEarlyGapMs = 0.0;
    const auto before = analyzeFWaves(sweeps, off);
    CHECK(before.present == 17);
    CHECK(before.minLatencyMs == Approx(16.0).margin(0.2));   // without the rule: ~10 ms early

    const auto r = analyzeFWaves(sweeps);
    CHECK(r.present == 16);
    CHECK(r.persistencePercent == Approx(80.0));
    CHECK(r.minLatencyMs == Approx(tMin).margin(0.1));
    CHECK(r.chronodispersionMs < 4.5);
    REQUIRE(r.traces.size() == 20);
    CHECK_FALSE(r.traces[3].present);
    CHECK(r.traces[3].isolatedEarly);
    CHECK(r.traces[3].latencyMs == Approx(16.0).margin(0.2));
    CHECK(r.note.find("stimulus 4") != std::string::npos);
    CHECK(r.note.find("not counted") != std::string::npos);
}

TEST_CASE("F-waves after a large M: the high-pass tail of M is not taken for late F-waves", "[dsp][fwave][accuracy]") {
    // Normal hand-muscle CMAPs reach 10-15 mV. Through the 2 Hz high-pass of the motor/F-wave
    // preset, such an M leaves a slow tail of the order of 100 uV over the next ~80 ms, several
    // times the F onset threshold (20 uV). Sweeps without an F-wave must stay without one.
    const double fs = 20000.0;
    for (const double mUv : {6000.0, 10000.0, 14000.0}) {
        std::mt19937 rng(11);
        std::uniform_real_distribution<double> lat(26.0, 30.0), amp(150.0, 400.0);
        const test::ResponseShape m{3.4, mUv, 6.0, 0.45 * mUv};
        std::vector<test::Stim> stims;
        std::vector<double> truth;
        for (int k = 0; k < 20; ++k) {
            test::Stim s{0.5 + 1.0 * k, "Stim wrist", m, {}};
            if (k % 4 != 1) {   // 15 of 20 present
                const double a = amp(rng);
                s.late.push_back({lat(rng), a, 2.5, 0.5 * a});
                truth.push_back(s.late.back().onsetMs);
            }
            stims.push_back(s);
        }
        const auto rec = test::synthesize(stims, fs, 21.0, {}, "ADM");
        const auto st = ncsSettingsFor(NcsTest::FWave);
        const auto prepared = prepareSignal(rec, std::nullopt, st);
        const auto sweeps = siteSweeps(prepared, "wrist", st.sweep);
        REQUIRE(sweeps.size() == 20);
        const auto r = analyzeFWaves(sweeps);
        INFO("M " << mUv << " uV: present " << r.present << ", latencies " << r.minLatencyMs << "-" << r.maxLatencyMs << " ms");
        CHECK(r.present == 15);
        for (std::size_t k = 0; k < 20; ++k) CHECK(r.traces[k].present == (k % 4 != 1));
        CHECK(r.minLatencyMs == Approx(*std::min_element(truth.begin(), truth.end())).margin(0.1));
        CHECK(r.maxLatencyMs == Approx(*std::max_element(truth.begin(), truth.end())).margin(0.1));
    }
}

TEST_CASE("H-reflex: H latency and H/M ratio over an intensity series", "[dsp][hreflex][accuracy]") {
    const double fs = 20000.0;
    std::vector<test::Stim> stims;
    // M grows to 8 mV; H peaks (2.4 mV) at low intensity and is suppressed as M grows.
    const double intens[] = {4, 6, 8, 10, 12, 15, 20, 25, 30};
    const double mAmp[] = {0, 200, 800, 2000, 4000, 6000, 7600, 8000, 8000};
    const double hAmp[] = {600, 1400, 2400, 2100, 1500, 900, 400, 200, 150};
    for (int k = 0; k < 9; ++k) {
        std::ostringstream a;
        a << "Stim popliteal " << intens[k] << "mA";
        test::Stim s{0.5 + 2.0 * k, a.str(), {5.2, mAmp[k], 4.0, mAmp[k]}, {}};
        s.late.push_back({29.8, hAmp[k], 6.0, hAmp[k]});
        stims.push_back(s);
    }
    const auto rec = test::synthesize(stims, fs, 19.0, {}, "Soleus");
    const auto st = ncsSettingsFor(NcsTest::HReflex);
    const auto prepared = prepareSignal(rec, std::nullopt, st);
    std::vector<std::optional<double>> intensity;
    const auto sweeps = siteSweeps(prepared, "popliteal", st.sweep, &intensity);
    REQUIRE(sweeps.size() == 9);
    REQUIRE(intensity[2] == 8.0);
    const auto r = analyzeHReflex(sweeps, intensity);
    const double trueRatio = 2400.0 / 8000.0;   // peak-to-peak ratios (both phases equal)
    WARN("H-reflex: H/M " << r.hmRatio << " (truth " << trueRatio << "), H latency " << (r.hLatencyMs ? *r.hLatencyMs : -1) << " ms (truth 29.8)");
    CHECK(r.hMaxSweep == 2);
    CHECK(r.hmRatio == Approx(trueRatio).epsilon(0.02));
    REQUIRE(r.hLatencyMs);
    CHECK(*r.hLatencyMs == Approx(29.8).margin(0.1));
    CHECK(r.mMaxUv == Approx(16000.0).epsilon(0.02));
}

TEST_CASE("H-reflex: a long soleus M is not read as H, an absent H stays absent (S1 radiculopathy)", "[dsp][hreflex][accuracy]") {
    // A soleus M of 10 mV with a long positive phase still runs past 15 ms; through the 2 Hz
    // high-pass it also leaves a slow tail. Neither may become "H" at high intensity, where the
    // true H is gone, nor in a series without any H-reflex, where Hmax must stay near zero.
    const double fs = 20000.0;
    const double intens[] = {4, 6, 8, 10, 12, 15, 20, 25, 30};
    const double mAmp[] = {0, 300, 1200, 3000, 6000, 8500, 9800, 10000, 10000};
    for (const bool hPresent : {true, false}) {
        const double hAmp[] = {600, 1500, 2200, 1700, 900, 300, 0, 0, 0};
        std::vector<test::Stim> stims;
        for (int k = 0; k < 9; ++k) {
            std::ostringstream a;
            a << "Stim popliteal " << intens[k] << "mA";
            test::Stim s{0.5 + 2.0 * k, a.str(), {6.0, mAmp[k], 7.0, 0.45 * mAmp[k]}, {}};
            if (hPresent && hAmp[k] > 0) s.late.push_back({30.0, hAmp[k], 6.0, hAmp[k]});
            stims.push_back(s);
        }
        const auto rec = test::synthesize(stims, fs, 19.0, {}, "Soleus");
        const auto st = ncsSettingsFor(NcsTest::HReflex);
        const auto prepared = prepareSignal(rec, std::nullopt, st);
        std::vector<std::optional<double>> intensity;
        const auto sweeps = siteSweeps(prepared, "popliteal", st.sweep, &intensity);
        REQUIRE(sweeps.size() == 9);
        const auto r = analyzeHReflex(sweeps, intensity);
        INFO((hPresent ? "H present" : "H absent") << ": M settles at " << r.mWindowToMs << " ms; H pp at 20/25/30 mA "
                                                 << r.sweeps[6].hPeakToPeakUv << " / " << r.sweeps[7].hPeakToPeakUv << " / "
                                                 << r.sweeps[8].hPeakToPeakUv << " uV; H/M " << r.hmRatio);
        CHECK(r.mWindowToMs > 15.0);
        CHECK(r.mWindowToMs < 28.0);   // before the earliest H onset (30 ms here)
        for (std::size_t k = 6; k < 9; ++k) CHECK(r.sweeps[k].hPeakToPeakUv < 100.0);   // under the smallest H kept (300 uV) by a factor 3
        if (hPresent) {
            CHECK(r.hMaxSweep == 2);
            CHECK(r.hmRatio == Approx(4400.0 / 14500.0).epsilon(0.03));   // peak-to-peak: H 2 x 2200, M 1.45 x 10000
            REQUIRE(r.hLatencyMs);
            CHECK(*r.hLatencyMs == Approx(30.0).margin(0.1));
        } else {
            CHECK(r.hMaxUv < 100.0);
            CHECK(r.hmRatio < 0.01);
        }
    }
}

TEST_CASE("RNS: decrement of the 4th and 5th response against the 1st, by amplitude and area", "[dsp][rns][accuracy]") {
    const double fs = 20000.0;
    const double scale[] = {1.0, 0.9, 0.83, 0.78, 0.77, 0.78, 0.8, 0.82, 0.83, 0.84};
    std::vector<test::Stim> stims;
    for (int k = 0; k < 10; ++k) stims.push_back({0.5 + k / 3.0, "Stim wrist 3Hz", {3.3, 5000.0 * scale[k], 5.0, 2000.0 * scale[k]}, {}});
    const auto rec = test::synthesize(stims, fs, 4.5, {}, "ADM");
    const auto st = ncsSettingsFor(NcsTest::Rns);
    const auto prepared = prepareSignal(rec, std::nullopt, st);
    const auto trains = rnsTrains(prepared);
    REQUIRE(trains.size() == 1);
    const auto sweeps = siteSweeps(prepared, "wrist", st.sweep);
    const auto r = analyzeRns(sweeps);
    CHECK(r.rateHz == Approx(3.0).epsilon(0.01));
    REQUIRE(r.decrement4AmplitudePercent);
    REQUIRE(r.decrement5AreaPercent);
    WARN("RNS decrement: 4th amplitude " << *r.decrement4AmplitudePercent << " % (truth 22), 5th amplitude " << *r.decrement5AmplitudePercent
                                         << " % (truth 23), 4th area " << *r.decrement4AreaPercent << " %, 5th area " << *r.decrement5AreaPercent << " %");
    CHECK(*r.decrement4AmplitudePercent == Approx(22.0).margin(0.5));
    CHECK(*r.decrement5AmplitudePercent == Approx(23.0).margin(0.5));
    CHECK(*r.decrement4AreaPercent == Approx(22.0).margin(0.5));
    CHECK(*r.decrement5AreaPercent == Approx(23.0).margin(0.5));
    CHECK(r.maxDecrementAmplitudePercent == Approx(23.0).margin(0.5));
}

TEST_CASE("Supramaximal search: plateau where the amplitude changes by less than 5 %", "[dsp][supramax]") {
    const double fs = 20000.0;
    const double intens[] = {5, 10, 15, 20, 25, 30};
    const double amps[] = {1000, 3500, 5600, 6300, 6400, 6450};
    std::vector<test::Stim> stims;
    for (int k = 0; k < 6; ++k) {
        std::ostringstream a;
        a << "Stimulus wrist " << intens[k] << " mA";
        stims.push_back({0.5 + 0.7 * k, a.str(), {3.6, amps[k], 5.5, 0.4 * amps[k]}, {}});
    }
    const auto rec = test::synthesize(stims, fs, 5.0, {}, "APB");
    const auto st = ncsSettingsFor(NcsTest::Motor);
    const auto sites = analyzeSites(prepareSignal(rec, std::nullopt, st), st);
    REQUIRE(sites.size() == 1);
    REQUIRE(sites[0].supramax);
    const auto& s = *sites[0].supramax;
    CHECK(s.plateauReached);
    CHECK(s.plateauIntensityMa == 20.0);
    CHECK(s.recommendedMa == Approx(24.0));
    CHECK(s.plateauAmplitudeUv == Approx(6300.0).epsilon(0.02));
    REQUIRE(sites[0].intensityMa == 30.0);   // measured at the highest intensity
    CHECK(sites[0].response.measures.amplitudeUv == Approx(6450.0).epsilon(0.02));
    // Pure function: never reaching a plateau.
    const auto none = findSupramaximal({{10, 1000, 0}, {20, 2000, 1}, {30, 3000, 2}});
    CHECK_FALSE(none.plateauReached);
    const auto direct = findSupramaximal({{30, 5000, 2}, {10, 2000, 0}, {20, 4900, 1}});
    CHECK(direct.plateauIntensityMa == 20.0);
}

TEST_CASE("prepareSignal on a recording given up: bit for bit the copying overload, one copy of the channel kept", "[dsp][ncs]") {
    // hum present (so the bridged hum measurement and the hum subtraction both run), a trigger-free
    // annotated recording: the filtered signal, the raw one (motor), the hum figures, blanks and
    // the description must be identical (==); late responses keep no raw copy
    const double fs = 20000.0;
    test::ResponseShape cmap{3.4, 6000.0, 5.5, 3000.0};
    test::Disturbances d;
    d.seed = 7;
    d.mainsHz = 50.0;
    std::vector<test::Stim> stims;
    for (int k = 0; k < 12; ++k) stims.push_back({0.4 + 0.55 * k, "Stim wrist", cmap, {}});
    const auto rec = test::synthesize(stims, fs, 7.5, d, "APB");
    for (const auto t : {NcsTest::Motor, NcsTest::FWave}) {
        const auto st = ncsSettingsFor(t);
        INFO(toString(t));
        const auto copied = prepareSignal(rec, std::nullopt, st);
        auto given = rec;
        const auto taken = prepareSignal(std::move(given), std::nullopt, st);
        REQUIRE(copied.filteredUv.size() == rec.channels[0].samples.size());
        CHECK(taken.filteredUv == copied.filteredUv);
        CHECK(taken.humRmsUv == copied.humRmsUv);
        CHECK(taken.notchHz == copied.notchHz);
        CHECK(taken.sweepMainsHz == copied.sweepMainsHz);
        CHECK(copied.sweepMainsHz == 50.0);                                  // the 30 uV hum was found
        CHECK(copied.notchHz == (t == NcsTest::Motor ? 50.0 : 0.0));         // and subtracted (F-waves: per sweep)
        CHECK(taken.blankMs == copied.blankMs);
        CHECK(taken.filterDescription == copied.filterDescription);
        CHECK(taken.stimuli.size() == 12);
        if (t == NcsTest::Motor) CHECK(taken.rawUv == rec.channels[0].samples);
        else CHECK(taken.rawUv.empty());
        CHECK(copied.rawUv == rec.channels[0].samples);
        for (const auto& c : given.channels) CHECK(c.samples.empty());   // released
        // a caller that reads the channel again itself: no raw copy
        auto again = rec;
        CHECK(prepareSignal(std::move(again), std::nullopt, st, false).rawUv.empty());
    }
}
