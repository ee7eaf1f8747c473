// Multi-MUP extraction on synthetic interference built outside our simulator (Hermite-Rodriguez
// MUAP shapes, renewal firing trains, far-unit background and white noise: hermite_interference.h),
// checked against the truth: units found, purity of each accepted MUP (no superposition or mixture
// of units), main spike amplitude within 15 %, duration within 1.5 ms of the truth measured by the
// same convention on the noise-free shape; durations the background would set are reported as not
// measurable instead.
#include "hermite_interference.h"

#include <emg/needle/multi_mup.h>
#include <emg/needle/muap_measures.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

using namespace emg::needle;

namespace {

constexpr double kFs = 32768.0;

struct Truth {
    std::vector<double> peakTimesSec;   // main peak of each discharge
    double amplitudeUv = 0.0;
    double durationMs = 0.0;
};

std::vector<Truth> truthOf(const hermite::Interference& sig, double fs) {
    std::vector<Truth> t;
    const auto nb = static_cast<double>(std::lround(hermite::kBeforeMs * 1e-3 * fs));
    for (const auto& u : sig.units) {
        Truth tr;
        const double offsetSec = (static_cast<double>(u.mainPeakOffset) - nb) / fs;
        for (double s : u.spikeTimesSec) tr.peakTimesSec.push_back(s + offsetSec);
        tr.amplitudeUv = u.shape.peakToPeakUv;
        tr.durationMs = measureMuap(u.waveform, u.mainPeakOffset, fs).durationMs;   // same convention, no noise
        t.push_back(std::move(tr));
    }
    return t;
}

std::size_t coincidences(const std::vector<double>& a, const std::vector<double>& b, double tolSec) {
    std::size_t n = 0;
    for (double t : a) {
        const auto it = std::lower_bound(b.begin(), b.end(), t - tolSec);
        if (it != b.end() && *it <= t + tolSec) ++n;
    }
    return n;
}

/// The true unit most of the MUP's firings belong to, and the share that do.
std::pair<std::size_t, double> bestUnit(const MultiMup& m, const std::vector<Truth>& truth) {
    std::size_t best = 0, bestN = 0;
    for (std::size_t u = 0; u < truth.size(); ++u) {
        const auto n = coincidences(m.firingTimesSec, truth[u].peakTimesSec, 0.0005);
        if (n > bestN) { bestN = n; best = u; }
    }
    return {best, static_cast<double>(bestN) / static_cast<double>(m.firingTimesSec.size())};
}

}  // namespace

TEST_CASE("multi-MUP: units of moderate interference found pure, with amplitudes and durations of the truth") {
    // 6 near units (250-1200 µV), 80 far units of 10-40 µV, 8 µV noise: slight effort, 2 epochs of 5 s
    const std::vector<double> amps{1200, 850, 650, 480, 350, 250};
    const auto sig = hermite::make(amps, kFs, 10.0, 11, 80, 8.0);
    const auto truth = truthOf(sig, kFs);
    for (const auto& t : truth) {   // the convention gives physiological durations on these shapes
        CHECK(t.durationMs > 4.0);
        CHECK(t.durationMs < 16.0);
    }
    const auto r = extractMultiMups(sig.microvolts, kFs, {{0.0, 10.0}});
    CHECK(r.epochs == 2);
    std::set<std::size_t> found;
    std::size_t measured = 0;
    for (const auto& m : r.mups) {
        const auto [u, purity] = bestUnit(m, truth);
        INFO("MUP " << m.id << " unit " << u << " purity " << purity << " amp " << m.mainSpikeAmplitudeUv << " truth "
                    << truth[u].amplitudeUv << " duration " << m.params.durationMs << " truth " << truth[u].durationMs
                    << " residual " << m.residualBackgroundUv << " recurrences " << m.recurrences);
        CHECK(purity >= 0.9);   // not a superposition, not two units
        if (purity < 0.9) continue;
        found.insert(u);
        CHECK(m.mainSpikeAmplitudeUv == Approx(truth[u].amplitudeUv).epsilon(0.15));
        CHECK(m.minIntervalMs >= 20.0);
        if (m.durationMeasurable) {
            ++measured;
            CHECK(std::abs(m.params.durationMs - truth[u].durationMs) <= 1.5);
            CHECK(m.sizeIndex == Approx(2.0 * std::log10(m.params.amplitudeUv / 1000.0) + m.params.thicknessMs));
        }
    }
    CHECK(found.size() >= 5);                  // of 6
    CHECK(r.mups.size() >= 10);                // most units in both epochs
    CHECK(measured * 3 >= r.mups.size());      // at slight effort a third or more of the durations are measurable
    CHECK(r.measuredDurations == measured);
    CHECK(r.meanDurationMs > 4.0);
    CHECK(r.meanDurationMs < 16.0);
}

TEST_CASE("multi-MUP: dense interference of 12 units gives pure MUPs, and no duration the background would set") {
    const std::vector<double> amps{1500, 1200, 1000, 850, 700, 600, 520, 450, 380, 320, 270, 220};
    const auto sig = hermite::make(amps, kFs, 10.0, 23, 200, 10.0, 4.0);
    const auto truth = truthOf(sig, kFs);
    const auto r = extractMultiMups(sig.microvolts, kFs, {{0.0, 5.0}, {5.0, 10.0}});
    std::set<std::size_t> found;
    std::size_t notMeasurable = 0, pure = 0;
    for (const auto& m : r.mups) {
        const auto [u, purity] = bestUnit(m, truth);
        INFO("MUP " << m.id << " unit " << u << " purity " << purity << " duration " << m.params.durationMs << " truth "
                    << truth[u].durationMs << " residual " << m.residualBackgroundUv << " measurable " << m.durationMeasurable);
        // units of one shape family and sizes 10-20 % apart: a MUP may take a few firings of a
        // neighbour, but most of its firings are one unit's
        CHECK(purity >= 0.5);
        if (!m.durationMeasurable) {
            ++notMeasurable;
            CHECK(m.sizeIndex == 0.0);
            CHECK(!m.notMeasurableReason.empty());
        }
        if (purity < 0.9) continue;
        ++pure;
        found.insert(u);
        CHECK(m.mainSpikeAmplitudeUv == Approx(truth[u].amplitudeUv).epsilon(0.15));
        if (m.durationMeasurable) CHECK(std::abs(m.params.durationMs - truth[u].durationMs) <= 1.5);
    }
    CHECK(pure * 10 >= r.mups.size() * 8);   // >= 80 % of the MUPs are one unit's firings (>= 90 % of them)
    CHECK(found.size() >= 8);   // of 12
    std::size_t counted = 0;
    for (const auto& [why, n] : r.notMeasurable) counted += n;
    CHECK(counted == notMeasurable);
}

TEST_CASE("multi-MUP: a unit under heavy background has no duration from few recurrences, and is reported") {
    // one 800 µV unit at 8-20 Hz for 2 s (16-40 recurrences) over the low-frequency background of
    // 800 far units: the template keeps several µV of that background, the level criterion would
    // rise above 20 µV and the background, not the MUP, would set the duration
    const auto sig = hermite::make({800.0}, kFs, 2.0, 5, 800, 10.0);
    const auto truth = truthOf(sig, kFs);
    const auto r = extractMultiMups(sig.microvolts, kFs, {{0.0, 2.0}});
    REQUIRE(r.mups.size() == 1);
    const auto& m = r.mups.front();
    INFO("level " << m.durationLevelUv << " recurrences " << m.recurrences << " duration " << m.params.durationMs << " truth "
                  << truth[0].durationMs);
    CHECK_FALSE(m.durationMeasurable);
    CHECK(m.notMeasurableReason == "background");
    CHECK(r.notMeasurable.at("background") == 1);
    CHECK(r.measuredDurations == 0);
    CHECK(r.meanDurationMs == 0.0);
    CHECK(r.meanAmplitudeUv == Approx(800.0).epsilon(0.15));   // amplitude is still measured
    CHECK_FALSE(r.note.empty());                                 // fewer than 20 MUPs: said
}

TEST_CASE("multi-MUP: two units of one shape firing independently are not taken for one MUP") {
    // the same shape twice, independent trains: the group fires at intervals no unit fires at
    std::mt19937 rng(3);
    hermite::UnitShape s;
    s.peakToPeakUv = 600.0;
    const auto w = hermite::sampleShape(s, kFs, hermite::kBeforeMs, hermite::kAfterMs);
    std::vector<double> x(static_cast<std::size_t>(5.0 * kFs), 0.0);
    for (int u = 0; u < 2; ++u)
        for (double t : hermite::train(14.0, 0.15, 5.0, rng)) hermite::place(x, w, kFs, t, 1.0);
    std::normal_distribution<double> N(0.0, 8.0);
    for (double& v : x) v += N(rng);
    const auto r = extractMultiMups(x, kFs, {{0.0, 5.0}});
    CHECK(r.mups.empty());
    CHECK(r.rejected.count("intervals too short for one unit (several units or a superposition)") == 1);
}

TEST_CASE("multi-MUP: size index by Sonoo and Stalberg, effort pieces and bad input") {
    CHECK(sizeIndex(1000.0, 1.2) == Approx(1.2));
    CHECK(sizeIndex(500.0, 1.0) == Approx(2.0 * std::log10(0.5) + 1.0));
    CHECK(sizeIndex(0.0, 1.0) == 0.0);
    const std::vector<double> quiet(static_cast<std::size_t>(kFs), 0.0);
    CHECK_THROWS_AS(extractMultiMups(quiet, 0.0, {{0.0, 1.0}}), std::invalid_argument);
    CHECK_THROWS_AS(extractMultiMups(quiet, kFs, {{0.0, std::nan("")}}), std::invalid_argument);
    auto broken = quiet;
    broken[100] = std::numeric_limits<double>::infinity();
    CHECK_THROWS_AS(extractMultiMups(broken, kFs, {{0.0, 1.0}}), std::invalid_argument);
    const auto none = extractMultiMups(quiet, kFs, {});
    CHECK(none.epochs == 0);
    CHECK(none.mups.empty());
    CHECK_FALSE(none.note.empty());
    // an 12 s effort piece is cut into 3 epochs of at most 5 s
    const std::vector<double> flat(static_cast<std::size_t>(12.0 * 4000.0), 0.0);
    CHECK(extractMultiMups(flat, 4000.0, {{0.0, 12.0}}).epochs == 3);
}

TEST_CASE("multi-MUP with an unknown gain: levels relative to each MUP's size, the same MUPs and durations at any gain") {
    // the file of the first test case written as counts of an unknown gain: 0.25 uV per count
    // (values x4) and 2 uV per count (values x0.5). Nothing in uV may decide, so the MUPs and their
    // durations must not change with the gain; the durations are those of the convention applied at
    // the MUP's own size (scaledCriteria: 10 uV and 5 uV per 0.1 ms as for a 500 uV MUP) on the
    // noise-free shape, within 1.5 ms
    const std::vector<double> amps{1200, 850, 650, 480, 350, 250};
    const auto sig = hermite::make(amps, kFs, 10.0, 11, 80, 8.0);
    MultiMupOptions o;
    o.relativeLevels = true;
    o.relativeReferenceUv = 500.0;
    std::vector<MultiMupResult> runs;
    for (double countsPerUv : {4.0, 0.5}) {
        auto x = sig.microvolts;
        for (double& v : x) v *= countsPerUv;
        runs.push_back(extractMultiMups(x, kFs, {{0.0, 10.0}}, o));
    }
    REQUIRE(runs[0].mups.size() == runs[1].mups.size());
    CHECK(runs[0].mups.size() >= 8);
    CHECK(runs[0].measuredDurations == runs[1].measuredDurations);
    CHECK(runs[0].measuredDurations * 3 >= runs[0].mups.size());   // slight effort: a third or more measurable, as with a gain
    const double dtMs = 1000.0 / kFs;
    for (std::size_t i = 0; i < runs[0].mups.size(); ++i) {
        const auto& a = runs[0].mups[i];
        const auto& b = runs[1].mups[i];
        CHECK(a.recurrences == b.recurrences);
        CHECK(a.mainSpikeAmplitudeUv == Approx(8.0 * b.mainSpikeAmplitudeUv).epsilon(1e-6));
        CHECK(a.durationMeasurable == b.durationMeasurable);
        CHECK(std::abs(a.params.durationMs - b.params.durationMs) <= dtMs + 1e-9);
        CHECK(a.params.phases == b.params.phases);
    }
    const auto truth = truthOf(sig, kFs);
    std::size_t checked = 0;
    for (const auto& m : runs[1].mups) {   // 0.5 counts per uV
        if (!m.durationMeasurable) continue;
        const auto [u, purity] = bestUnit(m, truth);
        if (purity < 0.9) continue;
        const auto& unit = sig.units[u];
        const auto rel = measureMuap(unit.waveform, unit.mainPeakOffset, kFs, 0.0, scaledCriteria({}, unit.shape.peakToPeakUv / 500.0));
        INFO("unit " << u << " " << unit.shape.peakToPeakUv << " uV: duration " << m.params.durationMs << " truth (relative) "
                     << rel.durationMs << " truth (10 uV) " << truth[u].durationMs);
        CHECK(std::abs(m.params.durationMs - rel.durationMs) <= 1.5);
        ++checked;
    }
    CHECK(checked >= 4);
}

TEST_CASE("scaledCriteria: the duration convention scales with the potential, so a scaled potential keeps its markers") {
    hermite::UnitShape s;
    s.peakToPeakUv = 700.0;
    const auto w = hermite::sampleShape(s, kFs, hermite::kBeforeMs, hermite::kAfterMs);
    const auto peak = static_cast<std::size_t>(std::max_element(w.begin(), w.end(), [](double a, double b) {
                                                   return std::abs(a) < std::abs(b);
                                               }) - w.begin());
    const auto at1 = measureMuap(w, peak, kFs, 0.0, scaledCriteria({}, 1.0));
    auto w3 = w;
    for (double& v : w3) v *= 3.0;
    const auto at3 = measureMuap(w3, peak, kFs, 0.0, scaledCriteria({}, 3.0));
    CHECK(at3.durationMs == Approx(at1.durationMs));
    CHECK(at3.phases == at1.phases);
    CHECK(at3.turns == at1.turns);
    CHECK(at3.amplitudeUv == Approx(3.0 * at1.amplitudeUv));
    const auto c = scaledCriteria({}, 2.0);
    CHECK(c.amplitudeUv == Approx(20.0));      // Stalberg et al. 1986: 10 uV ...
    CHECK(c.slopeUvPer100Us == Approx(10.0));  // ... and 5 uV per 0.1 ms, for a potential twice the size
    CHECK(c.quietMs == Approx(1.0));           // time criteria do not scale
}
