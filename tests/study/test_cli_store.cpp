// emgws-cli patients/studies/store end to end: JSON out, --db sqlite:PATH and postgresql://,
// the default store under $XDG_DATA_HOME, import/export of a full study, errors -> exit code + stderr.
#include "cli_run.h"
#include "pg_server.h"
#include "study_test_util.h"

#include <emg/study/json.h>
#include <emg/study/session_store.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

namespace {

using Result = emg::study::test::CliResult;
using emg::study::test::slurp;

Result cli(const std::filesystem::path& dir, const std::string& args, const std::string& env = "") {
    return emg::study::test::runCli(dir, args, env);
}

}  // namespace

TEST_CASE("emgws-cli patients and studies against an SQLite store", "[study][cli]") {
    const auto dir = emg::study::test::tempDir("cli");
    const std::string db = "--db sqlite:" + (dir / "lab.sqlite").string();
    auto r = cli(dir, "patients add --id P001 --name 'Doe, Jane' --birth-date 1970-06-15 --sex female --height-cm 168 --symptom-side left " + db);
    REQUIRE(r.rc == 0);
    CHECK(nlohmann::json::parse(r.out)["heightCm"] == 168.0);
    REQUIRE(cli(dir, "patients add --id P002 --name 'Roe, Rick' " + db).rc == 0);
    r = cli(dir, "patients list " + db);
    REQUIRE(r.rc == 0);
    auto list = nlohmann::json::parse(r.out);
    REQUIRE(list.size() == 2);
    CHECK(list[0]["id"] == "P001");
    CHECK(list[0]["symptomSide"] == "left");

    r = cli(dir, "studies add --patient P001 --date 2026-11-24 --indication 'low back pain with left leg symptoms' --examiner 'Dr. N' "
                 "--temperature-c 32.5 --protocol lumbosacral-radiculopathy " + db);
    REQUIRE(r.rc == 0);
    const std::string id = nlohmann::json::parse(r.out)["id"];
    r = cli(dir, "studies list --patient P001 " + db);
    REQUIRE(r.rc == 0);
    list = nlohmann::json::parse(r.out);
    REQUIRE(list.size() == 1);
    CHECK(list[0]["id"] == id);
    CHECK(list[0]["protocolId"] == "lumbosacral-radiculopathy");
    CHECK(nlohmann::json::parse(cli(dir, "studies list --patient P002 " + db).out).empty());
    r = cli(dir, "studies show " + id + " " + db);
    REQUIRE(r.rc == 0);
    auto shown = nlohmann::json::parse(r.out);
    CHECK(shown["limbTemperatureC"] == 32.5);
    CHECK(shown["examiner"] == "Dr. N");

    // import a full study (tests, measurements, findings) and export it again unchanged
    const auto study = nlohmann::json::parse(R"({"patientId":"P002","date":"2026-11-20","indication":"numb feet",
      "tests":[{"kind":"sensory","id":"s1","side":"left","nerve":"sural","recordingSite":"lateral malleolus",
                "sites":[{"name":"posterior calf","distanceMm":140,"measurements":[{"name":"amplitudeUv","value":3.1,"unit":"uV","provenance":"clinician","placedBy":"DN"}]}]},
               {"kind":"needle","id":"n1","side":"left","muscle":"extensor digitorum brevis","fibrillations":1}],
      "findings":[{"kind":"impression","text":"sensorimotor polyneuropathy","provenance":"clinician","confirmed":true}]})");
    std::ofstream(dir / "study.json") << study.dump();
    r = cli(dir, "studies add --json " + (dir / "study.json").string() + " " + db);
    REQUIRE(r.rc == 0);
    const std::string id2 = nlohmann::json::parse(r.out)["id"];
    auto exported = nlohmann::json::parse(cli(dir, "studies show " + id2 + " " + db).out);
    auto expected = emg::study::toJson(emg::study::studyFromJson(study));
    expected["id"] = id2;
    CHECK(exported == expected);

    // evaluate: the sural amplitude 3.1 uV is below the 6 uV limit (Preston & Shapiro)
    r = cli(dir, "studies evaluate " + id2 + " " + db);
    REQUIRE(r.rc == 0);
    const auto ev = nlohmann::json::parse(r.out);
    REQUIRE(ev["evaluations"].size() == 1);
    CHECK(ev["evaluations"][0]["parameter"] == "amplitudeUv");
    CHECK(ev["evaluations"][0]["limit"] == 6.0);
    CHECK(ev["evaluations"][0]["abnormal"] == true);
    CHECK(ev["evaluations"][0]["deviation"] == "low");
    CHECK(ev["localization"].is_array());

    r = cli(dir, "store info " + db);
    REQUIRE(r.rc == 0);
    CHECK(nlohmann::json::parse(r.out)["schemaVersion"] == emg::study::SessionStore::latestSchemaVersion());
    std::filesystem::remove_all(dir);
}

TEST_CASE("emgws-cli uses the user's SQLite store by default ($XDG_DATA_HOME/emgws/emgws.sqlite)", "[study][cli]") {
    const auto dir = emg::study::test::tempDir("cli-default");
    const std::string env = "XDG_DATA_HOME=" + (dir / "xdg").string();
    REQUIRE(cli(dir, "patients add --id X1", env).rc == 0);
    CHECK(std::filesystem::exists(dir / "xdg" / "emgws" / "emgws.sqlite"));
    auto r = cli(dir, "patients list", env);
    REQUIRE(r.rc == 0);
    CHECK(nlohmann::json::parse(r.out).size() == 1);
    std::filesystem::remove_all(dir);
}

TEST_CASE("emgws-cli store commands: bad input gives a message on stderr and a non-zero exit", "[study][cli]") {
    const auto dir = emg::study::test::tempDir("cli-errors");
    const std::string db = "--db sqlite:" + (dir / "e.sqlite").string();
    auto r = cli(dir, "studies add --patient NOBODY --date 2026-01-01 " + db);
    CHECK(r.rc != 0);
    CHECK_THAT(r.err, Catch::Contains("no patient 'NOBODY'"));
    r = cli(dir, "patients add --id P --height-cm tall " + db);
    CHECK(r.rc != 0);
    CHECK_THAT(r.err, Catch::Contains("--height-cm: 'tall' is not a number"));
    r = cli(dir, "patients add --id P --birth-date 1970-02-31 " + db);
    CHECK(r.rc != 0);
    CHECK_THAT(r.err, Catch::Contains("birthDate"));
    r = cli(dir, "patients add --id P --colour blue " + db);
    CHECK(r.rc != 0);
    CHECK_THAT(r.err, Catch::Contains("unknown option --colour"));
    r = cli(dir, "patients list --db mysql://h/d");
    CHECK(r.rc != 0);
    CHECK_THAT(r.err, Catch::Contains("unknown store URL"));
    r = cli(dir, "studies show no-such-id " + db);
    CHECK(r.rc != 0);
    CHECK_THAT(r.err, Catch::Contains("no study 'no-such-id'"));
    std::ofstream(dir / "bad.json") << R"({"patientId":"P","date":"2026-01-01","tests":[{"kind":"motor"}]})";
    r = cli(dir, "studies add --json " + (dir / "bad.json").string() + " " + db);
    CHECK(r.rc != 0);
    CHECK_THAT(r.err, Catch::Contains("study.tests[0].nerve: missing"));
    CHECK(r.out.empty());
    std::filesystem::remove_all(dir);
}

TEST_CASE("emgws-cli patients add: an existing id is refused, --update changes only the fields given, imports are all or nothing", "[study][cli]") {
    const auto dir = emg::study::test::tempDir("cli-patient-update");
    const std::string db = "--db sqlite:" + (dir / "lab.sqlite").string();
    REQUIRE(cli(dir, "patients add --id P001 --name 'Doe, Jane' --birth-date 1970-06-15 --sex female --height-cm 168 " + db).rc == 0);
    const auto show = [&] {
        const auto r = cli(dir, "patients show P001 " + db);
        REQUIRE(r.rc == 0);
        return nlohmann::json::parse(r.out);
    };

    // the same id again: refused with one line, every stored field kept
    auto r = cli(dir, "patients add --id P001 --name 'Other, Name' " + db);
    CHECK(r.rc == 1);
    CHECK_THAT(r.err, Catch::Contains("patient 'P001' is already in the store; nothing was changed"));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.out.empty());
    auto p = show();
    CHECK(p["name"] == "Doe, Jane");
    CHECK(p["birthDate"] == "1970-06-15");
    CHECK(p["sex"] == "female");
    CHECK(p["heightCm"] == 168.0);

    // --update with one field: only that field changes
    r = cli(dir, "patients add --id P001 --height-cm 170 --update " + db);
    REQUIRE(r.rc == 0);
    p = show();
    CHECK(p["heightCm"] == 170.0);
    CHECK(p["name"] == "Doe, Jane");
    CHECK(p["birthDate"] == "1970-06-15");
    CHECK(p["sex"] == "female");

    // an import naming an existing id: one transaction, so the new patient in it is not stored either
    std::ofstream(dir / "two.json") << R"([{"id":"P100","name":"New, One"},{"id":"P001","name":"Clash, Name"}])";
    r = cli(dir, "patients add --json " + (dir / "two.json").string() + " " + db);
    CHECK(r.rc == 1);
    CHECK_THAT(r.err, Catch::Contains("'P001' is already in the store"));
    CHECK(cli(dir, "patients show P100 " + db).rc == 1);
    CHECK(show()["name"] == "Doe, Jane");
    // an import with a bad record: refused before the store is touched
    std::ofstream(dir / "bad.json") << R"([{"id":"P101"},{"id":"P102","birthDate":"1970-02-31"}])";
    r = cli(dir, "patients add --json " + (dir / "bad.json").string() + " " + db);
    CHECK(r.rc == 1);
    CHECK_THAT(r.err, Catch::Contains("patients[1].birthDate"));
    CHECK(cli(dir, "patients show P101 " + db).rc == 1);

    // the same import with --update: P001 changes only its name (the key given), P100 is added
    r = cli(dir, "patients add --json " + (dir / "two.json").string() + " --update " + db);
    REQUIRE(r.rc == 0);
    p = show();
    CHECK(p["name"] == "Clash, Name");
    CHECK(p["heightCm"] == 170.0);
    CHECK(p["birthDate"] == "1970-06-15");
    CHECK(cli(dir, "patients show P100 " + db).rc == 0);
    r = cli(dir, "patients list " + db);
    CHECK(nlohmann::json::parse(r.out).size() == 2);
    std::filesystem::remove_all(dir);
}

TEST_CASE("emgws-cli patients and studies against PostgreSQL (--db postgresql://)", "[study][cli]") {
    const auto dir = emg::study::test::tempDir("cli-pg");
    const std::string db = "--db " + emg::study::test::PgServer::instance().createDatabase();
    REQUIRE(cli(dir, "patients add --id PG1 --name 'Poe, Pat' --height-cm 181 " + db).rc == 0);
    auto r = cli(dir, "studies add --patient PG1 --date 2026-11-24 --indication 'neck pain' " + db);
    REQUIRE(r.rc == 0);
    const std::string id = nlohmann::json::parse(r.out)["id"];
    r = cli(dir, "studies list " + db);
    REQUIRE(r.rc == 0);
    CHECK(nlohmann::json::parse(r.out).at(0)["id"] == id);
    r = cli(dir, "store info " + db);
    CHECK(nlohmann::json::parse(r.out)["backend"] == "postgresql");
    std::filesystem::remove_all(dir);
}
