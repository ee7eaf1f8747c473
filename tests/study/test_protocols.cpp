// Protocols: every shipped protocol loads, references only nerves/muscles known to the normative
// table and the myotome map, and bad files give errors naming file and JSON path.
#include "study_test_util.h"

#include <emg/study/myotomes.h>
#include <emg/study/normative.h>
#include <emg/study/protocol.h>

#include <catch2/catch.hpp>

#include <fstream>

using namespace emg::study;

TEST_CASE("every shipped protocol loads and references known nerves and muscles", "[study][protocol]") {
    const auto protocols = loadProtocols(test::resources() / "protocols");
    const auto norms = NormativeTable::loadDirectory(test::resources() / "normative");
    const auto myo = MyotomeMap::load(test::resources() / "myotomes.json");
    std::vector<std::string> ids;
    for (const auto& p : protocols) {
        ids.push_back(p.id);
        INFO(p.id);
        CHECK(checkReferences(p, norms, myo).empty());
        for (const auto& problem : checkReferences(p, norms, myo)) WARN(problem);
        CHECK_FALSE(p.steps.empty());
    }
    CHECK(ids == std::vector<std::string>{"carpal-tunnel", "cervical-radiculopathy", "lumbosacral-radiculopathy", "myopathy",
                                          "polyneuropathy", "ulnar-neuropathy"});
}

TEST_CASE("lumbosacral protocol: peroneal/tibial motor with F-waves, sural, superficial peroneal, H-reflex, L2-S1 needle", "[study][protocol]") {
    const auto p = loadProtocol(test::resources() / "protocols" / "lumbosacral_radiculopathy.json");
    std::vector<std::string> seq;
    for (const auto& s : p.steps) seq.push_back(std::string(toString(s.kind)) + ":" + (s.kind == TestKind::Needle ? "" : s.nerve));
    CHECK(seq == std::vector<std::string>{"motor:peroneal", "fwave:peroneal", "motor:tibial", "fwave:tibial", "sensory:sural",
                                          "sensory:superficial peroneal", "hreflex:tibial", "needle:"});
    CHECK(p.steps[0].sites.at(0).distanceMm.value() == Approx(90));
    CHECK(p.steps[0].settings.lowCutHz == Approx(2));
    CHECK(p.steps[0].settings.highCutHz == Approx(10000));
    CHECK(p.steps[4].settings.lowCutHz == Approx(20));
    CHECK(p.steps[6].bilateral);
    CHECK(p.steps[6].settings.stimulusDurationMs == Approx(1.0));
    const auto myo = MyotomeMap::load(test::resources() / "myotomes.json");
    std::set<std::string> roots;
    bool paraspinals = false;
    for (const auto& m : p.steps.back().muscles) {
        const auto* mi = myo.muscle(m);
        REQUIRE(mi);
        paraspinals = paraspinals || mi->paraspinal;
        if (!mi->paraspinal)
            for (const auto& [r, w] : mi->roots)
                if (w == RootWeight::Major) roots.insert(r);
    }
    CHECK(paraspinals);
    for (const char* r : {"L2", "L3", "L4", "L5", "S1"}) CHECK(roots.count(r) == 1);
}

TEST_CASE("protocol loader errors name the file and path", "[study][protocol]") {
    const auto dir = test::tempDir("protocol");
    auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream(dir / name) << text;
        return dir / name;
    };
    auto errorOf = [](const std::filesystem::path& f) -> std::string {
        try {
            loadProtocol(f);
        } catch (const FormatError& e) {
            return e.what();
        }
        return "no error";
    };
    const std::string settings = R"("settings":{"lowCutHz":2,"highCutHz":10000,"sweepMsPerDiv":2,"sensitivityUvPerDiv":5000,"stimulusDurationMs":0.2,"stimulusMaxMa":100})";
    CHECK_THAT(errorOf(write("a.json", R"({"format":"emgws-protocol","id":"x","name":"X","tests":[{"kind":"motor","nerve":"median","recordingSite":"abductor pollicis brevis","sites":[{"name":"wrist","distanceMm":-5}],)" + settings + "}]}")),
               Catch::Contains("a.json.tests[0].sites[0].distanceMm: must be in (0, 1500] mm"));
    CHECK_THAT(errorOf(write("b.json", R"({"format":"emgws-protocol","id":"x","name":"X","tests":[{"kind":"motor","nerve":"median","recordingSite":"abductor pollicis brevis","sites":[{"name":"wrist"}],"settings":{"lowCutHz":500,"highCutHz":100,"sweepMsPerDiv":2,"sensitivityUvPerDiv":5000,"stimulusDurationMs":0.2,"stimulusMaxMa":100}}]})")),
               Catch::Contains("b.json.tests[0].settings.highCutHz: must be above lowCutHz"));
    CHECK_THAT(errorOf(write("c.json", R"({"format":"emgws-protocol","id":"x","name":"X","tests":[]})")),
               Catch::Contains("c.json.tests: a protocol needs at least one test"));
    CHECK_THAT(errorOf(write("d.json", R"({"format":"emgws-protocol","id":"x","name":"X","tests":[{"kind":"needle","muscles":["deltoid"],)" + settings + "}]}")),
               Catch::Contains("needle EMG has no stimulus"));
    CHECK_THAT(errorOf(write("e.json", "{\"format\":")), Catch::Contains("e.json: malformed JSON"));
    CHECK_THAT(errorOf(dir / "missing.json"), Catch::Contains("cannot open"));
    // references are checked against the data
    const auto p = loadProtocol(write("f.json", R"({"format":"emgws-protocol","id":"x","name":"X","tests":[{"kind":"needle","muscles":["gluteus minimus"],"settings":{"lowCutHz":10,"highCutHz":10000,"sweepMsPerDiv":10,"sensitivityUvPerDiv":50}}]})"));
    const auto problems = checkReferences(p, NormativeTable::loadDirectory(test::resources() / "normative"),
                                          MyotomeMap::load(test::resources() / "myotomes.json"));
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0], Catch::Contains("gluteus minimus"));
    std::filesystem::remove_all(dir);
}
