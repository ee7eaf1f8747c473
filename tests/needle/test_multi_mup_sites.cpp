// Multi-MUP means of a whole muscle, on interference built outside our simulator: several needle
// sites of 5 s (one epoch each; Stalberg et al. 1995 take 20 MUPs per muscle from several sites),
// each with near units of Hermite-Rodriguez shape (hermite_interference.h) firing at 8-20 Hz over a
// background of many small far units. Normal deltoid units have long slow initial and terminal
// phases (Buchthal 1955: mean 11 ms at 40 years with manual markers; the reference for automatic
// markers, 0.8 x that, is 8.8 ms +-20 %); myopathic units are brief, small and polyphasic (mean
// duration below the reference's lower limit). Each MUP counts on its own template (consistent
// recurrences, flanks that define its markers): the mean duration is recovered and the myopathic
// muscle reads myopathic by the MUP means; in a record whose baseline is never quiet (> 40 uV at
// every site) no duration is given rather than one the background set.
#include "hermite_interference.h"

#include <emg/needle/muscle_reading.h>
#include <emg/needle/multi_mup.h>
#include <emg/needle/reference_values.h>
#include <emg/needle/signal_tools.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

using namespace emg::needle;

namespace {

constexpr double kFs = 32768.0;
constexpr double kSiteSec = 5.0;

struct Muscle {
    std::vector<double> microvolts;
    std::vector<std::pair<double, double>> sitesSec;
    std::vector<std::vector<double>> peakTimesSec;   // of each near unit, in the whole signal
    std::vector<double> durationMs;                  // of each near unit: the convention on its noise-free shape
    double quietestNoiseUv = 1e9;                    // lowest per-site baseline noise (robustNoiseUv)
};

/// A near unit's shape: normal = sharp spike with slow phases lasting ~8-10 ms by the convention;
/// myopathic = brief spike, short slow phases, and a second spike 0.8-1.4 ms later (polyphasic).
std::vector<double> nearShape(bool myopathic, double amplitudeUv, std::mt19937& rng) {
    std::uniform_real_distribution<double> U(0.0, 1.0);
    hermite::UnitShape s;
    s.peakToPeakUv = amplitudeUv;
    s.sign = U(rng) < 0.8 ? -1.0 : 1.0;
    s.spikeOrder2 = -0.3 + 0.6 * U(rng);
    if (!myopathic) {
        s.spikeLambdaMs = 0.20 + 0.08 * U(rng);
        s.slowLambdaMs = 2.0 + 0.6 * U(rng);
        s.slowWeight = 0.13 + 0.05 * U(rng);
        s.slowShiftMs = -0.5 + 1.0 * U(rng);
        return hermite::sampleShape(s, kFs, hermite::kBeforeMs, hermite::kAfterMs);
    }
    s.spikeLambdaMs = 0.12 + 0.05 * U(rng);
    s.slowLambdaMs = 1.6 + 0.4 * U(rng);
    s.slowWeight = 0.10 + 0.05 * U(rng);
    s.slowShiftMs = 0.0;
    auto w = hermite::sampleShape(s, kFs, hermite::kBeforeMs, hermite::kAfterMs);
    hermite::UnitShape second = s;
    second.slowWeight = 0.0;
    second.peakToPeakUv = (0.3 + 0.2 * U(rng)) * amplitudeUv;
    const auto w2 = hermite::sampleShape(second, kFs, hermite::kBeforeMs, hermite::kAfterMs);
    const auto lag = static_cast<std::size_t>((0.8 + 0.6 * U(rng)) * 1e-3 * kFs);
    for (std::size_t k = lag; k < w.size(); ++k) w[k] += w2[k - lag];
    return w;
}

std::size_t mainPeak(const std::vector<double>& w) {
    std::size_t p = 0;
    for (std::size_t k = 1; k < w.size(); ++k)
        if (std::abs(w[k]) > std::abs(w[p])) p = k;
    return p;
}

/// `sites` sites of 5 s; at each, `amplitudesUv` near units of the kind, over `farUnits` far units of
/// 10-40 uV (blunt, 8-15 Hz) and 10 uV of white noise.
Muscle makeMuscle(bool myopathic, const std::vector<double>& amplitudesUv, int sites, int farUnits, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> U(0.0, 1.0);
    Muscle m;
    const auto perSite = static_cast<std::size_t>(kSiteSec * kFs);
    m.microvolts.assign(perSite * static_cast<std::size_t>(sites), 0.0);
    const double nb = std::round(hermite::kBeforeMs * 1e-3 * kFs);
    for (int site = 0; site < sites; ++site) {
        std::vector<double> x(perSite, 0.0);
        const double t0 = site * kSiteSec;
        for (double a : amplitudesUv) {
            const auto w = nearShape(myopathic, a * (0.85 + 0.3 * U(rng)), rng);
            const std::size_t p = mainPeak(w);
            std::normal_distribution<double> jig(1.0, 0.03);
            std::vector<double> peaks;
            for (double t : hermite::train(8.0 + 12.0 * U(rng), 0.1 + 0.1 * U(rng), kSiteSec, rng)) {
                hermite::place(x, w, kFs, t, jig(rng));
                peaks.push_back(t0 + t + (static_cast<double>(p) - nb) / kFs);
            }
            m.peakTimesSec.push_back(std::move(peaks));
            m.durationMs.push_back(measureMuap(w, p, kFs).durationMs);
        }
        hermite::addFarUnits(x, kFs, farUnits, kSiteSec, rng);
        std::normal_distribution<double> N(0.0, 10.0);
        for (double& v : x) v += N(rng);
        m.quietestNoiseUv = std::min(m.quietestNoiseUv, robustNoiseUv(x, kFs));
        std::copy(x.begin(), x.end(), m.microvolts.begin() + static_cast<std::ptrdiff_t>(perSite * static_cast<std::size_t>(site)));
        m.sitesSec.emplace_back(t0, t0 + kSiteSec);
    }
    return m;
}

/// The near unit whose firings the MUP's are (>= 90 % within 0.5 ms), or -1.
int unitOf(const MultiMup& mup, const Muscle& m) {
    for (std::size_t u = 0; u < m.peakTimesSec.size(); ++u) {
        std::size_t hit = 0;
        for (double t : mup.firingTimesSec) {
            const auto& b = m.peakTimesSec[u];
            const auto it = std::lower_bound(b.begin(), b.end(), t - 0.0005);
            hit += it != b.end() && *it <= t + 0.0005;
        }
        if (hit * 10 >= mup.firingTimesSec.size() * 9) return static_cast<int>(u);
    }
    return -1;
}

MuscleReading readByMups(const MultiMupResult& mm) {
    MuscleSummary units;   // too few sorted units, no interference epochs: the MUPs alone can decide
    units.unitCount = 2;
    units.reference = muapReference("deltoid", 40.0);
    SortResult sort;
    sort.noiseUv = 60.0;
    InterferenceResult ip;
    ip.cloud = interferenceCloud("deltoid");
    return readMuscle(units, sort, RecruitmentResult{}, ip, SpontaneousResult{}, mm, 0.0, 5.0 * static_cast<double>(mm.epochs));
}

const ReadingEvidence& evidence(const MuscleReading& r, const std::string& source) {
    const auto it = std::find_if(r.evidence.begin(), r.evidence.end(), [&](const auto& e) { return e.source == source; });
    REQUIRE(it != r.evidence.end());
    return *it;
}

struct Recovered {
    std::size_t measured = 0;   // MUPs of one unit's firings with a measured duration
    std::size_t off = 0;        // ... of them more than 2 ms from the truth
    std::size_t impure = 0;     // MUPs whose firings are not >= 90 % one unit's
    double meanMs = 0.0;        // of the measured MUPs
    double truthMeanMs = 0.0;   // of the same MUPs' units, noise-free
};

Recovered check(const MultiMupResult& r, const Muscle& m) {
    Recovered out;
    for (const auto& mup : r.mups) {
        const int u = unitOf(mup, m);
        if (u < 0) ++out.impure;
        if (u < 0 || !mup.durationMeasurable) continue;
        const double truth = m.durationMs[static_cast<std::size_t>(u)];
        ++out.measured;
        out.meanMs += mup.params.durationMs;
        out.truthMeanMs += truth;
        out.off += std::abs(mup.params.durationMs - truth) > 2.0;
    }
    if (out.measured > 0) {
        out.meanMs /= static_cast<double>(out.measured);
        out.truthMeanMs /= static_cast<double>(out.measured);
    }
    return out;
}

double meanOf(const std::vector<double>& v) {
    double s = 0.0;
    for (double d : v) s += d;
    return v.empty() ? 0.0 : s / static_cast<double>(v.size());
}

}  // namespace

TEST_CASE("multi-MUP means of a muscle from 8 sites of interference: mean duration recovered, myopathy read by the MUP means") {
    const double expected = muapReference("deltoid", 40.0).meanDurationMs;   // 8.8 ms, +-20 %
    SECTION("normal deltoid: 8 sites of 5 units over 100 far units, mean duration within the reference") {
        const auto m = makeMuscle(false, {1200, 950, 750, 600, 480}, 8, 100, 41);
        const double truthAll = meanOf(m.durationMs);
        CHECK(truthAll == Approx(expected).margin(0.2 * expected));   // a normal set by the reference
        const auto r = extractMultiMups(m.microvolts, kFs, m.sitesSec);
        CHECK(r.epochs == 8);
        const auto got = check(r, m);
        INFO("quietest site noise " << m.quietestNoiseUv << " uV; measured " << got.measured << " of " << r.mups.size() << " ("
                                    << got.off << " off by > 2 ms, " << got.impure << " impure), mean " << got.meanMs << " ms, truth "
                                    << got.truthMeanMs << " ms, all units " << truthAll << " ms, engine mean " << r.meanDurationMs);
        CHECK(got.impure * 5 <= r.mups.size());                        // >= 80 % of the MUPs are one unit's firings
        CHECK(r.measuredDurations >= 20);                              // Stalberg 1995: 20 MUPs per muscle
        CHECK(got.off * 10 <= got.measured);                           // >= 90 % of the durations within 2 ms
        CHECK(std::abs(got.meanMs - got.truthMeanMs) <= 1.0);          // the mean of the measured MUPs within 1 ms
        CHECK(std::abs(r.meanDurationMs - truthAll) <= 0.15 * truthAll);   // and of all the muscle's units within 15 %
        const auto reading = readByMups(r);
        CHECK(evidence(reading, "multi-MUP").counted);
        CHECK(evidence(reading, "multi-MUP").suggests == PatternReading::Normal);
        CHECK(reading.pattern == PatternReading::Normal);
    }
    SECTION("myopathic deltoid: brief, small, polyphasic units at 8 sites read myopathic by the MUP means") {
        const auto m = makeMuscle(true, {700, 600, 500, 420, 350, 300}, 8, 100, 43);
        const double truthAll = meanOf(m.durationMs);
        CHECK(truthAll < 0.8 * expected);   // short by the reference's own limit (7.04 ms)
        CHECK(truthAll > 3.0);              // brief, not spikes alone
        const auto r = extractMultiMups(m.microvolts, kFs, m.sitesSec);
        const auto got = check(r, m);
        INFO("quietest site noise " << m.quietestNoiseUv << " uV; measured " << got.measured << " of " << r.mups.size() << " ("
                                    << got.off << " off by > 2 ms, " << got.impure << " impure), mean " << got.meanMs << " ms, truth "
                                    << got.truthMeanMs << " ms, all units " << truthAll << " ms, engine mean " << r.meanDurationMs);
        CHECK(got.impure * 5 <= r.mups.size());
        CHECK(r.measuredDurations >= 20);
        CHECK(got.off * 10 <= got.measured);
        CHECK(std::abs(got.meanMs - got.truthMeanMs) <= 1.0);
        CHECK(r.meanDurationMs < 0.8 * expected);
        const auto reading = readByMups(r);
        CHECK(evidence(reading, "multi-MUP").counted);
        CHECK(evidence(reading, "multi-MUP").suggests == PatternReading::Myopathic);
        CHECK(reading.pattern == PatternReading::Myopathic);
    }
}

TEST_CASE("multi-MUP in a never-quiet record: durations the background would set are not given, none is wrong") {
    // 8 sites whose baseline never falls to a quiet needle's (800 far units): few templates keep
    // their own flanks quiet enough; those measured are right, the rest are reported, not guessed
    const auto m = makeMuscle(false, {1200, 950, 750, 600, 480}, 8, 800, 47);
    const auto r = extractMultiMups(m.microvolts, kFs, m.sitesSec);
    const auto got = check(r, m);
    INFO("quietest site noise " << m.quietestNoiseUv << " uV; measured " << got.measured << " of " << r.mups.size() << " (" << got.off
                                << " off by > 2 ms), mean " << got.meanMs << " ms, truth " << got.truthMeanMs << " ms");
    CHECK(m.quietestNoiseUv > 40.0);   // above the quiet baseline the sorted units need
    CHECK(r.mups.size() >= 20);        // MUPs are still extracted ...
    CHECK(got.off * 10 <= got.measured);   // ... and no more durations are wrong than in a quieter record
    std::size_t background = r.notMeasurable.count("background") ? r.notMeasurable.at("background") : 0;
    CHECK(background + r.measuredDurations <= r.mups.size());
    CHECK(r.measuredDurations < 20);   // too few durations for the mean: the multi-MUP evidence says so
    const auto reading = readByMups(r);
    CHECK_FALSE(evidence(reading, "multi-MUP").counted);
}
