// The protocol runner: the lumbosacral protocol laid out as its ordered tests with their presets,
// the moves, and the position and sweeps kept in the store (schema v5, both back ends) so that a
// process killed in the middle of a run loses no stored sweep and resumes at the same test and site.
#include "pg_server.h"
#include "run_test_sweeps.h"
#include "study_test_util.h"

#include <emg/study/myotomes.h>
#include <emg/study/protocol_run.h>
#include <emg/study/run_site.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <sstream>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace st = emg::study;

namespace {

std::filesystem::path protocolFile() { return st::test::resources() / "protocols" / "lumbosacral_radiculopathy.json"; }

struct RunFixture {
    std::string backend;
    std::filesystem::path dir = st::test::tempDir("run");
    std::string url;
    std::unique_ptr<st::SessionStore> store;
    std::string studyId;
    st::Protocol protocol = st::loadProtocol(protocolFile());
    st::MyotomeMap myotomes = st::MyotomeMap::load(st::test::resources() / "myotomes.json");

    explicit RunFixture(const std::string& which, st::Side symptomSide = st::Side::Left) : backend(which) {
        url = which == "sqlite" ? "sqlite:" + (dir / "s.sqlite").string() : st::test::PgServer::instance().createDatabase();
        store = st::SessionStore::open(url);
        st::Patient p;
        p.id = "P1";
        p.symptomSide = symptomSide;
        store->savePatient(p);
        st::Study s;
        s.patientId = "P1";
        s.date = "2026-12-02";
        s.examiner = "Dr. A";
        s.protocolId = protocol.id;
        studyId = store->saveStudy(s);
    }
    ~RunFixture() {
        store.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

st::RunSweep sweepOf(float value, double stimulusMa) {
    st::RunSweep s;
    s.channel = "EDB";
    s.sampleRateHz = 20000.0;
    s.stimulusIndex = 100;
    s.stimulusMa = stimulusMa;
    s.pulseWidthMs = 0.2;
    s.microvolts.assign(1000, value);   // 5 ms before + 45 ms after the stimulus at 20 kHz
    return s;
}

}  // namespace

TEST_CASE("run of the lumbosacral protocol: ordered tests, sides, sites with distances, muscles with roots", "[study][protocol][run]") {
    const auto protocol = st::loadProtocol(protocolFile());
    const auto myotomes = st::MyotomeMap::load(st::test::resources() / "myotomes.json");
    const auto tests = st::runTestsOf(protocol, st::Side::Left, &myotomes);
    // 8 protocol steps, the H-reflex bilateral: 9 tests.
    REQUIRE(tests.size() == 9);
    std::vector<std::string> labels;
    for (const auto& t : tests) labels.push_back(t.label());
    CHECK(labels == std::vector<std::string>{"motor peroneal left", "fwave peroneal left", "motor tibial left", "fwave tibial left",
                                             "sensory sural left", "sensory superficial peroneal left", "hreflex tibial left",
                                             "hreflex tibial right", "needle left"});
    const auto& peroneal = tests[0];
    REQUIRE(peroneal.positionCount() == 3);
    CHECK(peroneal.positionName(0) == "ankle");
    CHECK(peroneal.sites[0].distanceMm == Approx(90.0));
    CHECK_FALSE(peroneal.sites[1].distanceMm.has_value());   // below fibular head: measured at the bedside
    CHECK(peroneal.sites[2].distanceMm == Approx(100.0));
    const auto& needle = tests[8];
    REQUIRE(needle.positionCount() == 11);
    const auto ta = std::find_if(needle.muscles.begin(), needle.muscles.end(), [](const auto& m) { return m.name == "tibialis anterior"; });
    REQUIRE(ta != needle.muscles.end());
    CHECK(ta->nerve == "peroneal");
    CHECK(ta->majorRoots == std::vector<std::string>{"L4", "L5"});
    const auto& gmed = needle.muscles[6];
    CHECK(gmed.name == "gluteus medius");
    CHECK(gmed.majorRoots == std::vector<std::string>{"L5"});
    CHECK(gmed.minorRoots == std::vector<std::string>{"L4", "S1"});
    // Right first: the bilateral H-reflex does the right side first.
    const auto right = st::runTestsOf(protocol, st::Side::Right, &myotomes);
    CHECK(right[6].side == st::Side::Right);
    CHECK(right[7].side == st::Side::Left);
}

TEST_CASE("run presets come from the protocol file: montage, filters, sweep, gain, stimulus start/step/ceiling", "[study][protocol][run]") {
    const auto tests = st::runTestsOf(st::loadProtocol(protocolFile()), st::Side::Left);
    const auto& motor = tests[0].presets;   // AANEM motor: 2 Hz-10 kHz, 5 ms/div x 10, 5 mV/div, 0.2 ms
    CHECK(motor.lowCutHz == Approx(2.0));
    CHECK(motor.highCutHz == Approx(10000.0));
    CHECK(motor.sweepMs == Approx(50.0));
    CHECK(motor.sensitivityUvPerDiv == Approx(5000.0));
    CHECK(motor.stimulusDurationMs == Approx(0.2));
    CHECK(motor.stimulusStartMa == Approx(10.0));
    CHECK(motor.stimulusStepMa == Approx(5.0));
    CHECK(motor.stimulusMaxMa == Approx(100.0));
    REQUIRE(motor.channels.size() == 1);
    CHECK(motor.channels[0].active == "belly of extensor digitorum brevis");
    CHECK(motor.channels[0].reference == "tendon of extensor digitorum brevis");
    CHECK_FALSE(motor.channels[0].needle);
    const auto& sural = tests[4].presets;   // sensory: 20 Hz-2 kHz, 20 ms, 10 uV/div, 0.1 ms, ceiling 50 mA
    CHECK(sural.lowCutHz == Approx(20.0));
    CHECK(sural.highCutHz == Approx(2000.0));
    CHECK(sural.sweepMs == Approx(20.0));
    CHECK(sural.sensitivityUvPerDiv == Approx(10.0));
    CHECK(sural.stimulusStartMa == Approx(5.0));
    CHECK(sural.stimulusMaxMa == Approx(50.0));
    CHECK(tests[6].presets.stimulusDurationMs == Approx(1.0));   // H-reflex: 1 ms stimuli
    const auto& needle = tests[8].presets;
    CHECK(needle.stimulusMaxMa == 0.0);
    REQUIRE(needle.channels.size() == 1);
    CHECK(needle.channels[0].needle);
}

TEST_CASE("a protocol file without the run presets (version 1) still loads, with the defaults by kind", "[study][protocol][run]") {
    const auto dir = st::test::tempDir("protocol-v1");
    const auto file = dir / "old.json";
    std::ofstream(file) << R"({"format":"emgws-protocol","version":1,"id":"old","name":"Old","tests":[)"
                           R"({"kind":"sensory","nerve":"sural","recordingSite":"lateral malleolus","sites":[{"name":"calf","distanceMm":140}],)"
                           R"("settings":{"lowCutHz":20,"highCutHz":2000,"sweepMsPerDiv":2,"sensitivityUvPerDiv":10,"stimulusDurationMs":0.1,"stimulusMaxMa":50}},)"
                           R"({"kind":"needle","muscles":["tibialis anterior"],"settings":{"lowCutHz":10,"highCutHz":10000,"sweepMsPerDiv":10,"sensitivityUvPerDiv":50}}]})";
    const auto p = st::loadProtocol(file);
    const auto& s = p.steps[0].settings;
    CHECK(s.sweepMs == Approx(20.0));          // 10 divisions of 2 ms
    CHECK(s.stimulusStartMa == Approx(5.0));   // sensory default
    CHECK(s.stimulusStepMa == Approx(2.0));
    REQUIRE(s.channels.size() == 1);
    CHECK(s.channels[0].active == "lateral malleolus");
    CHECK(p.steps[1].settings.channels.at(0).needle);
    // A start above the ceiling is refused, naming the key.
    std::ofstream(dir / "bad.json") << R"({"format":"emgws-protocol","id":"bad","name":"Bad","tests":[)"
                                       R"({"kind":"motor","nerve":"peroneal","recordingSite":"extensor digitorum brevis","sites":[{"name":"ankle"}],)"
                                       R"("settings":{"lowCutHz":2,"highCutHz":10000,"sweepMsPerDiv":5,"sensitivityUvPerDiv":5000,"stimulusDurationMs":0.2,"stimulusStartMa":60,"stimulusMaxMa":50}}]})";
    CHECK_THROWS_WITH(st::loadProtocol(dir / "bad.json"), Catch::Contains("stimulusStartMa"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("every stimulation site of every shipped protocol has its drawn picture (limb, stimulation, recording, distance)",
          "[study][protocol][run]") {
    int pictures = 0;
    for (const auto& p : st::loadProtocols(st::test::resources() / "protocols")) {
        for (const auto& t : st::runTestsOf(p, st::Side::Left)) {
            for (std::size_t i = 0; i < t.sites.size(); ++i) {
                const auto name = st::sitePictureFile(t, i);
                INFO(p.id << ": " << t.label() << " at " << t.sites[i].name << " -> " << name);
                const auto file = st::test::resources() / "sites" / name;
                REQUIRE(std::filesystem::is_regular_file(file));
                std::ifstream in(file);
                const std::string svg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
                CHECK(svg.find(R"(id="limb")") != std::string::npos);
                CHECK(svg.find(R"(id="stimulation")") != std::string::npos);
                CHECK(svg.find(R"(id="recording")") != std::string::npos);
                CHECK(svg.find(R"(id="distance")") != std::string::npos);
                CHECK(svg.find("stimulate: " + t.sites[i].name) != std::string::npos);
                ++pictures;
            }
        }
    }
    CHECK(pictures >= 26);
    const auto tests = st::runTestsOf(st::loadProtocol(protocolFile()), st::Side::Left);
    CHECK(st::sitePictureFile(tests[0], 1) == "motor-peroneal-extensor-digitorum-brevis-below-fibular-head.svg");
    CHECK(st::sitePictureFile(tests[8], 0).empty());   // needle EMG: no stimulation site
}

TEST_CASE("run moves: next site crosses into the next test, previous goes back, next test skips sites, the end is finished", "[study][run]") {
    const auto tests = st::runTestsOf(st::loadProtocol(protocolFile()), st::Side::Left);
    using C = st::RunCursor;
    CHECK(st::nextSiteOf(tests, C{0, 0}) == C{0, 1});
    CHECK(st::nextSiteOf(tests, C{0, 2}) == C{1, 0});      // after the third peroneal site: the F-wave
    CHECK(st::nextTestOf(tests, C{0, 1}) == C{1, 0});
    CHECK(st::previousOf(tests, C{1, 0}) == C{0, 2});
    CHECK(st::previousOf(tests, C{0, 0}) == C{0, 0});      // nothing before the first site
    CHECK(st::nextSiteOf(tests, C{8, 10}) == C{9, 0});     // after the last needle muscle: finished
    CHECK(st::nextTestOf(tests, C{9, 0}) == C{9, 0});
    CHECK(st::previousOf(tests, C{9, 0}) == C{8, 10});
}

TEST_CASE("every move and sweep is in the store at once, a second store object resumes at the same test and site", "[study][store][run]") {
    RunFixture f(GENERATE(as<std::string>{}, "sqlite", "postgresql"), st::Side::Right);
    INFO(f.backend);
    {
        st::ProtocolRun run(*f.store, f.studyId, f.protocol, st::Side::Unspecified, &f.myotomes);
        CHECK_FALSE(run.resumed());
        CHECK(run.firstSide() == st::Side::Right);   // the patient's symptom side
        CHECK(run.currentTest().label() == "motor peroneal right");
        run.storeSweep(sweepOf(1.0f, 20.0));
        REQUIRE(run.nextSite());
        run.storeSweep(sweepOf(2.0f, 25.0));
        run.storeSweep(sweepOf(3.0f, 30.0));
        REQUIRE(run.nextSite());
        REQUIRE(run.nextSite());
        CHECK(run.currentTest().kind == st::TestKind::FWave);
        REQUIRE(run.previous());
        CHECK(run.currentSite() == "lateral popliteal fossa");
        // Above the ceiling (100 mA): refused, nothing stored.
        CHECK_THROWS_AS(run.storeSweep(sweepOf(9.0f, 120.0)), std::invalid_argument);
    }
    auto other = st::SessionStore::open(f.url);
    const auto pos = other->runPosition(f.studyId);
    REQUIRE(pos);
    CHECK(pos->testIndex == 0);
    CHECK(pos->siteIndex == 2);
    st::ProtocolRun again(*other, f.studyId, f.protocol, st::Side::Left, &f.myotomes);
    CHECK(again.resumed());
    CHECK(again.firstSide() == st::Side::Right);   // the stored run's side, not the one asked for
    CHECK(again.currentSite() == "lateral popliteal fossa");
    const auto below = again.sweepsAt(st::RunCursor{0, 1});
    REQUIRE(below.size() == 2);
    CHECK(below[0].site == "below fibular head");
    CHECK(below[0].testLabel == "motor peroneal right");
    CHECK(below[0].stimulusMa == Approx(25.0));
    CHECK(below[1].stimulusMa == Approx(30.0));
    CHECK(below[1].microvolts.size() == 1000);
    CHECK(below[1].microvolts[500] == 3.0f);
    CHECK(other->runSweeps(f.studyId).size() == 3);
}

TEST_CASE("a signed study refuses run sweeps and moves, a store below v5 refuses the run and migrates to v5 intact", "[study][store][run]") {
    RunFixture f(GENERATE(as<std::string>{}, "sqlite", "postgresql"));
    INFO(f.backend);
    st::ProtocolRun run(*f.store, f.studyId, f.protocol, st::Side::Left, &f.myotomes);
    run.storeSweep(sweepOf(1.0f, 20.0));
    st::SignRequest req;
    req.studyId = f.studyId;
    req.examinerName = "Dr. A";
    req.osLogin = "a";
    req.pdf = "%PDF-1.4 stand-in";
    f.store->signStudy(req);
    CHECK_THROWS_AS(run.storeSweep(sweepOf(2.0f, 20.0)), st::StudyLocked);
    CHECK_THROWS_AS(run.nextSite(), st::StudyLocked);
    CHECK(run.position() == st::RunCursor{0, 0});   // the run stays where the store says it is
    CHECK(f.store->runSweeps(f.studyId).size() == 1);

    // A v4 database: the run is refused with the version named; opening at the latest adds v5.
    const std::string url4 = f.backend == "sqlite" ? "sqlite:" + (f.dir / "v4.sqlite").string() : st::test::PgServer::instance().createDatabase();
    {
        auto v4 = st::SessionStore::open(url4, st::StoreOptions{4});
        st::Patient p;
        p.id = "P9";
        v4->savePatient(p);
        st::Study s;
        s.id = "S9";
        s.patientId = "P9";
        s.date = "2026-12-01";
        v4->saveStudy(s);
        CHECK_THROWS_WITH(v4->runPosition("S9"), Catch::Contains("schema version 5"));
    }
    auto v5 = st::SessionStore::open(url4, st::StoreOptions{5});   // to v5 exactly (v6 adds raw_files, v7 rejected sweeps)
    CHECK(v5->schemaVersion() == 5);
    CHECK(v5->appliedMigrations() == std::vector<int>{1, 2, 3, 4, 5});
    REQUIRE(v5->study("S9"));
    CHECK_FALSE(v5->runPosition("S9"));
    CHECK(v5->runSweeps("S9").empty());
}

namespace {
/// Baseline SD of a sweep before its stimulus (the last 0.5 ms left out).
double baselineSdUv(const emg::dsp::Sweep& s) {
    const std::size_t n = s.preSamples - 10;
    double mean = 0.0, ss = 0.0;
    for (std::size_t i = 0; i < n; ++i) mean += s.uv[i];
    mean /= static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i) ss += (s.uv[i] - mean) * (s.uv[i] - mean);
    return std::sqrt(ss / static_cast<double>(n - 1));
}
}  // namespace

TEST_CASE("a rejected sweep is stored rejected, left out of the average and the measure, and stays so after reopening",
          "[study][store][run]") {
    RunFixture f(GENERATE(as<std::string>{}, "sqlite", "postgresql"));
    INFO(f.backend);
    std::mt19937 rng(5);
    const st::RunCursor sural{4, 0};
    {
        st::ProtocolRun run(*f.store, f.studyId, f.protocol, st::Side::Left, &f.myotomes);
        run.goTo(sural);
        REQUIRE(run.currentTest().label() == "sensory sural left");
        st::RunSite site(emg::TestKind::Sensory);
        for (int i = 0; i < 16; ++i) site.add(run.storeSweep(st::test::snapSweep(rng)));
        // four sweeps of an artefact-like double-size response, rejected by the clinician
        for (int i = 0; i < 4; ++i) site.add(run.storeSweep(st::test::snapSweep(rng, 2.0 * st::test::kSnapAmplitudeUv)));
        REQUIRE(site.result().has_value());
        const double mixedUv = site.result()->measures.amplitudeUv;
        CHECK(mixedUv == Approx(1.2 * st::test::kSnapAmplitudeUv).epsilon(0.10));   // (16 x 20 + 4 x 40) / 20 µV
        for (int i = 0; i < 4; ++i) REQUIRE(st::rejectLastSweep(run, site));
        CHECK(site.keptCount() == 16);
        CHECK(site.result()->measures.amplitudeUv == Approx(st::test::kSnapAmplitudeUv).epsilon(0.10));
        run.nextSite();   // moved on: the position is stored too
    }
    f.store.reset();
    auto reopened = st::SessionStore::open(f.url);
    const auto stored = reopened->runSweeps(f.studyId);
    REQUIRE(stored.size() == 20);
    for (std::size_t k = 0; k < stored.size(); ++k) {
        INFO("sweep " << k);
        CHECK(stored[k].rejected == (k >= 16));
        CHECK(stored[k].rejectedAt.empty() == (k < 16));
        CHECK(stored[k].microvolts.size() == 500);   // a rejected sweep keeps its samples
    }
    st::ProtocolRun again(*reopened, f.studyId, f.protocol, st::Side::Left, &f.myotomes);
    REQUIRE(again.resumed());
    st::RunSite site(emg::TestKind::Sensory);
    for (const auto& s : again.sweepsAt(sural)) site.add(s);
    CHECK(site.sweeps().size() == 20);
    CHECK(site.keptCount() == 16);
    CHECK_FALSE(site.isKept(19));
    REQUIRE(site.result().has_value());
    CHECK(site.result()->measures.amplitudeUv == Approx(st::test::kSnapAmplitudeUv).epsilon(0.10));
    CHECK(baselineSdUv(*site.measured()) == Approx(st::test::kSnapNoiseUv / 4.0).epsilon(0.25));   // 16 averaged: rms / 4
    // kept again: back in the average
    again.setRejected(site.sweeps()[19], false);
    CHECK_FALSE(reopened->runSweeps(f.studyId)[19].rejected);
    CHECK_THROWS_AS(reopened->setRunSweepRejected(f.studyId, 999999, true), st::StoreError);
}

TEST_CASE("schema v7 migrates a v6 store without loss, a store below v7 refuses rejection", "[study][store][run]") {
    RunFixture f(GENERATE(as<std::string>{}, "sqlite", "postgresql"));
    INFO(f.backend);
    const std::string url6 = f.backend == "sqlite" ? "sqlite:" + (f.dir / "v6.sqlite").string() : st::test::PgServer::instance().createDatabase();
    std::vector<st::RunSweep> before;
    {
        auto v6 = st::SessionStore::open(url6, st::StoreOptions{6});
        REQUIRE(v6->schemaVersion() == 6);
        st::Patient p;
        p.id = "P6";
        v6->savePatient(p);
        st::Study s;
        s.id = "S6";
        s.patientId = "P6";
        s.date = "2026-12-01";
        s.protocolId = f.protocol.id;
        v6->saveStudy(s);
        st::ProtocolRun run(*v6, "S6", f.protocol, st::Side::Left, &f.myotomes);
        for (int i = 0; i < 3; ++i) run.storeSweep(sweepOf(static_cast<float>(i + 1), 10.0 + 5.0 * i));
        run.nextSite();
        before = v6->runSweeps("S6");
        REQUIRE(before.size() == 3);
        CHECK_FALSE(before[2].rejected);
        CHECK_THROWS_WITH(run.setRejected(before[2], true), Catch::Contains("needs schema version 7"));
        CHECK_THROWS_WITH(v6->setRunSweepRejected("S6", before[2].id, true), Catch::Contains("needs schema version 7"));
    }
    auto v7 = st::SessionStore::open(url6);
    CHECK(v7->schemaVersion() == st::SessionStore::latestSchemaVersion());
    CHECK(v7->appliedMigrations() == std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8});
    const auto after = v7->runSweeps("S6");
    REQUIRE(after.size() == before.size());
    for (std::size_t k = 0; k < after.size(); ++k) {
        INFO("sweep " << k);
        CHECK(after[k].id == before[k].id);
        CHECK(after[k].stimulusMa == Approx(before[k].stimulusMa));
        CHECK(after[k].microvolts == before[k].microvolts);
        CHECK(after[k].storedAt == before[k].storedAt);
        CHECK_FALSE(after[k].rejected);   // every sweep stored before v7 is kept
    }
    const auto pos = v7->runPosition("S6");
    REQUIRE(pos);
    CHECK(pos->siteIndex == 1);
    REQUIRE(v7->study("S6"));
    v7->setRunSweepRejected("S6", after[1].id, true);
    CHECK(v7->runSweeps("S6")[1].rejected);
}

namespace {
struct ChildLine {
    std::string what;
    std::size_t test = 0, site = 0;
    long long id = 0;
};

/// Starts run_sweep_child with its stdout on a pipe; returns pid and the read end.
std::pair<pid_t, FILE*> startChild(const std::string& url, const std::string& studyId) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    const std::string exe = EMGWS_RUN_CHILD_PATH, proto = protocolFile().string(),
                      myo = (st::test::resources() / "myotomes.json").string();
    std::vector<char*> argv{const_cast<char*>(exe.c_str()), const_cast<char*>(url.c_str()), const_cast<char*>(studyId.c_str()),
                            const_cast<char*>(proto.c_str()), const_cast<char*>(myo.c_str()), nullptr};
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    REQUIRE(rc == 0);
    return {pid, ::fdopen(fds[0], "r")};
}
}  // namespace

TEST_CASE("kill and resume: a child storing sweeps is SIGKILLed, reopening loses none and resumes at the same test and site",
          "[study][store][run][crash]") {
    RunFixture f(GENERATE(as<std::string>{}, "sqlite", "postgresql"));
    INFO(f.backend);
    auto [pid, out] = startChild(f.url, f.studyId);
    REQUIRE(out != nullptr);
    std::vector<ChildLine> lines;
    std::optional<ChildLine> ready;
    std::size_t storedAfterReady = 0;
    char buf[256];
    // Read what the child reports as committed until it has stored 25 sweeps at its resting place.
    while (storedAfterReady < 25 && std::fgets(buf, sizeof buf, out)) {
        ChildLine l;
        std::istringstream in(buf);
        in >> l.what >> l.test >> l.site >> l.id;
        lines.push_back(l);
        if (l.what == "ready") ready = l;
        else if (ready && l.what == "stored") ++storedAfterReady;
    }
    ::kill(pid, SIGKILL);   // in the middle of storing the next sweeps
    int status = 0;
    ::waitpid(pid, &status, 0);
    std::fclose(out);
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
    REQUIRE(ready);
    CHECK(ready->test == 2);   // the script ends at the tibial motor study, first site
    CHECK(ready->site == 0);

    f.store.reset();
    auto reopened = st::SessionStore::open(f.url);
    st::ProtocolRun run(*reopened, f.studyId, f.protocol, st::Side::Left, &f.myotomes);
    CHECK(run.resumed());
    CHECK(run.position() == st::RunCursor{2, 0});
    CHECK(run.currentTest().label() == "motor tibial left");
    CHECK(run.currentSite() == "medial ankle");
    const auto sweeps = reopened->runSweeps(f.studyId);
    std::vector<long long> reported;
    for (const auto& l : lines)
        if (l.what == "stored") reported.push_back(l.id);
    REQUIRE(reported.size() == 8 + storedAfterReady);
    // Every sweep the child reported is there, intact: sweep k holds 200 samples of value k.
    REQUIRE(sweeps.size() >= reported.size());
    for (std::size_t k = 0; k < sweeps.size(); ++k) {
        INFO("sweep " << k);
        if (k < reported.size()) CHECK(sweeps[k].id == reported[k]);
        REQUIRE(sweeps[k].microvolts.size() == 200);
        CHECK(sweeps[k].microvolts.front() == static_cast<float>(k));
        CHECK(sweeps[k].microvolts.back() == static_cast<float>(k));
        CHECK(sweeps[k].stimulusMa == Approx(1.0 + static_cast<double>(k % 20)));
    }
    // Two at each peroneal site, two at the F-wave, the rest at the tibial motor site.
    CHECK(run.sweepsAt(st::RunCursor{0, 1}).size() == 2);
    CHECK(run.sweepsAt(st::RunCursor{1, 0}).size() == 2);
    CHECK(run.sweepsAt().size() == sweeps.size() - 8);

    // Rejections the child reported are kept: the first F-wave sweep and every 4th sweep at the
    // tibial site; no other reported sweep is rejected (the last one's rejection may have been
    // under way when the child was killed).
    std::set<long long> rejectedIds;
    for (const auto& l : lines)
        if (l.what == "rejected") rejectedIds.insert(l.id);
    REQUIRE(rejectedIds.size() >= 1 + storedAfterReady / 4 - 1);
    CHECK(rejectedIds.count(reported[6]) == 1);   // the first F-wave sweep
    for (std::size_t k = 0; k < reported.size(); ++k) {
        INFO("sweep " << k << " id " << reported[k]);
        const bool last = k + 1 == reported.size();
        if (rejectedIds.count(reported[k])) CHECK(sweeps[k].rejected);
        else if (!last) CHECK_FALSE(sweeps[k].rejected);
    }
    st::RunSite fwave(st::TestKind::FWave);
    for (const auto& s : run.sweepsAt(st::RunCursor{1, 0})) fwave.add(s);
    CHECK(fwave.keptCount() == 1);
    CHECK_FALSE(fwave.isKept(0));
}
