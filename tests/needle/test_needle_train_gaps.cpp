// Firings hidden in superimpositions are found where a unit's regular train predicts them
// (muap_sorter: fillTrainGaps). Six units of distinct shapes (sums of Gaussian bumps, no
// simulator) fire at 7-13 Hz with interval CV 0.10-0.15 in white noise, so that about a third of
// each unit's firings fall within a few ms of another unit's; the truth is every firing's time.
// The second case draws the scene under conditions the prediction was not developed on (10 kHz,
// twice the interval CV, +-15 % amplitude from firing to firing, 20 uV noise).
#include "synth.h"

#include <emg/needle/muap_sorter.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

using namespace emg::needle;
using namespace needle_test;

namespace {

constexpr double kSeconds = 10.0;

struct TrueUnit {
    std::vector<Bump> shape;
    double rateHz;
    double cv;
    std::vector<double> times;
};

/// How the scene is drawn: the development conditions by default.
struct SceneOptions {
    double fs = 20000.0;
    double cvScale = 1.0;           ///< each unit's interval CV times this
    double amplitudeJitter = 0.0;   ///< each firing's potential scaled by 1 +- up to this (uniform)
    double noiseUv = 12.0;
    bool dense = false;             ///< three more units and every potential 1.5 x as long (a monopolar needle's)
};

std::vector<TrueUnit> scene(unsigned seed, std::vector<double>& x, const SceneOptions& so = {}) {
    std::vector<TrueUnit> u = {
        {muap(900.0), 9.0, 0.10, {}},
        {{{-0.9, 0.35, 300.0}, {0.0, 0.22, -650.0}, {0.7, 0.3, 420.0}}, 11.0, 0.12, {}},
        {muap(600.0, 1.4), 8.0, 0.10, {}},
        {{{-0.5, 0.3, -250.0}, {0.3, 0.25, 520.0}, {1.4, 0.5, -260.0}, {3.0, 0.9, 90.0}}, 12.5, 0.15, {}},
        {{{0.0, 0.3, -420.0}, {0.9, 0.35, 380.0}, {2.0, 0.4, -200.0}}, 10.0, 0.12, {}},
        {muap(1300.0, 0.8), 7.0, 0.10, {}},
    };
    if (so.dense) {
        u.push_back({muap(700.0, 1.2), 9.5, 0.12, {}});
        u.push_back({{{-0.4, 0.3, 380.0}, {0.5, 0.3, -560.0}, {1.8, 0.6, 240.0}}, 10.5, 0.12, {}});
        u.push_back({{{0.0, 0.35, -500.0}, {0.8, 0.3, 450.0}, {1.7, 0.35, -300.0}, {2.6, 0.4, 200.0}}, 8.5, 0.10, {}});
        for (auto& t : u)
            for (auto& b : t.shape) {
                b.tMs *= 1.5;
                b.widthMs *= 1.5;
            }
    }
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> jitter(1.0 - so.amplitudeJitter, 1.0 + so.amplitudeJitter);
    x.assign(static_cast<std::size_t>(kSeconds * so.fs), 0.0);
    for (auto& t : u) {
        t.cv *= so.cvScale;
        std::normal_distribution<double> interval(1.0 / t.rateHz, t.cv / t.rateHz);
        std::uniform_real_distribution<double> phase(0.02, 1.0 / t.rateHz);
        for (double v = phase(rng); v < kSeconds - 0.05; v += std::max(0.03, interval(rng))) t.times.push_back(v);
        for (double v : t.times) place(x, so.fs, t.shape, v, so.amplitudeJitter > 0.0 ? jitter(rng) : 1.0);
    }
    addNoise(x, so.noiseUv, seed + 1000);
    return u;
}

struct Score {
    std::size_t truth = 0, found = 0, matched = 0;
};

/// The sorted unit with the most firings within 0.5 ms of the true unit's (after the unit's own
/// median lag, as the expert comparison does).
Score scoreOf(const SortResult& s, const std::vector<double>& truth) {
    Score best{truth.size(), 0, 0};
    for (const auto& u : s.units) {
        std::vector<double> lags;
        for (double t : truth)
            for (double d : u.firingTimesSec)
                if (std::abs(d - t) <= 0.002) lags.push_back(d - t);
        if (lags.empty()) continue;
        std::nth_element(lags.begin(), lags.begin() + static_cast<std::ptrdiff_t>(lags.size() / 2), lags.end());
        const double lag = lags[lags.size() / 2];
        std::size_t m = 0;
        for (double t : truth)
            for (double d : u.firingTimesSec)
                if (std::abs(d - t - lag) <= 0.0005) { ++m; break; }
        if (m > best.matched) best = {truth.size(), u.firingTimesSec.size(), m};
    }
    return best;
}

/// The scene sorted with and without the train prediction: what the prediction adds must be true
/// firings, and no unit may lose one.
void checkPrediction(unsigned seed, const SceneOptions& so, double minGainOfAll) {
    INFO("seed " << seed << ", " << so.fs << " Hz, CV x" << so.cvScale << ", amplitude jitter " << so.amplitudeJitter << ", noise " << so.noiseUv
                 << " uV");
    std::vector<double> x;
    const auto truth = scene(seed, x, so);
    SortOptions off;
    off.fillTrainGaps = false;
    const auto before = sortMotorUnits(x, so.fs, off);
    const auto after = sortMotorUnits(x, so.fs);
    std::size_t mBefore = 0, mAfter = 0, fBefore = 0, fAfter = 0, n = 0;
    for (const auto& t : truth) {
        const auto b = scoreOf(before, t.times), a = scoreOf(after, t.times);
        mBefore += b.matched;
        mAfter += a.matched;
        fBefore += b.found;
        fAfter += a.found;
        n += t.times.size();
        INFO("unit " << t.rateHz << " Hz: " << t.times.size() << " firings; before " << b.matched << "/" << b.found << ", after " << a.matched << "/"
                      << a.found);
        // no unit loses firings it had
        CHECK(a.matched >= b.matched);
    }
    INFO("all: " << n << " firings; before matched " << mBefore << " of " << fBefore << ", after " << mAfter << " of " << fAfter
                 << "; gap-filled " << after.gapFilledFirings);
    REQUIRE(after.gapFilledFirings > 0);
    REQUIRE(fAfter > fBefore);
    // the firings added are true ones: at least 90 % within 0.5 ms of a true firing of the unit
    // (a decomposition's own positive predictive value is expected at 0.9 or better)
    CHECK(static_cast<double>(mAfter - mBefore) >= 0.90 * static_cast<double>(fAfter - fBefore));
    // and they matter: this share of all firings more found (each unit here loses 10-25 % of its
    // firings to superimpositions; the train predicts every one of them)
    CHECK(static_cast<double>(mAfter - mBefore) >= minGainOfAll * static_cast<double>(n));
    // the decomposition as a whole stays as precise
    CHECK(static_cast<double>(mAfter) >= 0.97 * static_cast<double>(fAfter));
}
}  // namespace

TEST_CASE("a regular train's missed firings are found where it predicts them, without false ones") {
    // the conditions the prediction was developed on
    for (unsigned seed : {5u, 11u, 23u}) checkPrediction(seed, {}, 0.03);
}

TEST_CASE("the train prediction under conditions it was not developed on: 10 kHz, twice the interval CV, +-15 % amplitude, 20 uV noise") {
    SceneOptions so;
    so.fs = 10000.0;
    so.cvScale = 2.0;   // CV 0.20-0.30: at the gate
    so.amplitudeJitter = 0.15;
    so.noiseUv = 20.0;
    // fewer trains qualify and the windows are wider: the gain may be smaller, the precision may not
    for (unsigned seed : {31u, 37u, 41u}) checkPrediction(seed, so, 0.0);
}

TEST_CASE("the train prediction in a dense scene of look-alike potentials: nine units as long as a monopolar needle's, 10 kHz") {
    // Nine units at 7-13 Hz whose potentials last about 15 ms: most firings lie within a few ms of
    // another's, runs of several firings in a row are hidden, and four units share one triphasic
    // shape at other sizes, so a superimposition often resembles the wrong unit. Not a scene the
    // prediction was developed on (it was checked here afterwards).
    SceneOptions so;
    so.fs = 10000.0;
    so.dense = true;
    so.noiseUv = 15.0;
    so.amplitudeJitter = 0.1;
    std::size_t walkMatched = 0, walkFound = 0;
    for (unsigned seed : {51u, 53u, 59u}) {
        INFO("seed " << seed);
        std::vector<double> x;
        const auto truth = scene(seed, x, so);
        SortOptions off, noWalk;
        off.fillTrainGaps = false;
        noWalk.gapFillWalkLongGaps = false;
        const auto before = sortMotorUnits(x, so.fs, off);
        const auto short_ = sortMotorUnits(x, so.fs, noWalk);
        const auto after = sortMotorUnits(x, so.fs);
        std::size_t mB = 0, fB = 0, mS = 0, fS = 0, mA = 0, fA = 0;
        for (const auto& t : truth) {
            const auto b = scoreOf(before, t.times), sh = scoreOf(short_, t.times), a = scoreOf(after, t.times);
            mB += b.matched;
            fB += b.found;
            mS += sh.matched;
            fS += sh.found;
            mA += a.matched;
            fA += a.found;
        }
        INFO("true firings matched / firings of the matching units: without the prediction " << mB << " / " << fB << ", without the walk " << mS
                                                                                               << " / " << fS << ", with both " << mA << " / " << fA);
        // the prediction finds firings the peel-off missed ...
        REQUIRE(mA > mB);
        // ... at three true for every false one or better (a decomposition's precision of 0.9 is the
        // usual bar; what is added in such a scene may fall below it, not below 0.75)
        CHECK(static_cast<double>(mA - mB) >= 0.75 * static_cast<double>(fA - fB));
        // and the decomposition as a whole loses at most 2 points of precision
        CHECK(static_cast<double>(mA) / static_cast<double>(fA) >= static_cast<double>(mB) / static_cast<double>(fB) - 0.02);
        walkMatched += mA - std::min(mA, mS);
        walkFound += fA - std::min(fA, fS);
    }
    // the walk into long gaps adds firings, three true for every false one or better
    INFO("the walk added " << walkFound << " firings, " << walkMatched << " true");
    CHECK(walkFound > 0);
    CHECK(static_cast<double>(walkMatched) >= 0.75 * static_cast<double>(walkFound));
}

TEST_CASE("a train that holds two look-alike units' firings predicts none") {
    // Two units of one shape and size fire independently at 12 and 24 Hz (interval CV 0.08): no
    // template can tell them apart, so one sorted train holds both. At the faster unit's interval it
    // reads as a regular train with gaps (robust CV under 0.3), but a quarter of its intervals are
    // shorter than 20 ms, which one unit's steady discharge seldom shows (doublets are a few % of
    // discharges). Its "gaps" are no missed firings: nothing may be predicted in them.
    const double fs = 20000.0;
    for (unsigned seed : {61u, 67u}) {
        INFO("seed " << seed);
        std::vector<double> x(static_cast<std::size_t>(kSeconds * fs), 0.0);
        std::mt19937 rng(seed);
        for (double rate : {12.0, 24.0}) {
            std::normal_distribution<double> interval(1.0 / rate, 0.08 / rate);
            for (double v = 0.03 + 0.01 * rate; v < kSeconds - 0.05; v += std::max(0.03, interval(rng))) place(x, fs, muap(700.0), v);
        }
        addNoise(x, 12.0, seed + 1000);
        SortOptions noGate;
        noGate.maxTrainShortIsiFraction = 1.0;
        const auto gated = sortMotorUnits(x, fs);
        const auto ungated = sortMotorUnits(x, fs, noGate);
        // the merged train: the sorted unit holding the most firings of 700 uV
        const auto mergedOf = [](const SortResult& s) {
            const MotorUnit* m = nullptr;
            for (const auto& u : s.units)
                if (std::abs(u.params.amplitudeUv - 700.0) < 150.0 && (!m || u.firingTimesSec.size() > m->firingTimesSec.size())) m = &u;
            return m;
        };
        const auto* g = mergedOf(gated);
        const auto* u = mergedOf(ungated);
        REQUIRE(g != nullptr);
        REQUIRE(u != nullptr);
        std::size_t shortIntervals = 0;
        for (std::size_t i = 1; i < g->firingTimesSec.size(); ++i) shortIntervals += g->firingTimesSec[i] - g->firingTimesSec[i - 1] < 0.020;
        INFO("merged train: " << g->firingTimesSec.size() << " firings, " << shortIntervals << " intervals under 20 ms; predicted with the gate "
                              << g->predictedFirings() << ", without " << u->predictedFirings());
        CHECK(static_cast<double>(shortIntervals) > 0.10 * static_cast<double>(g->firingTimesSec.size() - 1));
        CHECK(g->predictedFirings() == 0);
        CHECK(u->predictedFirings() > 0);   // without the gate, the train would have predicted
        // listed as several units' train: neither its rate nor its template counts
        CHECK(g->shortIntervalPercent > 10.0);
        CHECK(g->severalUnitsTrain);
        CHECK_FALSE(g->shapeMeasured);
    }
}
