// The main spike's amplitude and rise time (main_spike.h) on spikes drawn by hand: straight flanks of
// known duration, with a flat noisy baseline or a slow tail at the far end that must not count.
#include <emg/needle/main_spike.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

using emg::needle::mainSpike;

namespace {
/// Piecewise-linear signal through (timeMs, valueUv) knots at `fs`, plus Gaussian noise of `noiseUv`
/// rms; returns the signal and writes the peak's sample next to the knot `peakKnot`.
std::vector<double> drawn(const std::vector<std::pair<double, double>>& knots, double fs, double totalMs, double noiseUv,
                          std::size_t peakKnot, std::size_t& peakIndex) {
    const auto n = static_cast<std::size_t>(std::lround(totalMs * 1e-3 * fs));
    std::vector<double> x(n, 0.0);
    std::mt19937 rng(7);
    std::normal_distribution<double> noise(0.0, noiseUv);
    for (std::size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) * 1000.0 / fs;
        double v = knots.front().second;
        for (std::size_t k = 0; k + 1 < knots.size(); ++k)
            if (t >= knots[k].first && t <= knots[k + 1].first)
                v = knots[k].second + (knots[k + 1].second - knots[k].second) * (t - knots[k].first) / (knots[k + 1].first - knots[k].first);
        if (t > knots.back().first) v = knots.back().second;
        x[i] = v + (noiseUv > 0.0 ? noise(rng) : 0.0);
    }
    // the sample of the largest |x| next to the knot (the knot may fall between two samples)
    const auto k = static_cast<std::size_t>(std::lround(knots[peakKnot].first * 1e-3 * fs));
    peakIndex = k;
    for (std::size_t i = k - 2; i <= k + 2; ++i)
        if (std::abs(x[i]) > std::abs(x[peakIndex])) peakIndex = i;
    return x;
}
}  // namespace

TEST_CASE("main spike: a straight 0.3 ms rise out of a flat noisy baseline reads 0.3 ms, not the flat stretch before it",
          "[needle][main_spike]") {
    // flat (5 uV rms noise) for 3 ms, a straight rise of 1000 uV in 0.3 ms, a slow fall over 4 ms
    for (const double fs : {10000.0, 23437.5, 48000.0}) {
        std::size_t p = 0;
        const auto x = drawn({{0.0, 0.0}, {3.0, 0.0}, {3.3, 1000.0}, {7.3, -150.0}, {9.0, 0.0}}, fs, 12.0, 5.0, 2, p);
        const auto s = mainSpike(std::span<const double>(x), p, fs);
        INFO("fs " << fs << " rise " << s.riseMs << " amplitude " << s.amplitudeUv);
        // one sample at 10 kHz is 0.1 ms; the 10 % and 90 % crossings are interpolated
        CHECK(s.riseMs == Approx(0.3).margin(fs < 20000.0 ? 0.05 : 0.03));
        // the larger excursion is the rise (the fall's walk ends after 1 ms, 250 uV down)
        CHECK(s.amplitudeUv == Approx(1000.0).margin(25.0));
    }
}

TEST_CASE("main spike: a negative spike between two positive phases, its steeper flank 0.25 ms", "[needle][main_spike]") {
    // +300 uV at 2.0 ms, straight down to -1000 uV at 2.25 ms, straight back up to +400 uV at 2.6 ms, slow return
    const double fs = 48000.0;
    std::size_t p = 0;
    const auto x = drawn({{0.0, 0.0}, {1.6, 0.0}, {2.0, 300.0}, {2.25, -1000.0}, {2.6, 400.0}, {5.0, 0.0}}, fs, 8.0, 2.0, 3, p);
    const auto s = mainSpike(std::span<const double>(x), p, fs);
    INFO("rise " << s.riseMs << " amplitude " << s.amplitudeUv);
    // both flanks reach half the larger excursion (1300 and 1400 uV): the faster one, 0.25 ms
    CHECK(s.riseMs == Approx(0.25).margin(0.03));
    CHECK(s.amplitudeUv == Approx(1400.0).margin(15.0));
}

TEST_CASE("main spike: a blunt potential (a 0.9 ms rise) reads blunt, above the 0.5 ms acceptance", "[needle][main_spike]") {
    const double fs = 23437.5;
    std::size_t p = 0;
    const auto x = drawn({{0.0, 0.0}, {2.0, 0.0}, {2.9, 800.0}, {6.0, 0.0}}, fs, 9.0, 3.0, 2, p);
    const auto s = mainSpike(std::span<const double>(x), p, fs);
    INFO("rise " << s.riseMs);
    CHECK(s.riseMs == Approx(0.9).margin(0.05));
    CHECK(s.riseMs > 0.5);
}

TEST_CASE("main spike: a rise with a shoulder counts the shoulder (10 % of the flank lies on it)", "[needle][main_spike]") {
    // a slow shoulder from 0 to 300 uV over 0.5 ms, then a straight 0.2 ms rise to 1000 uV: the 10 %
    // level (100 uV) lies on the shoulder, 0.17 ms into it; the 90 % level (900 uV) 0.17 ms into the rise
    const double fs = 48000.0;
    std::size_t p = 0;
    const auto x = drawn({{0.0, 0.0}, {2.0, 0.0}, {2.5, 300.0}, {2.7, 1000.0}, {6.0, 0.0}}, fs, 9.0, 0.0, 3, p);
    const auto s = mainSpike(std::span<const double>(x), p, fs);
    // 10 % at 2.0 + 0.5 x 100/300 = 2.1667 ms, 90 % at 2.5 + 0.2 x 600/700 = 2.6714 ms: (0.5048 ms) / 0.8
    CHECK(s.riseMs == Approx(0.5048 / 0.8).margin(0.01));
}
