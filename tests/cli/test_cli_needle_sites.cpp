// `emgws-cli analyze --test needle SITE1 SITE2 ...`: one muscle's needle sites, each analysed as a
// file of its own, then the muscle read over them (muscle_sites.h). Simulated neuropathic records.
#include "cli_child_run.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using nlohmann::json;
using emg::test::runCli;

namespace {
json cliJson(const std::vector<std::string>& args, const std::filesystem::path& dir) {
    const auto r = runCli(args, dir);
    INFO("stderr: " << r.err);
    REQUIRE(r.exitCode == 0);
    return json::parse(r.out);
}
}  // namespace

TEST_CASE("analyze --test needle with several files: each site as alone, and the muscle over them", "[cli][needle][sites]") {
    const auto dir = emg::test::tempDir("needle-sites");
    std::vector<std::string> files;
    for (int seed = 1; seed <= 3; ++seed) {
        files.push_back((dir / ("site" + std::to_string(seed) + ".edf")).string());
        cliJson({"simulate", "--test", "needle", "--pattern", "neuropathic", "--seconds", "3", "--seed", std::to_string(seed), files.back()},
                dir);
    }
    const std::vector<std::string> opts{"--test", "needle", "--muscle", "tibialis anterior"};
    auto args = std::vector<std::string>{"analyze"};
    args.insert(args.end(), opts.begin(), opts.end());
    args.insert(args.end(), files.begin(), files.end());
    const auto j = cliJson(args, dir);
    REQUIRE(j.at("sites").size() == 3);
    REQUIRE(j.at("files").size() == 3);
    const auto& m = j.at("muscleOverSites");
    CHECK(m.at("sites") == 3);
    int fairUnits = 0;
    for (std::size_t k = 0; k < files.size(); ++k) {
        // a site's JSON is the file's own analysis, number for number
        auto one = std::vector<std::string>{"analyze", files[k]};
        one.insert(one.end(), opts.begin(), opts.end());
        const auto alone = cliJson(one, dir);
        CHECK(j.at("sites")[k] == alone);
        fairUnits += alone.at("summary").at("units").get<int>();
    }
    // every simulated site has a quiet baseline (noise 7 uV): all its units are pooled
    CHECK(m.at("sitesUnitsPooled") == 3);
    CHECK(m.at("summary").at("units") == fairUnits);
    CHECK(m.at("units").size() >= static_cast<std::size_t>(fairUnits));
    for (const auto& u : m.at("units")) CHECK((u.at("site") >= 1 && u.at("site") <= 3));
    // the simulator's neuropathic units are long (its reinnervated units: > +50 % of the reference):
    // the pooled reading says so, as every site does
    for (const auto& s : j.at("sites")) CHECK(s.at("muscleReading").at("pattern") == "neuropathic");
    CHECK(m.at("muscleReading").at("pattern") == "neuropathic");
    CHECK(m.at("summary").at("durationDeviationPercent").get<double>() > m.at("summary").at("durationLimitAppliedPercent").get<double>());

    // several files are sites of one needle muscle only: another test refuses them with the reason
    auto motor = std::vector<std::string>{"analyze", "--test", "motor"};
    motor.insert(motor.end(), files.begin(), files.end());
    const auto refused = runCli(motor, dir);
    CHECK(refused.exitCode == 2);
    CHECK(refused.err.find("--test needle") != std::string::npos);
    std::filesystem::remove_all(dir);
}
