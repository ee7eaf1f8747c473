// A needle muscle read over several insertions as its study test (needleTestFromSites): the pooled
// units' grades once their evidence counts, where one insertion alone grades nothing.
// Biceps brachii at 40 years: expected mean duration 8.0 ms, amplitude limits 250-1000 uV.
#include <emg/needle/muscle_reading.h>
#include <emg/needle/muscle_sites.h>
#include <emg/needle/muscle_summary.h>
#include <emg/needle/reference_values.h>
#include <emg/study/evaluation.h>
#include <emg/study/needle_entry.h>

#include <catch2/catch.hpp>

#include <vector>

using namespace emg;

namespace {
/// One insertion's analysis: units of 11, 12 and 13 ms (600 uV, 10 Hz) on a quiet baseline.
needle::NeedleAnalysis insertion() {
    needle::NeedleAnalysis a;
    a.weakSec = 5.0;
    a.motorUnits.noiseUv = 15.0;
    for (int k = 0; k < 3; ++k) {
        needle::MotorUnit u;
        u.id = k + 1;
        u.params.durationMs = 11.0 + k;
        u.params.amplitudeUv = 600.0;
        u.params.phases = 3;
        u.meanRateHz = 10.0;
        for (int f = 0; f < 50; ++f) u.firingTimesSec.push_back(0.1 * f);
        a.motorUnits.units.push_back(u);
    }
    a.summary = needle::summarizeMuscle(a.motorUnits.units, needle::muapReference("biceps brachii", 40.0));
    a.reading = needle::readMuscle(a.summary, a.motorUnits, {}, {}, {}, {}, 0.0, a.weakSec, needle::ReadingCriteria{});
    return a;
}
}  // namespace

TEST_CASE("needle test over insertions: the pooled units grade the MUAPs one insertion cannot", "[study][needle][sites]") {
    const auto one = insertion();
    // alone, 3 units 50 % long whose mean one unit decides: nothing graded, the note says why
    const auto alone = study::needleTestFromAnalysis("biceps brachii", study::Side::Left, one, "test");
    CHECK(alone.muapDuration == study::Grade3::NotAssessed);
    CHECK(alone.muapAmplitude == study::Grade3::NotAssessed);
    CHECK(alone.note.find("not assessed") != std::string::npos);
    // what the engine read is kept beside the grades, as it said it
    REQUIRE(alone.automaticReading.has_value());
    CHECK(alone.automaticReading->pattern == needle::toString(one.reading.pattern));
    CHECK(alone.automaticReading->reasons == one.reading.reasons);

    // 4 insertions, 12 units of mean 12 ms: +50 % beyond the limit for 12 (+-22.8 %): long; their
    // mean amplitude 600 uV within 250-1000 uV: normal; polyphasia 0 %: normal
    const std::vector<needle::NeedleAnalysis> sites(4, one);
    const auto m = needle::readMuscleOverSites(sites, needle::ReadingCriteria{});
    const auto t = study::needleTestFromSites("biceps brachii", study::Side::Left, m, "test");
    CHECK(t.muscle == "biceps brachii");
    CHECK(t.side == study::Side::Left);
    CHECK(t.muapDuration == study::Grade3::Increased);
    CHECK(t.muapAmplitude == study::Grade3::Normal);
    CHECK(t.polyphasia == study::Grade3::Normal);
    CHECK(t.recruitment == study::Recruitment::NotAssessed);   // no insertion counted a recruitment
    CHECK(t.abnormal());   // long MUAPs of normal size: abnormal (neurogenic needs both long and large)
    REQUIRE(t.automaticReading.has_value());
    CHECK(t.automaticReading->pattern == "neuropathic");   // 12 long units counted
    CHECK(t.automaticReading->reasons == m.reading.reasons);
    const auto* d = study::findMeasurement(t.measurements, "muapDurationMs");
    REQUIRE(d != nullptr);
    CHECK(d->value == Approx(12.0));
    CHECK(d->method.find("MUAP set of 12 units") != std::string::npos);
    CHECK(d->method.find("4 insertions, units pooled from 4") != std::string::npos);
}
