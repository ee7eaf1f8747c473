// One unit sorted in parts is merged by its train (muap_sorter: mergeComplementaryUnits): a unit
// whose potential takes one of two shapes from firing to firing is split into two templates, whose
// trains never come within half a discharge interval of each other. The control is the same two
// shapes fired by two independent units: their trains interleave at random and stay two units.
// Signals: Gaussian bumps (synth.h) in white noise, no simulator.
#include "synth.h"

#include <emg/needle/muap_sorter.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

using namespace emg::needle;
using namespace needle_test;

namespace {
constexpr double kFs = 20000.0;
constexpr double kSeconds = 8.0;

/// The two shapes: a 1000 uV triphasic potential and a smaller, wider one (relative difference
/// of the two about 45 % of the first's rms over the matching window: far beyond the sorter's
/// 15 % tolerance, within what one unstable unit shows).
const std::vector<Bump> kShapeA = muap(1000.0);
const std::vector<Bump> kShapeB = muap(720.0, 1.2);
/// A third unit, of another shape, firing on its own.
const std::vector<Bump> kOther = {{-0.8, 0.3, 450.0}, {0.0, 0.25, -900.0}, {0.9, 0.4, 500.0}, {2.4, 0.8, -150.0}};

std::vector<double> train(double meanSec, double startSec, std::mt19937& rng) {
    std::normal_distribution<double> interval(meanSec, 0.1 * meanSec);
    std::vector<double> t;
    for (double v = startSec; v < kSeconds - 0.05; v += interval(rng)) t.push_back(v);
    return t;
}

/// Firings of `a` with one of `b` within `toleranceSec`.
std::size_t matched(const std::vector<double>& a, const std::vector<double>& b, double toleranceSec) {
    std::size_t m = 0;
    for (double t : a)
        for (double d : b)
            if (std::abs(d - t) <= toleranceSec) { ++m; break; }
    return m;
}

/// Firings of `truth` that some unit has within `toleranceSec` (0.5 ms), for the unit with the most.
std::size_t bestMatched(const SortResult& s, const std::vector<double>& truth, double toleranceSec = 0.0005) {
    std::size_t best = 0;
    for (const auto& u : s.units) best = std::max(best, matched(truth, u.firingTimesSec, toleranceSec));
    return best;
}
}  // namespace

TEST_CASE("a unit whose potential takes one of two shapes is one unit: its parts' trains never come close") {
    for (unsigned seed : {3u, 17u, 29u}) {
        INFO("seed " << seed);
        std::mt19937 rng(seed);
        std::vector<double> x(static_cast<std::size_t>(kSeconds * kFs), 0.0);
        const auto unit = train(0.1, 0.05, rng);   // 10 Hz, interval CV 0.1
        std::bernoulli_distribution shapeB(0.5);
        for (double t : unit) place(x, kFs, shapeB(rng) ? kShapeB : kShapeA, t);
        const auto other = train(0.077, 0.02, rng);   // 13 Hz
        for (double t : other) place(x, kFs, kOther, t);
        addNoise(x, 10.0, seed + 100);

        SortOptions apart;
        apart.mergeComplementaryTrains = false;
        const auto split = sortMotorUnits(x, kFs, apart);
        // the test means something only when the sorter splits the unit without the merge
        REQUIRE(static_cast<double>(bestMatched(split, unit)) < 0.75 * static_cast<double>(unit.size()));

        const auto s = sortMotorUnits(x, kFs);
        CHECK(s.mergedUnits >= 1);
        CHECK(s.units.size() == 2);
        // the unit whole: at least 90 % of its firings in one sorted unit (within 0.5 ms)
        CHECK(static_cast<double>(bestMatched(s, unit)) >= 0.90 * static_cast<double>(unit.size()));
        CHECK(static_cast<double>(bestMatched(s, other)) >= 0.90 * static_cast<double>(other.size()));
        // the merged unit says it was found in parts; the other unit was found whole
        int parts = 0;
        for (const auto& u : s.units) parts += u.sortedParts;
        CHECK(parts == 2 + static_cast<int>(s.mergedUnits));
        // and its rate is the unit's, not half of it
        for (const auto& u : s.units)
            if (u.firingTimesSec.size() > unit.size() / 2 && std::abs(u.meanRateHz - 13.0) > 2.0) CHECK(u.meanRateHz == Approx(10.0).margin(1.0));
    }
}

TEST_CASE("two independent units of those two shapes stay two units: their trains interleave") {
    for (unsigned seed : {3u, 17u, 29u}) {
        INFO("seed " << seed);
        std::mt19937 rng(seed);
        std::vector<double> x(static_cast<std::size_t>(kSeconds * kFs), 0.0);
        const auto a = train(0.1, 0.05, rng);     // 10 Hz
        const auto b = train(0.091, 0.03, rng);   // 11 Hz, its own phase
        for (double t : a) place(x, kFs, kShapeA, t);
        for (double t : b) place(x, kFs, kShapeB, t);
        addNoise(x, 10.0, seed + 100);
        const auto s = sortMotorUnits(x, kFs);
        CHECK(s.mergedUnits == 0);
        for (const auto& u : s.units) CHECK(u.sortedParts == 1);
        CHECK(s.units.size() == 2);
        // each unit keeps its own firings (overlaps within a few ms may be lost: 80 %)
        CHECK(static_cast<double>(bestMatched(s, a)) >= 0.80 * static_cast<double>(a.size()));
        CHECK(static_cast<double>(bestMatched(s, b)) >= 0.80 * static_cast<double>(b.size()));
    }
}

namespace {
/// A potential whose main spike has two peaks of one size, 1.2 ms apart (negative, then positive):
/// the noise decides, firing by firing, which one is the largest and aligns the potential on it.
const std::vector<Bump> kTwoPeaks = {{-1.8, 0.6, 120.0}, {0.0, 0.28, -800.0}, {1.2, 0.28, 800.0}, {3.0, 0.8, -100.0}};

/// Two independent units of the two-peak shape (the second at 0.9 of its size, its own phase):
/// a at 10 Hz, b at 1 / bIntervalSec, in 15 uV noise.
std::vector<double> twoUnitsOfOneShape(unsigned seed, double bIntervalSec, std::vector<double>& a, std::vector<double>& b) {
    std::mt19937 rng(seed);
    std::vector<double> x(static_cast<std::size_t>(kSeconds * kFs), 0.0);
    a = train(0.1, 0.05, rng);
    b = train(bIntervalSec, 0.03, rng);
    for (double t : a) place(x, kFs, kTwoPeaks, t);
    for (double t : b) place(x, kFs, kTwoPeaks, t, 0.9);
    addNoise(x, 15.0, seed + 100);
    return x;
}
}  // namespace

TEST_CASE("a unit aligned on either peak of its main spike is one unit: its parts a phase apart merge, at one rate") {
    for (unsigned seed : {5u, 11u, 23u}) {
        INFO("seed " << seed);
        std::mt19937 rng(seed);
        std::vector<double> x(static_cast<std::size_t>(kSeconds * kFs), 0.0);
        const auto unit = train(0.1, 0.05, rng);   // 10 Hz
        for (double t : unit) place(x, kFs, kTwoPeaks, t);
        const auto other = train(0.077, 0.02, rng);   // 13 Hz, another shape
        for (double t : other) place(x, kFs, kOther, t);
        addNoise(x, 15.0, seed + 100);

        SortOptions alignedOnly;
        alignedOnly.mergeMaxLagMs = 0.0;   // parts compared at the alignment lag only, as before
        const auto split = sortMotorUnits(x, kFs, alignedOnly);
        // the scene means something only when the unit is split a phase apart without the wider lag
        REQUIRE(split.units.size() >= 3);

        const auto s = sortMotorUnits(x, kFs);
        CHECK(s.units.size() == 2);
        CHECK(s.mergedUnits > split.mergedUnits);
        // the unit whole within 1.5 ms (its firings are placed on either peak): 90 % of them in one unit
        CHECK(static_cast<double>(bestMatched(s, unit, 0.0015)) >= 0.90 * static_cast<double>(unit.size()));
    }
}

TEST_CASE("two independent units of one two-peak shape are not merged into one train: each part holds one unit's firings") {
    // the same shape at 10 and 15 Hz, each split a phase apart like the unit above: the parts of each
    // unit merge (one rate, trains that never come close), the parts of different units do not
    for (unsigned seed : {5u, 11u, 23u}) {
        INFO("seed " << seed);
        std::vector<double> a, b;
        const auto x = twoUnitsOfOneShape(seed, 0.066, a, b);   // 10 and 15 Hz
        const auto s = sortMotorUnits(x, kFs);
        for (const auto& u : s.units) {
            const auto ma = matched(u.firingTimesSec, a, 0.0015), mb = matched(u.firingTimesSec, b, 0.0015);
            INFO("unit of " << u.firingTimesSec.size() << " firings at " << u.meanRateHz << " Hz: " << ma << " of a, " << mb << " of b");
            // one unit's firings, not both (overlaps may put a few of the other's in: 10 %)
            CHECK(static_cast<double>(std::min(ma, mb)) <= 0.10 * static_cast<double>(u.firingTimesSec.size()));
            CHECK((std::abs(u.meanRateHz - 10.0) < 1.0 || std::abs(u.meanRateHz - 15.0) < 1.5));
        }
    }
}

TEST_CASE("two units alike a phase apart whose trains never meet stay two when they fire at different rates") {
    // a (negative peak the larger) at 8 Hz; b (positive peak the larger, so aligned 1.2 ms later) fires
    // a third and two thirds of the way between a's firings: the trains never come within half an
    // interval, as one unit's parts would not, but b's rate is twice a's
    const std::vector<Bump> shapeA = {{-1.8, 0.6, 120.0}, {0.0, 0.28, -880.0}, {1.2, 0.28, 720.0}, {3.0, 0.8, -100.0}};
    const std::vector<Bump> shapeB = {{-1.8, 0.6, 120.0}, {0.0, 0.28, -720.0}, {1.2, 0.28, 880.0}, {3.0, 0.8, -100.0}};
    std::vector<double> x(static_cast<std::size_t>(kSeconds * kFs), 0.0);
    std::vector<double> a, b;
    for (double t = 0.05; t < kSeconds - 0.1; t += 0.125) {
        a.push_back(t);
        b.push_back(t + 0.125 / 3.0);
        b.push_back(t + 0.25 / 3.0);
    }
    for (double t : a) place(x, kFs, shapeA, t);
    for (double t : b) place(x, kFs, shapeB, t);
    addNoise(x, 15.0, 7);
    SortOptions noRateCheck;
    noRateCheck.mergeMaxRateDifference = 1e9;
    // the scene means something only when shape and trains alone would merge the two
    const auto merged = sortMotorUnits(x, kFs, noRateCheck);
    REQUIRE(merged.units.size() == 1);
    const auto s = sortMotorUnits(x, kFs);
    REQUIRE(s.units.size() == 2);
    for (const auto& u : s.units) {
        const auto ma = matched(u.firingTimesSec, a, 0.0015), mb = matched(u.firingTimesSec, b, 0.0015);
        INFO("unit of " << u.firingTimesSec.size() << " firings: " << ma << " of a, " << mb << " of b");
        CHECK(std::min(ma, mb) == 0);
        CHECK(std::max(ma, mb) >= 9 * (ma == 0 ? b.size() : a.size()) / 10);
    }
}

TEST_CASE("a unit aligned on either peak whose train holds a few doublets is still one unit: a few coincidences do not keep its parts apart") {
    // the two-peak unit at 10 Hz with 4 doublets (a second discharge 10-15 ms after a firing, as
    // units show at the onset of a contraction): a doublet's two firings can fall in different
    // parts, so the parts' trains come within half an interval a few times where independent
    // trains would have about once per firing
    int scenes = 0;
    for (unsigned seed : {5u, 11u, 23u, 31u}) {
        INFO("seed " << seed);
        std::mt19937 rng(seed);
        std::vector<double> x(static_cast<std::size_t>(kSeconds * kFs), 0.0);
        auto unit = train(0.1, 0.05, rng);   // 10 Hz
        std::uniform_real_distribution<double> gap(0.010, 0.015);
        const std::size_t doubletsAt[] = {12, 29, 45, 61};
        std::vector<double> withDoublets = unit;
        for (auto i : doubletsAt) withDoublets.push_back(unit[i] + gap(rng));
        std::sort(withDoublets.begin(), withDoublets.end());
        for (double t : withDoublets) place(x, kFs, kTwoPeaks, t);
        const auto other = train(0.077, 0.02, rng);   // 13 Hz, another shape
        for (double t : other) place(x, kFs, kOther, t);
        addNoise(x, 15.0, seed + 100);

        SortOptions strict;
        strict.mergeToleratesCoincidences = false;   // any coincidence keeps parts apart, as before
        const auto split = sortMotorUnits(x, kFs, strict);
        // a scene counts only when the strict rule leaves the unit in parts
        if (split.units.size() < 3) continue;
        ++scenes;
        const auto s = sortMotorUnits(x, kFs);
        CHECK(s.units.size() == 2);
        CHECK(s.mergedUnits > split.mergedUnits);
        // the unit whole within 1.5 ms: 90 % of its firings (doublets included) in one unit, at 10 Hz
        CHECK(static_cast<double>(bestMatched(s, withDoublets, 0.0015)) >= 0.90 * static_cast<double>(withDoublets.size()));
        for (const auto& u : s.units)
            if (matched(u.firingTimesSec, unit, 0.0015) > unit.size() / 2) CHECK(u.meanRateHz == Approx(10.0).margin(1.0));
    }
    // the case is about the doublets: at least two of the scenes split the unit under the strict rule
    CHECK(scenes >= 2);
}

TEST_CASE("two independent units of one two-peak shape at about one rate are not merged into one train") {
    // the same shape at 10 and 10.5 Hz with their own phases: one rate, one shape, but their trains
    // come within half an interval about once per firing, as independent trains do. What is checked
    // is the merge: a unit made of parts holds one unit's firings. (Of one shape at one rate, the
    // clustering itself may gather both units' potentials in one template before any merge: that
    // is the clustering's limit, not the train's test, and not checked here.)
    std::size_t mergedUnits = 0;
    for (unsigned seed : {5u, 11u, 23u, 31u, 47u}) {
        INFO("seed " << seed);
        std::vector<double> a, b;
        const auto x = twoUnitsOfOneShape(seed, 1.0 / 10.5, a, b);
        const auto s = sortMotorUnits(x, kFs);
        for (const auto& u : s.units) {
            if (u.sortedParts < 2) continue;
            ++mergedUnits;
            const auto ma = matched(u.firingTimesSec, a, 0.0015), mb = matched(u.firingTimesSec, b, 0.0015);
            INFO("unit of " << u.sortedParts << " parts, " << u.firingTimesSec.size() << " firings at " << u.meanRateHz << " Hz: " << ma << " of a, " << mb << " of b");
            // one unit's firings (overlaps may put a few of the other's in: 10 %)
            CHECK(static_cast<double>(std::min(ma, mb)) <= 0.10 * static_cast<double>(u.firingTimesSec.size()));
        }
    }
    // the scenes exercise the merge: each unit's own parts (a phase apart) are merged somewhere
    CHECK(mergedUnits >= 2);
}
