// Filters against their analytic responses: Butterworth -3 dB at the corner, the asymptotic
// slope of -20*order dB/decade, notch depth and passband flatness, zero-phase edges, presets.
#include <emg/dsp/butterworth.h>
#include <emg/dsp/filter_presets.h>
#include <emg/dsp/zero_phase.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <span>
#include <vector>

using namespace emg::dsp;

namespace {
/// Measured (not computed) gain: run a long sine through the filter and compare rms after settling.
double measuredGainDb(BiquadCascade f, double freqHz, double fs) {
    const std::size_t n = static_cast<std::size_t>(fs * 4.0);
    std::vector<double> x(n), y(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = std::sin(2.0 * std::numbers::pi * freqHz * static_cast<double>(i) / fs);
    f.reset();
    f.process(std::span<const double>(x), std::span<double>(y));
    double sx = 0, sy = 0;
    for (std::size_t i = n / 2; i < n; ++i) {
        sx += x[i] * x[i];
        sy += y[i] * y[i];
    }
    return 10.0 * std::log10(sy / sx);
}
}  // namespace

TEST_CASE("Butterworth low-pass and high-pass: -3 dB at the corner for orders 1..8 and several rates", "[dsp][filter]") {
    for (double fs : {4000.0, 20000.0, 48000.0}) {
        for (int order = 1; order <= 8; ++order) {
            for (double fc : {2.0, 20.0, 500.0, 0.4 * fs}) {
                INFO("fs " << fs << " order " << order << " fc " << fc);
                const auto lp = designButterworthLowPass(order, fc, fs);
                const auto hp = designButterworthHighPass(order, fc, fs);
                CHECK(lp.size() == static_cast<std::size_t>((order + 1) / 2));
                CHECK(lp.magnitudeDb(fc) == Approx(-3.0103).margin(0.1));
                CHECK(hp.magnitudeDb(fc) == Approx(-3.0103).margin(0.1));
                // Unity gain far inside the passband (maximally flat).
                CHECK(lp.magnitudeDb(fc / 100.0) == Approx(0.0).margin(0.01));
                if (100.0 * fc < 0.5 * fs) CHECK(hp.magnitudeDb(std::min(100.0 * fc, 0.45 * fs)) == Approx(0.0).margin(0.05));
            }
        }
    }
}

TEST_CASE("Butterworth: measured sine gain at the corner matches -3 dB", "[dsp][filter]") {
    const double fs = 20000.0;
    CHECK(measuredGainDb(designButterworthLowPass(4, 1000.0, fs), 1000.0, fs) == Approx(-3.01).margin(0.1));
    CHECK(measuredGainDb(designButterworthHighPass(2, 100.0, fs), 100.0, fs) == Approx(-3.01).margin(0.1));
    CHECK(measuredGainDb(designButterworthLowPass(3, 500.0, fs), 100.0, fs) == Approx(0.0).margin(0.05));
}

TEST_CASE("Butterworth: stopband slope is -20*order dB per decade", "[dsp][filter]") {
    const double fs = 48000.0;
    for (int order = 1; order <= 8; ++order) {
        INFO("order " << order);
        // High-pass: one decade further into the stopband (no frequency warping near DC).
        const auto hp = designButterworthHighPass(order, 1000.0, fs);
        const double slopeHp = hp.magnitudeDb(10.0) - hp.magnitudeDb(100.0);
        CHECK(slopeHp == Approx(-20.0 * order).margin(0.5));
        // Low-pass with a low corner: the decade 100..1000 x fc stays far from Nyquist? Use 10 Hz corner.
        const auto lp = designButterworthLowPass(order, 10.0, fs);
        const double slopeLp = lp.magnitudeDb(1000.0) - lp.magnitudeDb(100.0);
        CHECK(slopeLp == Approx(-20.0 * order).margin(0.5));
    }
}

TEST_CASE("Notch: at least 40 dB at 50/60 Hz and harmonics, flat passband", "[dsp][filter]") {
    for (double mains : {50.0, 60.0}) {
        for (double fs : {4000.0, 20000.0, 48000.0}) {
            INFO("mains " << mains << " fs " << fs);
            const auto n = designNotch(mains, fs, 5, 2.0);
            CHECK(n.size() == 5);
            for (int h = 1; h <= 5; ++h) CHECK(n.magnitudeDb(h * mains) < -40.0);
            // Tolerates mains a little off nominal (+-0.1 Hz) at >= 40 dB... for the fundamental
            CHECK(n.magnitudeDb(mains + 0.1) < -20.0);
            // Passband: midway between harmonics, and away from mains, within 0.1 dB.
            for (int h = 1; h <= 4; ++h) CHECK(std::fabs(n.magnitudeDb((h + 0.5) * mains)) < 0.1);
            CHECK(std::fabs(n.magnitudeDb(1000.0 + 0.5 * mains)) < 0.01);
            CHECK(std::fabs(n.magnitudeDb(2.0)) < 0.01);
            // -3 dB at +-bandwidth/2
            CHECK(n.magnitudeDb(mains + 1.0) == Approx(-3.0).margin(0.3));
        }
    }
    // Measured on a sine: 50 Hz removed by >= 40 dB once the notch has settled.
    CHECK(measuredGainDb(designNotch(50.0, 10000.0, 1, 2.0), 50.0, 10000.0) < -40.0);
    // Harmonics at or above 0.95 x Nyquist are left out.
    CHECK(designNotch(50.0, 4000.0, 50, 2.0).size() == 37);
}

TEST_CASE("Filter design: invalid parameters throw std::invalid_argument", "[dsp][filter]") {
    CHECK_THROWS_AS(designButterworthLowPass(0, 100.0, 1000.0), std::invalid_argument);
    CHECK_THROWS_AS(designButterworthLowPass(9, 100.0, 1000.0), std::invalid_argument);
    CHECK_THROWS_AS(designButterworthLowPass(2, 500.0, 1000.0), std::invalid_argument);
    CHECK_THROWS_AS(designButterworthHighPass(2, 0.0, 1000.0), std::invalid_argument);
    CHECK_THROWS_AS(designButterworthHighPass(2, -5.0, 1000.0), std::invalid_argument);
    CHECK_THROWS_AS(designButterworthHighPass(2, 10.0, 0.0), std::invalid_argument);
    CHECK_THROWS_AS(designButterworthHighPass(2, std::nan(""), 1000.0), std::invalid_argument);
    CHECK_THROWS_AS(designNotch(50.0, 1000.0, 0), std::invalid_argument);
    CHECK_THROWS_AS(designNotch(50.0, 100.0, 1), std::invalid_argument);
    CHECK_THROWS_AS(designNotch(50.0, 1000.0, 1, 0.0), std::invalid_argument);
    CHECK_THROWS_AS(filterPreset("nonsense"), std::invalid_argument);
    auto f = designButterworthLowPass(2, 100.0, 1000.0);
    std::vector<double> a(10), b(9);
    CHECK_THROWS_AS(f.process(std::span<const double>(a), std::span<double>(b)), std::invalid_argument);
    CHECK_THROWS_AS(filtfilt(f, std::span<const double>(a.data(), 1)), std::invalid_argument);
}

TEST_CASE("Float and double processing agree, in-place works, reset restores", "[dsp][filter]") {
    auto f = designButterworthHighPass(4, 20.0, 20000.0).append(designButterworthLowPass(4, 2000.0, 20000.0));
    std::vector<double> x(4000);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.01 * static_cast<double>(i)) * 100.0 + ((i * 7919) % 13) - 6.0;
    std::vector<float> xf(x.begin(), x.end()), yf(x.size());
    std::vector<double> y(x.size());
    f.process(std::span<const double>(x), std::span<double>(y));
    f.reset();
    f.process(std::span<const float>(xf), std::span<float>(yf));
    for (std::size_t i = 0; i < x.size(); ++i) REQUIRE(yf[i] == Approx(y[i]).margin(1e-3));
    f.reset();
    f.process(std::span<const double>(x), std::span<double>(x));
    for (std::size_t i = 0; i < x.size(); ++i) REQUIRE(x[i] == Approx(y[i]).margin(1e-9));
}

TEST_CASE("filtfilt: zero phase (a peak does not move) and no edge transient from an offset", "[dsp][filter]") {
    const double fs = 20000.0;
    const auto lp = designButterworthLowPass(4, 1000.0, fs);
    std::vector<double> x(2000, 0.0);
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double t = (static_cast<double>(i) - 1000.0) / 20.0;
        x[i] = 500.0 * std::exp(-0.5 * t * t) + 1000.0;   // offset 1000 µV, Gaussian at sample 1000
    }
    const auto y = filtfilt(lp, x);
    const auto peak = std::max_element(y.begin(), y.end()) - y.begin();
    CHECK(peak == 1000);
    CHECK(y.front() == Approx(1000.0).margin(0.5));
    CHECK(y.back() == Approx(1000.0).margin(0.5));
    // A high-pass removes the offset without a start-up step at the edges.
    const auto hp = designButterworthHighPass(2, 2.0, fs);
    std::vector<double> c(4000, 250.0);
    const auto z = filtfilt(hp, c);
    for (double v : z) REQUIRE(std::fabs(v) < 1.0);
}

TEST_CASE("filtfiltInPlace on float: filtfilt's result to float precision, edges included", "[dsp][filter]") {
    // the needle band (10 Hz - 10 kHz, 4th order) at 48 kHz on 2 s of a signal with an offset, a
    // slope, spikes and a 50 Hz hum; the in-place float version rounds each pass's output to float
    // (~6e-8 relative), so it must agree with the double version to 1e-5 of the signal's range
    const double fs = 48000.0;
    auto f = designButterworthHighPass(2, 10.0, fs);
    f.append(designButterworthLowPass(4, 10000.0, fs));
    std::vector<double> x(static_cast<std::size_t>(2.0 * fs));
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double t = static_cast<double>(i) / fs;
        x[i] = 300.0 + 40.0 * t + 25.0 * std::sin(2.0 * 3.141592653589793 * 50.0 * t) + ((i % 4801) < 24 ? 800.0 : 0.0);
    }
    const auto y = filtfilt(f, x);
    std::vector<float> xf(x.begin(), x.end());
    filtfiltInPlace(f, xf);
    double range = 0.0;
    for (double v : y) range = std::max(range, std::fabs(v));
    REQUIRE(range > 100.0);
    double worst = 0.0;
    for (std::size_t i = 0; i < y.size(); ++i) worst = std::max(worst, std::fabs(static_cast<double>(xf[i]) - y[i]));
    CHECK(worst <= 1e-5 * range);
    // short signals: the pads clamp to n - 1 as in filtfilt
    std::vector<double> s3{1.0, 5.0, -2.0};
    std::vector<float> s3f(s3.begin(), s3.end());
    const auto y3 = filtfilt(f, s3);
    filtfiltInPlace(f, s3f);
    for (std::size_t i = 0; i < 3; ++i) CHECK(s3f[i] == Approx(y3[i]).margin(1e-4));
    std::vector<float> one{1.0f};
    CHECK_THROWS_AS(filtfiltInPlace(f, one), std::invalid_argument);
}

TEST_CASE("filtfiltInPlace on double: bit for bit filtfilt's result, edges and short signals included", "[dsp][filter]") {
    // the motor band (2 Hz - 10 kHz) at 48 kHz over an offset, a slope, spikes and hum: the same
    // operations in the same order as filtfilt's padded buffer, so equality is exact (==), not approximate
    const double fs = 48000.0;
    auto f = designButterworthHighPass(2, 2.0, fs);
    f.append(designButterworthLowPass(4, 10000.0, fs));
    std::vector<double> x(static_cast<std::size_t>(1.5 * fs));
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double t = static_cast<double>(i) / fs;
        x[i] = -120.0 + 55.0 * t + 30.0 * std::sin(2.0 * std::numbers::pi * 60.0 * t) + ((i % 3001) < 12 ? 5000.0 : 0.0);
    }
    for (const std::size_t n : {x.size(), std::size_t{2}, std::size_t{3}, std::size_t{40}}) {
        const std::span<const double> in(x.data(), n);
        const auto y = filtfilt(f, in);
        std::vector<double> z(in.begin(), in.end());
        filtfiltInPlace(f, std::span<double>(z));
        INFO("n = " << n);
        CHECK(z == y);
    }
    std::vector<double> one{1.0};
    CHECK_THROWS_AS(filtfiltInPlace(f, std::span<double>(one)), std::invalid_argument);
    std::vector<double> unchanged{1.0, 2.0};
    filtfiltInPlace(BiquadCascade{}, std::span<double>(unchanged));   // an empty filter leaves the signal as it is
    CHECK(unchanged == std::vector<double>{1.0, 2.0});
}

TEST_CASE("Presets: guideline corners, low-pass clamped below Nyquist at low sample rates", "[dsp][filter]") {
    const auto motor = filterPreset("motor");
    CHECK(motor.highPassHz == 2.0);
    CHECK(motor.lowPassHz == 10000.0);
    const auto sensory = filterPreset(FilterPresetId::Sensory);
    CHECK(sensory.highPassHz == 20.0);
    CHECK(sensory.lowPassHz == 2000.0);
    CHECK(filterPreset("needle").highPassHz == 2.0);
    CHECK(filterPreset("fwave").lowPassHz == 10000.0);
    CHECK_FALSE(filterPreset("surface").source.empty());

    const auto at48k = buildFilter(motor, 48000.0);
    CHECK(at48k.adjustments.empty());
    CHECK(at48k.lowPassHz == 10000.0);
    CHECK(at48k.cascade.magnitudeDb(10000.0) == Approx(-3.01).margin(0.1));
    const auto at4k = buildFilter(motor, 4000.0);
    REQUIRE(at4k.adjustments.size() == 1);
    CHECK(at4k.lowPassHz == Approx(1800.0));
    CHECK(at4k.description().find("clamped") != std::string::npos);
    const auto withNotch = buildFilter(sensory, 20000.0, 60.0);
    CHECK(withNotch.notchHz == 60.0);
    CHECK(withNotch.cascade.magnitudeDb(60.0) < -40.0);
    CHECK(withNotch.cascade.magnitudeDb(500.0) == Approx(0.0).margin(0.05));
}

#include <emg/dsp/live_filter.h>

TEST_CASE("Live filter bank: interleaved in place equals per-channel processing", "[dsp][filter]") {
    const double fs = 20000.0;
    LiveFilterBank bank(filterPreset("motor"), fs, 4, 50.0), ref(filterPreset("motor"), fs, 4, 50.0);
    CHECK(bank.channels() == 4);
    CHECK(bank.description().find("notch 50 Hz") != std::string::npos);
    const std::size_t frames = 960;
    std::vector<float> inter(frames * 4);
    std::vector<std::vector<float>> chans(4, std::vector<float>(frames));
    for (std::size_t f = 0; f < frames; ++f)
        for (std::size_t c = 0; c < 4; ++c) {
            const float v = static_cast<float>(100.0 * std::sin(0.01 * static_cast<double>(f * (c + 1))) + 50.0 * std::sin(2 * std::numbers::pi * 50.0 * static_cast<double>(f) / fs));
            inter[f * 4 + c] = v;
            chans[c][f] = v;
        }
    for (int block = 0; block < 2; ++block) {   // state carries over between blocks
        bank.processInterleaved(std::span<float>(inter.data() + block * frames * 2, frames * 2), frames / 2);
    }
    for (std::size_t c = 0; c < 4; ++c) ref.processChannel(c, chans[c], chans[c]);
    for (std::size_t f = 0; f < frames; ++f)
        for (std::size_t c = 0; c < 4; ++c) REQUIRE(inter[f * 4 + c] == Approx(chans[c][f]).margin(1e-3));
    CHECK_THROWS_AS(bank.processInterleaved(std::span<float>(inter.data(), 10), 3), std::invalid_argument);
    CHECK_THROWS_AS(LiveFilterBank(filterPreset("motor"), fs, 0), std::invalid_argument);
}
