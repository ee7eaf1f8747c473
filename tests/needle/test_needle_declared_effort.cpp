// Turns counted in one analysis band at every sample rate, and the effort the examiner declares,
// on Hermite-Rodriguez interference built outside our simulator (hermite_interference.h).
#include "hermite_interference.h"

#include <emg/dsp/butterworth.h>
#include <emg/dsp/zero_phase.h>
#include <emg/needle/effort.h>
#include <emg/needle/interference.h>
#include <emg/needle/needle_analysis.h>
#include <emg/needle/reference_values.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using namespace emg::needle;

namespace {

constexpr double kFs = 32768.0;

/// What a 4096 Hz acquisition of the same muscle records: an anti-aliasing low-pass at 1.8 kHz
/// (Butterworth order 8, zero-phase), every 8th sample.
std::vector<double> decimateBy8(const std::vector<double>& x) {
    const auto lp = emg::dsp::designButterworthLowPass(8, 1800.0, kFs);
    const auto y = emg::dsp::filtfilt(lp, std::span<const double>(x));
    std::vector<double> d;
    for (std::size_t i = 0; i < y.size(); i += 8) d.push_back(y[i]);
    return d;
}

double meanTurnsPerSec(const std::vector<double>& raw, double fs, const InterferenceCloud& cloud) {
    FilterApplied f;
    const auto x = filterForNeedle(std::span<const double>(raw), fs, 0.0, f);
    return analyzeInterference(std::span<const double>(x), fs, cloud).meanTurnsPerSec;
}

}  // namespace

TEST_CASE("turns in the cloud's analysis band: the same count at 32 kHz and 4 kHz") {
    // many brief potentials of 150-600 uV (spike scale 0.18-0.28 ms: energy above 1.8 kHz), far units, noise
    const auto ip = hermite::make({150, 180, 220, 260, 300, 350, 420, 500, 600, 200, 250, 320}, kFs, 4.0, 23u, 30, 8.0);
    const auto low = decimateBy8(ip.microvolts);
    const auto cloud = interferenceCloud("deltoid");
    REQUIRE(cloud.turnsLowPassHz == 1500.0);
    CHECK(turnsLowPassAppliedHz(kFs, cloud) == 1500.0);
    CHECK(turnsLowPassAppliedHz(4096.0, cloud) == 1500.0);   // below 0.45 x 4096 = 1843 Hz
    CHECK(turnsLowPassAppliedHz(3000.0, cloud) == 0.0);      // the record's own band is narrower
    const double high = meanTurnsPerSec(ip.microvolts, kFs, cloud);
    const double at4k = meanTurnsPerSec(low, kFs / 8.0, cloud);
    REQUIRE(high > 100.0);
   // an interference pattern (>= 30 turns/s epochs), not silence
    // the goal: the reading the same at 4 kHz; the turn count within 3 % (interpolated to >= 20 kHz:
    // without it, sampled extremes of 1-1.5 kHz components lose their swing, -6 % here)
    CHECK(at4k == Approx(high).epsilon(0.03));
    // the full band as recorded (no analysis band): 4 kHz loses the turns of the brief spikes
    auto fullBand = cloud;
    fullBand.turnsLowPassHz = 0.0;
    const double highFull = meanTurnsPerSec(ip.microvolts, kFs, fullBand);
    const double at4kFull = meanTurnsPerSec(low, kFs / 8.0, fullBand);
    CHECK(at4kFull < 0.95 * highFull);
    CHECK(highFull > high);   // the analysis band merges turns closer than its resolution
}

TEST_CASE("declared effort: a low-amplitude continuous record is effort with small potentials, not rest") {
    // a continuous stream of small potentials (25-70 uV) over far units and 4 uV noise: without a
    // declared effort it reads as rest (nothing reaches the 100 uV of voluntary activity)
    const auto ip = hermite::make({25, 35, 45, 55, 70, 40, 60, 30}, kFs, 5.0, 41u, 20, 4.0);
    NeedleAnalysisOptions o;
    o.muscle = "deltoid";
    const auto inferred = analyzeNeedleSignal(ip.microvolts, kFs, {}, o);
    REQUIRE(inferred.restSec > 4.0);
    CHECK_FALSE(inferred.declaredEffort.declared);
    CHECK(inferred.reading.pattern != PatternReading::Myopathic);

    o.declaredEffort = DeclaredEffort::Moderate;
    const auto declared = analyzeNeedleSignal(ip.microvolts, kFs, {}, o);
    REQUIRE(declared.segments.size() == 1);
    CHECK(declared.segments[0].source == "declared");
    CHECK(declared.restSec == 0.0);                        // never rest: no fibrillations counted
    CHECK(declared.spontaneous.potentials.empty());
    CHECK(declared.declaredEffort.declared);
    CHECK(declared.declaredEffort.effortSec == Approx(5.0).margin(0.01));
    // the 20 largest are the largest units' discharges (55-70 uV, overlaps add a little)
    CHECK(declared.declaredEffort.largestUv > 45.0);
    CHECK(declared.declaredEffort.largestUv < 120.0);
    CHECK(declared.reading.pattern == PatternReading::Myopathic);   // below deltoid's 250 uV limit of the mean
}

TEST_CASE("declared effort: ordinary potentials are not counted, no activity stays insufficient") {
    NeedleAnalysisOptions o;
    o.muscle = "deltoid";
    o.declaredEffort = DeclaredEffort::Slight;
    // units of 300-900 uV: the largest are above the lower limit, shown and not counted
    const auto normal = hermite::make({300, 450, 600, 750, 900}, kFs, 5.0, 7u, 20, 8.0);
    const auto a = analyzeNeedleSignal(normal.microvolts, kFs, {}, o);
    CHECK(a.segments[0].level == ContractionLevel::Weak);   // slight effort: the decomposition runs
    CHECK(a.declaredEffort.largestUv > 250.0);
    bool shown = false;
    for (const auto& e : a.reading.evidence)
        if (e.source == "declared effort") { shown = true; CHECK_FALSE(e.counted); }
    CHECK(shown);
    // needle noise only (5 uV rms): no potential of 20 uV, nothing to measure, never myopathic
    const auto silent = hermite::make({}, kFs, 5.0, 9u, 0, 5.0);
    const auto s = analyzeNeedleSignal(silent.microvolts, kFs, {}, o);
    CHECK(s.declaredEffort.largestUv == 0.0);
    CHECK(s.reading.pattern == PatternReading::Insufficient);
}

TEST_CASE("declared effort: words, analysis levels and the annotation convention") {
    CHECK(parseDeclaredEffort("Moderate") == DeclaredEffort::Moderate);
    CHECK(parseDeclaredEffort("slight") == DeclaredEffort::Slight);
    CHECK(parseDeclaredEffort("max") == DeclaredEffort::Maximal);
    CHECK(parseDeclaredEffort("rest") == DeclaredEffort::Rest);
    CHECK_FALSE(parseDeclaredEffort("some"));
    // the effort a file's header states: a % of MVC (<= 30 slight, <= 60 moderate, above maximal) or a word
    CHECK(declaredEffortFromText("10% MVC") == DeclaredEffort::Slight);
    CHECK(declaredEffortFromText("10 % of MVC") == DeclaredEffort::Slight);
    CHECK(declaredEffortFromText("30%mvc") == DeclaredEffort::Slight);
    CHECK(declaredEffortFromText("50% MVC") == DeclaredEffort::Moderate);
    CHECK(declaredEffortFromText("80 % MVC") == DeclaredEffort::Maximal);
    CHECK(declaredEffortFromText("slight contraction") == DeclaredEffort::Slight);
    CHECK(declaredEffortFromText("Maximal voluntary") == DeclaredEffort::Maximal);
    CHECK_FALSE(declaredEffortFromText("steady isometric contraction"));
    CHECK_FALSE(declaredEffortFromText("10%"));         // a % of what: not read
    CHECK_FALSE(declaredEffortFromText("MVC"));
    CHECK_FALSE(declaredEffortFromText("250% MVC"));    // no such effort
    CHECK(analysisLevel(DeclaredEffort::Slight) == ContractionLevel::Weak);
    CHECK(analysisLevel(DeclaredEffort::Moderate) == ContractionLevel::Weak);
    CHECK(analysisLevel(DeclaredEffort::Maximal) == ContractionLevel::Strong);
    // an EDF+ annotation "effort: moderate" declares the effort from its onset
    CHECK(parseContractionLevel("effort: moderate") == ContractionLevel::Weak);
    CHECK(parseContractionLevel("effort: maximal") == ContractionLevel::Strong);
    CHECK(parseContractionLevel("effort: slight") == ContractionLevel::Weak);
    const auto ip = hermite::make({25, 35, 45, 55, 70, 40, 60, 30}, kFs, 5.0, 41u, 20, 4.0);
    NeedleAnalysisOptions o;
    o.muscle = "deltoid";
    const std::vector<emg::Annotation> ann{{0.0, 0.0, "effort: moderate"}};
    const auto a = analyzeNeedleSignal(ip.microvolts, kFs, ann, o);
    CHECK(a.declaredEffort.declared);
    CHECK(a.restSec == 0.0);
    CHECK(a.reading.pattern == PatternReading::Myopathic);
}
