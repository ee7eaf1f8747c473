// MUAP parameters on shapes with known geometry, firing statistics, and the decomposition of a
// synthetic three-unit signal with forced superimpositions.
#include "synth.h"

#include <emg/needle/muap_measures.h>
#include <emg/needle/muap_sorter.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

using namespace emg::needle;
using namespace needle_test;

namespace {
constexpr double kFs = 20000.0;

std::vector<double> sampled(const std::vector<Bump>& b, std::size_t& peak) {
    // 15 ms before, 25 ms after the reference time
    std::vector<double> t;
    for (int i = -300; i < 500; ++i) t.push_back(bumpsAt(b, i / kFs * 1000.0));
    peak = 0;
    for (std::size_t i = 0; i < t.size(); ++i)
        if (std::abs(t[i]) > std::abs(t[peak])) peak = i;
    return t;
}
}  // namespace

TEST_CASE("triphasic MUAP: amplitude, phases, turns, area and duration by the stated criteria") {
    std::size_t peak = 0;
    const auto t = sampled(muap(800.0), peak);
    const auto p = measureMuap(t, peak, kFs, 0.5);
    double mx = -1e9, mn = 1e9, area = 0.0;
    std::size_t first = t.size(), last = 0;
    for (std::size_t i = 0; i < t.size(); ++i) {
        mx = std::max(mx, t[i]);
        mn = std::min(mn, t[i]);
        if (std::abs(t[i]) >= 10.0) { first = std::min(first, i); last = i; area += std::abs(t[i]) / kFs * 1000.0; }
    }
    CHECK(p.amplitudeUv == Approx(mx - mn).epsilon(0.001));
    CHECK(p.phases == 3);
    CHECK(p.turns == 3);
    CHECK_FALSE(p.polyphasic());
    // the 10 µV amplitude criterion dominates for this smooth shape; the 5 µV/0.1 ms slope criterion
    // can extend each end by at most a few samples
    const double expectedMs = static_cast<double>(last - first + 1) / kFs * 1000.0;
    CHECK(p.durationMs == Approx(expectedMs).margin(0.3));
    CHECK(p.areaUvMs == Approx(area).epsilon(0.03));
    CHECK(p.thicknessMs == Approx(p.areaUvMs / p.amplitudeUv).epsilon(1e-9));
    CHECK(p.satellites == 0);
}

TEST_CASE("a late component separated by an isoelectric interval is a satellite, not duration") {
    auto b = muap(800.0);
    b.push_back({14.0, 0.25, -80.0});
    std::size_t peak = 0;
    const auto t = sampled(b, peak);
    const auto p = measureMuap(t, peak, kFs, 0.5);
    CHECK(p.satellites == 1);
    CHECK(p.satelliteLatencyMs == Approx(14.0 - 0.5).margin(0.5));   // first sample past the criterion
    CHECK(p.endMs < 6.0);
}

TEST_CASE("five alternating lobes make a polyphasic MUAP") {
    const std::vector<Bump> b{{-2.4, 0.35, 150}, {-1.2, 0.35, -300}, {0.0, 0.35, 400}, {1.2, 0.35, -300}, {2.4, 0.35, 150}};
    std::size_t peak = 0;
    const auto t = sampled(b, peak);
    const auto p = measureMuap(t, peak, kFs, 0.5);
    CHECK(p.phases == 5);
    CHECK(p.polyphasic());
    CHECK(p.turns >= 5);
}

TEST_CASE("firing statistics: a missed firing does not halve the rate or inflate the CV") {
    std::vector<double> t;
    for (int i = 0; i < 40; ++i)
        if (i != 17) t.push_back(0.1 * i + (i % 2 ? 0.002 : -0.002));
    double rate = 0, cv = 0;
    firingStatistics(t, rate, cv);
    CHECK(rate == Approx(10.0).epsilon(0.05));
    CHECK(cv < 0.05);
}

namespace {
/// A discharge train of a renewal process (Gaussian intervals of coefficient of variation `cv`,
/// at least 15 ms), of which a detector found each firing with probability `sensitivity`, plus
/// false firings at random times (`falsePerSec`): how a decomposition sees a real unit. Nothing of
/// our simulator: the interval law is the one motor-unit studies fit (e.g. Clamann 1969).
std::vector<double> thinnedTrain(std::mt19937& rng, double rateHz, double cv, double sensitivity, double falsePerSec, double seconds) {
    std::normal_distribution<double> gap(1.0 / rateHz, cv / rateHz);
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    std::vector<double> t;
    for (double x = 0.05 * u01(rng); x < seconds; x += std::max(0.015, gap(rng)))
        if (u01(rng) < sensitivity) t.push_back(x);
    std::poisson_distribution<int> nFalse(falsePerSec * seconds);
    for (int k = nFalse(rng); k > 0; --k) t.push_back(seconds * u01(rng));
    std::sort(t.begin(), t.end());
    return t;
}
}  // namespace

TEST_CASE("discharge rate of a unit whose firings were partly missed (a decomposition finds 30-70 % of them)") {
    // the goal: the rate within 10 % while a third or more of the firings are found; before, the
    // median interval made a unit found at 40 % fire at about half its rate (on the EMGLAB record
    // R00108 against the expert: 3.4-8.3 Hz for units firing at 7.3-11.1 Hz)
    std::mt19937 rng(20261206);
    std::uniform_real_distribution<double> rate(6.0, 20.0), cv(0.08, 0.25);   // weak effort: 6-20 Hz, CV 8-25 %
    for (double sensitivity : {1.0, 0.7, 0.5, 0.35}) {
        int within = 0, medianWithin = 0;
        constexpr int kTrains = 200;
        for (int k = 0; k < kTrains; ++k) {
            const double r = rate(rng);
            const auto t = thinnedTrain(rng, r, cv(rng), sensitivity, 0.3, 10.0);
            double est = 0.0, rateCv = 0.0;
            firingStatistics(t, est, rateCv);
            within += std::abs(est - r) <= 0.10 * r;
            std::vector<double> gaps;
            for (std::size_t i = 1; i < t.size(); ++i) gaps.push_back(t[i] - t[i - 1]);
            std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
            medianWithin += std::abs(1.0 / gaps[gaps.size() / 2] - r) <= 0.10 * r;
        }
        CAPTURE(sensitivity, within, medianWithin);
        // found firings at 100 / 70 / 50 / 35 %: >= 97 / 97 / 94 / 85 % of the trains within 10 %
        CHECK(within >= (sensitivity >= 0.7 ? 194 : sensitivity >= 0.5 ? 188 : 170));
        // the median interval (the rule before) fails once half the firings are missed
        if (sensitivity <= 0.5) CHECK(medianWithin <= kTrains / 3);
    }
    // the interval of one discharge: 2.1 intervals read as 2 discharges
    CHECK(perDischargeIntervalSec(0.21, 0.1) == Approx(0.105));
    CHECK(perDischargeIntervalSec(0.08, 0.1) == Approx(0.08));
    CHECK(perDischargeIntervalSec(0.3, 0.0) == 0.3);
    // fewer than 6 intervals of 20 ms-1 s: the median interval
    CHECK(dischargeIntervalSec(std::vector<double>{0.0, 0.1, 0.3, 0.4}) == Approx(0.1));
}

TEST_CASE("decomposition of three synthetic units with forced superimpositions") {
    const double seconds = 6.0;
    std::vector<double> x(static_cast<std::size_t>(seconds * kFs), 0.0);
    const std::vector<std::vector<Bump>> shapes{muap(400.0), muap(900.0, 1.4),
                                                {{-0.8, 0.3, 300.0}, {0.0, 0.25, -600.0}, {0.9, 0.5, 200.0}, {2.2, 0.5, -120.0}}};
    const double rates[] = {8.0, 11.0, 14.5};
    std::vector<std::vector<double>> truth(3);
    std::mt19937 rng(3);
    std::normal_distribution<double> jit(0.0, 0.006);
    for (int u = 0; u < 3; ++u)
        for (double t = 0.05 + 0.013 * u; t < seconds - 0.05; t += 1.0 / rates[u] + jit(rng)) truth[u].push_back(t);
    // force overlaps: unit 1 fires 3 ms after some of unit 0's firings
    for (std::size_t k = 5; k < truth[0].size(); k += 7) truth[1].push_back(truth[0][k] + 0.003);
    std::sort(truth[1].begin(), truth[1].end());
    for (int u = 0; u < 3; ++u)
        for (double t : truth[u]) place(x, kFs, shapes[static_cast<std::size_t>(u)], t);
    addNoise(x, 10.0, 11);
    const auto r = sortMotorUnits(x, kFs);
    REQUIRE(r.units.size() == 3);
    std::size_t matchedAll = 0;
    for (int u = 0; u < 3; ++u) {
        // the sorted unit with the most firings within 1 ms of this unit's truth
        std::size_t best = 0, bestDet = 0;
        for (const auto& mu : r.units) {
            std::size_t m = 0;
            for (double t : truth[static_cast<std::size_t>(u)])
                for (double d : mu.firingTimesSec)
                    if (std::abs(d - t) <= 0.001) { ++m; break; }
            if (m > best) { best = m; bestDet = mu.firingTimesSec.size(); }
        }
        const double sens = static_cast<double>(best) / static_cast<double>(truth[static_cast<std::size_t>(u)].size());
        const double ppv = static_cast<double>(best) / static_cast<double>(bestDet);
        INFO("unit " << u << " sensitivity " << sens << " ppv " << ppv);
        // well-separated shapes at 10 µV noise: each unit >= 93 % found (unit 1 has 1 in 8 of its
        // firings forced 3 ms after unit 0, a few of which stay unresolved), >= 95 % of its firings right
        CHECK(sens >= 0.93);
        CHECK(ppv >= 0.95);
        matchedAll += best;
    }
    CHECK(r.superimposed > 0);                 // overlaps were resolved by peel-off and counted
    CHECK(r.assigned + r.unassigned >= matchedAll);
}

TEST_CASE("bad sample rates are refused with a message") {
    std::vector<double> x(100, 0.0);
    CHECK_THROWS_AS(sortMotorUnits(x, 0.0), std::invalid_argument);
    CHECK_THROWS_AS(sortMotorUnits(x, std::nan("")), std::invalid_argument);
}
