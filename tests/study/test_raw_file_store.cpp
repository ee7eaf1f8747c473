// Raw files kept by the store for every workstation (schema v6): two workstations (two store
// connections with their own cache folders, and emgws-cli processes) on one loopback PostgreSQL
// server; the shared-folder and local-path variants; a corrupted cache fetched again; a corrupted
// stored copy refused; memory of a push/fetch of a large file measured in a child process.
#include "../support/peak_memory.h"
#include "cli_run.h"
#include "pg_server.h"
#include "raw_sql.h"
#include "study_test_util.h"

#include <emg/io/recording_io.h>
#include <emg/study/session_store.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fcntl.h>
#include <fstream>
#include <mutex>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace emg::study;
namespace fs = std::filesystem;

namespace {

struct Dir {
    fs::path path;
    explicit Dir(const std::string& tag) : path(test::tempDir(tag)) {}
    ~Dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

/// A bedside recording: 2 channels, 3 s at 5 kHz, distinct samples.
fs::path writeBedsideRecording(const fs::path& file) {
    emg::Recording rec;
    for (int c = 0; c < 2; ++c) {
        emg::RecordedChannel ch;
        ch.label = c == 0 ? "APB" : "ADM";
        ch.sampleRateHz = 5000.0;
        for (int i = 0; i < 15000; ++i) ch.samples.push_back(400.0 * std::sin(2.0 * M_PI * (37.0 + 11.0 * c) * i / 5000.0) + 0.5 * (i % 7));
        rec.channels.push_back(ch);
    }
    rec.annotations = {{1.0, 0.0, "Stim wrist"}};
    fs::create_directories(file.parent_path());
    emg::io::writeRecording(rec, file, emg::io::FileFormat::EdfPlus);
    return file;
}

StoreOptions optionsWith(const fs::path& cache, const fs::path& sharedFolder = {}) {
    StoreOptions o;
    o.rawFiles.cacheDir = cache;
    o.rawFiles.sharedFolder = sharedFolder;
    return o;
}

/// A study whose motor test links `raw` (when given), as a bedside study does.
std::string studyWithPatient(SessionStore& store, const fs::path& raw = {}) {
    store.savePatient({"P9", "Doe, John", "1961-03-04", Sex::Male, 180.0, Side::Right});
    Study s;
    s.patientId = "P9";
    s.date = "2026-12-03";
    if (!raw.empty()) {
        MotorNcs m;
        m.side = Side::Right;
        m.nerve = "ulnar";
        m.recordingSite = "abductor digiti minimi";
        m.raw = {raw.string(), "", "ADM", 0.0, 3.0};
        m.sites = {{"wrist", 80.0, {{"distalLatencyMs", 2.9, "ms", Provenance::Auto, "onset", ""}}}};
        s.tests.push_back(m);
    }
    return store.saveStudy(s);
}

void flipByte(const fs::path& file, std::uint64_t offset) {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(offset));
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x5a);
    f.seekp(static_cast<std::streamoff>(offset));
    f.write(&c, 1);
}

void checkSameSamples(const emg::Recording& a, const emg::Recording& b) {
    REQUIRE(a.channels.size() == b.channels.size());
    for (std::size_t c = 0; c < a.channels.size(); ++c) {
        CHECK(a.channels[c].label == b.channels[c].label);
        CHECK(a.channels[c].samples == b.channels[c].samples);   // bit for bit, not within a tolerance
    }
}

}  // namespace

TEST_CASE("raw files in PostgreSQL: workstation B opens what A recorded, from large objects, verified", "[study][store][raw]") {
    Dir a("raw-a"), b("raw-b"), ref("raw-ref");
    const std::string url = test::PgServer::instance().createDatabase();
    const auto bedside = writeBedsideRecording(a.path / "bedside" / "ulnar.edf");
    fs::copy_file(bedside, ref.path / "ulnar.edf");
    const auto original = emg::io::readRecording(ref.path / "ulnar.edf");
    const std::string originalBytes = test::slurp(bedside);

    auto storeA = SessionStore::open(url, optionsWith(a.path / "cache"));
    REQUIRE(storeA->schemaVersion() == SessionStore::latestSchemaVersion());   // at least 6 (raw files)
    const std::string studyId = studyWithPatient(*storeA, bedside);
    const auto rec = storeA->addRecording(studyId, bedside);   // the row the study's test already links
    REQUIRE(storeA->recordings(studyId).size() == 1);
    test::RawSql sql(url);
    const long long objectsBefore = sql.scalar("SELECT COUNT(*) FROM pg_largeobject_metadata");

    // a checksum that is not the file's: refused, and no large object is left behind
    CHECK_THROWS_AS(storeA->pushRawFile(bedside, std::string(64, '0')), ChecksumMismatch);
    CHECK(sql.scalar("SELECT COUNT(*) FROM pg_largeobject_metadata") == objectsBefore);
    CHECK(storeA->rawFiles().empty());

    const auto pushed = storeA->pushRawFile(bedside, rec.sha256);
    CHECK(pushed.info.location == "database");
    CHECK(pushed.info.sizeBytes == static_cast<std::int64_t>(originalBytes.size()));
    CHECK(pushed.bytesMoved == originalBytes.size());
    CHECK(pushed.info.originalName == "ulnar.edf");
    CHECK(pushed.info.format == "edf");
    CHECK(sql.scalar("SELECT COUNT(*) FROM pg_largeobject_metadata") == objectsBefore + 1);
    const auto again = storeA->pushRawFile(bedside, "");   // same bytes: kept once
    CHECK(again.alreadyStored);
    CHECK(again.bytesMoved == 0);
    CHECK(sql.scalar("SELECT COUNT(*) FROM pg_largeobject_metadata") == objectsBefore + 1);

    // workstation B: the bedside's disk is not here
    fs::remove(bedside);
    auto storeB = SessionStore::open(url, optionsWith(b.path / "cache"));
    const auto path = storeB->verifiedRecordingPath(rec.id);
    CHECK(path == b.path / "cache" / rec.sha256 / "ulnar.edf");   // keyed by checksum, named as recorded
    CHECK(test::slurp(path) == originalBytes);
    checkSameSamples(original, storeB->openRecording(rec.id));
    CHECK(storeB->fetchRawFile(rec.sha256).fromCache);
    // the report and the DICOM export draw the study's figures from B's verified copy
    auto drawn = storeB->study(studyId);
    REQUIRE(drawn.has_value());
    CHECK(useLocalRawCopies(*storeB, *drawn) == 1);
    CHECK(common(drawn->tests.at(0)).raw.path == path.string());

    // the cached copy is damaged: detected on reuse and fetched again
    flipByte(path, originalBytes.size() / 2);
    CHECK(storeB->verifyRawFile(rec.sha256).cacheState == "corrupt");
    const auto refetched = storeB->fetchRawFile(rec.sha256);
    CHECK(refetched.cacheWasCorrupt);
    CHECK(refetched.bytesMoved == originalBytes.size());
    CHECK(test::slurp(path) == originalBytes);
    const auto verified = storeB->verifyRawFile(rec.sha256);
    CHECK(verified.storedOk);
    CHECK(verified.cacheState == "ok");

    // a third workstation as a separate process (emgws-cli), its own cache
    const auto r = test::runCli(ref.path, "recordings fetch " + rec.sha256 + " --db " + url + " --cache " + (ref.path / "cli-cache").string());
    REQUIRE(r.rc == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["fromCache"] == false);
    CHECK(test::slurp(j["localPath"].get<std::string>()) == originalBytes);

    // the stored copy itself damaged (another tool wrote into it): refused, nothing cached
    REQUIRE(sql.exec("SELECT lo_put(" + std::to_string(pushed.info.largeObjectOid) + ", 300, '\\x00ff00'::bytea)").empty());
    auto storeC = SessionStore::open(url, optionsWith(ref.path / "cache-c"));
    CHECK_THROWS_AS(storeC->fetchRawFile(rec.sha256), ChecksumMismatch);
    CHECK_FALSE(fs::exists(ref.path / "cache-c" / rec.sha256 / "ulnar.edf"));
    CHECK_FALSE(storeC->verifyRawFile(rec.sha256).storedOk);
    const auto v = test::runCli(ref.path, "recordings verify " + rec.sha256 + " --db " + url + " --cache " + (ref.path / "cache-c").string());
    CHECK(v.rc == 1);
    CHECK(nlohmann::json::parse(v.out)["storedOk"] == false);
}

TEST_CASE("raw files in a shared folder: content-addressed, resolved against each workstation's mount", "[study][store][raw]") {
    const std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    INFO(backend);
    Dir a("raw-fa"), b("raw-fb");
    const auto shared = a.path / "lab-share";
    fs::create_directories(shared);
    fs::create_directory_symlink(shared, b.path / "mnt");   // B mounts the same folder elsewhere
    const std::string url = backend == "sqlite" ? "sqlite:" + (a.path / "lab.sqlite").string() : test::PgServer::instance().createDatabase();
    const auto bedside = writeBedsideRecording(a.path / "bedside" / "median.edf");
    const std::string originalBytes = test::slurp(bedside);

    auto storeA = SessionStore::open(url, optionsWith(a.path / "cache", shared));
    const std::string studyId = studyWithPatient(*storeA);
    const auto rec = storeA->addRecording(studyId, bedside);
    const auto pushed = storeA->pushRawFile(bedside, rec.sha256);
    CHECK(pushed.info.location == "folder");
    CHECK(pushed.info.path == rec.sha256.substr(0, 2) + "/" + rec.sha256 + ".edf");   // relative: any mount point
    CHECK(test::slurp(shared / pushed.info.path) == originalBytes);

    fs::remove(bedside);
    auto storeB = SessionStore::open(url, optionsWith(b.path / "cache", b.path / "mnt"));
    const auto path = storeB->verifiedRecordingPath(rec.id);
    CHECK(path == b.path / "cache" / rec.sha256 / "median.edf");
    CHECK(test::slurp(path) == originalBytes);

    // a workstation that has not mounted the folder is told so
    auto storeNoMount = SessionStore::open(url, optionsWith(b.path / "cache2"));
    CHECK_THROWS_WITH(storeNoMount->fetchRawFile(rec.sha256), Catch::Contains("EMGWS_RAW_FOLDER"));

    // the shared copy damaged: refused (B's cache is left as it was); A's push repairs it
    flipByte(shared / pushed.info.path, 100);
    auto storeC = SessionStore::open(url, optionsWith(b.path / "cache3", b.path / "mnt"));
    CHECK_THROWS_AS(storeC->fetchRawFile(rec.sha256), ChecksumMismatch);
    CHECK_FALSE(fs::exists(b.path / "cache3" / rec.sha256 / "median.edf"));
    fs::copy_file(path, a.path / "again.edf");
    const auto repaired = storeA->pushRawFile(a.path / "again.edf");
    CHECK(repaired.bytesMoved == originalBytes.size());
    CHECK(test::slurp(shared / pushed.info.path) == originalBytes);
    CHECK(storeC->fetchRawFile(rec.sha256).bytesMoved == originalBytes.size());
}

TEST_CASE("raw files with SQLite and no shared folder: the local path, verified where it is", "[study][store][raw]") {
    Dir d("raw-local");
    const std::string url = "sqlite:" + (d.path / "ws.sqlite").string();
    const auto file = writeBedsideRecording(d.path / "rec" / "emg.edf");
    auto store = SessionStore::open(url, optionsWith(d.path / "cache"));
    const auto pushed = store->pushRawFile(file);
    CHECK(pushed.info.location == "local");
    CHECK(pushed.info.path == fs::absolute(file).lexically_normal().string());
    CHECK(pushed.bytesMoved == 0);
    const auto fetched = store->fetchRawFile(pushed.info.sha256);
    CHECK(fetched.localPath == pushed.info.path);
    CHECK_FALSE(fs::exists(d.path / "cache"));   // nothing copied
    flipByte(file, 500);
    CHECK_THROWS_AS(store->fetchRawFile(pushed.info.sha256), ChecksumMismatch);
    CHECK_FALSE(store->verifyRawFile(pushed.info.sha256).storedOk);
}

TEST_CASE("schema v6 migrates a v5 store, raw files need it", "[study][store][raw]") {
    Dir d("raw-v5");
    const std::string url = "sqlite:" + (d.path / "old.sqlite").string();
    {
        StoreOptions v5 = optionsWith(d.path / "cache");
        v5.schemaVersion = 5;
        auto old = SessionStore::open(url, v5);
        CHECK(old->schemaVersion() == 5);
        CHECK_THROWS_WITH(old->rawFiles(), Catch::Contains("needs schema version 6"));
    }
    auto store = SessionStore::open(url, optionsWith(d.path / "cache"));
    CHECK(store->appliedMigrations() == std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8});
    CHECK(store->rawFiles().empty());
}

TEST_CASE("background push: files queued while the caller goes on, each reported", "[study][store][raw]") {
    Dir d("raw-bg");
    const std::string url = test::PgServer::instance().createDatabase();
    const auto options = optionsWith(d.path / "cache");
    const auto f1 = writeBedsideRecording(d.path / "one.edf");
    const auto f2 = d.path / "two.edf";
    fs::copy_file(f1, f2);
    flipByte(f2, 1000);
    // the workstation's own store is open before any background push, as in the window (opened
    // after a worker thread had made the process's first PostgreSQL connection, one Qt driver
    // object of ~460 bytes is never freed: LeakSanitizer reports it; once per process, Qt's)
    auto store = SessionStore::open(url, options);
    std::vector<std::string> reports;
    std::mutex m;
    {
        BackgroundRawPush push([&] { return SessionStore::open(url, options); },
                               [&](const fs::path& file, const RawTransfer& r, const std::string& error) {
                                   std::lock_guard lock(m);
                                   reports.push_back(file.filename().string() + ":" + (error.empty() ? r.info.location : "error"));
                               });
        push.push(f1);
        push.push(f2, std::string(64, 'a'));   // a wrong checksum: reported, not kept
        push.waitIdle();
    }
    CHECK(reports == std::vector<std::string>{"one.edf:database", "two.edf:error"});
    CHECK(store->rawFiles().size() == 1);
}

namespace {

struct Measured {
    int rc = -1;
    long maxRssKb = 0;
    std::string out;
};

/// Runs emgws-cli ARGS in a child process; its own peak resident memory from wait4().
Measured runMeasured(const std::vector<std::string>& args, const fs::path& outFile) {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        const int fd = ::open(outFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) ::dup2(fd, 1);
        std::vector<char*> argv{const_cast<char*>(EMGWS_CLI_PATH)};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(EMGWS_CLI_PATH, argv.data());
        ::_exit(127);
    }
    int status = 0;
    rusage usage{};
    REQUIRE(::wait4(pid, &status, 0, &usage) == pid);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, usage.ru_maxrss, test::slurp(outFile)};
}

/// `megabytes` of incompressible bytes (xorshift), written 1 MiB at a time.
void writeLargeFile(const fs::path& file, int megabytes) {
    std::ofstream out(file, std::ios::binary);
    std::vector<std::uint64_t> block((1u << 20) / 8);
    std::uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (int mb = 0; mb < megabytes; ++mb) {
        for (auto& v : block) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            v = x;
        }
        out.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(block.size() * 8));
    }
    REQUIRE(out.good());
}

}  // namespace

TEST_CASE("raw files: pushing and fetching 200 MB keeps the process's memory far below the file's size", "[study][store][raw][memory]") {
    const int megabytes = 200;
    Dir d("raw-big");
    const std::string url = test::PgServer::instance().createDatabase();
    const auto big = d.path / "long-study.bdf";
    writeLargeFile(big, megabytes);
    const double fileMb = megabytes * 1.048576;
    // the same program doing no transfer: what Qt, the driver and the libraries take anyway
    const auto baseline = runMeasured({"store", "info", "--db", url}, d.path / "base.json");
    REQUIRE(baseline.rc == 0);

    const auto push = runMeasured({"recordings", "push", big.string(), "--db", url}, d.path / "push.json");
    REQUIRE(push.rc == 0);
    const auto pj = nlohmann::json::parse(push.out);
    CHECK(pj["location"] == "database");
    const std::string sha = pj["sha256"];
    const auto fetch = runMeasured({"recordings", "fetch", sha, "--db", url, "--cache", (d.path / "cache").string()}, d.path / "fetch.json");
    REQUIRE(fetch.rc == 0);
    const auto fj = nlohmann::json::parse(fetch.out);
    CHECK(fj["bytesMoved"] == static_cast<std::uint64_t>(megabytes) << 20);
    CHECK(emg::study::sha256OfFile(fj["localPath"].get<std::string>()) == sha);

    // chunks of 1 MiB: the read buffer, libpq's result and the send buffer hold about one chunk
    // each, whatever the file's size; 8 MB above the baseline leaves room for allocator slack
    WARN("peak RSS (MB): baseline " << baseline.maxRssKb / 1024.0 << ", push " << push.maxRssKb / 1024.0 << ", fetch "
                                    << fetch.maxRssKb / 1024.0 << "; file " << fileMb << " MB; push " << pj["mbPerSec"].get<double>()
                                    << " MB/s, fetch " << fj["mbPerSec"].get<double>() << " MB/s");
    if (!emg::test::kPeakMemoryMeasurable) return;  // under ASan: the transfer checked, not its memory
    CHECK(push.maxRssKb < baseline.maxRssKb + 8 * 1024);
    CHECK(fetch.maxRssKb < baseline.maxRssKb + 8 * 1024);
    CHECK(push.maxRssKb / 1024.0 < fileMb / 4);
    CHECK(fetch.maxRssKb / 1024.0 < fileMb / 4);
}
