// The muscle read from all the evidence (muscle_reading.h), on hand-built analysis results: which
// evidence counts, when, and how the pieces combine (rules in docs/needle-emg.md).
#include <emg/needle/muscle_reading.h>
#include <emg/needle/needle_channel.h>
#include <emg/needle/reference_values.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

using namespace emg::needle;

namespace {

MuscleSummary units(int n, PatternReading reading, double meanDurationMs = 9.0, double deviationPercent = 0.0) {
    MuscleSummary s;
    s.unitCount = n;
    s.reading = reading;
    s.meanDurationMs = meanDurationMs;
    s.meanAmplitudeUv = 500.0;
    s.durationDeviationPercent = deviationPercent;
    s.reference = muapReference("deltoid", 40.0);
    return s;
}

SortResult sorted(double noiseUv) {
    SortResult r;
    r.noiseUv = noiseUv;
    return r;
}

/// `epochs` epochs at 450 turns/s, `above`/`below` of them outside the deltoid cloud.
InterferenceResult cloud(int epochs, int above, int below, double meanFrequencyHz = 180.0) {
    InterferenceResult ip;
    ip.cloud = interferenceCloud("deltoid");
    for (int i = 0; i < epochs; ++i) {
        InterferenceEpoch e;
        e.turnsPerSec = 450.0;
        e.cloudPosition = i < above ? 1 : (i < above + below ? -1 : 0);
        ip.epochs.push_back(e);
    }
    ip.meanTurnsPerSec = 450.0;
    ip.pointsAbovePercent = epochs ? 100.0 * above / epochs : 0.0;
    ip.pointsBelowPercent = epochs ? 100.0 * below / epochs : 0.0;
    const bool hi = ip.pointsAbovePercent > 10.0, lo = ip.pointsBelowPercent > 10.0;
    ip.reading = epochs == 0 ? InterferenceReading::Insufficient
               : hi && lo    ? InterferenceReading::Mixed
               : hi          ? InterferenceReading::Neuropathic
               : lo          ? InterferenceReading::Myopathic
                             : InterferenceReading::Normal;
    ip.meanFrequencyHz = meanFrequencyHz;
    ip.spectrumLowHz = 20.0;
    ip.spectrumHighHz = 1000.0;
    return ip;
}

const ReadingEvidence& find(const MuscleReading& r, const std::string& source) {
    const auto it = std::find_if(r.evidence.begin(), r.evidence.end(), [&](const auto& e) { return e.source == source; });
    REQUIRE(it != r.evidence.end());
    return *it;
}

MuscleReading read(const MuscleSummary& u, const SortResult& s, const InterferenceResult& ip, const ReadingCriteria& c = {},
                   int spontaneousGrade = 0) {
    SpontaneousResult sp;
    sp.grade = spontaneousGrade;
    return readMuscle(u, s, RecruitmentResult{}, ip, sp, MultiMupResult{}, spontaneousGrade ? 2.0 : 0.0, 5.0, c);
}

}  // namespace

TEST_CASE("units from a quiet baseline count, from a record that is never quiet they are shown, not counted") {
    const auto quiet = read(units(12, PatternReading::Myopathic), sorted(12.0), cloud(0, 0, 0));
    CHECK(find(quiet, "motor units").counted);
    CHECK(quiet.pattern == PatternReading::Myopathic);
    const auto dense = read(units(12, PatternReading::Neuropathic), sorted(150.0), cloud(10, 0, 0));
    CHECK_FALSE(find(dense, "motor units").counted);
    CHECK(find(dense, "interference").counted);
    CHECK(dense.pattern == PatternReading::Normal);   // the cloud decides, not the biased units
}

TEST_CASE("the cloud: more than 10 % of epochs above is neuropathic, below myopathic, fewer than 3 epochs do not count") {
    CHECK(read(units(0, PatternReading::Insufficient), sorted(150.0), cloud(10, 2, 0)).pattern == PatternReading::Neuropathic);
    CHECK(read(units(0, PatternReading::Insufficient), sorted(150.0), cloud(10, 0, 2)).pattern == PatternReading::Myopathic);
    CHECK(read(units(0, PatternReading::Insufficient), sorted(150.0), cloud(10, 1, 0)).pattern == PatternReading::Normal);
    const auto two = read(units(0, PatternReading::Insufficient), sorted(150.0), cloud(2, 2, 0));
    CHECK(two.pattern == PatternReading::Insufficient);
    CHECK_FALSE(two.reasons.empty());
}

TEST_CASE("the spectrum: above the limit is myopathic, unless the epochs lie above the cloud") {
    const double limit = interferenceCloud("deltoid").meanFrequencyHighHz;
    REQUIRE(limit > 0.0);
    const auto brief = read(units(0, PatternReading::Insufficient), sorted(150.0), cloud(10, 0, 0, limit + 20.0));
    CHECK(find(brief, "spectrum").counted);
    // cloud normal, spectrum myopathic: one vote each way is not a tie (normal is no vote): myopathic
    CHECK(brief.pattern == PatternReading::Myopathic);
    const auto sharpLarge = read(units(0, PatternReading::Insufficient), sorted(150.0), cloud(10, 5, 0, limit + 20.0));
    CHECK_FALSE(find(sharpLarge, "spectrum").counted);
    CHECK(sharpLarge.pattern == PatternReading::Neuropathic);
}

TEST_CASE("opposite evidence of equal weight is mixed, more on one side decides") {
    // units myopathic (counted) against a cloud above: one each -> mixed
    CHECK(read(units(12, PatternReading::Myopathic), sorted(10.0), cloud(10, 5, 0)).pattern == PatternReading::Mixed);
    // units myopathic and spectrum high against a cloud above: the spectrum is not counted there -> still mixed
    const double limit = interferenceCloud("deltoid").meanFrequencyHighHz;
    CHECK(read(units(12, PatternReading::Myopathic), sorted(10.0), cloud(10, 5, 0, limit + 50.0)).pattern == PatternReading::Mixed);
    // units myopathic, cloud below and spectrum high: myopathic
    CHECK(read(units(12, PatternReading::Myopathic), sorted(10.0), cloud(10, 0, 5, limit + 50.0)).pattern == PatternReading::Myopathic);
}

TEST_CASE("with an unknown gain only durations and the spectrum count") {
    ReadingCriteria c;
    c.amplitudeKnown = false;
    // the cloud says neuropathic but is in uV: not counted
    const auto r = read(units(8, PatternReading::Normal, 12.5, 42.0), sorted(10.0), cloud(10, 6, 0), c);
    CHECK_FALSE(find(r, "interference").counted);
    const auto& u = find(r, "motor units");
    CHECK(u.counted);
    CHECK(u.suggests == PatternReading::Neuropathic);   // duration 42 % above the expected (limit 20 %)
    CHECK(r.pattern == PatternReading::Neuropathic);
    // units whose noise is large against their own amplitude are not counted
    const auto noisy = read(units(8, PatternReading::Normal, 12.5, 42.0), sorted(100.0), cloud(0, 0, 0), c);
    CHECK_FALSE(find(noisy, "motor units").counted);
    CHECK(noisy.pattern == PatternReading::Insufficient);
}

TEST_CASE("spontaneous activity is named in the reasons of a muscle otherwise read normal") {
    const auto r = read(units(12, PatternReading::Normal), sorted(10.0), cloud(10, 0, 0), {}, 2);
    CHECK(r.pattern == PatternReading::Normal);
    CHECK(std::any_of(r.reasons.begin(), r.reasons.end(), [](const std::string& s) { return s.find("not a normal muscle") != std::string::npos; }));
}

namespace {

/// `measured` MUPs with a measured duration of `durationMs` and `amplitudeUv`, plus `background`
/// MUPs whose duration the interference under the average set (not measurable).
MultiMupResult multiMups(std::size_t measured, double durationMs, double amplitudeUv, std::size_t background = 0) {
    MultiMupResult m;
    m.epochs = 2;
    m.mups.resize(measured + background);
    m.measuredDurations = measured;
    m.meanDurationMs = durationMs;
    m.meanAmplitudeUv = amplitudeUv;
    if (background > 0) m.notMeasurable["background"] = background;
    return m;
}

MuscleReading readWithMups(const MultiMupResult& m, const ReadingCriteria& c = {}) {
    // no other counted evidence: too few units, no interference epochs
    return readMuscle(units(2, PatternReading::Normal), sorted(12.0), RecruitmentResult{}, cloud(0, 0, 0), SpontaneousResult{}, m,
                      0.0, 5.0, c);
}

}  // namespace

TEST_CASE("multi-MUP means count against the reference only from 20 measured MUPs (Stalberg et al. 1995)") {
    // deltoid at 40 years: expected mean duration 8.8 ms, +-20 % -> 7.04 .. 10.56 ms; amplitude 250 .. 1000 uV
    const double expected = muapReference("deltoid", 40.0).meanDurationMs;
    REQUIRE(expected == Approx(8.8).epsilon(0.01));
    SECTION("19 measured MUPs are shown, not counted, and the reason names the background") {
        const auto r = readWithMups(multiMups(19, 14.0, 1500.0, 30));
        const auto& e = find(r, "multi-MUP");
        CHECK_FALSE(e.counted);
        CHECK(e.text.find("20 needed") != std::string::npos);
        CHECK(e.text.find("30 not measurable") != std::string::npos);
        CHECK(r.pattern == PatternReading::Insufficient);
    }
    SECTION("long (+36 %) and large MUPs: neuropathic") {
        const auto r = readWithMups(multiMups(20, 12.0, 1500.0));
        CHECK(find(r, "multi-MUP").counted);
        CHECK(r.pattern == PatternReading::Neuropathic);
    }
    SECTION("short (-32 %) small MUPs: myopathic") {
        const auto r = readWithMups(multiMups(25, 6.0, 200.0));
        CHECK(r.pattern == PatternReading::Myopathic);
    }
    SECTION("within +-20 % and the amplitude limits: normal") {
        CHECK(readWithMups(multiMups(22, 9.5, 600.0)).pattern == PatternReading::Normal);
        CHECK(readWithMups(multiMups(22, 10.4, 900.0)).pattern == PatternReading::Normal);
    }
    SECTION("with an unknown gain the amplitude (counts) does not decide, the duration does") {
        ReadingCriteria c;
        c.amplitudeKnown = false;
        CHECK(readWithMups(multiMups(20, 9.0, 50000.0), c).pattern == PatternReading::Normal);
        CHECK(readWithMups(multiMups(20, 5.5, 50000.0), c).pattern == PatternReading::Myopathic);
    }
    SECTION("no MUPs at all: the reason says so") {
        const auto r = readWithMups(multiMups(0, 0.0, 0.0));
        const auto& e = find(r, "multi-MUP");
        CHECK_FALSE(e.counted);
        CHECK(e.text.find("no MUP") != std::string::npos);
    }
}

TEST_CASE("largest potentials above the limit are neuropathic, many turns for the amplitude are myopathic") {
    const auto ref = interferenceCloud("deltoid");
    REQUIRE(ref.largestSpikesHighUv > 0.0);
    REQUIRE(ref.turnsPerRmsHigh > 0.0);
    auto ip = cloud(10, 0, 0);
    ip.meanRmsUv = 300.0;
    ip.spikes = 1200;
    ip.largestSpikesUv = ref.largestSpikesHighUv * 1.5;
    ip.turnsPerRms = ref.turnsPerRmsHigh * 0.5;
    const auto large = read(units(0, PatternReading::Insufficient), sorted(150.0), ip);
    CHECK(find(large, "largest potentials").counted);
    CHECK(find(large, "largest potentials").suggests == PatternReading::Neuropathic);
    CHECK(find(large, "turns/amplitude ratio").suggests == PatternReading::Normal);
    CHECK(large.pattern == PatternReading::Neuropathic);   // the cloud alone read normal

    ip.largestSpikesUv = ref.largestSpikesHighUv * 0.5;
    ip.turnsPerRms = ref.turnsPerRmsHigh * 1.5;
    const auto brief = read(units(0, PatternReading::Insufficient), sorted(150.0), ip);
    CHECK(find(brief, "turns/amplitude ratio").counted);
    CHECK(brief.pattern == PatternReading::Myopathic);

    ip.turnsPerRms = ref.turnsPerRmsHigh * 0.9;
    CHECK(read(units(0, PatternReading::Insufficient), sorted(150.0), ip).pattern == PatternReading::Normal);

    // both in uV: not counted when the gain is unknown
    ReadingCriteria c;
    c.amplitudeKnown = false;
    ip.largestSpikesUv = ref.largestSpikesHighUv * 1.5;
    ip.turnsPerRms = ref.turnsPerRmsHigh * 1.5;
    const auto counts = read(units(0, PatternReading::Insufficient), sorted(150.0), ip, c);
    CHECK_FALSE(find(counts, "largest potentials").counted);
    CHECK_FALSE(find(counts, "turns/amplitude ratio").counted);

    // fewer than 20 spikes: not measured
    ip.largestSpikesUv = 0.0;
    ip.spikes = 12;
    CHECK_FALSE(find(read(units(0, PatternReading::Insufficient), sorted(150.0), ip), "largest potentials").counted);

    // a muscle without these limits (the general cloud) does not count them
    ip.cloud = interferenceCloud("tibialis anterior");
    ip.largestSpikesUv = 5000.0;
    CHECK_FALSE(find(read(units(0, PatternReading::Insufficient), sorted(150.0), ip), "largest potentials").counted);
}

namespace {
RecruitmentResult recruitment(int units, RecruitmentReading reading) {
    RecruitmentResult r;
    r.unitCount = units;
    r.reading = reading;
    r.explanation = "hand-built";
    return r;
}

MuscleReading readWith(const RecruitmentResult& rec, bool amplitudeKnown) {
    ReadingCriteria c;
    c.amplitudeKnown = amplitudeKnown;
    // 3 units from a baseline that is never quiet: the units themselves do not count
    return readMuscle(units(3, PatternReading::Insufficient), sorted(150.0), rec, cloud(0, 0, 0), SpontaneousResult{},
                      MultiMupResult{}, 0.0, 10.0, c);
}
}  // namespace

TEST_CASE("recruitment: with an unknown gain it counts from two sorted units, with a gain only with the units") {
    // gain unknown: rates and the number of units need no uV
    const auto reduced = readWith(recruitment(2, RecruitmentReading::Reduced), false);
    CHECK(find(reduced, "recruitment").counted);
    CHECK(reduced.pattern == PatternReading::Neuropathic);
    const auto early = readWith(recruitment(6, RecruitmentReading::Early), false);
    CHECK(early.pattern == PatternReading::Myopathic);
    const auto normal = readWith(recruitment(3, RecruitmentReading::Normal), false);
    CHECK(find(normal, "recruitment").counted);
    CHECK(normal.pattern == PatternReading::Normal);
    // one unit: no recruitment frequency, not counted, and nothing else counts: insufficient, with the reason
    const auto one = readWith(recruitment(1, RecruitmentReading::Reduced), false);
    CHECK_FALSE(find(one, "recruitment").counted);
    CHECK(one.pattern == PatternReading::Insufficient);
    CHECK(find(one, "recruitment").text.find("1 sorted unit(s), 2 needed") != std::string::npos);
    // gain known (the Algiers path): as before, recruitment needs a fair sample of units
    const auto known = readWith(recruitment(4, RecruitmentReading::Reduced), true);
    CHECK_FALSE(find(known, "recruitment").counted);
    CHECK(known.pattern == PatternReading::Insufficient);
}

TEST_CASE("a monopolar record: evidence read against the concentric references is shown, not counted") {
    ReadingCriteria c;
    c.electrode = NeedleElectrode::Monopolar;
    // what reads neuropathic on a concentric record (units long and large, the cloud above) ...
    const auto concentric = read(units(12, PatternReading::Neuropathic, 12.5, 42.0), sorted(10.0), cloud(10, 6, 0));
    CHECK(concentric.pattern == PatternReading::Neuropathic);
    // ... is not counted on a monopolar one: no evidence left, insufficient, and the reason says why
    const auto mono = read(units(12, PatternReading::Neuropathic, 12.5, 42.0), sorted(10.0), cloud(10, 6, 0), c);
    for (const char* source : {"motor units", "interference", "spectrum"}) {
        CAPTURE(source);
        CHECK_FALSE(find(mono, source).counted);
    }
    CHECK(find(mono, "interference").text.find("monopolar needle") != std::string::npos);
    CHECK(mono.pattern == PatternReading::Insufficient);
    REQUIRE_FALSE(mono.reasons.empty());
    CHECK(mono.reasons.front().find("monopolar") != std::string::npos);
    // recruitment counts by its rates and number of units, as with an unknown gain
    RecruitmentResult rec;
    rec.unitCount = 3;
    rec.reading = RecruitmentReading::Normal;
    rec.explanation = "ratio 3.3 (10 Hz / 3 units): normal recruitment";
    const auto withRates = readMuscle(units(3, PatternReading::Neuropathic), sorted(75.0), rec, cloud(10, 6, 0), SpontaneousResult{},
                                      MultiMupResult{}, 0.0, 10.0, c);
    CHECK(find(withRates, "recruitment").counted);
    CHECK(find(withRates, "recruitment").text.find("counted with a monopolar needle") != std::string::npos);
    CHECK(withRates.pattern == PatternReading::Normal);
    // a concentric or unstated electrode reads as before
    c.electrode = NeedleElectrode::Concentric;
    CHECK(read(units(12, PatternReading::Neuropathic, 12.5, 42.0), sorted(10.0), cloud(10, 6, 0), c).pattern == PatternReading::Neuropathic);
}

TEST_CASE("the electrode from the channel's transducer, else its label") {
    emg::RecordedChannel ch;
    ch.transducer = "Monopolar needle (Teflon-coated)";
    CHECK(needleElectrodeOf(ch) == NeedleElectrode::Monopolar);
    ch.transducer = "concentric needle 25 mm";
    CHECK(needleElectrodeOf(ch) == NeedleElectrode::Concentric);
    ch.transducer = "needle electrode";
    CHECK(needleElectrodeOf(ch) == NeedleElectrode::Unknown);
    ch.label = "EMG TA monopolar";
    CHECK(needleElectrodeOf(ch) == NeedleElectrode::Monopolar);
    CHECK(std::string(toString(NeedleElectrode::Unknown)) == "not stated");
}

TEST_CASE("the limit of a mean duration widens for fewer than 20 MUPs: 2 sqrt(sb^2 + sw^2/n), +-20 % for 20") {
    const auto ref = muapReference("biceps brachii", 40.0);
    REQUIRE(ref.durationLimitPercent == Approx(20.0));
    REQUIRE(ref.mupDurationSdPercent == Approx(30.0));
    // sb^2 = 10^2 - 30^2/20 = 55 (% squared): the spread of normal muscles' true means
    CHECK(meanDurationLimitPercent(ref, 20) == Approx(20.0));
    CHECK(meanDurationLimitPercent(ref, 60) == Approx(20.0));   // never narrower than the reference's
    CHECK(meanDurationLimitPercent(ref, 10) == Approx(24.08).margin(0.01));
    CHECK(meanDurationLimitPercent(ref, 5) == Approx(30.66).margin(0.01));
    CHECK(meanDurationLimitPercent(ref, 2) == Approx(44.94).margin(0.01));
    CHECK(meanDurationLimitPercent(ref, 1) == Approx(61.81).margin(0.01));
    CHECK(meanDurationLimitPercent(ref, 0) == 0.0);
    // what the limit is for: normal muscles (true means spread by sb, their MUPs by sw around them)
    // sampled n MUPs at a time read beyond it about 4.6 % of the time (2 SD, both sides), whatever n
    std::mt19937 rng(42);
    std::normal_distribution<double> muscleMean(0.0, std::sqrt(55.0)), mup(0.0, 30.0);
    for (int n : {2, 3, 5, 10, 20}) {
        int beyond = 0;
        const int muscles = 20000;
        for (int m = 0; m < muscles; ++m) {
            const double mu = muscleMean(rng);
            double sum = 0.0;
            for (int k = 0; k < n; ++k) sum += mu + mup(rng);
            beyond += std::abs(sum / n) > meanDurationLimitPercent(ref, n);
        }
        INFO(n << " MUPs: " << beyond << " of " << muscles << " beyond");
        CHECK(static_cast<double>(beyond) / muscles == Approx(0.0455).margin(0.006));
    }
}

/// A summary of the measured units `durationsMs` (deltoid at 40: 8.8 ms expected) and the sort they came from.
struct FewUnits {
    MuscleSummary summary;
    SortResult sort;
};

FewUnits fewUnits(const std::vector<double>& durationsMs, double noiseUv = 12.0) {
    FewUnits f;
    f.sort = sorted(noiseUv);
    double sum = 0.0;
    for (double d : durationsMs) {
        MotorUnit mu;
        mu.shapeMeasured = true;
        mu.params.durationMs = d;
        mu.params.amplitudeUv = 500.0;   // within the outlier limits: only the mean duration is at stake
        f.sort.units.push_back(mu);
        sum += d;
    }
    const auto n = static_cast<int>(durationsMs.size());
    f.summary = units(n, PatternReading::Insufficient, sum / n, 100.0 * (sum / n - 8.8) / 8.8);
    f.summary.durationLimitAppliedPercent = meanDurationLimitPercent(f.summary.reference, n);
    return f;
}

MuscleReading readFew(const FewUnits& f, const ReadingCriteria& c = {}) { return read(f.summary, f.sort, cloud(0, 0, 0), c); }

TEST_CASE("a few units count only by a mean duration beyond the limit for so few, and never as normal") {
    REQUIRE(muapReference("deltoid", 40.0).meanDurationMs == Approx(8.8));
    // three units 45 % long (12.76 ms; limit 37.7 % for 3; any two of them 45 %, beyond the 44.9 % for 2)
    const auto longFew = readFew(fewUnits({12.76, 12.76, 12.76}));
    CHECK(find(longFew, "motor units").counted);
    CHECK(find(longFew, "motor units").suggests == PatternReading::Neuropathic);
    CHECK(find(longFew, "motor units").text.find("beyond the limit +-37.7 % for a mean of 3 units") != std::string::npos);
    CHECK(longFew.pattern == PatternReading::Neuropathic);
    // three units 50 % short: myopathic
    CHECK(readFew(fewUnits({4.4, 4.4, 4.4})).pattern == PatternReading::Myopathic);
    // 30 % long is within the limit for 3 (though beyond the +-20 % for 20): shown, not counted, not normal
    const auto within = readFew(fewUnits({11.44, 11.44, 11.44}));
    CHECK_FALSE(find(within, "motor units").counted);
    CHECK(find(within, "motor units").text.find("within the limit +-37.7 % for a mean of 3 units") != std::string::npos);
    CHECK(within.pattern == PatternReading::Insufficient);
    // one unit, however long, is not a mean (it may be a composite of several)
    CHECK_FALSE(find(readFew(fewUnits({16.7})), "motor units").counted);
    // a baseline never quiet: the few units are the largest, not a sample
    CHECK_FALSE(find(readFew(fewUnits({14.0, 14.0, 14.0}, 150.0)), "motor units").counted);
    // with an unknown gain the same rule, in the file's units
    ReadingCriteria noGain;
    noGain.amplitudeKnown = false;
    auto counts = fewUnits({14.5, 14.5});   // +65 %: each alone beyond the 61.8 % for one
    counts.summary.meanAmplitudeUv = 3000.0;   // counts; the noise 12 is 0.4 % of it
    const auto g = readFew(counts, noGain);
    CHECK(find(g, "motor units").counted);
    CHECK(g.pattern == PatternReading::Neuropathic);
}

TEST_CASE("a few units' mean does not count when one unit decides it: without any one of them it must stay beyond the limit") {
    // mean of 4: (8.0 + 3 x 14.0) / 4 = 12.5 ms, +42 %, beyond the 33.5 % for 4; without the 8 ms unit the
    // others are +59 %, but without one 14 ms unit (8 + 14 + 14) / 3 = 12 ms, +36.4 %, within the 37.7 % for 3
    const auto f = fewUnits({8.0, 14.0, 14.0, 14.0});
    REQUIRE(f.summary.durationDeviationPercent > f.summary.durationLimitAppliedPercent);
    const auto r = readFew(f);
    CHECK_FALSE(find(r, "motor units").counted);
    CHECK(find(r, "motor units").text.find("not without one of them") != std::string::npos);
    CHECK(r.pattern == PatternReading::Insufficient);
    // the same mean from four units alike counts: (4 x 12.5) / 4, any three +42 %, beyond the 37.7 % for 3
    CHECK(find(readFew(fewUnits({12.5, 12.5, 12.5, 12.5})), "motor units").counted);
    // two units: each alone must lie beyond the limit for one (61.8 %): 15 and 12 ms (+70 %, +36 %) do not count
    CHECK_FALSE(find(readFew(fewUnits({15.0, 12.0})), "motor units").counted);
}
