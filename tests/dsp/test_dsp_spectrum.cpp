// FFTW spectra: Parseval, mains-interference level (50/60 Hz), mean and median frequency;
// hum subtraction leaves the response alone.
#include <emg/dsp/hum_removal.h>
#include <emg/dsp/spectrum.h>

#include <catch2/catch.hpp>

#include <limits>

#include <cmath>
#include <numbers>
#include <random>
#include <thread>

using namespace emg::dsp;

TEST_CASE("Welch PSD integrates to the variance (Parseval)", "[dsp][spectrum]") {
    std::mt19937 rng(5);
    std::normal_distribution<double> n(0.0, 10.0);
    std::vector<double> x(200000);
    for (auto& v : x) v = n(rng);
    const auto s = welchPsd(x, 20000.0);
    CHECK(s.segments > 10);
    CHECK(s.bandPower(0.0, 10000.0) == Approx(100.0).epsilon(0.03));
    // white: flat density 2 * sigma^2 / fs
    double mid = 0.0;
    for (std::size_t k = s.psd.size() / 4; k < s.psd.size() * 3 / 4; ++k) mid += s.psd[k];
    mid /= static_cast<double>(s.psd.size() / 2);
    CHECK(mid == Approx(2.0 * 100.0 / 20000.0).epsilon(0.05));
    CHECK_THROWS_AS(welchPsd(std::vector<double>(8), 1000.0), std::invalid_argument);
    // a rate a lying header could give: refused, never an endless segment-length search
    CHECK_THROWS_AS(welchPsd(std::vector<double>(64), std::numeric_limits<double>::infinity()), std::invalid_argument);
    // a huge finite rate on a short signal: one segment of the whole signal
    CHECK(welchPsd(std::vector<double>(64, 1.0), 1e300).segments == 1);
}

TEST_CASE("Mains interference level: 50 vs 60 Hz, rms of the line", "[dsp][spectrum]") {
    for (double mains : {50.0, 60.0}) {
        const double fs = 10000.0;
        std::mt19937 rng(2);
        std::normal_distribution<double> n(0.0, 10.0);
        std::vector<double> x(static_cast<std::size_t>(fs * 10));
        for (std::size_t i = 0; i < x.size(); ++i)
            x[i] = n(rng) + 30.0 * std::sin(2 * std::numbers::pi * mains * static_cast<double>(i) / fs) +
                   10.0 * std::sin(2 * std::numbers::pi * 3 * mains * static_cast<double>(i) / fs);
        const auto m = mainsInterference(x, fs);
        CHECK(m.mainsHz == mains);
        CHECK(m.rmsUv == Approx(30.0 / std::sqrt(2.0)).epsilon(0.05));
        CHECK(m.harmonicsRmsUv == Approx(10.0 / std::sqrt(2.0)).epsilon(0.1));
        CHECK(m.lineToBackgroundDb > 20.0);
    }
}

TEST_CASE("Mean and median frequency of a known spectrum, plans shared across threads", "[dsp][spectrum]") {
    const double fs = 4000.0;
    std::vector<double> x(static_cast<std::size_t>(fs * 20));
    std::mt19937 rng(9);
    std::uniform_real_distribution<double> ph(0.0, 2 * std::numbers::pi);
    for (int f = 50; f <= 450; f += 10) {   // equal lines 50..450 Hz: mean and median 250 Hz
        const double p = ph(rng);
        for (std::size_t i = 0; i < x.size(); ++i) x[i] += 10.0 * std::sin(2 * std::numbers::pi * f * static_cast<double>(i) / fs + p);
    }
    const auto s = welchPsd(x, fs);
    CHECK(meanFrequencyHz(s, 20.0, 500.0) == Approx(250.0).margin(2.0));
    CHECK(medianFrequencyHz(s, 20.0, 500.0) == Approx(250.0).margin(6.0));
    // Several threads computing spectra of new sizes at once (planner guarded).
    std::vector<std::thread> t;
    std::vector<double> means(4);
    for (int k = 0; k < 4; ++k)
        t.emplace_back([&, k] { means[static_cast<std::size_t>(k)] = meanFrequencyHz(welchPsd(x, fs, 512u << k), 20.0, 500.0); });
    for (auto& th : t) th.join();
    for (double m : means) CHECK(m == Approx(250.0).margin(3.0));
}

TEST_CASE("Hum subtraction removes 50 Hz + harmonics without touching an excluded response", "[dsp][spectrum]") {
    const double fs = 20000.0;
    std::vector<double> x(static_cast<std::size_t>(fs * 2)), clean(x.size(), 0.0);
    for (std::size_t i = 20000; i < 20200; ++i) clean[i] = -3000.0 * std::sin(std::numbers::pi * static_cast<double>(i - 20000) / 200.0);
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = clean[i] + 40.0 * std::sin(2 * std::numbers::pi * 50.0 * static_cast<double>(i) / fs + 0.3) +
               12.0 * std::sin(2 * std::numbers::pi * 150.0 * static_cast<double>(i) / fs);
    const auto r = subtractHum(x, fs, 50.0, 3, {{19980, 21000}});
    CHECK(r.meanFundamentalUv == Approx(40.0).epsilon(0.01));
    double maxErr = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) maxErr = std::max(maxErr, std::fabs(x[i] - clean[i]));
    CHECK(maxErr < 0.5);
    CHECK_THROWS_AS(subtractHum(x, fs, 0.0, 3, {}), std::invalid_argument);
}
