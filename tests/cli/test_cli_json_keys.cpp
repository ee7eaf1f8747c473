// The CLI's JSON keys keep their spelling (outside scripts read them): `emgws-cli simulate` writes
// a recording of each test, `emgws-cli analyze` measures it, and every key path of the output
// (arrays merged: "sites[].segments[].conductionVelocityMPerS") must be the set the CLI wrote
// before the measurement-name registry (tests/cli/golden/analyze_keys_<test>.txt, taken from the
// CLI at commit 842cbc6 on the same simulated recordings; keys added since, never renamed:
// amplitudeSeUv, 2026-12-05; a sensory study's segments between its stimulation sites, 2026-12-05).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::string kCli = std::string(EMGWS_BINARY_DIR) + "/src/cli/emgws-cli";

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Runs the CLI; its stdout parsed as JSON (REQUIREs exit status 0).
json runCli(const std::string& args, const fs::path& dir) {
    const auto out = dir / "out.json", err = dir / "err.txt";
    const std::string cmd = kCli + " " + args + " >" + out.string() + " 2>" + err.string();
    const int rc = std::system(cmd.c_str());
    INFO(cmd << "\n" << slurp(err));
    REQUIRE(WIFEXITED(rc));
    REQUIRE(WEXITSTATUS(rc) == 0);
    return json::parse(slurp(out));
}

void keyPaths(const json& j, const std::string& prefix, std::set<std::string>& out) {
    if (j.is_object()) {
        for (const auto& [k, v] : j.items()) {
            const auto path = prefix.empty() ? k : prefix + "." + k;
            out.insert(path);
            keyPaths(v, path, out);
        }
    } else if (j.is_array()) {
        for (const auto& v : j) keyPaths(v, prefix + "[]", out);
    }
}

std::set<std::string> golden(const std::string& test) {
    std::ifstream in(fs::path(EMGWS_SOURCE_DIR) / "tests/cli/golden" / ("analyze_keys_" + test + ".txt"));
    REQUIRE(in.good());
    std::set<std::string> keys;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) keys.insert(line);
    return keys;
}

}  // namespace

TEST_CASE("emgws-cli analyze keeps its JSON keys for every test kind", "[cli][json]") {
    const auto dir = fs::temp_directory_path() / ("emgws-cli-keys-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    struct Case {
        std::string test, simulate, analyze;
    };
    const Case cases[] = {
        {"motor", "--test motor --nerve peroneal-motor", "--test motor --distance ankle-below-fibular-head=300"},
        {"sensory", "--test sensory --nerve sural-sensory", "--test sensory --distance calf=140"},
        {"fwave", "--test fwave --nerve tibial-motor", "--test fwave"},
        {"hreflex", "--test hreflex --nerve tibial-h", "--test hreflex"},
        {"rns", "--test rns --decrement 20", "--test rns"},
        {"needle", "--test needle --pattern neuropathic --seconds 3", "--test needle --muscle \"tibialis anterior\""},
    };
    for (const auto& c : cases) {
        SECTION(c.test) {
            const auto file = (dir / (c.test + ".edf")).string();
            runCli("simulate " + c.simulate + " " + file, dir);
            std::set<std::string> keys;
            keyPaths(runCli("analyze " + file + " " + c.analyze, dir), "", keys);
            const auto expected = golden(c.test);
            for (const auto& k : expected) {
                INFO("key the CLI wrote before: " << k);
                CHECK(keys.count(k) == 1);
            }
            for (const auto& k : keys) {
                INFO("key the CLI did not write before: " << k);
                CHECK(expected.count(k) == 1);
            }
        }
    }
    fs::remove_all(dir);
}
