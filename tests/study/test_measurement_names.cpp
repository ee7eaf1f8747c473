// The measurement-name registry: every name complete (unit, decimals, title), spelled with the
// unit it carries, recognised by the report, used by the normative files; older spellings read as
// today's names from study JSON and from the session store.
#include "study_test_util.h"

#include <emg/report/study_report.h>
#include <emg/study/evaluation.h>
#include <emg/study/json.h>
#include <emg/study/measurement_names.h>
#include <emg/study/normative.h>
#include <emg/study/session_store.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <set>
#include <string>

namespace st = emg::study;

namespace {

bool endsWith(std::string_view s, std::string_view tail) { return s.size() > tail.size() && s.substr(s.size() - tail.size()) == tail; }

/// The unit a name's suffix promises (the project's naming rule: units in names).
std::string unitOfSuffix(std::string_view name) {
    if (endsWith(name, "UvMs")) return "uV*ms";
    if (endsWith(name, "MvMs")) return "mV*ms";
    if (endsWith(name, "Mps")) return "m/s";
    if (endsWith(name, "Pct")) return "%";
    if (endsWith(name, "Ms")) return "ms";
    if (endsWith(name, "Uv")) return "uV";
    if (endsWith(name, "Mv")) return "mV";
    if (endsWith(name, "Hz")) return "Hz";
    if (endsWith(name, "PerS")) return "1/s";
    if (endsWith(name, "PerMin")) return "1/min";
    if (endsWith(name, "Ratio")) return "ratio";
    return "?";
}

}  // namespace

TEST_CASE("measurement registry: every name has a unit matching its suffix, 0-3 decimals and a title", "[study][names]") {
    std::set<std::string> seen;
    for (const auto& m : st::measurementNames()) {
        INFO(m.name);
        CHECK(seen.insert(std::string(m.name)).second);   // one row per name
        CHECK_FALSE(m.unit.empty());
        CHECK(m.unit == unitOfSuffix(m.name));
        CHECK(m.decimals >= 0);
        CHECK(m.decimals <= 3);
        CHECK_FALSE(m.title.empty());
        CHECK((m.normativeKey.empty() || m.normativeKey == m.name));
        for (const auto& alias : m.aliases) {
            INFO("alias " << alias);
            CHECK(alias != m.name);
            REQUIRE(st::findMeasurementName(alias) == &m);   // an alias names one quantity only
            CHECK(st::canonicalMeasurementName(alias) == m.name);
        }
    }
    CHECK(seen.size() >= 40);
    CHECK(st::canonicalMeasurementName("someFutureValueMs") == "someFutureValueMs");   // unknown names pass through
    CHECK_THROWS_AS(st::measurementName("conductionVelocityMPerS"), std::logic_error);  // writers use canonical names
}

TEST_CASE("measurement registry: the quantities spelled two ways are one name", "[study][names]") {
    CHECK(st::canonicalMeasurementName("persistencePercent") == "persistencePct");
    CHECK(st::canonicalMeasurementName("conductionVelocityMPerS") == "conductionVelocityMps");
    CHECK(st::canonicalMeasurementName("fibrillationRatePerSec") == "fibrillationRatePerS");
    CHECK(st::canonicalMeasurementName("polyphasicPercent") == "polyphasicPct");
    // the CLI keeps its spelling and the registry says which one it is
    CHECK(st::measurementName("conductionVelocityMps").cliKey == "conductionVelocityMPerS");
    CHECK(st::measurementName("persistencePct").cliKey == "persistencePercent");
    CHECK(st::measurementName("fibrillationRatePerS").cliKey == "ratePerSec");
}

TEST_CASE("the report recognises every registered unit: titles carry it, values get the registry's decimals", "[study][names][report]") {
    for (const auto& m : st::measurementNames()) {
        INFO(m.name);
        const auto label = st::unitLabel(m.unit);
        const std::string title = emg::report::columnTitle(std::string(m.name));
        CHECK(title.rfind(std::string(m.title), 0) == 0);
        if (!label.empty()) CHECK(endsWith(title, " (" + label + ")"));
        // 1.23456 printed with the registry's decimals (µV ≥ 100 drop them; 1.2 is below that)
        const auto text = emg::report::formatValue(1.23456, std::string(m.name));
        const auto dot = text.find('.');
        CHECK((dot == std::string::npos ? 0 : static_cast<int>(text.size() - dot - 1)) == m.decimals);
    }
    CHECK(emg::report::columnTitle("fibrillationRatePerS") == "Fibrillation rate (/s)");
    CHECK(emg::report::columnTitle("persistencePct") == "Persistence (%)");
    CHECK(emg::report::columnTitle("hmRatio") == "H/M ratio");
}

TEST_CASE("every normative parameter is a registered name whose normative key it is", "[study][names][normative]") {
    const auto norms = st::NormativeTable::loadDirectory(st::test::resources() / "normative");
    REQUIRE_FALSE(norms.entries().empty());
    for (const auto& e : norms.entries()) {
        INFO(e.nerve << " " << e.parameter);
        const auto* m = st::findMeasurementName(e.parameter);
        REQUIRE(m != nullptr);
        CHECK(m->normativeKey == e.parameter);
    }
}

TEST_CASE("a study written under the old measurement names loads with today's names (JSON and store)", "[study][names][store]") {
    const auto j = nlohmann::json::parse(R"({"id": "S1", "patientId": "P1", "date": "2026-11-30", "tests": [
        {"kind": "fwave", "nerve": "tibial", "side": "left", "recordingSite": "abductor hallucis", "stimuli": 20,
         "measurements": [{"name": "persistencePercent", "value": 85, "unit": "%"},
                          {"name": "fMinLatencyMs", "value": 48.5, "unit": "ms"}]},
        {"kind": "motor", "nerve": "peroneal", "side": "left", "recordingSite": "extensor digitorum brevis",
         "sites": [{"name": "ankle", "distanceMm": 80, "measurements": [{"name": "distalLatencyMs", "value": 4.5, "unit": "ms"}]},
                   {"name": "fibular head", "distanceMm": 300, "measurements": [
                        {"name": "latencyMs", "value": 11.5, "unit": "ms"},
                        {"name": "conductionVelocityMPerS", "value": 42.9, "unit": "m/s"}]}]}]})");
    const auto fromJson = st::studyFromJson(j);
    const auto& fw = std::get<st::FWave>(fromJson.tests.at(0));
    REQUIRE(st::findMeasurement(fw.measurements, "persistencePct") != nullptr);
    CHECK(st::findMeasurement(fw.measurements, "persistencePct")->value == Approx(85.0));
    const auto& motor = std::get<st::MotorNcs>(fromJson.tests.at(1));
    REQUIRE(st::findMeasurement(motor.sites.at(1).measurements, "conductionVelocityMps") != nullptr);

    // a store holding the old spellings (as an older build wrote them) reads them as today's
    const auto dir = st::test::tempDir("old-names");
    auto store = st::SessionStore::open("sqlite:" + (dir / "s.sqlite").string());
    st::Patient p;
    p.id = "P1";
    p.name = "Doe, Jane";
    store->savePatient(p);
    auto old = fromJson;
    std::get<st::FWave>(old.tests[0]).measurements[0].name = "persistencePercent";
    std::get<st::MotorNcs>(old.tests[1]).sites[1].measurements[1].name = "conductionVelocityMPerS";
    const auto id = store->saveStudy(old);
    const auto back = store->study(id);
    REQUIRE(back.has_value());
    const auto& fw2 = std::get<st::FWave>(back->tests.at(0));
    CHECK(st::findMeasurement(fw2.measurements, "persistencePct") != nullptr);
    CHECK(st::findMeasurement(fw2.measurements, "persistencePercent") == nullptr);
    const auto* cv = st::findMeasurement(std::get<st::MotorNcs>(back->tests.at(1)).sites.at(1).measurements, "conductionVelocityMps");
    REQUIRE(cv != nullptr);
    CHECK(cv->value == Approx(42.9));
    std::filesystem::remove_all(dir);
}
