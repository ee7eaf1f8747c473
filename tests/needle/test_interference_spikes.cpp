// The largest spikes of an interference pattern and the turns/amplitude ratio, on signals with a
// known truth built outside our simulator: Hermite-Rodriguez MUAPs (hermite_interference.h) and a
// sine, whose turns and rms are known in closed form.
#include "hermite_interference.h"

#include <emg/needle/interference.h>
#include <emg/needle/interference_spikes.h>
#include <emg/needle/reference_values.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace emg::needle;

namespace {

constexpr double kFs = 32768.0;

/// Peak to peak of a unit's own waveform within +-1 ms of its main peak: the truth the measure
/// should find for that unit's discharges.
double spikeTruthUv(const hermite::Unit& u) {
    const auto half = static_cast<std::size_t>(std::lround(1e-3 * kFs));
    const std::size_t lo = u.mainPeakOffset - half, hi = std::min(u.waveform.size() - 1, u.mainPeakOffset + half);
    const auto [mn, mx] = std::minmax_element(u.waveform.begin() + static_cast<std::ptrdiff_t>(lo),
                                              u.waveform.begin() + static_cast<std::ptrdiff_t>(hi + 1));
    return *mx - *mn;
}

}  // namespace

TEST_CASE("largest spikes: one large unit among ordinary ones is measured at its own peak to peak") {
    // four ordinary units (300-700 uV), one large (3 mV, as a reinnervated unit), far units and noise
    const auto ip = hermite::make({300.0, 450.0, 3000.0, 550.0, 700.0}, kFs, 5.0, 11u, 20, 10.0);
    const auto& large = ip.units[2];
    REQUIRE(large.spikeTimesSec.size() >= 30);   // 8-20 Hz for 5 s: enough discharges for the 20 largest
    const auto r = largestSpikes(std::span<const double>(ip.microvolts), kFs);
    const double truth = spikeTruthUv(large);
    CHECK(truth > 2500.0);   // the +-1 ms window holds the main spike's two extremes
    // overlaps with the small units move a discharge by at most their size; the median resists them
    CHECK(r.medianUv == Approx(truth).epsilon(0.08));
    CHECK(r.spikes >= large.spikeTimesSec.size());

    // without the large unit the 20 largest are the ordinary units' (300-700 uV): never above 1 mV
    const auto ordinary = hermite::make({300.0, 450.0, 550.0, 700.0}, kFs, 5.0, 11u, 20, 10.0);
    const auto o = largestSpikes(std::span<const double>(ordinary.microvolts), kFs);
    double largestTruth = 0.0;
    for (const auto& u : ordinary.units) largestTruth = std::max(largestTruth, spikeTruthUv(u));
    CHECK(o.medianUv > 0.6 * largestTruth);
    CHECK(o.medianUv < 1.3 * largestTruth);
    CHECK(o.medianUv < 1000.0);
}

TEST_CASE("largest spikes: fewer than 20 spikes give no median, potentials below the criterion are no spikes") {
    // one unit of 800 uV firing 12 times (no background): 12 spikes, no median
    std::vector<double> x(static_cast<std::size_t>(2.0 * kFs), 0.0);
    hermite::Unit u;
    u.shape.peakToPeakUv = 800.0;
    u.waveform = hermite::sampleShape(u.shape, kFs, hermite::kBeforeMs, hermite::kAfterMs);
    for (int k = 0; k < 12; ++k) hermite::place(x, u.waveform, kFs, 0.1 + 0.15 * k, 1.0);
    const auto few = largestSpikes(std::span<const double>(x), kFs);
    CHECK(few.spikes == 12);
    CHECK(few.medianUv == 0.0);
    // the same count with a limit of 10 gives the unit's peak to peak
    LargestSpikesOptions o;
    o.count = 10;
    CHECK(largestSpikes(std::span<const double>(x), kFs, o).medianUv == Approx(800.0).epsilon(0.03));
    // far units of 10-40 uV and 10 uV noise: nothing reaches 100 uV
    const auto far = hermite::make({}, kFs, 2.0, 5u, 30, 10.0);
    CHECK(largestSpikes(std::span<const double>(far.microvolts), kFs).spikes == 0);
    // float and double agree
    std::vector<float> xf(x.begin(), x.end());
    CHECK(largestSpikes(std::span<const float>(xf), kFs, o).medianUv == Approx(800.0).epsilon(0.03));
}

TEST_CASE("turns/amplitude ratio: a sine's turns per second over its rms, in closed form") {
    // 100 Hz, 400 uV amplitude: every extreme is a turn (800 uV swings > 100 uV), 200 turns/s; rms 400/sqrt(2)
    std::vector<double> x(static_cast<std::size_t>(2.0 * kFs));
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = 400.0 * std::sin(2.0 * M_PI * 100.0 * static_cast<double>(i) / kFs);
    const auto r = analyzeInterference(std::span<const double>(x), kFs, interferenceCloud("deltoid"));
    REQUIRE(r.epochs.size() == 4);
    CHECK(r.meanTurnsPerSec == Approx(200.0).margin(2.0));
    CHECK(r.meanRmsUv == Approx(400.0 / std::sqrt(2.0)).epsilon(0.005));
    CHECK(r.turnsPerRms == Approx(200.0 / (400.0 / std::sqrt(2.0))).epsilon(0.015));
    // half the amplitude, the same turns: twice the ratio
    for (double& v : x) v *= 0.5;
    const auto h = analyzeInterference(std::span<const double>(x), kFs, interferenceCloud("deltoid"));
    CHECK(h.turnsPerRms == Approx(2.0 * r.turnsPerRms).epsilon(0.015));
}
