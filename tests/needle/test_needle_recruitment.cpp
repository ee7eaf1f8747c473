// Recruitment readings, reference values, the muscle summary's reading and the interference
// pattern's turns/amplitude on signals whose turns are known exactly.
#include <emg/needle/interference.h>
#include <emg/needle/muscle_summary.h>
#include <emg/needle/recruitment.h>
#include <emg/needle/reference_values.h>

#include <catch2/catch.hpp>

#include <cmath>

using namespace emg::needle;

namespace {
MotorUnit unitFiring(double rateHz, double startSec, double seconds, double durationMs = 10.0, double ampUv = 500.0, int phases = 3) {
    MotorUnit u;
    for (double t = startSec; t < startSec + seconds; t += 1.0 / rateHz) u.firingTimesSec.push_back(t);
    u.firstFiringSec = startSec;
    u.meanRateHz = rateHz;
    u.params.durationMs = durationMs;
    u.params.amplitudeUv = ampUv;
    u.params.phases = phases;
    return u;
}
}  // namespace

TEST_CASE("recruitment ratio: one unit at 22 Hz is reduced, three units at 12 Hz normal, many slow units early") {
    auto r = analyzeRecruitment({unitFiring(22.0, 0.0, 3.0)});
    CHECK(r.recruitmentRatio == Approx(22.0));
    CHECK(r.reading == RecruitmentReading::Reduced);

    r = analyzeRecruitment({unitFiring(12.0, 0.0, 3.0), unitFiring(9.0, 0.4, 2.0), unitFiring(7.0, 0.9, 2.0)});
    CHECK(r.recruitmentRatio == Approx(4.0));
    CHECK(r.onsetFrequencyHz == Approx(12.0).epsilon(0.01));
    CHECK(r.recruitmentFrequencyHz == Approx(12.0).epsilon(0.01));
    CHECK(r.reading == RecruitmentReading::Normal);

    std::vector<MotorUnit> many;
    for (int i = 0; i < 6; ++i) many.push_back(unitFiring(6.0 + 0.2 * i, 0.1 * i, 2.0));
    r = analyzeRecruitment(many);
    CHECK(r.reading == RecruitmentReading::Early);

    // second unit only joins when the first fires at 25 Hz: reduced even though the ratio is 12.5
    r = analyzeRecruitment({unitFiring(25.0, 0.0, 3.0), unitFiring(8.0, 1.0, 2.0)});
    CHECK(r.recruitmentFrequencyHz == Approx(25.0).epsilon(0.01));
    CHECK(r.reading == RecruitmentReading::Reduced);
    CHECK(analyzeRecruitment({}).reading == RecruitmentReading::Unknown);
}

TEST_CASE("recruitment frequency: used at slight effort, shown but not used when the effort was declared moderate") {
    // the first unit at 25 Hz when the second appears: recruitment at a high rate (loss of units)
    // at threshold; at a declared moderate effort every unit fires at 20-30 Hz from the start
    const std::vector<MotorUnit> units{unitFiring(25.0, 0.0, 3.0), unitFiring(24.0, 0.5, 2.5), unitFiring(23.0, 1.0, 2.0)};
    const auto atThreshold = analyzeRecruitment(units);
    CHECK(atThreshold.recruitmentFrequencyHz == Approx(25.0).epsilon(0.01));
    CHECK(atThreshold.recruitmentRatio == Approx(25.0 / 3.0));
    CHECK(atThreshold.reading == RecruitmentReading::Reduced);
    RecruitmentCriteria moderate;
    moderate.recruitmentObserved = false;
    const auto declared = analyzeRecruitment(units, moderate);
    CHECK(declared.recruitmentFrequencyHz == Approx(25.0).epsilon(0.01));   // still measured and shown
    CHECK(declared.reading == RecruitmentReading::Normal);                  // the ratio 8.3 < 10 decides
    CHECK(declared.explanation.find("not used") != std::string::npos);
    // a ratio above 10 is reduced whatever the effort: one unit alone at 25 Hz
    CHECK(analyzeRecruitment({unitFiring(25.0, 0.0, 3.0)}, moderate).reading == RecruitmentReading::Reduced);
}

TEST_CASE("recruitment frequency through missed firings: each interval read as the discharges it spans") {
    // the first unit fires at 10 Hz but every other firing was missed: its intervals are 200 ms
    MotorUnit first = unitFiring(5.0, 0.0, 3.0);
    first.meanRateHz = 10.0;   // the discharge interval the sorter estimates through missed firings
    const auto r = analyzeRecruitment({first, unitFiring(9.0, 1.0, 2.0)});
    CHECK(r.recruitmentFrequencyHz == Approx(10.0).epsilon(0.01));
    CHECK(r.onsetFrequencyHz == Approx(10.0).epsilon(0.01));
}

TEST_CASE("reference values by muscle and age, with a stated general default") {
    const auto young = muapReference("Biceps", 25.0);
    const auto old = muapReference("biceps brachii", 70.0);
    CHECK(young.muscle == "biceps brachii");
    CHECK_FALSE(young.generalDefault);
    CHECK(old.meanDurationMs > young.meanDurationMs * 1.15);   // duration lengthens with age
    CHECK(muapReference("L TA", 40.0).muscle == "tibialis anterior");
    const auto gen = muapReference("", std::nullopt);
    CHECK(gen.generalDefault);
    CHECK(gen.ageYears == 40.0);
    CHECK(gen.source.find("general default") != std::string::npos);
    CHECK(muapReference("unknown muscle xyz", 50.0).generalDefault);
}

TEST_CASE("reference values come from resources/needle/muap_reference.json, vastus medialis with its own row") {
    // Buchthal's quadriceps mean duration at 40 years, 11.5 ms, x0.8 for automatic markers = 9.2 ms;
    // amplitude limits 250-1100 uV (Bischoff et al. 1994); +0.5 % per year of age
    const auto vm = muapReference("vastus medialis", 40.0);
    CHECK(vm.muscle == "vastus medialis");
    CHECK_FALSE(vm.generalDefault);
    CHECK(vm.meanDurationMs == Approx(9.2));
    CHECK(vm.amplitudeLowUv == Approx(250.0));
    CHECK(vm.amplitudeHighUv == Approx(1100.0));
    CHECK(muapReference("R VM", 70.0).meanDurationMs == Approx(9.2 * 1.15));
    CHECK(vm.source.find("muap_reference.json") != std::string::npos);
    CHECK(vm.source.find("buchthal1955") != std::string::npos);
    CHECK(muapReference("quadriceps", 40.0).muscle == "vastus lateralis");
    // every muscle of the file is known by its own name, with plausible values
    const auto names = knownMuscles();
    CHECK(names.size() >= 17);
    for (const auto& n : names) {
        const auto r = muapReference(n, 40.0);
        INFO(n);
        CHECK(r.muscle == n);
        CHECK(r.meanDurationMs > 3.0);
        CHECK(r.meanDurationMs < 12.0);
        CHECK(r.amplitudeLowUv < r.amplitudeHighUv);
    }
}

TEST_CASE("muscle summary reads long large MUAPs as neuropathic and short small ones as myopathic") {
    const auto ref = muapReference("biceps", 40.0);
    CHECK(ref.meanDurationMs == Approx(8.0));   // 10 ms x 0.8 (automatic markers) = 8 ms expected
    std::vector<MotorUnit> normal, neuro, myo;
    for (int i = 0; i < 8; ++i) {
        normal.push_back(unitFiring(10, 0, 1, 7.5 + 0.15 * i, 500));
        neuro.push_back(unitFiring(10, 0, 1, 15.0 + 0.3 * i, 1800, i % 2 ? 5 : 3));
        myo.push_back(unitFiring(10, 0, 1, 4.5 + 0.2 * i, 180, i % 2 ? 6 : 3));
    }
    CHECK(summarizeMuscle(normal, ref).reading == PatternReading::Normal);
    const auto n = summarizeMuscle(neuro, ref);
    CHECK(n.reading == PatternReading::Neuropathic);
    CHECK(n.polyphasicPercent == Approx(50.0));
    CHECK(summarizeMuscle(myo, ref).reading == PatternReading::Myopathic);
    CHECK(summarizeMuscle({}, ref).reading == PatternReading::Insufficient);
}

TEST_CASE("muscle summary: a mean of 5 units is read against the limit for 5 (+-30.7 %), not the +-20 % for 20") {
    const auto ref = muapReference("biceps", 40.0);   // 8.0 ms expected
    std::vector<MotorUnit> plus25, plus35;
    for (int i = 0; i < 5; ++i) {
        plus25.push_back(unitFiring(10, 0, 1, 10.0, 500));   // +25 %
        plus35.push_back(unitFiring(10, 0, 1, 10.8, 500));   // +35 %
    }
    const auto a = summarizeMuscle(plus25, ref);
    CHECK(a.durationLimitAppliedPercent == Approx(30.66).margin(0.01));
    CHECK(a.reading == PatternReading::Normal);
    const auto b = summarizeMuscle(plus35, ref);
    CHECK(b.reading == PatternReading::Neuropathic);
    REQUIRE_FALSE(b.reasons.empty());
    CHECK(b.reasons.front().find("limit +30.7 % for a mean of 5 units; +-20.0 % for 20") != std::string::npos);
    // 20 units at +25 %: beyond the reference's own limit
    std::vector<MotorUnit> twenty(20, unitFiring(10, 0, 1, 10.0, 500));
    const auto c = summarizeMuscle(twenty, ref);
    CHECK(c.durationLimitAppliedPercent == Approx(20.0));
    CHECK(c.reading == PatternReading::Neuropathic);
}

TEST_CASE("interference: a 150 Hz sine of 300 µV gives 300 turns/s of 600 µV") {
    const double fs = 20000.0;
    std::vector<double> x(static_cast<std::size_t>(2.0 * fs));
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = 300.0 * std::sin(2.0 * M_PI * 150.0 * static_cast<double>(i) / fs);
    const auto r = analyzeInterference(x, fs, defaultInterferenceCloud());
    REQUIRE(r.epochs.size() == 4);
    CHECK(r.meanTurnsPerSec == Approx(300.0).margin(4.0));
    CHECK(r.meanAmplitudePerTurnUv == Approx(600.0).epsilon(0.01));
    CHECK(r.meanEnvelopeUv == Approx(600.0).epsilon(0.02));
    CHECK(r.epochs[0].fillingPercent == Approx(100.0));
    // 600 µV at 300 turns/s lies inside the general cloud (80+0.35T .. 400+1.4T = 185..820 µV)
    CHECK(r.reading == InterferenceReading::Normal);
    // the same turns with 4x the amplitude lie above the cloud: neuropathic
    for (auto& v : x) v *= 4.0;
    CHECK(analyzeInterference(x, fs, defaultInterferenceCloud()).reading == InterferenceReading::Neuropathic);
    // many small turns: below the cloud
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = 60.0 * std::sin(2.0 * M_PI * 400.0 * static_cast<double>(i) / fs);
    CHECK(analyzeInterference(x, fs, defaultInterferenceCloud()).reading == InterferenceReading::Myopathic);
}
