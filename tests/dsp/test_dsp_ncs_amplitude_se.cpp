// The amplitude's standard error (ResponseMeasures::amplitudeSeUv, JSON amplitudeSeUv): over many
// noise draws the error divided by the stated SE has an rms near 1 and ~95 % of the draws lie
// within 2 SE, as a standard error of a normal error must. Signals built here (a gamma-shaped
// negative phase, half sines), white Gaussian noise of stated rms; the truth amplitude is set by
// the formula. Not the harness's generator.
#include "motor_sites_run.h"
#include "synthetic_ncs.h"

#include <emg/dsp/ncs_analysis.h>
#include <emg/dsp/ncs_measures.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

using namespace emg;
using namespace emg::dsp;

namespace {
constexpr double kPreMs = 20.0, kSweepMs = 40.0, kOnsetMs = 4.0;

/// A CMAP whose negative phase is x^3 e^(3(1-x)) (x = time since onset / riseMs: 0 at the onset,
/// exactly -peakUv at x = 1), followed by nothing: the truth amplitude is peakUv.
double gammaCmap(double tMs, double peakUv, double riseMs) {
    const double x = (tMs - kOnsetMs) / riseMs;
    if (x <= 0.0) return 0.0;
    return -peakUv * x * x * x * std::exp(3.0 * (1.0 - x));
}

Sweep gammaSweep(double fs, double peakUv, double riseMs, double noiseUv, std::mt19937_64& g) {
    Sweep s;
    s.sampleRateHz = fs;
    s.preSamples = static_cast<std::size_t>(kPreMs * 1e-3 * fs);
    std::normal_distribution<double> nd(0.0, noiseUv);
    const auto n = static_cast<std::size_t>((kPreMs + kSweepMs) * 1e-3 * fs);
    // a sub-sample offset of its own per sweep, so the peak falls anywhere between samples
    const double offset = std::uniform_real_distribution<double>(0.0, 1.0)(g);
    for (std::size_t i = 0; i < n; ++i) {
        const double t = (static_cast<double>(i) - static_cast<double>(s.preSamples) + offset) * 1e3 / fs;
        s.uv.push_back(gammaCmap(t, peakUv, riseMs) + nd(g));
    }
    return s;
}

struct Calibration {
    int draws = 0, within2 = 0;
    double z2 = 0.0;
    double worstNoiseRatio = 0.0;   ///< the largest measured noise rms / the true one (record-per-sweep cases)
    void add(double errorUv, double seUv) {
        REQUIRE(std::isfinite(seUv));
        REQUIRE(seUv > 0.0);
        const double z = errorUv / seUv;
        ++draws;
        z2 += z * z;
        within2 += std::fabs(z) <= 2.0;
    }
    [[nodiscard]] double zRms() const { return std::sqrt(z2 / draws); }
    [[nodiscard]] double within2Share() const { return static_cast<double>(within2) / draws; }
};
}  // namespace

TEST_CASE("Amplitude SE: a motor CMAP on sweeps with a pre-stimulus baseline, white noise at 25 x", "[dsp][ncs][amplitude]") {
    const auto det = ncsSettingsFor(NcsTest::Motor).detection;
    const double peakUv = 500.0, noiseUv = 20.0;
    for (const double fs : {5000.0, 20000.0, 48000.0}) {
        std::mt19937_64 g(static_cast<std::uint64_t>(fs));
        Calibration c;
        for (int k = 0; k < 300; ++k) {
            const auto s = gammaSweep(fs, peakUv, 2.5, noiseUv, g);
            const auto r = detectResponse(s, det);
            REQUIRE(r.found);
            c.add(r.measures.amplitudeUv - peakUv, r.measures.amplitudeSeUv);
            // the noise's part alone is below the whole and above zero
            CHECK(r.measures.peakSeUv > 0.0);
            CHECK(r.measures.peakSeUv <= r.measures.amplitudeSeUv);
        }
        INFO("fs " << fs << ": error/SE rms " << c.zRms() << ", within 2 SE " << c.within2Share());
        // 300 draws: the rms of a unit normal is within ~0.08 of 1 (2 SD); the share within 2 SD
        // 0.954 +- 0.024. Limits a little wider for the non-normal tails of the fit's extreme.
        CHECK(c.zRms() >= 0.8);
        CHECK(c.zRms() <= 1.25);
        CHECK(c.within2Share() >= 0.90);
    }
}

TEST_CASE("Amplitude SE: at a very high signal-to-noise ratio the peak reading's shape term remains", "[dsp][ncs][amplitude]") {
    const auto det = ncsSettingsFor(NcsTest::Motor).detection;
    const double peakUv = 8000.0, noiseUv = 1.0;   // 8000 x the noise: the noise's SE ~0.01 %
    for (const double fs : {5000.0, 48000.0}) {
        std::mt19937_64 g(7 + static_cast<std::uint64_t>(fs));
        for (int k = 0; k < 20; ++k) {
            const auto r = detectResponse(gammaSweep(fs, peakUv, 2.0, noiseUv, g), det);
            REQUIRE(r.found);
            INFO("fs " << fs << " draw " << k << ": amplitude " << r.measures.amplitudeUv << " SE " << r.measures.amplitudeSeUv);
            // the SE is at least the shape term (0.2 % = 16 uV), and the error lies within 2.5 of it
            CHECK(r.measures.amplitudeSeUv >= kPeakShapeSeFraction * r.measures.amplitudeUv);
            CHECK(std::fabs(r.measures.amplitudeUv - peakUv) <= 2.5 * r.measures.amplitudeSeUv);
        }
    }
}

namespace {
/// Three sites of a median-like nerve, one 100 ms record each starting at its stimulus; CMAPs of
/// 300-360 uV (25-30 x the noise); `bg` the records' background. Returns the error/SE calibration.
Calibration perRecordCalibration(const test::PerSweepBackground& bg) {
    const std::vector<test::ResponseShape> sites{{3.5, 360.0, 5.0, 150.0}, {7.5, 340.0, 5.5, 140.0}, {11.0, 300.0, 6.0, 120.0}};
    const auto artifact = [](double tMs) {
        const double u = tMs - 0.2;
        return u < 0.0 ? 3000.0 : 3000.0 * std::exp(-u / 0.1);
    };
    Calibration c;
    for (const double fs : {10000.0, 24000.0}) {
        for (unsigned seed = 1; seed <= 30; ++seed) {
            const auto rec = test::perSweepMotorRecording(fs, "APB", {"Stim wrist", "Stim elbow", "Stim axilla"}, sites, bg, artifact, seed);
            const auto measured = test::analyzeMotorSites(rec, sites.size());
            for (std::size_t k = 0; k < sites.size(); ++k) {
                const auto& r = measured[k].response;
                INFO("fs " << fs << " seed " << seed << " site " << k << ": " << r.note);
                REQUIRE(r.found);
                c.add(r.measures.amplitudeUv - sites[k].negativeUv, r.measures.amplitudeSeUv);
                c.worstNoiseRatio = std::max(c.worstNoiseRatio, measured[k].noiseRmsUv / bg.noiseUv);
            }
        }
    }
    return c;
}

/// 180 sites: the rms within ~0.1 of 1, the share within 2 SE 0.954 +- 0.03.
void checkPerRecordCalibration(const Calibration& c) {
    INFO("error/SE rms " << c.zRms() << ", within 2 SE " << c.within2Share() << " of " << c.draws << "; largest noise read "
                         << c.worstNoiseRatio << " x the true");
    WARN("error/SE rms " << c.zRms() << ", within 2 SE " << c.within2Share() << ", largest noise read " << c.worstNoiseRatio << " x the true");
    CHECK(c.zRms() >= 0.75);
    CHECK(c.zRms() <= 1.3);
    CHECK(c.within2Share() >= 0.88);
}
}  // namespace

// A record per sweep at its stimulus: the baseline is a fitted model (DC, drift, hum) on the latent
// period and the record after the response, and its level's SE under the peak is part of the
// amplitude's.
TEST_CASE("Amplitude SE: a record per sweep at its stimulus, each record's own DC and 50 Hz hum", "[dsp][ncs][amplitude][motor]") {
    const auto c = perRecordCalibration(test::PerSweepBackground{12.0, 20.0, 0.0, 3000.0, 0.0});
    checkPerRecordCalibration(c);
}

TEST_CASE("Amplitude SE: a record per sweep at its stimulus, each record's own DC and a 2 uV/ms drift", "[dsp][ncs][amplitude][motor]") {
    const auto c = perRecordCalibration(test::PerSweepBackground{12.0, 0.0, 0.0, 3000.0, 2.0});
    checkPerRecordCalibration(c);
}

// Hum and drift together: a 0.3 s file is too short for the spectral hum detection, so the sweeps
// decide between 50 and 60 Hz (mainsHzByResidual). Before, they decided on 50 ms windows without
// the drift term, and one sweep whose fit held its response outweighed the others: the 50 Hz hum
// was read as 60 Hz on several files, error/SE rms 3.1 with errors up to 56 uV (17 % of a 330 uV
// CMAP). Then (rms 1.18) a few sites read their noise at 31-35 uV for 12: the response's end was
// found before the proximal CMAP's long 120-150 uV positive phase, which lay under the band the
// fit's own residual set, and the baseline model bent under the peak (errors 22-65 uV). The end is
// now moved later when that lowers the residual clearly (sweep_baseline.cpp): rms 0.96, and no
// site's noise read beyond 1.5 x the true (before: 2.9 x).
TEST_CASE("Amplitude SE: a record per sweep at its stimulus, each record's own DC, 50 Hz hum and drift", "[dsp][ncs][amplitude][motor]") {
    const auto c = perRecordCalibration(test::PerSweepBackground{12.0, 20.0, 0.0, 3000.0, 2.0});
    checkPerRecordCalibration(c);
    CHECK(c.worstNoiseRatio <= 1.5);
}
