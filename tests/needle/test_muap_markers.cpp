// MUAP parameters between markers the clinician placed (measureMuapBetween), on a template of
// flat phases whose values are known by hand, and the QEMG review model (accept/reject, moved
// markers, means over the accepted units).
#include "synth.h"

#include <emg/needle/muap_markers.h>
#include <emg/needle/muap_measures.h>
#include <emg/needle/qemg_review.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

using namespace emg::needle;

namespace {
constexpr double kFs = 20000.0;   // 0.05 ms per sample

// 800 samples at 0 µV except three flat phases: +100 µV on [270, 290), -400 µV on [290, 310)
// (the main peak, index 300), +150 µV on [310, 340).
std::vector<double> flatPhases() {
    std::vector<double> t(800, 0.0);
    for (int i = 270; i < 290; ++i) t[static_cast<std::size_t>(i)] = 100.0;
    for (int i = 290; i < 310; ++i) t[static_cast<std::size_t>(i)] = -400.0;
    for (int i = 310; i < 340; ++i) t[static_cast<std::size_t>(i)] = 150.0;
    return t;
}
}  // namespace

TEST_CASE("MUAP measured between markers: the markers stay, the values follow", "[needle][markers]") {
    const auto t = flatPhases();
    SECTION("markers around the whole potential") {
        const auto p = measureMuapBetween(t, 300, kFs, 260, 380);
        CHECK(p.onsetMs == Approx(-2.0).margin(1e-12));                 // (260 - 300) x 0.05 ms
        CHECK(p.endMs == Approx(4.0).margin(1e-12));                    // (380 - 300) x 0.05 ms
        CHECK(p.durationMs == Approx(121 * 0.05).margin(1e-12));        // both marker samples included
        CHECK(p.amplitudeUv == Approx(550.0).margin(1e-9));             // +150 to -400
        CHECK(p.areaUvMs == Approx((20 * 100 + 20 * 400 + 30 * 150) * 0.05).margin(1e-9));   // 725 µV·ms
        CHECK(p.thicknessMs == Approx(725.0 / 550.0).epsilon(1e-12));
        CHECK(p.phases == 3);
        CHECK(p.turns == 3);   // up to +100, down to -400, up to +150, back down to 0
        CHECK_FALSE(p.polyphasic());
    }
    SECTION("markers moved inside the phases: only what lies between them counts") {
        const auto p = measureMuapBetween(t, 300, kFs, 280, 320);
        CHECK(p.durationMs == Approx(41 * 0.05).margin(1e-12));
        CHECK(p.amplitudeUv == Approx(550.0).margin(1e-9));
        CHECK(p.areaUvMs == Approx((10 * 100 + 20 * 400 + 11 * 150) * 0.05).margin(1e-9));  // 532.5 µV·ms
        CHECK(p.phases == 3);
        CHECK(p.turns == 1);   // starts on the +100 plateau going down, one reversal at -400, ends on +150
    }
    SECTION("an end marker on the main phase drops the last phase; markers in either order") {
        const auto p = measureMuapBetween(t, 300, kFs, 305, 265);
        CHECK(p.onsetMs == Approx(-1.75).margin(1e-12));
        CHECK(p.endMs == Approx(0.25).margin(1e-12));
        CHECK(p.amplitudeUv == Approx(500.0).margin(1e-9));
        CHECK(p.phases == 2);
        CHECK(p.areaUvMs == Approx((20 * 100 + 16 * 400) * 0.05).margin(1e-9));
    }
    SECTION("bad input is refused with a message") {
        CHECK_THROWS_AS(measureMuapBetween(t, 300, 0.0, 260, 380), std::invalid_argument);
        CHECK_THROWS_AS(measureMuapBetween(t, 300, kFs, 260, 800), std::invalid_argument);
        CHECK_THROWS_AS(measureMuapBetween(t, 900, kFs, 260, 380), std::invalid_argument);
        CHECK_THROWS_AS(measureMuapBetween(std::vector<double>(5, 0.0), 2, kFs, 0, 4), std::invalid_argument);
    }
}

TEST_CASE("between the automatic markers the values equal the automatic measurement", "[needle][markers]") {
    // a smooth triphasic MUAP with noise: same baseline, criteria and window -> the same numbers
    std::vector<double> t;
    for (int i = -300; i < 500; ++i) t.push_back(needle_test::bumpsAt(needle_test::muap(600.0, 1.4), i / kFs * 1000.0));
    needle_test::addNoise(t, 3.0, 5);
    const std::size_t peak = 300;
    const auto a = measureMuap(t, peak, kFs, 3.0);
    const auto on = static_cast<std::size_t>(std::lround(peak + a.onsetMs * kFs / 1000.0));
    const auto en = static_cast<std::size_t>(std::lround(peak + a.endMs * kFs / 1000.0));
    const auto b = measureMuapBetween(t, peak, kFs, on, en, 3.0);
    CHECK(b.durationMs == Approx(a.durationMs).margin(1e-9));
    CHECK(b.amplitudeUv == Approx(a.amplitudeUv).margin(1e-9));
    CHECK(b.areaUvMs == Approx(a.areaUvMs).margin(1e-9));
    CHECK(b.phases == a.phases);
    CHECK(b.turns == a.turns);
    // a triphasic MUAP of ~10 ms at this width: 3 phases, duration 8-16 ms
    CHECK(a.phases == 3);
    CHECK(a.durationMs > 8.0);
    CHECK(a.durationMs < 16.0);
}

TEST_CASE("QEMG review: rejected units leave the means, moved markers change the duration", "[needle][markers]") {
    // three units with known parameters; unit 2 carries the flat-phase template
    std::vector<MotorUnit> units(3);
    const double durations[] = {9.0, 12.0, 15.0}, amplitudes[] = {400.0, 550.0, 1300.0};
    const int phases[] = {3, 3, 6};
    for (int k = 0; k < 3; ++k) {
        auto& u = units[static_cast<std::size_t>(k)];
        u.id = k + 1;
        u.sampleRateHz = kFs;
        u.templateUv = flatPhases();
        u.templatePeakIndex = 300;
        u.firingTimesSec = {0.1, 0.2, 0.3, 0.4};
        u.params.durationMs = durations[k];
        u.params.amplitudeUv = amplitudes[k];
        u.params.phases = phases[k];
        u.params.onsetMs = -2.0;
        u.params.endMs = 4.0;
        u.meanRateHz = 10.0;
    }
    MuapReference ref;
    ref.meanDurationMs = 12.0;
    ref.amplitudeLowUv = 200.0;
    ref.amplitudeHighUv = 1500.0;
    auto review = QemgReview::fromUnits(units);
    REQUIRE(review.units.size() == 3);
    auto s = summarizeReviewed(units, review, 0.0, ref);
    CHECK(s.unitCount == 3);
    CHECK(s.meanDurationMs == Approx(12.0).margin(1e-12));
    CHECK(s.polyphasicPercent == Approx(100.0 / 3.0).margin(1e-9));

    review.unit(3).accepted = false;
    s = summarizeReviewed(units, review, 0.0, ref);
    CHECK(s.unitCount == 2);
    CHECK(s.meanDurationMs == Approx(10.5).margin(1e-12));   // (9 + 12) / 2
    CHECK(s.meanAmplitudeUv == Approx(475.0).margin(1e-12));
    CHECK(s.polyphasicPercent == Approx(0.0).margin(1e-12));
    CHECK(review.acceptedCount() == 2);

    // unit 2's end moved from +4 ms to +6 ms (sample 420): measured between -2 and +6 ms
    CHECK(review.unit(2).endProvenance() == MarkerProvenance::Automatic);
    review.unit(2).endMs = 6.0;
    CHECK(review.unit(2).endProvenance() == MarkerProvenance::Clinician);
    CHECK(review.unit(2).onsetProvenance() == MarkerProvenance::Automatic);
    const auto p = reviewedParameters(units[1], review.unit(2), 0.0);
    CHECK(p.onsetMs == Approx(-2.0).margin(1e-12));
    CHECK(p.endMs == Approx(6.0).margin(1e-12));
    CHECK(p.durationMs == Approx(161 * 0.05).margin(1e-12));
    CHECK(p.amplitudeUv == Approx(550.0).margin(1e-9));
    CHECK(std::string(toString(MarkerProvenance::Clinician)) == "clinician");
    CHECK_THROWS_AS(review.unit(99), std::out_of_range);
}
