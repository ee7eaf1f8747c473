#include <thread>
// SessionStore against both back ends (SQLite in a temp dir, PostgreSQL on a throw-away loopback
// server): CRUD, migrations from v1, rollback on a failed save, foreign keys, checksum checks.
#include "pg_server.h"
#include "study_test_util.h"

#include <emg/io/recording_io.h>
#include <emg/study/json.h>
#include <emg/study/session_store.h>

#include <catch2/catch.hpp>

#include <QSqlDatabase>
#include <QStringList>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <memory>

using namespace emg::study;

namespace {

struct Backend {
    std::string name;
    std::string url;
    std::filesystem::path dir;   // temp folder for the SQLite file and the raw files
    std::shared_ptr<void> cleanup;   // removes dir when the last copy goes, also when a REQUIRE fails
};

Backend makeBackend(const std::string& name) {
    Backend b{name, "", test::tempDir("store-" + name), nullptr};
    b.cleanup = std::shared_ptr<void>(nullptr, [dir = b.dir](void*) {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    });
    if (name == "sqlite") b.url = "sqlite:" + (b.dir / "db" / "emgws.sqlite").string();
    else b.url = test::PgServer::instance().createDatabase();
    return b;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

Patient patientA() { return {"P001", "Doe, Jane", "1970-06-15", Sex::Female, 168.0, Side::Left}; }

std::filesystem::path writeEdf(const std::filesystem::path& dir, const std::string& name, double amplitudeUv) {
    emg::Recording rec;
    emg::RecordedChannel ch;
    ch.label = "EDB";
    ch.sampleRateHz = 1000.0;
    for (int i = 0; i < 1000; ++i) ch.samples.push_back(amplitudeUv * ((i % 50) - 25) / 25.0);
    rec.channels.push_back(ch);
    rec.annotations = {{0.1, 0.0, "Stim ankle"}};
    const auto path = dir / name;
    emg::io::writeRecording(rec, path, emg::io::FileFormat::EdfPlus);
    return path;
}

Study studyFor(const std::string& patientId, const std::filesystem::path& raw) {
    Study s;
    s.patientId = patientId;
    s.date = "2026-11-24";
    s.indication = "low back pain with left leg symptoms";
    s.examiner = "Dr. Neuro";
    s.limbTemperatureC = 31.5;
    s.protocolId = "lumbosacral-radiculopathy";
    MotorNcs m;
    m.side = Side::Left;
    m.nerve = "peroneal";
    m.recordingSite = "extensor digitorum brevis";
    m.raw = {raw.string(), "", "EDB", 0.0, 1.0};
    m.sites = {{"ankle", 90.0, {{"distalLatencyMs", 4.9, "ms", Provenance::Auto, "onset", ""}, {"amplitudeUv", 4100.0, "uV", Provenance::Auto, "", ""}}},
               {"below fibular head", 300.0, {{"latencyMs", 11.3, "ms", Provenance::Clinician, "moved onset", "DN"}}}};
    m.measurements = {{"conductionVelocityMps", 46.9, "m/s", Provenance::Auto, "", ""}};
    s.tests.push_back(m);
    NeedleEmg n;
    n.side = Side::Left;
    n.muscle = "tibialis anterior";
    n.fibrillations = 2;
    n.recruitment = Recruitment::Reduced;
    s.tests.push_back(n);
    return s;
}

}  // namespace

TEST_CASE("store URLs: sqlite paths, postgresql URLs, the default location", "[study][store]") {
    auto s = parseStoreUrl("sqlite:/tmp/x.sqlite");
    CHECK(s.backend == StoreBackend::Sqlite);
    CHECK(s.sqlitePath == "/tmp/x.sqlite");
    CHECK(parseStoreUrl("/data/lab.sqlite").sqlitePath == "/data/lab.sqlite");
    auto p = parseStoreUrl("postgresql://emg:s%40cret@db.lab:6543/emgws?sslmode=require");
    CHECK(p.backend == StoreBackend::Postgres);
    CHECK(p.user == "emg");
    CHECK(p.password == "s@cret");
    CHECK(p.host == "db.lab");
    CHECK(p.port == 6543);
    CHECK(p.database == "emgws");
    CHECK(p.options == "sslmode=require");
    CHECK(p.display() == "postgresql://emg@db.lab:6543/emgws");   // no password
    CHECK(parseStoreUrl("postgres://h/db").port == 5432);
    CHECK_THROWS_WITH(parseStoreUrl("postgresql://host"), Catch::Contains("bad PostgreSQL URL"));
    CHECK_THROWS_WITH(parseStoreUrl("mysql://x/y"), Catch::Contains("unknown store URL"));
    CHECK(defaultSqlitePath().filename() == "emgws.sqlite");
    CHECK(defaultSqlitePath().parent_path().filename() == "emgws");
}

TEST_CASE("store CRUD: patients, studies with tests, measurements, findings and raw links", "[study][store]") {
    const auto backend = makeBackend(GENERATE(as<std::string>{}, "sqlite", "postgresql"));
    INFO(backend.url);
    const auto raw = writeEdf(backend.dir, "peroneal.edf", 4000.0);
    {
        auto store = SessionStore::open(backend.url);
        CHECK(store->backendName() == backend.name);
        CHECK(store->schemaVersion() == SessionStore::latestSchemaVersion());
        store->savePatient(patientA());
        Patient b{"P002", "Roe, Rick", "", Sex::Male, std::nullopt, Side::Unspecified};
        store->savePatient(b);
        b.name = "Roe, Richard";
        b.heightCm = 182.0;
        store->savePatient(b);   // update
        const auto all = store->patients();
        REQUIRE(all.size() == 2);
        CHECK(all[1].name == "Roe, Richard");
        CHECK(all[1].heightCm.value() == Approx(182.0));
        CHECK_FALSE(all[1].birthDate.size());

        Study s = studyFor("P001", raw);
        s.findings.push_back({"impression", "left L5 radiculopathy", Provenance::Clinician, true});
        const std::string id = store->saveStudy(s);
        CHECK(id.size() == 36);   // UUID
        const auto back = store->study(id);
        REQUIRE(back);
        CHECK(back->indication == s.indication);
        CHECK(back->limbTemperatureC.value() == Approx(31.5));
        REQUIRE(back->tests.size() == 2);
        const auto& m = std::get<MotorNcs>(back->tests[0]);
        CHECK(m.id == "t1");
        CHECK(m.sites.at(0).measurements.size() == 2);
        CHECK(m.sites.at(1).measurements.at(0).provenance == Provenance::Clinician);
        CHECK(m.sites.at(1).measurements.at(0).placedBy == "DN");
        CHECK(m.measurements.at(0).value == Approx(46.9));
        CHECK(m.raw.sha256 == sha256OfFile(raw));
        CHECK(m.raw.channel == "EDB");
        CHECK(std::get<NeedleEmg>(back->tests[1]).fibrillations == 2);
        REQUIRE(back->findings.size() == 1);
        CHECK(back->findings[0].confirmed);

        // the whole study compares equal through JSON (ids and checksum filled in)
        Study expected = s;
        expected.id = id;
        common(expected.tests[0]).id = "t1";
        common(expected.tests[1]).id = "t2";
        common(expected.tests[0]).raw.sha256 = sha256OfFile(raw);
        CHECK(toJson(*back) == toJson(expected));

        const auto list = store->studies("P001");
        REQUIRE(list.size() == 1);
        CHECK(list[0].testCount == 2);
        CHECK(store->studies("P002").empty());
        const auto recs = store->recordings(id);
        REQUIRE(recs.size() == 1);
        CHECK(recs[0].sizeBytes == static_cast<std::int64_t>(std::filesystem::file_size(raw)));
        const auto rec = store->openRecording(recs[0].id);
        CHECK(rec.channels.at(0).label == "EDB");
        CHECK(rec.annotations.at(0).text == "Stim ankle");
    }
    {
        auto store = SessionStore::open(backend.url);   // persisted across connections
        auto list = store->studies();
        REQUIRE(list.size() == 1);
        store->removeStudy(list[0].id);
        CHECK(store->studies().empty());
        CHECK_FALSE(store->study(list[0].id));
        store->removePatient("P001");
        CHECK_FALSE(store->patient("P001"));
        CHECK_THROWS_WITH(store->removePatient("P001"), Catch::Contains("no patient"));
    }
    std::filesystem::remove_all(backend.dir);
}

TEST_CASE("store migrations: upgrade from v1 keeps data, reopening is idempotent, newer schema refused", "[study][store]") {
    const auto backend = makeBackend(GENERATE(as<std::string>{}, "sqlite", "postgresql"));
    INFO(backend.url);
    const auto raw = writeEdf(backend.dir, "a.edf", 3000.0);
    std::string id;
    {
        auto v1 = SessionStore::open(backend.url, StoreOptions{1});
        CHECK(v1->schemaVersion() == 1);
        v1->savePatient(patientA());
        id = v1->saveStudy(studyFor("P001", raw));
        Study withFinding = studyFor("P001", raw);
        withFinding.findings.push_back({"impression", "x", Provenance::Clinician, false});
        CHECK_THROWS_WITH(v1->saveStudy(withFinding), Catch::Contains("findings need schema version 2"));
    }
    {
        auto store = SessionStore::open(backend.url, StoreOptions{2});
        CHECK(store->schemaVersion() == 2);
        CHECK(store->appliedMigrations() == std::vector<int>{1, 2});
        auto s = store->study(id);
        REQUIRE(s);
        CHECK(s->tests.size() == 2);
        s->findings.push_back({"localization", "left L5", Provenance::Auto, false});
        store->saveStudy(*s);
        CHECK(store->study(id)->findings.size() == 1);
    }
    {
        auto again = SessionStore::open(backend.url, StoreOptions{2});
        CHECK(again->appliedMigrations() == std::vector<int>{1, 2});
        CHECK(again->study(id)->findings.at(0).text == "left L5");
    }
    {   // v3 (reviewer annotations) and v4 (signing, audit): the data stay, and the trail starts empty for old rows
        auto latest = SessionStore::open(backend.url);
        CHECK(latest->appliedMigrations() == std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8});
        const auto s = latest->study(id);
        REQUIRE(s);
        CHECK(s->tests.size() == 2);
        CHECK(s->findings.at(0).text == "left L5");
        CHECK(latest->history(id).empty());
        CHECK_FALSE(latest->signature(id));
        CHECK(latest->missingLockTriggers().empty());
    }
    const int beyond = SessionStore::latestSchemaVersion() + 1;
    CHECK_THROWS_WITH(SessionStore::open(backend.url, StoreOptions{beyond}), Catch::Contains("schema version " + std::to_string(beyond) + " does not exist"));
    std::filesystem::remove_all(backend.dir);
}

TEST_CASE("store rollback: a save failing half-way leaves the stored study intact", "[study][store]") {
    const auto backend = makeBackend(GENERATE(as<std::string>{}, "sqlite", "postgresql"));
    INFO(backend.url);
    const auto raw = writeEdf(backend.dir, "a.edf", 3000.0);
    const auto raw2 = writeEdf(backend.dir, "b.edf", 2500.0);
    auto store = SessionStore::open(backend.url);
    store->savePatient(patientA());
    const std::string id = store->saveStudy(studyFor("P001", raw));
    const auto before = toJson(*store->study(id));

    // Second test claims a checksum its file does not have: detected after the old rows were
    // deleted and the first test re-inserted, inside the transaction.
    Study changed = *store->study(id);
    changed.indication = "changed";
    std::get<MotorNcs>(changed.tests[0]).sites[0].measurements[0].value = 99.0;
    NeedleEmg extra;
    extra.muscle = "medial gastrocnemius";
    extra.raw = {raw2.string(), std::string(64, '0'), "", std::nullopt, std::nullopt};
    changed.tests.push_back(extra);
    CHECK_THROWS_AS(store->saveStudy(changed), ChecksumMismatch);
    CHECK(toJson(*store->study(id)) == before);
    CHECK(store->recordings(id).size() == 1);   // b.edf's row rolled back too

    // A missing raw file is refused before anything is written
    changed.tests.back() = NeedleEmg{};
    std::get<NeedleEmg>(changed.tests.back()).muscle = "soleus";
    common(changed.tests.back()).raw.path = (backend.dir / "nope.edf").string();
    CHECK_THROWS_WITH(store->saveStudy(changed), Catch::Contains("does not exist"));
    CHECK(toJson(*store->study(id)) == before);

    // Invalid study: refused with the validation message, nothing changed
    Study invalid = *store->study(id);
    invalid.date = "2026-13-01";
    CHECK_THROWS_WITH(store->saveStudy(invalid), Catch::Contains("study.date"));
    CHECK(toJson(*store->study(id)) == before);
    std::filesystem::remove_all(backend.dir);
}

TEST_CASE("store foreign keys: no study without its patient, no patient removal while studies exist", "[study][store]") {
    const auto backend = makeBackend(GENERATE(as<std::string>{}, "sqlite", "postgresql"));
    INFO(backend.url);
    const auto raw = writeEdf(backend.dir, "a.edf", 3000.0);
    auto store = SessionStore::open(backend.url);
    try {
        store->saveStudy(studyFor("NOBODY", raw));
        FAIL("a study for a missing patient was stored");
    } catch (const StoreError& e) {
        CHECK_THAT(lower(e.what()), Catch::Contains("foreign key"));
    }
    CHECK(store->studies().empty());
    CHECK(store->recordings("x").empty());
    store->savePatient(patientA());
    const std::string id = store->saveStudy(studyFor("P001", raw));
    CHECK_THROWS_WITH(store->removePatient("P001"), Catch::Contains("still has 1 study"));
    CHECK(store->patient("P001"));
    CHECK_THROWS_AS(store->addRecording("no-such-study", raw), StoreError);
    CHECK(store->studies().size() == 1);
    (void)id;
    std::filesystem::remove_all(backend.dir);
}

TEST_CASE("store checksums: a modified raw file is detected when opened", "[study][store]") {
    const auto backend = makeBackend(GENERATE(as<std::string>{}, "sqlite", "postgresql"));
    INFO(backend.url);
    const auto raw = writeEdf(backend.dir, "a.edf", 3000.0);
    auto store = SessionStore::open(backend.url);
    store->savePatient(patientA());
    const std::string id = store->saveStudy(studyFor("P001", raw));
    const auto extra = store->addRecording(id, writeEdf(backend.dir, "needle.edf", 100.0));
    CHECK(store->recordings(id).size() == 2);
    CHECK(store->addRecording(id, backend.dir / "needle.edf").id == extra.id);   // same file, same row
    const auto original = sha256OfFile(raw);
    std::string recId;
    for (const auto& r : store->recordings(id))
        if (r.path == raw.string()) recId = r.id;
    REQUIRE_FALSE(recId.empty());
    CHECK(store->verifiedRecordingPath(recId) == raw);
    {   // flip one byte in the data records
        std::fstream f(raw, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(-10, std::ios::end);
        f.put('\x7f');
    }
    try {
        store->verifiedRecordingPath(recId);
        FAIL("modified file not detected");
    } catch (const ChecksumMismatch& e) {
        CHECK(e.expected() == original);
        CHECK(e.actual() == sha256OfFile(raw));
        CHECK_THAT(std::string(e.what()), Catch::Contains("checksum mismatch") && Catch::Contains("a.edf"));
    }
    CHECK_THROWS_AS(store->openRecording(recId), ChecksumMismatch);
    std::filesystem::remove(raw);
    CHECK_THROWS_WITH(store->verifiedRecordingPath(recId), Catch::Contains("is missing"));
    std::filesystem::remove_all(backend.dir);
}

TEST_CASE("store openRecording of an EDF+D with holes reports its segments, nothing filled in", "[study][store][edfd]") {
    const auto backend = makeBackend("sqlite");
    // 1 kHz, 1-s records: 2 s from 0 s, 1 s from 600 s (a 598-s hole), every sample non-zero
    emg::Recording rec;
    emg::RecordedChannel ch;
    ch.label = "EDB";
    ch.sampleRateHz = 1000.0;
    for (int i = 0; i < 3000; ++i) ch.samples.push_back(1.0 + (i % 50));
    rec.channels.push_back(ch);
    rec.segments = {{0.0, 2.0}, {600.0, 1.0}};
    rec.annotations = {{600.25, 0.0, "Stim ankle"}};
    const auto raw = backend.dir / "holes.edf";
    emg::io::writeRecording(rec, raw, emg::io::FileFormat::EdfPlus);
    auto store = SessionStore::open(backend.url);
    store->savePatient(patientA());
    const std::string id = store->saveStudy(studyFor("P001", raw));
    std::string recId;
    for (const auto& r : store->recordings(id))
        if (r.path == raw.string()) recId = r.id;
    REQUIRE_FALSE(recId.empty());
    const auto opened = store->openRecording(recId);
    REQUIRE(opened.segments.size() == 2);
    CHECK(opened.segments[0].startSec == 0.0);
    CHECK(opened.segments[0].durationSec == 2.0);
    CHECK(opened.segments[1].startSec == 600.0);
    CHECK(opened.segments[1].durationSec == 1.0);
    CHECK(opened.durationSec() == 601.0);
    // 3000 samples recorded: the zero-filling reader gave 601,000, 598,000 of them zeros
    REQUIRE(opened.channels.at(0).samples.size() == 3000u);
    CHECK(std::count(opened.channels[0].samples.begin(), opened.channels[0].samples.end(), 0.0) == 0);
    bool stim = false;
    for (const auto& a : opened.annotations) stim = stim || (a.text == "Stim ankle" && std::fabs(a.onsetSec - 600.25) < 1e-6);
    CHECK(stim);
}

TEST_CASE("SHA-256 of a file matches the FIPS 180-2 'abc' vector", "[study][store]") {
    const auto dir = test::tempDir("sha");
    std::ofstream(dir / "abc.txt", std::ios::binary) << "abc";
    CHECK(sha256OfFile(dir / "abc.txt") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK_THROWS_AS(sha256OfFile(dir / "missing"), StoreError);
    std::filesystem::remove_all(dir);
}

TEST_CASE("stores in two threads: own connections, concurrent first open migrates once", "[study][store]") {
    const auto backend = makeBackend(GENERATE(as<std::string>{}, "sqlite", "postgresql"));
    INFO(backend.url);
    // Qt's SQL plugin loader (a QObject behind a global static) lives in the thread that first
    // asks for a driver. Made first in one of these std::threads, which then end, it was destroyed
    // at exit from a dead thread's data: "corrupted double-linked list" after all assertions
    // passed, 4 of 120 runs four at a time; 0 of 120 with the loader made here first. The
    // workstation and the CLI open their store on the main thread before any worker does.
    QSqlDatabase::drivers();
    std::vector<std::string> errors(2);
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t)
        threads.emplace_back([&, t] {
            try {
                auto s = SessionStore::open(backend.url);   // both race to create and migrate the schema
                for (int i = 0; i < 20; ++i)
                    s->savePatient({"T" + std::to_string(t) + "-" + std::to_string(i), "x", "", Sex::Unknown, std::nullopt, Side::Unspecified});
            } catch (const std::exception& e) {
                errors[static_cast<std::size_t>(t)] = e.what();
            }
        });
    for (auto& th : threads) th.join();
    CHECK(errors[0].empty());
    CHECK(errors[1].empty());
    auto store = SessionStore::open(backend.url);
    CHECK(store->patients().size() == 40);
    CHECK(store->appliedMigrations() == std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8});
}

TEST_CASE("store addPatients refuses an existing id and stores a batch whole or not at all", "[study][store]") {
    const auto backend = makeBackend(GENERATE(as<std::string>{}, "sqlite", "postgresql"));
    INFO(backend.url);
    auto store = SessionStore::open(backend.url);
    store->addPatients({patientA()});
    const Patient newcomer{"P002", "Roe, Rick", "1981-01-02", Sex::Male, 180.0, Side::Right};

    // P001 exists: the whole batch is refused, P002 is not stored and P001 keeps every field
    Patient clash = patientA();
    clash.name = "Someone, Else";
    clash.birthDate.clear();
    clash.heightCm.reset();
    CHECK_THROWS_WITH(store->addPatients({newcomer, clash}), Catch::Contains("'P001' is already in the store"));
    CHECK_FALSE(store->patient("P002"));
    const auto kept = store->patient("P001");
    REQUIRE(kept);
    CHECK(kept->name == "Doe, Jane");
    CHECK(kept->birthDate == "1970-06-15");
    CHECK(kept->sex == Sex::Female);
    REQUIRE(kept->heightCm);
    CHECK(*kept->heightCm == 168.0);

    // an id given twice is refused before anything is written
    CHECK_THROWS_WITH(store->addPatients({newcomer, newcomer}), Catch::Contains("given twice"));
    CHECK(store->patients().size() == 1);

    // savePatients: one invalid patient (height 500 cm, outside 40..250) and nothing of the batch is saved
    Patient giant = newcomer;
    giant.id = "P003";
    giant.heightCm = 500.0;
    Patient renamed = patientA();
    renamed.name = "Doe, Janet";
    CHECK_THROWS_AS(store->savePatients({renamed, newcomer, giant}), StoreError);
    CHECK(store->patients().size() == 1);
    CHECK(store->patient("P001")->name == "Doe, Jane");
    store->savePatients({renamed, newcomer});
    CHECK(store->patients().size() == 2);
    CHECK(store->patient("P001")->name == "Doe, Janet");
}
