// Study model: JSON round trip of every test kind, tolerant reading (unknown keys, defaults),
// and errors that name the JSON path; dates and age.
#include <emg/study/json.h>

#include <catch2/catch.hpp>

using namespace emg::study;
using nlohmann::json;

namespace {
Study sampleStudy() {
    Study s;
    s.id = "st-1";
    s.patientId = "P001";
    s.date = "2026-11-24";
    s.indication = "low back pain with left leg symptoms";
    s.referringPhysician = "Dr. Ortho";
    s.examiner = "Dr. Neuro";
    s.technician = "T. Tech";
    s.limbTemperatureC = 32.5;
    s.protocolId = "lumbosacral-radiculopathy";
    MotorNcs m;
    m.id = "t1";
    m.side = Side::Left;
    m.nerve = "peroneal";
    m.recordingSite = "extensor digitorum brevis";
    m.raw = {"/data/p001/peroneal.edf", std::string(64, 'a'), "EDB", 0.0, 2.5};
    m.sites = {{"ankle", 90.0, {{"distalLatencyMs", 4.8, "ms", Provenance::Auto, "onset marker, HP 2 Hz", ""},
                                {"amplitudeUv", 5200.0, "uV", Provenance::Clinician, "", "DN"}}},
               {"below fibular head", 310.0, {{"latencyMs", 11.2, "ms", Provenance::Auto, "", ""}}}};
    m.measurements = {{"conductionVelocityMps", 48.4, "m/s", Provenance::Auto, "", ""}};
    s.tests.push_back(m);
    SensoryNcs sn;
    sn.id = "t2";
    sn.side = Side::Left;
    sn.nerve = "sural";
    sn.recordingSite = "lateral malleolus";
    sn.sites = {{"calf", 140.0, {{"peakLatencyMs", 3.6, "ms", Provenance::Auto, "", ""}}}};
    s.tests.push_back(sn);
    FWave f;
    f.id = "t3";
    f.nerve = "tibial";
    f.recordingSite = "abductor hallucis";
    f.stimSite = "ankle";
    f.stimuli = 20;
    f.measurements = {{"fMinLatencyMs", 49.5, "ms", Provenance::Auto, "", ""}};
    s.tests.push_back(f);
    HReflex h;
    h.id = "t4";
    h.side = Side::Right;
    h.measurements = {{"hLatencyMs", 30.1, "ms", Provenance::Auto, "", ""}};
    s.tests.push_back(h);
    Rns r;
    r.id = "t5";
    r.nerve = "ulnar";
    r.recordingSite = "abductor digiti minimi";
    r.rateHz = 3.0;
    r.trainLength = 10;
    r.measurements = {{"decrementPct", 4.0, "%", Provenance::Auto, "", ""}};
    s.tests.push_back(r);
    NeedleEmg n;
    n.id = "t6";
    n.side = Side::Left;
    n.muscle = "tibialis anterior";
    n.insertional = Grade3::Increased;
    n.fibrillations = 2;
    n.positiveSharpWaves = 2;
    n.muapAmplitude = Grade3::Increased;
    n.muapDuration = Grade3::Increased;
    n.polyphasia = Grade3::Increased;
    n.recruitment = Recruitment::Reduced;
    n.interference = Interference::Reduced;
    n.automaticReading = NeedleAutoReading{"neuropathic", {"motor units: 9 units, mean duration 14.1 ms (+41 %)", "spontaneous activity"}};
    s.tests.push_back(n);
    s.findings.push_back({"localization", "left L5 radiculopathy", Provenance::Clinician, true});
    return s;
}
}  // namespace

TEST_CASE("study JSON round trip keeps every test kind, site, measurement and provenance", "[study][json]") {
    const Study s = sampleStudy();
    const json j = toJson(s);
    const Study back = studyFromJson(json::parse(j.dump()));
    CHECK(toJson(back) == j);
    REQUIRE(back.tests.size() == 6);
    const auto& m = std::get<MotorNcs>(back.tests[0]);
    CHECK(m.sites.size() == 2);
    CHECK(m.sites[0].distanceMm.value() == Approx(90.0));
    CHECK(m.sites[0].measurements[1].provenance == Provenance::Clinician);
    CHECK(m.sites[0].measurements[1].placedBy == "DN");
    CHECK(m.raw.endSec.value() == Approx(2.5));
    CHECK(kindOf(back.tests[5]) == TestKind::Needle);
    const auto& n = std::get<NeedleEmg>(back.tests[5]);
    CHECK(n.fibrillations == 2);
    CHECK(n.recruitment == Recruitment::Reduced);
    CHECK(n.neurogenic());
    REQUIRE(n.automaticReading.has_value());
    CHECK(n.automaticReading->pattern == "neuropathic");
    REQUIRE(n.automaticReading->reasons.size() == 2);
    CHECK(n.automaticReading->reasons[0] == "motor units: 9 units, mean duration 14.1 ms (+41 %)");
    CHECK(back.limbTemperatureC.value() == Approx(32.5));
    CHECK(back.findings.at(0).confirmed);
}

TEST_CASE("study JSON reading tolerates unknown keys and fills defaults", "[study][json]") {
    const json j = json::parse(R"({"patientId":"P9","date":"2026-01-02","futureField":{"x":1},
        "tests":[{"kind":"needle","muscle":"deltoid","vendorExtra":true},{"kind":"hreflex"}]})");
    const Study s = studyFromJson(j);
    REQUIRE(s.tests.size() == 2);
    const auto& n = std::get<NeedleEmg>(s.tests[0]);
    CHECK(n.fibrillations == 0);
    CHECK(n.recruitment == Recruitment::NotAssessed);
    CHECK_FALSE(n.abnormal());
    CHECK_FALSE(n.automaticReading.has_value());   // typed findings (or a study saved before it was kept)
    CHECK_FALSE(toJson(s).at("tests").at(0).contains("automaticReading"));
    const auto& h = std::get<HReflex>(s.tests[1]);
    CHECK(h.nerve == "tibial");
    CHECK(h.recordingSite == "soleus");
    CHECK_FALSE(s.limbTemperatureC.has_value());
}

TEST_CASE("study JSON errors name the path of the bad value", "[study][json]") {
    auto errorOf = [](const std::string& text) -> std::string {
        try {
            studyFromJson(json::parse(text));
        } catch (const FormatError& e) {
            return e.what();
        }
        return "no error";
    };
    CHECK_THAT(errorOf(R"({"patientId":"P","date":"2026-01-02","tests":[{"kind":"motor","nerve":"median","sites":[{"name":"wrist","distanceMm":"70"}]}]})"),
               Catch::Contains("study.tests[0].sites[0].distanceMm: expected a number, got string"));
    CHECK_THAT(errorOf(R"({"patientId":"P","date":"2026-02-30"})"), Catch::Contains("study.date"));
    CHECK_THAT(errorOf(R"({"date":"2026-01-02"})"), Catch::Contains("study.patientId: missing"));
    CHECK_THAT(errorOf(R"({"patientId":"P","date":"2026-01-02","tests":[{"kind":"needle","muscle":"deltoid","fibrillations":5}]})"),
               Catch::Contains("study.tests[0].fibrillations: grade 5 is outside 0..4"));
    CHECK_THAT(errorOf(R"({"patientId":"P","date":"2026-01-02","tests":[{"kind":"emg"}]})"),
               Catch::Contains("unknown test kind 'emg'"));
    CHECK_THAT(errorOf(R"({"patientId":"P","date":"2026-01-02","tests":[{"kind":"needle","muscle":"deltoid","side":"up"}]})"),
               Catch::Contains("study.tests[0].side: unknown side 'up'"));
    CHECK_THAT(errorOf(R"({"patientId":"P","date":"2026-01-02","tests":[{"kind":"sensory","nerve":"sural","raw":{"path":"a.edf","sha256":"xyz"}}]})"),
               Catch::Contains("sha256: expected 64 lower-case hex digits"));
    CHECK_THAT(errorOf(R"([1,2])"), Catch::Contains("study: expected an object, got array"));
    CHECK_THROWS_WITH(parseJsonText("{\"a\":", "study.json"), Catch::Contains("study.json: malformed JSON"));
}

TEST_CASE("patient JSON and age from birth date", "[study][json]") {
    Patient p{"P001", "Doe, Jane", "1970-06-15", Sex::Female, 168.0, Side::Left};
    const Patient back = patientFromJson(toJson(p));
    CHECK(back.name == "Doe, Jane");
    CHECK(back.heightCm.value() == Approx(168.0));
    CHECK(back.symptomSide == Side::Left);
    CHECK(ageYears("1970-06-15", "2026-06-14").value() == 55);
    CHECK(ageYears("1970-06-15", "2026-06-15").value() == 56);
    CHECK_FALSE(ageYears("1970-06-15", "1969-01-01").has_value());
    CHECK(isIsoDate("2024-02-29"));
    CHECK_FALSE(isIsoDate("2023-02-29"));
    CHECK_THROWS_WITH(patientFromJson(json::parse(R"({"id":"X","heightCm":400})")), Catch::Contains("patient.heightCm"));
    CHECK_THROWS_AS(validate(Patient{}), FormatError);
}
