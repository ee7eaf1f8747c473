// The float, in-place needle analysis (what `emgws-cli analyze` runs on a streamed recording)
// against the double one on the same record: the same segments, units, firings and potentials,
// and every measured value within 0.1 % (float keeps ~7 significant digits; the measures are
// sums and extremes of those samples).
#include "synth.h"

#include <emg/needle/muap_sorter.h>
#include <emg/needle/needle_analysis.h>

#include <catch2/catch.hpp>

#include <random>

using namespace emg::needle;
using namespace needle_test;

namespace {
constexpr double kFs = 48000.0;

/// 3 s rest (a 6 Hz fibrillation train, 100 uV), 4 s weak effort (4 units, 300-900 uV, 7-11 Hz),
/// 3 s strong effort (14 units), 10 uV noise; annotated rest / weak / strong.
std::vector<double> record(std::vector<emg::Annotation>& ann) {
    std::vector<double> x(static_cast<std::size_t>(10.0 * kFs), 0.0);
    std::mt19937 rng(7);
    for (double t = 0.2; t < 2.9; t += 1.0 / 6.0) place(x, kFs, fibrillation(100.0), t);
    const auto units = [&](int n, double from, double to, double ampLo, double ampHi, double rateLo, double rateHi) {
        std::uniform_real_distribution<double> amp(ampLo, ampHi), rate(rateLo, rateHi), width(0.8, 1.3);
        for (int u = 0; u < n; ++u) {
            const auto shape = muap(amp(rng), width(rng));
            const double r = rate(rng);
            std::normal_distribution<double> isi(1.0 / r, 0.12 / r);
            for (double t = from + std::uniform_real_distribution<double>(0.0, 1.0 / r)(rng); t < to; t += std::max(0.03, isi(rng)))
                place(x, kFs, shape, t);
        }
    };
    units(4, 3.0, 6.95, 300.0, 900.0, 7.0, 11.0);
    units(14, 7.0, 9.95, 200.0, 1500.0, 8.0, 16.0);
    addNoise(x, 10.0, 11);
    ann = {{0.0, 0.0, "rest"}, {3.0, 0.0, "weak contraction"}, {7.0, 0.0, "strong"}};
    return x;
}

void near(double floatValue, double doubleValue, double absUnit) {
    CHECK(std::fabs(floatValue - doubleValue) <= std::max(1e-3 * std::fabs(doubleValue), absUnit));
}
}  // namespace

TEST_CASE("needle analysis in place on float gives the double analysis' results", "[needle][float]") {
    std::vector<emg::Annotation> ann;
    const auto x = record(ann);
    const auto d = analyzeNeedleSignal(x, kFs, ann);
    std::vector<float> xf(x.begin(), x.end());
    const auto f = analyzeNeedleSignalInPlace(xf, kFs, ann);

    REQUIRE(f.segments.size() == d.segments.size());
    for (std::size_t i = 0; i < d.segments.size(); ++i) CHECK(f.segments[i].level == d.segments[i].level);
    near(f.noiseUv, d.noiseUv, 1e-3);
    CHECK(f.notes == d.notes);
    // rest: the fibrillation train
    REQUIRE(d.spontaneous.potentials.size() >= 10);
    REQUIRE(f.spontaneous.potentials.size() == d.spontaneous.potentials.size());
    for (std::size_t i = 0; i < d.spontaneous.potentials.size(); ++i) {
        CHECK(f.spontaneous.potentials[i].timeSec == Approx(d.spontaneous.potentials[i].timeSec).margin(1.0 / kFs));
        near(f.spontaneous.potentials[i].amplitudeUv, d.spontaneous.potentials[i].amplitudeUv, 0.05);
    }
    CHECK(f.spontaneous.trains.size() == d.spontaneous.trains.size());
    // weak: the units, their firings and templates
    REQUIRE(d.motorUnits.units.size() >= 2);
    REQUIRE(f.motorUnits.units.size() == d.motorUnits.units.size());
    for (std::size_t u = 0; u < d.motorUnits.units.size(); ++u) {
        const auto& a = f.motorUnits.units[u];
        const auto& b = d.motorUnits.units[u];
        CHECK(a.firingTimesSec.size() == b.firingTimesSec.size());
        near(a.params.amplitudeUv, b.params.amplitudeUv, 0.05);
        near(a.params.durationMs, b.params.durationMs, 1000.0 / kFs);
        CHECK(a.params.phases == b.params.phases);
        near(a.meanRateHz, b.meanRateHz, 1e-3);
    }
    // strong: the interference cloud and the multi-MUPs
    REQUIRE(d.interference.epochs.size() >= 3);
    CHECK(f.interference.epochs.size() == d.interference.epochs.size());
    near(f.interference.meanTurnsPerSec, d.interference.meanTurnsPerSec, 0.5);
    near(f.interference.meanAmplitudePerTurnUv, d.interference.meanAmplitudePerTurnUv, 0.05);
    near(f.interference.meanFrequencyHz, d.interference.meanFrequencyHz, 0.1);
    CHECK(f.multiMup.mups.size() == d.multiMup.mups.size());
    near(f.multiMup.meanAmplitudeUv, d.multiMup.meanAmplitudeUv, 0.05);
}

TEST_CASE("the sorter in place on double is the sorter on a copy", "[needle][float]") {
    std::vector<emg::Annotation> ann;
    const auto x = record(ann);
    FilterApplied fa;
    auto weak = filterForNeedle(x, kFs, 0.0, fa);
    weak.erase(weak.begin(), weak.begin() + static_cast<std::ptrdiff_t>(3.0 * kFs));
    weak.resize(static_cast<std::size_t>(4.0 * kFs));
    const auto copy = sortMotorUnits(weak, kFs);
    const auto inPlace = sortMotorUnitsInPlace(std::span<double>(weak), kFs);
    REQUIRE(copy.units.size() >= 2);
    REQUIRE(inPlace.units.size() == copy.units.size());
    for (std::size_t u = 0; u < copy.units.size(); ++u) {
        CHECK(inPlace.units[u].firingTimesSec == copy.units[u].firingTimesSec);
        CHECK(inPlace.units[u].templateUv == copy.units[u].templateUv);
        CHECK(inPlace.units[u].jigglePercent == copy.units[u].jigglePercent);
    }
}
