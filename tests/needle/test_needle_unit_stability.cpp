// A unit's stability measured two ways (muap_sorter): its main spike decides whether its firings
// are one unit; its whole duration window whether its shape (duration, phases, area) is its own.
// A record crowded with slow potentials of other units (Poisson, not detected as candidates) fills
// the long window; the main spike still stands out. Signals: Gaussian bumps (synth.h), no simulator.
#include "synth.h"

#include <emg/needle/muap_sorter.h>
#include <emg/needle/muscle_summary.h>
#include <emg/needle/qemg_review.h>
#include <emg/needle/recruitment.h>
#include <emg/needle/reference_values.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <random>

using namespace emg::needle;
using namespace needle_test;

namespace {
constexpr double kFs = 20000.0;
constexpr double kSeconds = 8.0;

struct Record {
    std::vector<double> x;
    std::vector<double> truth;   // the near unit's firing times
};

/// One near unit (1000 uV triphasic, 10 Hz, interval CV 0.1) in 10 uV white noise, plus, when
/// `crowdPerSec` > 0, slow biphasic potentials of other units (lobes 14 ms apart, each a Gaussian
/// of SD 5 ms, `crowdUv` high) at Poisson times (too slow to pass the detector's rise criterion
/// at their own slope, though noise makes many of them candidates), present under most of the
/// unit's 10 ms windows.
Record makeRecord(double crowdPerSec, double crowdUv, unsigned seed) {
    Record r;
    r.x.assign(static_cast<std::size_t>(kSeconds * kFs), 0.0);
    std::mt19937 rng(seed);
    std::normal_distribution<double> interval(0.1, 0.01);
    for (double t = 0.05; t < kSeconds - 0.05; t += interval(rng)) r.truth.push_back(t);
    for (double t : r.truth) place(r.x, kFs, muap(1000.0), t);
    if (crowdPerSec > 0.0) {
        std::exponential_distribution<double> gap(crowdPerSec);
        std::uniform_real_distribution<double> sign(0.0, 1.0);
        for (double t = 0.0; t < kSeconds; t += gap(rng)) {
            const double s = sign(rng) < 0.5 ? -1.0 : 1.0;
            place(r.x, kFs, {{-7.0, 5.0, s * crowdUv}, {7.0, 5.0, -s * crowdUv}}, t);
        }
    }
    addNoise(r.x, 10.0, seed + 1);
    return r;
}

/// The sorted unit with the most firings within `withinSec` of the truth, and that count.
const MotorUnit* nearUnit(const SortResult& s, const std::vector<double>& truth, std::size_t& matched, double withinSec) {
    const MotorUnit* best = nullptr;
    matched = 0;
    for (const auto& u : s.units) {
        std::size_t m = 0;
        for (double t : truth)
            for (double d : u.firingTimesSec)
                if (std::abs(d - t) <= withinSec) { ++m; break; }
        if (m > matched) { matched = m; best = &u; }
    }
    return best;
}
}  // namespace

TEST_CASE("a unit in a quiet record: its main spike and its whole shape are stable") {
    const auto rec = makeRecord(0.0, 0.0, 21);
    const auto s = sortMotorUnits(rec.x, kFs);
    std::size_t matched = 0;
    const auto* u = nearUnit(s, rec.truth, matched, 0.0005);
    REQUIRE(u != nullptr);
    CHECK(static_cast<double>(matched) >= 0.95 * static_cast<double>(rec.truth.size()));
    // identical firings in 10 uV noise: nothing but noise varies, and the noise is removed
    CHECK(u->templateVariancePercent < 10.0);
    CHECK(u->jigglePercent < 10.0);
    CHECK(u->shapeVariabilityPercent < 20.0);
    CHECK(u->shapeMeasured);
}

TEST_CASE("a unit whose long window is crowded by other units' slow potentials: one unit, its shape variability reads the crowd") {
    // 60 biphasic potentials of 200 uV lobes per second: per sample a background variance of
    // rate x integral of s^2 = 60 x 2 x 200^2 x sqrt(pi) x 5 ms = 42500 uV^2 (sd 206 uV)
    const auto rec = makeRecord(60.0, 200.0, 22);
    const double bgSd = std::sqrt(60.0 * 2.0 * 200.0 * 200.0 * std::sqrt(M_PI) * 0.005);
    const auto s = sortMotorUnits(rec.x, kFs);
    std::size_t matched = 0;
    // the template may be aligned on the phase the crowd made the largest (the positive one, 1.3 ms
    // after the spike): a constant lag, as the comparison with an expert allows; a firing counts within 2 ms
    const auto* u = nearUnit(s, rec.truth, matched, 0.002);
    INFO("noise " << s.noiseUv << " uV, " << s.candidates << " candidates, " << s.units.size() << " units");
    REQUIRE(u != nullptr);
    // the background's 206 uV against the unit's own template over its measured duration window
    // (the window the shape variability is measured over)
    const auto peak = static_cast<std::ptrdiff_t>(u->templatePeakIndex);
    const auto on = peak + static_cast<std::ptrdiff_t>(std::lround(u->params.onsetMs * 1e-3 * kFs));
    const auto en = peak + static_cast<std::ptrdiff_t>(std::lround(u->params.endMs * 1e-3 * kFs));
    REQUIRE(on >= 0);
    REQUIRE(en < static_cast<std::ptrdiff_t>(u->templateUv.size()));
    double power = 0.0;
    for (auto k = on; k <= en; ++k) power += u->templateUv[static_cast<std::size_t>(k)] * u->templateUv[static_cast<std::size_t>(k)];
    const double windowRmsUv = std::sqrt(power / static_cast<double>(en - on + 1));
    const double expected = 100.0 * bgSd / windowRmsUv;
    INFO("found " << matched << " of " << rec.truth.size() << ", main spike " << u->templateVariancePercent << " / "
                  << u->jigglePercent << " %, shape " << u->shapeVariabilityPercent << " %, window " << u->params.onsetMs
                  << ".." << u->params.endMs << " ms of rms " << windowRmsUv << " uV: expected about " << expected << " %");
    // a slow potential under the core no longer hides the spike: the match forgives a straight
    // line's level (tryOnSlowLevel); without it the unit kept 17 of its 78 firings here
    CHECK(static_cast<double>(matched) >= 0.9 * static_cast<double>(rec.truth.size()));
    // still one unit: its main spike (template rms ~335 uV over -1..+1.5 ms, median per sample)
    // stays under the 75 % limit
    CHECK(u->templateVariancePercent < 75.0);
    CHECK(u->jigglePercent < 75.0);
    // its whole window carries the background: the shape variability reads it, within the spread
    // of an estimate from the few firings nothing else overlaps (+-40 %)
    CHECK(u->shapeVariabilityPercent > 0.6 * expected);
    CHECK(u->shapeVariabilityPercent < 1.4 * expected);
    CHECK(u->shapeMeasured == (u->shapeVariabilityPercent <= SortOptions{}.maxShapeVariabilityPercent));
    // the slow potentials themselves (Poisson times, no unit) may gather under one template; their
    // windows then hold nothing but each other: never measured, so never in the means
    for (const auto& other : s.units)
        if (&other != u) CHECK_FALSE(other.shapeMeasured);
}

TEST_CASE("units whose shape is not measured count neither in the MUAP means nor in recruitment, nor start accepted in the review") {
    std::vector<MotorUnit> units(6);
    for (std::size_t i = 0; i < units.size(); ++i) {
        units[i].id = static_cast<int>(i) + 1;
        units[i].params.durationMs = 10.0;
        units[i].params.amplitudeUv = 600.0;
        units[i].meanRateHz = 10.0;
    }
    // the sixth: a long window full of other activity, its duration read 30 ms, rate 25 Hz
    units[5].params.durationMs = 30.0;
    units[5].meanRateHz = 25.0;
    units[5].shapeMeasured = false;
    const auto ref = muapReference("biceps brachii", 40);
    const auto s = summarizeMuscle(units, ref);
    CHECK(s.unitCount == 5);
    CHECK(s.unitsShapeNotMeasured == 1);
    CHECK(s.meanDurationMs == Approx(10.0));
    CHECK(s.maxRateHz == Approx(10.0));
    bool said = false;
    for (const auto& why : s.reasons) said = said || why.find("1 unit(s) left out") != std::string::npos;
    CHECK(said);
    // nor in recruitment: its 25 Hz (perhaps two units sharing a spike) is not the fastest unit's rate
    const auto rec = analyzeRecruitment(units);
    CHECK(rec.unitCount == 5);
    CHECK(rec.maxRateHz == Approx(10.0));
    // the review starts with it rejected; accepted by the clinician it counts, with their markers
    auto review = QemgReview::fromUnits(units);
    CHECK(review.acceptedCount() == 5);
    CHECK_FALSE(review.unit(6).accepted);
    review.unit(6).accepted = true;
    const auto accepted = acceptedUnits(units, review, 10.0);
    REQUIRE(accepted.size() == 6);
    CHECK(accepted[5].shapeMeasured);
    CHECK(summarizeReviewed(units, review, 10.0, ref).unitCount == 6);
}
