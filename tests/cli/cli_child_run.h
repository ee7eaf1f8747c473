#pragma once
// emgws-cli run in a child process for the robustness and memory tests: fork/exec with stdout
// and stderr to files, a watchdog, and wait4 for the exit status and the peak RSS (ru_maxrss).
#include <catch2/catch.hpp>

#include "../support/peak_memory.h"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace emg::test {
namespace fs = std::filesystem;

inline const std::string kCli = std::string(EMGWS_BINARY_DIR) + "/src/cli/emgws-cli";
inline constexpr int kTimeoutSec = 30;

inline fs::path tempDir(const std::string& name) {
    const auto d = fs::temp_directory_path() / ("emgws-robust-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}
inline void writeFile(const fs::path& p, const std::string& bytes) {
    std::ofstream o(p, std::ios::binary);
    o << bytes;
}
inline std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

struct ChildRun {
    int exitCode = -1;       ///< -1 when killed by a signal
    int signal = 0;
    bool timedOut = false;
    long maxRssKb = 0;
    std::string out, err;
};

// fork/exec emgws-cli with `args`, stdout/stderr to files, a watchdog, and wait4 for the peak RSS.
inline ChildRun runCli(const std::vector<std::string>& args, const fs::path& dir, long addressLimitMb = 0, int timeoutSec = kTimeoutSec) {
    const fs::path outPath = dir / "stdout.txt", errPath = dir / "stderr.txt";
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        const int o = ::open(outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int e = ::open(errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(o, 1);
        ::dup2(e, 2);
        if (addressLimitMb > 0) {
            rlimit r{static_cast<rlim_t>(addressLimitMb) << 20, static_cast<rlim_t>(addressLimitMb) << 20};
            ::setrlimit(RLIMIT_AS, &r);
        }
        std::vector<char*> argv{const_cast<char*>(kCli.c_str())};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(kCli.c_str(), argv.data());
        ::_exit(127);
    }
    ChildRun r;
    int status = 0;
    rusage ru{};
    for (int waited = 0;; ++waited) {
        const pid_t w = ::wait4(pid, &status, WNOHANG, &ru);
        if (w == pid) break;
        if (waited >= timeoutSec * 20) {
            r.timedOut = true;
            ::kill(pid, SIGKILL);
            ::wait4(pid, &status, 0, &ru);
            break;
        }
        ::usleep(50'000);
    }
    r.maxRssKb = ru.ru_maxrss;
    if (WIFEXITED(status)) r.exitCode = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
    r.out = slurp(outPath);
    r.err = slurp(errPath);
    return r;
}


/// CHECKs a child's peak RSS against a bound in kB, where it can be measured (see above).
inline void checkPeakRss(long maxRssKb, double boundKb) {
    if (!kPeakMemoryMeasurable) return;
    INFO("peak RSS " << maxRssKb << " kB, bound " << boundKb << " kB");
    CHECK(static_cast<double>(maxRssKb) <= boundKb);
}

/// The bound: 100 MB + 3 x the input's size, in kB (ru_maxrss's unit).
inline double memoryBoundKb(std::uintmax_t sizeBytes) { return (100.0 * 1024 * 1024 + 3.0 * static_cast<double>(sizeBytes)) / 1024.0; }

}  // namespace emg::test
