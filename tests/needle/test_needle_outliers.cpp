// The outlier rule of quantitative MUP analysis (muap_outliers.h): more than 2 MUPs beyond the
// muscle's outlier limit of one parameter make the muscle abnormal. Limits: the Norwegian Society
// of Clinical Neurophysiology's multi-MUP reference values (resources/needle/muap_reference.json,
// "nfkn"): deltoid 162-1531 uV and 4.2-18.4 ms (mean 10.4 ms), biceps 178-1414 uV and 4.2-16.4 ms
// (mean 9.9 ms), first dorsal interosseous 188-2301 uV and 4.0-18.0 ms (mean 9.4 ms); durations
// applied as their ratio to that mean times the table's expected mean here.
#include <emg/needle/muap_outliers.h>
#include <emg/needle/muscle_reading.h>
#include <emg/needle/reference_values.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

using namespace emg::needle;

namespace {

std::vector<MupSize> sizes(std::size_t n, double amplitudeUv, double durationMs) { return std::vector<MupSize>(n, {amplitudeUv, durationMs}); }

std::vector<MupSize> operator+(std::vector<MupSize> a, const std::vector<MupSize>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

MotorUnit unitOf(double amplitudeUv, double durationMs) {
    MotorUnit u;
    u.params.amplitudeUv = amplitudeUv;
    u.params.durationMs = durationMs;
    u.shapeMeasured = true;
    return u;
}

const ReadingEvidence& outliersOf(const MuscleReading& r) {
    const auto it = std::find_if(r.evidence.begin(), r.evidence.end(), [](const auto& e) { return e.source == "outliers"; });
    REQUIRE(it != r.evidence.end());
    return *it;
}

}  // namespace

TEST_CASE("outlier limits come from the reference table, durations scaled to the muscle's expected mean") {
    // biceps at 40 years: expected mean 0.8 x 10.0 = 8.0 ms, so 4.2 / 9.9 x 8.0 and 16.4 / 9.9 x 8.0
    const auto biceps = muapReference("biceps brachii", 40.0);
    REQUIRE(biceps.hasOutlierLimits);
    CHECK(biceps.outlierAmplitudeLowUv == Approx(178.0));
    CHECK(biceps.outlierAmplitudeHighUv == Approx(1414.0));
    CHECK(biceps.outlierDurationLowMs == Approx(3.394).epsilon(0.002));
    CHECK(biceps.outlierDurationHighMs == Approx(13.25).epsilon(0.002));
    // deltoid at 40 years: 8.8 ms expected; 4.2 / 10.4 x 8.8 and 18.4 / 10.4 x 8.8
    const auto deltoid = muapReference("deltoid", 40.0);
    REQUIRE(deltoid.hasOutlierLimits);
    CHECK(deltoid.outlierAmplitudeHighUv == Approx(1531.0));
    CHECK(deltoid.outlierDurationLowMs == Approx(3.554).epsilon(0.002));
    CHECK(deltoid.outlierDurationHighMs == Approx(15.57).epsilon(0.002));
    // first dorsal interosseous: 8.4 ms expected; 18.0 / 9.4 x 8.4
    CHECK(muapReference("FDI", 40.0).outlierDurationHighMs == Approx(16.09).epsilon(0.002));
    // duration limits follow age as the expected mean does (+0.5 % a year): at 70 years 1.15 x
    CHECK(muapReference("biceps", 70.0).outlierDurationHighMs == Approx(1.15 * 13.25).epsilon(0.003));
    // the source gives no limits for the tibialis anterior, nor is there a general one
    CHECK_FALSE(muapReference("tibialis anterior", 40.0).hasOutlierLimits);
    CHECK_FALSE(muapReference("", std::nullopt).hasOutlierLimits);
}

TEST_CASE("more than 2 MUPs beyond one limit is abnormal, 20 MUPs within it are normal") {
    const auto ref = muapReference("biceps brachii", 40.0);   // 3.39-13.25 ms, 178-1414 uV
    const auto normal = sizes(18, 450.0, 8.0);
    SECTION("two long and two large of 20: within the rule, normal") {
        const auto o = countOutliers(normal + sizes(2, 1600.0, 15.0), ref, true);
        CHECK(o.mups == 20);
        CHECK(o.longDuration == 2);
        CHECK(o.highAmplitude == 2);
        CHECK(outlierReading(o) == PatternReading::Normal);
    }
    SECTION("three long of 21: neuropathic") {
        CHECK(outlierReading(countOutliers(normal + sizes(3, 900.0, 14.0), ref, true)) == PatternReading::Neuropathic);
    }
    SECTION("three large (amplitude alone) of 21: neuropathic") {
        CHECK(outlierReading(countOutliers(normal + sizes(3, 1500.0, 9.0), ref, true)) == PatternReading::Neuropathic);
    }
    SECTION("three short or three small: myopathic") {
        CHECK(outlierReading(countOutliers(normal + sizes(3, 400.0, 3.0), ref, true)) == PatternReading::Myopathic);
        CHECK(outlierReading(countOutliers(normal + sizes(3, 150.0, 6.0), ref, true)) == PatternReading::Myopathic);
    }
    SECTION("three long and three short: mixed") {
        CHECK(outlierReading(countOutliers(normal + sizes(3, 500.0, 14.0) + sizes(3, 500.0, 3.0), ref, true)) == PatternReading::Mixed);
    }
    SECTION("without a gain the amplitudes do not count, the durations do") {
        const auto o = countOutliers(normal + sizes(3, 150.0, 6.0), ref, false);
        CHECK(o.lowAmplitude == 0);
        CHECK(outlierReading(o) == PatternReading::Normal);
        CHECK(outlierReading(countOutliers(normal + sizes(3, 150.0, 3.0), ref, false)) == PatternReading::Myopathic);
    }
    SECTION("fewer than 20 MUPs: abnormal when more than 2 lie beyond, otherwise nothing said") {
        CHECK(outlierReading(countOutliers(sizes(1, 450.0, 8.0) + sizes(3, 700.0, 16.0), ref, true)) == PatternReading::Neuropathic);
        CHECK(outlierReading(countOutliers(sizes(10, 450.0, 8.0), ref, true)) == PatternReading::Insufficient);
    }
    SECTION("a muscle without outlier limits: nothing counted") {
        const auto o = countOutliers(sizes(5, 3000.0, 30.0), muapReference("tibialis anterior", 40.0), true);
        CHECK(o.longDuration == 0);
        CHECK(outlierReading(o) == PatternReading::Insufficient);
    }
}

TEST_CASE("the outlier rule in the muscle's reading: four quiet units, three of them long, read neuropathic") {
    // four units are too few for the means (5 needed), but three beyond the biceps' upper duration
    // limit (13.25 ms) make the muscle abnormal by the rule
    MuscleSummary summary;
    summary.unitCount = 4;
    summary.meanDurationMs = 14.0;
    summary.meanAmplitudeUv = 800.0;
    summary.reading = PatternReading::Neuropathic;
    summary.reference = muapReference("biceps brachii", 40.0);
    SortResult sort;
    sort.noiseUv = 12.0;   // a quiet baseline: a fair sample
    sort.units = {unitOf(700.0, 16.0), unitOf(900.0, 17.5), unitOf(600.0, 14.5), unitOf(500.0, 8.0)};
    const auto readWith = [&](const ReadingCriteria& c, const SortResult& s) {
        return readMuscle(summary, s, RecruitmentResult{}, InterferenceResult{}, SpontaneousResult{}, MultiMupResult{}, 0.0, 5.0, c);
    };
    const auto r = readWith({}, sort);
    const auto& e = outliersOf(r);
    INFO(e.text);
    CHECK(e.counted);
    CHECK(e.suggests == PatternReading::Neuropathic);
    CHECK(e.text.find("3 long") != std::string::npos);
    CHECK(r.pattern == PatternReading::Neuropathic);
    SECTION("a baseline never quiet: the sorted units are not a fair sample, nothing counted") {
        auto dense = sort;
        dense.noiseUv = 150.0;
        const auto rd = readWith({}, dense);
        const auto& d = outliersOf(rd);
        CHECK_FALSE(d.counted);
        CHECK(d.text.find("not a fair sample") != std::string::npos);
    }
    SECTION("a monopolar needle: the concentric limits are shown, not counted") {
        ReadingCriteria c;
        c.electrode = NeedleElectrode::Monopolar;
        CHECK_FALSE(outliersOf(readWith(c, sort)).counted);
    }
    SECTION("a unit whose shape is not its own does not count") {
        auto s = sort;
        s.units[0].shapeMeasured = false;
        CHECK_FALSE(outliersOf(readWith({}, s)).counted);   // 2 long left
    }
}
