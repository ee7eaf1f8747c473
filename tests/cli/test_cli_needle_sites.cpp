// `emgws-cli analyze --test needle SITE1 SITE2 ...`: one muscle's needle sites, each analysed as a
// file of its own, then the muscle read over them (muscle_sites.h). Simulated neuropathic records.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

using nlohmann::json;
namespace fs = std::filesystem;

namespace {
const std::string kCli = std::string(EMGWS_BINARY_DIR) + "/src/cli/emgws-cli";

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}
struct Run {
    int rc = -1;
    std::string out, err;
};
Run cli(const std::string& args, const fs::path& dir) {
    const std::string cmd = kCli + " " + args + " >" + (dir / "out.json").string() + " 2>" + (dir / "err.txt").string();
    const int rc = std::system(cmd.c_str());
    return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, slurp(dir / "out.json"), slurp(dir / "err.txt")};
}
json cliJson(const std::string& args, const fs::path& dir) {
    const auto r = cli(args, dir);
    INFO("stderr: " << r.err);
    REQUIRE(r.rc == 0);
    return json::parse(r.out);
}
}  // namespace

TEST_CASE("analyze --test needle with several files: each site as alone, and the muscle over them", "[cli][needle][sites]") {
    const auto dir = fs::temp_directory_path() / ("emgws-cli-sites-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::string files;
    for (int seed = 1; seed <= 3; ++seed) {
        const auto f = (dir / ("site" + std::to_string(seed) + ".edf")).string();
        cliJson("simulate --test needle --pattern neuropathic --seconds 3 --seed " + std::to_string(seed) + " " + f, dir);
        files += " " + f;
    }
    const std::string opts = " --test needle --muscle \"tibialis anterior\"";
    const auto j = cliJson("analyze" + opts + files, dir);
    REQUIRE(j.at("sites").size() == 3);
    REQUIRE(j.at("files").size() == 3);
    const auto& m = j.at("muscleOverSites");
    CHECK(m.at("sites") == 3);
    int fairUnits = 0;
    for (int k = 0; k < 3; ++k) {
        // a site's JSON is the file's own analysis, number for number
        const auto alone = cliJson("analyze " + j.at("files")[k].get<std::string>() + opts, dir);
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
    const auto refused = cli("analyze --test motor" + files, dir);
    CHECK(refused.rc == 2);
    CHECK(refused.err.find("--test needle") != std::string::npos);
    fs::remove_all(dir);
}
