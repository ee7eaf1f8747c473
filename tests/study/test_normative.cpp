// Normative values: limits from the named sources (Preston & Shapiro 2013; Braddom & Johnson 1974;
// Falco 1994; Jankus 1994; AANEM 1999 ulnar practice parameter), direction of abnormality, unit
// conversion, age strata, linear adjustment, temperature warnings, validation of the data.
#include "study_test_util.h"

#include <emg/study/normative.h>

#include <catch2/catch.hpp>

#include <fstream>

using namespace emg::study;

namespace {
const NormativeTable& table() {
    static const NormativeTable t = NormativeTable::loadDirectory(test::resources() / "normative");
    return t;
}
}  // namespace

TEST_CASE("median motor distal latency: 4.4 ms upper limit (Preston & Shapiro)", "[study][normative]") {
    const SubjectInfo adult{45.0, 170.0, 33.0};
    auto ev = table().evaluate(TestKind::Motor, "median", "abductor pollicis brevis", "distalLatencyMs", 5.2, "ms", adult);
    REQUIRE(ev);
    CHECK(ev->limit == Approx(4.4));
    CHECK(ev->abnormal);
    CHECK(ev->deviation == Deviation::High);
    CHECK_THAT(ev->source, Catch::Contains("Preston"));
    auto ok = table().evaluate(TestKind::Motor, "median", "abductor pollicis brevis", "distalLatencyMs", 3.8, "ms", adult);
    CHECK_FALSE(ok->abnormal);
    CHECK(ok->deviation == Deviation::None);
}

TEST_CASE("amplitudes are compared across units: CMAP limit in mV, measurement in uV", "[study][normative]") {
    const SubjectInfo s{50.0, 175.0, 31.0};
    auto low = table().evaluate(TestKind::Motor, "peroneal", "extensor digitorum brevis", "amplitudeUv", 1500.0, "uV", s);
    REQUIRE(low);
    CHECK(low->limit == Approx(2000.0));
    CHECK(low->deviation == Deviation::Low);
    auto ok = table().evaluate(TestKind::Motor, "tibial", "abductor hallucis", "amplitudeUv", 4.5, "mV", s);
    CHECK(ok->limit == Approx(4.0));
    CHECK_FALSE(ok->abnormal);
    auto sural = table().evaluate(TestKind::Sensory, "sural", "lateral malleolus", "amplitudeUv", 4.0, "uV", s);
    CHECK(sural->limit == Approx(6.0));
    CHECK(sural->abnormal);
    CHECK_THROWS_AS(convertUnit(1.0, "ms", "uV"), FormatError);
}

TEST_CASE("conduction velocity, F-wave, H-reflex and RNS limits from the sources", "[study][normative]") {
    const SubjectInfo s{40.0, 180.0, std::nullopt};
    CHECK(table().evaluate(TestKind::Motor, "tibial", "abductor hallucis", "conductionVelocityMps", 38.0, "m/s", s)->abnormal);
    CHECK(table().evaluate(TestKind::Motor, "tibial", "abductor hallucis", "conductionVelocityMps", 38.0, "m/s", s)->limit == Approx(41));
    CHECK_FALSE(table().evaluate(TestKind::Motor, "peroneal", "extensor digitorum brevis", "conductionVelocityMps", 45.0, "m/s", s)->abnormal);
    CHECK(table().evaluate(TestKind::FWave, "tibial", "abductor hallucis", "fMinLatencyMs", 57.5, "ms", s)->abnormal);
    CHECK(table().evaluate(TestKind::FWave, "median", "abductor pollicis brevis", "fMinLatencyMs", 30.0, "ms", s)->limit == Approx(31));
    CHECK(table().evaluate(TestKind::HReflex, "tibial", "soleus", "hLatencyMs", 35.0, "ms", s)->abnormal);
    auto rns = table().evaluate(TestKind::Rns, "ulnar", "abductor digiti minimi", "decrementPct", 18.0, "%", s);
    CHECK(rns->limit == Approx(10));
    CHECK(rns->abnormal);
    CHECK(rns->deviation == Deviation::High);
    auto elbow = table().evaluate(TestKind::Motor, "ulnar", "abductor digiti minimi", "acrossElbowSlowingMps", 14.0, "m/s", s);
    CHECK(elbow->abnormal);
    CHECK_THAT(elbow->source, Catch::Contains("ulnar neuropathy at the elbow"));
    CHECK(table().evaluate(TestKind::Sensory, "median-ulnar palmar", "wrist", "peakLatencyDiffMs", 0.5, "ms", s)->abnormal);
    CHECK_FALSE(table().evaluate(TestKind::Motor, "median", "abductor pollicis brevis", "noSuchParameter", 1.0, "ms", s));
    // limits belong to their recording site: no ADM limit for a first dorsal interosseous recording
    CHECK_FALSE(table().evaluate(TestKind::Motor, "ulnar", "first dorsal interosseous", "distalLatencyMs", 4.0, "ms", s));
    // without a site the nerve's only entry applies; with two sites (peroneal EDB/TA) none is guessed
    CHECK(table().evaluate(TestKind::Motor, "tibial", "", "distalLatencyMs", 6.0, "ms", s)->abnormal);
    CHECK_FALSE(table().evaluate(TestKind::Motor, "peroneal", "", "distalLatencyMs", 6.0, "ms", s));
}

TEST_CASE("H-reflex side-to-side limit depends on age: 1.5 ms (Braddom 1974), 1.8 ms from 60 years (Falco 1994)", "[study][normative]") {
    auto young = table().evaluate(TestKind::HReflex, "tibial", "soleus", "hLatencySideDiffMs", 1.7, "ms", {45.0, 175.0, std::nullopt});
    REQUIRE(young);
    CHECK(young->limit == Approx(1.5));
    CHECK(young->abnormal);
    CHECK_THAT(young->source, Catch::Contains("Braddom"));
    auto old = table().evaluate(TestKind::HReflex, "tibial", "soleus", "hLatencySideDiffMs", 1.7, "ms", {72.0, 175.0, std::nullopt});
    CHECK(old->limit == Approx(1.8));
    CHECK_FALSE(old->abnormal);
    CHECK_THAT(old->source, Catch::Contains("Falco"));
    auto unknownAge = table().evaluate(TestKind::HReflex, "tibial", "soleus", "hLatencySideDiffMs", 1.7, "ms", {});
    CHECK(unknownAge->limit == Approx(1.5));
    auto ratio = table().evaluate(TestKind::HReflex, "tibial", "soleus", "hAmplitudeSideRatio", 0.3, "ratio", {});
    CHECK(ratio->deviation == Deviation::Low);
    CHECK_THAT(ratio->source, Catch::Contains("Jankus"));
}

TEST_CASE("a cool limb adds a temperature warning to a prolonged latency", "[study][normative]") {
    auto ev = table().evaluate(TestKind::Motor, "median", "abductor pollicis brevis", "distalLatencyMs", 4.7, "ms", {50.0, 170.0, 29.0});
    REQUIRE(ev);
    bool warned = false;
    for (const auto& n : ev->notes) warned = warned || n.find("may be due to cooling") != std::string::npos;
    CHECK(warned);
    auto warm = table().evaluate(TestKind::Motor, "median", "abductor pollicis brevis", "distalLatencyMs", 4.7, "ms", {50.0, 170.0, 33.0});
    for (const auto& n : warm->notes) CHECK(n.find("cooling") == std::string::npos);
    // leg threshold is 30 C: 31 C is warm enough for the sural
    auto leg = table().evaluate(TestKind::Sensory, "sural", "lateral malleolus", "peakLatencyMs", 4.0, "ms", {50.0, 170.0, 31.0});
    for (const auto& n : leg->notes) CHECK(n.find("below") == std::string::npos);
}

TEST_CASE("every shipped normative number names a known source, bad tables are refused", "[study][normative]") {
    for (const auto& e : table().entries()) {
        INFO(e.nerve << " " << e.parameter);
        CHECK(table().sources().count(e.source) == 1);
        for (const auto& s : e.strata) CHECK(table().sources().count(s.source) == 1);
    }
    CHECK(table().entries().size() >= 40);
    const auto dir = test::tempDir("normative");
    auto load = [&](const std::string& text) -> std::string {
        std::ofstream(dir / "t.json") << text;
        try {
            NormativeTable::load(dir / "t.json");
        } catch (const FormatError& e) {
            return e.what();
        }
        return "no error";
    };
    CHECK_THAT(load(R"({"format":"emgws-normative","sources":{"a":"A 2000"},"entries":[{"test":"motor","nerve":"median","parameter":"distalLatencyMs","limit":"upper","value":4.4,"unit":"ms","source":"b"}]})"),
               Catch::Contains("t.json.entries[0].source: unknown source 'b'"));
    CHECK_THAT(load(R"({"format":"emgws-normative","sources":{"a":"A 2000"},"entries":[{"test":"motor","nerve":"median","parameter":"distalLatencyMs","limit":"above","value":4.4,"unit":"ms","source":"a"}]})"),
               Catch::Contains("limit: expected \"upper\" or \"lower\""));
    CHECK_THAT(load(R"({"format":"emgws-normative","sources":{"a":"A 2000"},"entries":[{"test":"motor","nerve":"median","parameter":"distalLatencyMs","limit":"upper","value":"4.4","unit":"ms","source":"a"}]})"),
               Catch::Contains("entries[0].value: expected a number, got string"));
    // linear adjustment (height) as a source would give it: limit = 50 + 0.3 ms/cm above 170 cm
    std::ofstream(dir / "t.json") << R"({"format":"emgws-normative","sources":{"x":"Synthetic table for the test"},"entries":[{"test":"fwave","nerve":"tibial","parameter":"fMinLatencyMs","limit":"upper","value":50,"unit":"ms","source":"x","adjustments":[{"variable":"heightCm","reference":170,"perUnit":0.3,"source":"x"}]}]})";
    const auto t = NormativeTable::load(dir / "t.json");
    CHECK(t.evaluate(TestKind::FWave, "tibial", "", "fMinLatencyMs", 52.0, "ms", {40.0, 190.0, std::nullopt})->limit == Approx(56.0));
    CHECK_FALSE(t.evaluate(TestKind::FWave, "tibial", "", "fMinLatencyMs", 52.0, "ms", {40.0, 190.0, std::nullopt})->abnormal);
    CHECK(t.evaluate(TestKind::FWave, "tibial", "", "fMinLatencyMs", 52.0, "ms", {40.0, 160.0, std::nullopt})->abnormal);
    std::filesystem::remove_all(dir);
}

#include <emg/study/evaluation.h>

TEST_CASE("study evaluation: every measurement against its limit, derived H-reflex side difference by age", "[study][normative]") {
    Patient p{"P", "N", "1950-03-01", Sex::Male, 178.0, Side::Left};
    Study s;
    s.patientId = "P";
    s.date = "2026-03-02";   // 76 years old: side-difference limit 1.8 ms (Falco 1994)
    s.limbTemperatureC = 31.0;
    MotorNcs m;
    m.id = "t1";
    m.side = Side::Left;
    m.nerve = "tibial";
    m.recordingSite = "abductor hallucis";
    m.sites = {{"medial ankle", 90.0, {{"distalLatencyMs", 6.3, "ms", Provenance::Auto, "", ""}, {"amplitudeUv", 5200.0, "uV", Provenance::Auto, "", ""}}}};
    m.measurements = {{"conductionVelocityMps", 43.0, "m/s", Provenance::Auto, "", ""}, {"unlistedThing", 1.0, "", Provenance::Auto, "", ""}};
    s.tests.push_back(m);
    HReflex hl, hr;
    hl.id = "h1";
    hl.side = Side::Left;
    hl.measurements = {{"hLatencyMs", 33.2, "ms", Provenance::Auto, "", ""}, {"hAmplitudeUv", 600.0, "uV", Provenance::Auto, "", ""}};
    hr.id = "h2";
    hr.side = Side::Right;
    hr.measurements = {{"hLatencyMs", 31.6, "ms", Provenance::Auto, "", ""}, {"hAmplitudeUv", 2000.0, "uV", Provenance::Auto, "", ""}};
    s.tests.push_back(hl);
    s.tests.push_back(hr);
    const auto subject = subjectFor(p, s);
    CHECK(subject.ageYears.value() == Approx(76));
    const auto evs = evaluateStudy(s, table(), subject);
    auto find = [&](const std::string& name, Side side = Side::Unspecified) -> const MeasurementEvaluation* {
        for (const auto& e : evs)
            if (e.measurement.name == name && (side == Side::Unspecified || e.side == side)) return &e;
        return nullptr;
    };
    REQUIRE(find("distalLatencyMs"));
    CHECK(find("distalLatencyMs")->evaluation.abnormal);   // 6.3 > 5.8 ms
    CHECK(find("distalLatencyMs")->site == "medial ankle");
    CHECK_FALSE(find("amplitudeUv")->evaluation.abnormal);
    CHECK_FALSE(find("conductionVelocityMps")->evaluation.abnormal);
    CHECK_FALSE(find("unlistedThing"));
    const auto* diff = find("hLatencySideDiffMs");
    REQUIRE(diff);
    CHECK(diff->measurement.value == Approx(1.6));
    CHECK(diff->evaluation.limit == Approx(1.8));
    CHECK_FALSE(diff->evaluation.abnormal);
    const auto* ratio = find("hAmplitudeSideRatio");
    REQUIRE(ratio);
    CHECK(ratio->measurement.value == Approx(0.3));
    CHECK(ratio->evaluation.abnormal);
    CHECK(find("hLatencyMs", Side::Left)->evaluation.abnormal == false);   // 33.2 <= 34 ms
}

TEST_CASE("side to side: CMAP and SNAP amplitude ratio (< 0.5 abnormal), F minimal latency difference, only with both sides",
          "[study][normative]") {
    Patient p{"P", "N", "1970-03-01", Sex::Female, 165.0, Side::Left};
    Study s;
    s.patientId = "P";
    s.date = "2026-03-02";
    auto motor = [](const char* id, Side side, double amplitudeUv) {
        MotorNcs m;
        m.id = id;
        m.side = side;
        m.nerve = "peroneal";
        m.recordingSite = "extensor digitorum brevis";
        m.sites = {{"ankle", 90.0, {{"distalLatencyMs", 4.6, "ms", Provenance::Auto, "", ""}, {"amplitudeUv", amplitudeUv, "uV", Provenance::Auto, "", ""}}},
                   {"below fibular head", 300.0, {{"amplitudeUv", 0.9 * amplitudeUv, "uV", Provenance::Auto, "", ""}}}};
        return m;
    };
    auto fwave = [](const char* id, Side side, double minMs) {
        FWave f;
        f.id = id;
        f.side = side;
        f.nerve = "peroneal";
        f.recordingSite = "extensor digitorum brevis";
        f.measurements = {{"fMinLatencyMs", minMs, "ms", Provenance::Auto, "", ""}};
        return f;
    };
    auto sural = [](const char* id, Side side, double amplitudeUv) {
        SensoryNcs n;
        n.id = id;
        n.side = side;
        n.nerve = "sural";
        n.recordingSite = "lateral malleolus";
        n.sites = {{"calf", 140.0, {{"amplitudeUv", amplitudeUv, "uV", Provenance::Auto, "", ""}}}};
        return n;
    };
    s.tests = {motor("m1", Side::Left, 1500.0), fwave("f1", Side::Left, 52.5), sural("s1", Side::Left, 12.0)};
    const auto subject = subjectFor(p, s);
    CHECK(ncsSideToSide(s, table(), subject).empty());   // one side only: nothing to compare
    s.tests.push_back(motor("m2", Side::Right, 5000.0));
    s.tests.push_back(fwave("f2", Side::Right, 48.0));
    s.tests.push_back(sural("s2", Side::Right, 14.0));
    const auto sides = ncsSideToSide(s, table(), subject);
    REQUIRE(sides.size() == 3);
    auto find = [&](TestKind kind) -> const SideToSideEvaluation* {
        for (const auto& d : sides)
            if (d.evaluation.kind == kind) return &d;
        return nullptr;
    };
    const auto* cmap = find(TestKind::Motor);
    REQUIRE(cmap);
    CHECK(cmap->evaluation.measurement.name == "amplitudeSideRatio");
    CHECK(cmap->evaluation.site == "ankle");   // the distal CMAP
    CHECK(cmap->evaluation.measurement.value == Approx(0.3));
    CHECK(cmap->evaluation.evaluation.limit == Approx(0.5));
    CHECK(cmap->evaluation.evaluation.abnormal);   // the left CMAP is 30 % of the right's
    CHECK(cmap->worseSide == Side::Left);
    const auto* f = find(TestKind::FWave);
    REQUIRE(f);
    CHECK(f->evaluation.measurement.name == "fMinLatencySideDiffMs");
    CHECK(f->evaluation.measurement.value == Approx(4.5));
    CHECK(f->evaluation.evaluation.limit == Approx(4.0));   // lower limb
    CHECK(f->evaluation.evaluation.abnormal);
    CHECK(f->worseSide == Side::Left);   // the later F
    const auto* snap = find(TestKind::Sensory);
    REQUIRE(snap);
    CHECK(snap->evaluation.measurement.value == Approx(12.0 / 14.0));
    CHECK_FALSE(snap->evaluation.evaluation.abnormal);
    CHECK(snap->evaluation.side == Side::Bilateral);
}
