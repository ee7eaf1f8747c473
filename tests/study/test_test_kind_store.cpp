// Schema v8 (issue 14): the kinds a store accepts come from the program's one test-kind enum
// (emg::kTestKinds, rows of test_kinds filled at open), not from a CHECK that lists them, so a new
// kind needs no migration. Both back ends: a v7 store with its rows migrates intact; a kind not in
// test_kinds is refused by the database whatever writes it, with a message naming the table; a
// study holding a kind this program does not know reads as a clear error.
#include "pg_server.h"
#include "raw_sql.h"
#include "study_test_util.h"

#include <emg/core/test_kind.h>
#include <emg/study/json.h>
#include <emg/study/session_store.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>

using namespace emg::study;

namespace {

struct KindStore {
    std::filesystem::path dir;
    std::string url;
    std::shared_ptr<void> cleanup;
};

KindStore makeStore(const std::string& backend) {
    KindStore k{test::tempDir("kinds-" + backend), "", nullptr};
    k.cleanup = std::shared_ptr<void>(nullptr, [dir = k.dir](void*) {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    });
    k.url = backend == "sqlite" ? "sqlite:" + (k.dir / "emgws.sqlite").string() : test::PgServer::instance().createDatabase();
    return k;
}

Measurement autoValue(const std::string& name, double value, const std::string& unit) { return {name, value, unit, Provenance::Auto, "", ""}; }

/// One study with a test of every v7 kind but RNS, measurements at site and test level, a finding.
Study everyKindStudy() {
    Study s;
    s.id = "S7";
    s.patientId = "P7";
    s.date = "2026-12-03";
    s.protocolId = "lumbosacral-radiculopathy";
    MotorNcs m;
    m.side = Side::Left;
    m.nerve = "peroneal";
    m.recordingSite = "extensor digitorum brevis";
    m.sites = {{"ankle", 90.0, {autoValue("distalLatencyMs", 4.9, "ms"), autoValue("amplitudeUv", 4100.0, "uV")}},
               {"below fibular head", 300.0, {autoValue("latencyMs", 11.3, "ms")}}};
    m.measurements = {autoValue("conductionVelocityMps", 46.9, "m/s")};
    SensoryNcs sn;
    sn.side = Side::Left;
    sn.nerve = "sural";
    sn.sites = {{"calf", 140.0, {autoValue("peakLatencyMs", 3.6, "ms"), autoValue("amplitudeUv", 14.0, "uV")}}};
    FWave f;
    f.side = Side::Left;
    f.nerve = "tibial";
    f.measurements = {autoValue("fMinLatencyMs", 51.0, "ms")};
    HReflex h;
    h.side = Side::Left;
    h.measurements = {autoValue("hLatencyMs", 30.5, "ms")};
    NeedleEmg n;
    n.side = Side::Left;
    n.muscle = "tibialis anterior";
    n.fibrillations = 2;
    n.recruitment = Recruitment::Reduced;
    s.tests = {m, sn, f, h, n};
    s.findings.push_back({"impression", "left L5 radiculopathy", Provenance::Clinician, true});
    return s;
}

std::string testsRow(const std::string& id, const std::string& kind) {
    return "INSERT INTO tests (study_id, id, ordinal, kind, subject, side, payload) VALUES ('S7', '" + id + "', 9, '" + kind +
           "', 'x', 'left', '{\"kind\":\"" + kind + "\"}')";
}

}  // namespace

TEST_CASE("schema v8: a v7 store migrates intact, the kinds come from the program, an unknown kind is refused", "[study][store][kinds]") {
    const std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    const auto k = makeStore(backend);
    INFO(k.url);
    const Study stored = everyKindStudy();
    nlohmann::json before;
    long long measurementRows = 0;
    {
        auto v7 = SessionStore::open(k.url, StoreOptions{7});
        REQUIRE(v7->schemaVersion() == 7);
        Patient p;
        p.id = "P7";
        p.name = "Doe, Jane";
        v7->savePatient(p);
        v7->saveStudy(stored);
        before = toJson(*v7->study("S7"));
        test::RawSql sql(k.url);
        measurementRows = sql.scalar("SELECT COUNT(*) FROM measurements WHERE study_id = 'S7'");
        CHECK(measurementRows == 8);
        // v7: the CHECK lists the kinds, a new one is refused until a migration adds it
        CHECK_FALSE(sql.exec(testsRow("t8", "emg-newkind")).empty());
    }
    auto v8 = SessionStore::open(k.url);
    CHECK(v8->schemaVersion() == 8);
    CHECK(v8->appliedMigrations() == std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8});
    const auto after = v8->study("S7");
    REQUIRE(after);
    CHECK(toJson(*after) == before);   // every test, site, measurement and finding as stored at v7
    CHECK(after->tests.size() == 5);
    test::RawSql sql(k.url);
    CHECK(sql.scalar("SELECT COUNT(*) FROM measurements WHERE study_id = 'S7'") == measurementRows);
    CHECK(sql.scalar("SELECT COUNT(*) FROM tests WHERE study_id = 'S7'") == 5);
    if (sql.sqlite()) CHECK(sql.scalar("SELECT COUNT(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'") == 0);
    // test_kinds holds exactly the program's kinds (six today)
    CHECK(sql.scalar("SELECT COUNT(*) FROM test_kinds") == static_cast<long long>(std::size(emg::kTestKinds)));
    for (const auto kind : emg::kTestKinds) {
        INFO(emg::testKindName(kind));
        CHECK(sql.scalar(std::string("SELECT COUNT(*) FROM test_kinds WHERE name = '") + emg::testKindName(kind) + "'") == 1);
    }

    // a kind not in test_kinds: refused by the database itself (a hand-typed statement here), named
    const std::string refused = sql.exec(testsRow("t8", "emg-newkind"));
    INFO(refused);
    CHECK_THAT(refused, Catch::Contains("emgws-unknown-test-kind") && Catch::Contains("test_kinds"));
    if (!sql.sqlite()) CHECK_THAT(refused, Catch::Contains("'emg-newkind'"));
    CHECK_THAT(sql.exec("UPDATE tests SET kind = 'emg-newkind' WHERE study_id = 'S7' AND id = 't1'"), Catch::Contains("emgws-unknown-test-kind"));
    CHECK(sql.scalar("SELECT COUNT(*) FROM tests WHERE study_id = 'S7' AND kind = 'motor'") == 1);

    // a kind a newer program registered: stored with no migration (the CHECK is gone) ...
    REQUIRE(sql.exec("INSERT INTO test_kinds (name) VALUES ('emg-newkind')").empty());
    REQUIRE(sql.exec(testsRow("t8", "emg-newkind")).empty());
    CHECK(sql.scalar("SELECT COUNT(*) FROM tests WHERE study_id = 'S7'") == 6);
    // ... and this program, which does not know it, says so instead of guessing
    CHECK_THROWS_WITH(v8->study("S7"), Catch::Contains("stored test t8 is of a kind this program does not know") &&
                                           Catch::Contains("unknown test kind 'emg-newkind'") && Catch::Contains("accepted: motor, sensory"));
    // reopening keeps the registered kinds and adds nothing twice
    v8.reset();
    auto again = SessionStore::open(k.url);
    CHECK(sql.scalar("SELECT COUNT(*) FROM test_kinds") == static_cast<long long>(std::size(emg::kTestKinds)) + 1);
    CHECK(again->appliedMigrations() == std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8});
}
