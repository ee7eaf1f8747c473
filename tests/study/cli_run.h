#pragma once
// Runs the built emgws-cli (EMGWS_CLI_PATH) for the study tests: exit code, stdout, stderr.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

namespace emg::study::test {

struct CliResult {
    int rc;
    std::string out, err;
};

inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

#ifdef EMGWS_CLI_PATH
/// `[env] emgws-cli args` through the shell (args are quoted by the caller); output kept in `dir`.
inline CliResult runCli(const std::filesystem::path& dir, const std::string& args, const std::string& env = "") {
    const std::string cmd = env + " " + std::string(EMGWS_CLI_PATH) + " " + args + " >" + (dir / "out.txt").string() + " 2>" +
                            (dir / "err.txt").string();
    const int rc = std::system(cmd.c_str());
    return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, slurp(dir / "out.txt"), slurp(dir / "err.txt")};
}
#endif

}  // namespace emg::study::test
