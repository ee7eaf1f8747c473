// Signing, the lock of a signed study (triggers in SQLite and PostgreSQL), verify, addenda and the
// audit trail, against both back ends. Raw SQL goes through its own QtSql connection, as another
// tool would, to show that the lock and the trail do not depend on this program's code path.
#include "pg_server.h"
#include "raw_sql.h"
#include "signing_fixture.h"
#include "study_test_util.h"

#include <emg/io/sha256.h>
#include <emg/study/canonical_json.h>
#include <emg/study/json.h>
#include <emg/study/session_store.h>
#include <emg/study/signature_check.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>

using namespace emg::study;
using emg::study::test::distalLatency;
using emg::study::test::peronealStudy;
using emg::study::test::RawSql;

namespace {

struct Db {
    std::string url;
    std::shared_ptr<void> cleanup;
};

Db makeDb(const std::string& backend) {
    const auto dir = test::tempDir("sign-" + backend);
    Db db;
    db.cleanup = std::shared_ptr<void>(nullptr, [dir](void*) {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    });
    db.url = backend == "sqlite" ? "sqlite:" + (dir / "lab.sqlite").string() : test::PgServer::instance().createDatabase();
    return db;
}

std::string sha(const Study& s) { return emg::io::sha256Hex(canonicalStudyJson(s)); }

std::unique_ptr<SessionStore> filledStore(const std::string& url, std::string& id) {
    auto store = SessionStore::open(url);
    store->savePatient({"P001", "Doe, Jane", "1970-06-15", Sex::Female, 168.0, Side::Left});
    id = store->saveStudy(peronealStudy());
    return store;
}

SignRequest request(const std::string& id) { return {id, "Dr. Ana Examiner", "aexam", "2026-11-25T10:00:00Z", "%PDF-1.4 signed report bytes", ""}; }

std::vector<AuditEntry> entriesFor(const std::vector<AuditEntry>& all, const std::string& item, const std::string& action) {
    std::vector<AuditEntry> out;
    std::copy_if(all.begin(), all.end(), std::back_inserter(out), [&](const AuditEntry& e) { return e.item == item && e.action == action; });
    return out;
}

}  // namespace

TEST_CASE("canonical study JSON: sorted keys, no spaces, 12 significant digits, -0 as 0", "[study][signing]") {
    nlohmann::json j = {{"b", 1}, {"a", {{"z", 4.9}, {"y", -0.0}, {"x", 4100.0}}}, {"c", "q\"\n"}, {"d", 0.1 + 0.2}, {"e", 1.5e-7}};
    CHECK(canonicalJsonText(j) == R"({"a":{"x":4100,"y":0,"z":4.9},"b":1,"c":"q\"\n","d":0.3,"e":1.5e-07})");
    // a value changed in its 4th digit changes the text; one at the 17th does not
    Study s = peronealStudy();
    const std::string before = canonicalStudyJson(s);
    distalLatency(s).value = 4.9000000000000004;
    CHECK(canonicalStudyJson(s) == before);
    distalLatency(s).value = 4.91;
    CHECK(canonicalStudyJson(s) != before);
    const auto diff = describeStudyDifferences(nlohmann::json::parse(before), nlohmann::json::parse(canonicalStudyJson(s)));
    REQUIRE(diff.size() == 1);
    CHECK(diff[0] == "test t1 (motor peroneal, left), site 'ankle', distalLatencyMs, value: 4.9 -> 4.91");
}

TEST_CASE("a signed study is locked in the database: saveStudy and raw SQL are refused, nothing changes", "[study][store][signing]") {
    const std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    const auto db = makeDb(backend);
    INFO(db.url);
    std::string id;
    auto store = filledStore(db.url, id);
    const Study original = *store->study(id);
    const auto sig = store->signStudy(request(id));
    CHECK(sig.canonicalSha256 == sha(original));
    CHECK(sig.pdfSha256 == emg::io::sha256Hex("%PDF-1.4 signed report bytes"));
    CHECK(store->signedPdf(id) == "%PDF-1.4 signed report bytes");
    CHECK_THROWS_WITH(store->signStudy(request(id)), Catch::Contains("already signed by Dr. Ana Examiner"));
    const auto historyBefore = store->history(id).size();

    // an unchanged save passes (nothing to write); any change is refused with who and when
    CHECK_NOTHROW(store->saveStudy(original));
    Study edited = original;
    distalLatency(edited) = {"distalLatencyMs", 5.4, "ms", Provenance::Clinician, "onset moved", "AE"};
    CHECK_THROWS_AS(store->saveStudy(edited), StudyLocked);
    CHECK_THROWS_WITH(store->saveStudy(edited),
                      Catch::Contains("study " + id + " was signed by Dr. Ana Examiner (login aexam) at 2026-11-25T10:00:00Z") &&
                          Catch::Contains("add an addendum instead"));
    Study newImpression = original;
    newImpression.findings[0].text = "Normal study.";
    CHECK_THROWS_AS(store->saveStudy(newImpression), StudyLocked);
    Study moreTests = original;
    moreTests.tests.push_back(NeedleEmg{});
    std::get<NeedleEmg>(moreTests.tests.back()).muscle = "gluteus medius";
    CHECK_THROWS_AS(store->saveStudy(moreTests), StudyLocked);
    Study otherIndication = original;
    otherIndication.indication = "neck pain";
    CHECK_THROWS_AS(store->saveStudy(otherIndication), StudyLocked);
    CHECK_THROWS_AS(store->removeStudy(id), StudyLocked);

    RawSql raw(db.url);
    const std::string sid = "'" + id + "'";
    const std::vector<std::string> refused = {
        "UPDATE measurements SET value = 5.4 WHERE study_id = " + sid + " AND name = 'distalLatencyMs'",
        "DELETE FROM measurements WHERE study_id = " + sid,
        "INSERT INTO measurements (study_id, test_id, ordinal, site_index, site, name, value, unit, provenance) VALUES (" + sid +
            ", 't1', 99, -1, '', 'areaUvMs', 12.0, 'uV*ms', 'clinician')",
        "UPDATE findings SET text = 'Normal study.' WHERE study_id = " + sid,
        "DELETE FROM findings WHERE study_id = " + sid,
        "UPDATE tests SET payload = '{}' WHERE study_id = " + sid,
        "DELETE FROM tests WHERE study_id = " + sid,
        "UPDATE studies SET indication = 'neck pain' WHERE id = " + sid,
        "DELETE FROM studies WHERE id = " + sid,
        "DELETE FROM study_signatures WHERE study_id = " + sid,
        "UPDATE study_signatures SET examiner_name = 'Someone Else' WHERE study_id = " + sid,
        "DELETE FROM audit_log",
    };
    for (const auto& sql : refused) {
        INFO(sql);
        const std::string err = raw.exec(sql);
        CHECK_FALSE(err.empty());
    }
    CHECK(raw.exec("UPDATE measurements SET value = 5.4 WHERE study_id = " + sid).find("emgws-signed-study-locked") != std::string::npos);

    const auto after = store->study(id);
    REQUIRE(after);
    CHECK(canonicalStudyJson(*after) == sig.canonicalJson);
    CHECK(store->history(id).size() == historyBefore);
    const auto check = checkSignedStudy(*store, id);
    CHECK(check.intact());
    CHECK(check.differences.empty());
    CHECK(check.signedBy == "Dr. Ana Examiner");

    // the shared patient record is not locked; verify tells, the signature keeps the record as signed
    store->savePatient({"P001", "Doe-Smith, Jane", "1970-06-15", Sex::Female, 168.0, Side::Left});
    const auto later = checkSignedStudy(*store, id);
    CHECK(later.intact());
    CHECK(later.patientChanges == std::vector<std::string>{"name: Doe, Jane -> Doe-Smith, Jane"});
    CHECK(store->signature(id)->patientJson.find("\"name\":\"Doe, Jane\"") != std::string::npos);
}

TEST_CASE("verify names what changed behind a dropped lock", "[study][store][signing]") {
    const std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    const auto db = makeDb(backend);
    INFO(db.url);
    std::string id;
    auto store = filledStore(db.url, id);
    const auto sig = store->signStudy(request(id));
    REQUIRE(checkSignedStudy(*store, id).intact());

    RawSql raw(db.url);
    const std::string sid = "'" + id + "'";
    REQUIRE(raw.exec(raw.sqlite() ? "DROP TRIGGER lock_measurements_update" : "DROP TRIGGER lock_measurements ON measurements").empty());
    REQUIRE(raw.exec("UPDATE measurements SET value = 5.4 WHERE study_id = " + sid + " AND name = 'distalLatencyMs'").empty());
    REQUIRE(raw.exec("UPDATE measurements SET value = 41.0 WHERE study_id = " + sid + " AND name = 'conductionVelocityMps'").empty());

    const auto check = checkSignedStudy(*store, id);
    CHECK_FALSE(check.intact());
    CHECK(check.keptJsonIntact);
    CHECK(check.pdfIntact);
    CHECK(check.signedStudySha256 == sig.canonicalSha256);
    CHECK(check.currentStudySha256 != sig.canonicalSha256);
    CHECK(check.missingLockTriggers == std::vector<std::string>{raw.sqlite() ? "lock_measurements_update" : "lock_measurements"});
    REQUIRE(check.differences.size() == 2);
    CHECK(std::count(check.differences.begin(), check.differences.end(),
                     "test t1 (motor peroneal, left), site 'ankle', distalLatencyMs, value: 4.9 -> 5.4") == 1);
    CHECK(std::count(check.differences.begin(), check.differences.end(),
                     "test t1 (motor peroneal, left), conductionVelocityMps, value: 46.9 -> 41") == 1);
    // the change behind the lock is in the trail too, without an emgws actor
    const auto h = entriesFor(store->history(id), "t1 @ ankle distalLatencyMs", "update");
    REQUIRE(h.size() == 1);
    CHECK(h[0].changedBy.find("not through emgws") == 0);
    CHECK(h[0].oldValue == std::optional<std::string>("4.9 ms"));
    CHECK(h[0].newValue == std::optional<std::string>("5.4 ms"));
}

TEST_CASE("audit trail: who, when, old -> new, automatic vs clinician, the automatic value stays beside", "[study][store][audit]") {
    const std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    const auto db = makeDb(backend);
    INFO(db.url);
    std::string id;
    auto store = filledStore(db.url, id);
    const auto created = store->history(id);
    // the first save: 4 measurements, 2 tests, 1 finding added
    CHECK(created.size() == 7);
    CHECK(entriesFor(created, "t1 @ ankle distalLatencyMs", "insert").size() == 1);

    store->saveStudy(*store->study(id));   // unchanged: nothing recorded
    CHECK(store->history(id).size() == created.size());

    store->setActor("Dr. Second Reader", "sreader");
    Study s = *store->study(id);
    distalLatency(s) = {"distalLatencyMs", 5.4, "ms", Provenance::Clinician, "onset moved to the first negative deflection", "SR"};
    s.findings[0].text = "Left L5 radiculopathy, chronic.";
    std::get<NeedleEmg>(s.tests[1]).fibrillations = 3;
    store->saveStudy(s);

    const auto h = store->history(id);
    CHECK(h.size() == created.size() + 3);
    const auto latency = entriesFor(h, "t1 @ ankle distalLatencyMs", "update");
    REQUIRE(latency.size() == 1);
    CHECK(latency[0].changedBy == "Dr. Second Reader");
    CHECK(latency[0].osLogin == "sreader");
    CHECK(latency[0].oldValue == std::optional<std::string>("4.9 ms"));
    CHECK(latency[0].newValue == std::optional<std::string>("5.4 ms"));
    CHECK(latency[0].oldSource == "auto");
    CHECK(latency[0].newSource == "clinician");
    CHECK(latency[0].changedAt.size() >= 20);   // 2026-12-02T08:00:00.000Z
    CHECK(latency[0].changedAt.back() == 'Z');
    const auto impression = entriesFor(h, "finding 1 (impression)", "update");
    REQUIRE(impression.size() == 1);
    CHECK(impression[0].oldValue == std::optional<std::string>("[confirmed] Left L5 radiculopathy, subacute."));
    CHECK(impression[0].newValue == std::optional<std::string>("[confirmed] Left L5 radiculopathy, chronic."));
    const auto needle = entriesFor(h, "t2 needle tibialis anterior left", "update");
    REQUIRE(needle.size() == 1);
    CHECK(needle[0].oldValue->find("\"fibrillations\":2") != std::string::npos);
    CHECK(needle[0].newValue->find("\"fibrillations\":3") != std::string::npos);

    // the automatic value is kept beside the clinician's, through further saves of the model
    auto stored = store->study(id);
    REQUIRE(stored);
    const auto& m = distalLatency(*stored);
    CHECK(m.value == Approx(5.4).margin(1e-12));
    CHECK(m.provenance == Provenance::Clinician);
    REQUIRE(m.autoValue);
    CHECK(*m.autoValue == Approx(4.9).margin(1e-12));
    Study again = *stored;
    distalLatency(again).autoValue.reset();   // a caller that does not know it
    distalLatency(again).value = 5.5;
    store->saveStudy(again);
    Study reread = *store->study(id);
    CHECK(distalLatency(reread).value == Approx(5.5).margin(1e-12));
    REQUIRE(distalLatency(reread).autoValue);
    CHECK(*distalLatency(reread).autoValue == Approx(4.9).margin(1e-12));
    CHECK(toJson(*store->study(id))["tests"][0]["sites"][0]["measurements"][0]["autoValue"] == Approx(4.9).margin(1e-12));

    // the trail itself cannot be edited
    RawSql raw(db.url);
    CHECK_FALSE(raw.exec("UPDATE audit_log SET changed_by = 'nobody'").empty());
    CHECK_FALSE(raw.exec("DELETE FROM audit_log").empty());
    CHECK(store->history(id).size() == created.size() + 4);
}

TEST_CASE("addenda follow a signed study and cannot be changed", "[study][store][signing]") {
    const std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    const auto db = makeDb(backend);
    INFO(db.url);
    std::string id;
    auto store = filledStore(db.url, id);
    CHECK_THROWS_WITH(store->addAddendum(id, "later text", "Dr. A", "a"), Catch::Contains("is not signed"));
    CHECK_THROWS_WITH(store->addAddendum("nope", "later text", "Dr. A", "a"), Catch::Contains("no study 'nope'"));
    store->signStudy(request(id));
    CHECK_THROWS_WITH(store->addAddendum(id, "  ", "Dr. A", "a"), Catch::Contains("needs text"));
    CHECK_THROWS_WITH(store->addAddendum(id, "text", "", "a"), Catch::Contains("author"));
    const auto a1 = store->addAddendum(id, "MRI 2026-12-01: L4-5 disc extrusion compressing the left L5 root.", "Dr. Ana Examiner", "aexam");
    const auto a2 = store->addAddendum(id, "Discussed with the referring physician.", "Dr. B", "bdoc");
    CHECK(a1.number == 1);
    CHECK(a2.number == 2);
    const auto all = store->addenda(id);
    REQUIRE(all.size() == 2);
    CHECK(all[0].text == a1.text);
    CHECK(all[1].author == "Dr. B");
    CHECK(all[1].osLogin == "bdoc");
    RawSql raw(db.url);
    CHECK_FALSE(raw.exec("UPDATE study_addenda SET text = 'x'").empty());
    CHECK_FALSE(raw.exec("DELETE FROM study_addenda").empty());
    CHECK(store->addenda(id).size() == 2);
    CHECK(checkSignedStudy(*store, id).intact());   // an addendum does not change what was signed
}

TEST_CASE("a save that inserts a measurement mid-list moves the others and records only the insert", "[study][store][audit]") {
    const std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    const auto db = makeDb(backend);
    INFO(db.url);
    std::string id;
    auto store = filledStore(db.url, id);
    const auto before = store->history(id).size();
    Study s = *store->study(id);
    auto& ankle = std::get<MotorNcs>(s.tests[0]).sites[0].measurements;
    ankle.insert(ankle.begin(), Measurement{"durationMs", 5.8, "ms", Provenance::Auto, "onset to return to baseline", ""});
    ankle.push_back(Measurement{"areaUvMs", 15200.0, "uV*ms", Provenance::Auto, "", ""});
    std::get<MotorNcs>(s.tests[0]).measurements.clear();   // the CV removed
    store->saveStudy(s);
    const auto h = store->history(id);
    CHECK(h.size() == before + 3);
    CHECK(entriesFor(h, "t1 @ ankle durationMs", "insert").size() == 1);
    CHECK(entriesFor(h, "t1 @ ankle areaUvMs", "insert").size() == 1);
    const auto cv = entriesFor(h, "t1 conductionVelocityMps", "delete");
    REQUIRE(cv.size() == 1);
    CHECK(cv[0].oldValue == std::optional<std::string>("46.9 m/s"));
    const auto back = store->study(id);
    REQUIRE(back);
    CHECK(canonicalStudyJson(*back) == canonicalStudyJson(s));
    const auto& names = std::get<MotorNcs>(back->tests[0]).sites[0].measurements;
    REQUIRE(names.size() == 4);
    CHECK(names[0].name == "durationMs");
    CHECK(names[1].name == "distalLatencyMs");
    CHECK(names[2].name == "amplitudeUv");
    CHECK(names[3].name == "areaUvMs");
}
