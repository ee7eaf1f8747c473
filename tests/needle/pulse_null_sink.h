#pragma once
// A private PulseAudio server with one null sink for sound tests: own XDG_RUNTIME_DIR and HOME
// (a fresh temp folder), a unique sink name, started and stopped by process id. The monitor of
// the sink is recorded with parecord.

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace needle_test {

inline pid_t spawn(const std::vector<std::string>& args, const std::string& logFile) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        if (FILE* f = std::fopen(logFile.c_str(), "w")) {
            ::dup2(fileno(f), 1);
            ::dup2(fileno(f), 2);
        }
        ::execvp(argv[0], argv.data());
        ::_exit(127);
    }
    return pid;
}

inline void stopProcess(pid_t& pid, int sig) {
    if (pid <= 0) return;
    ::kill(pid, sig);
    int status = 0;
    for (int i = 0; i < 100; ++i) {
        if (::waitpid(pid, &status, WNOHANG) == pid) { pid = -1; return; }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    pid = -1;
}

class PulseNullSink {
public:
    PulseNullSink() {
        std::random_device rd;
        const auto tag = std::to_string(::getpid()) + "_" + std::to_string(rd() % 100000);
        dir_ = std::filesystem::temp_directory_path() / ("needle_pulse_" + tag);
        std::filesystem::create_directories(dir_);
        std::filesystem::permissions(dir_, std::filesystem::perms::owner_all);
        sink_ = "needle_null_" + tag;
        ::setenv("XDG_RUNTIME_DIR", dir_.c_str(), 1);
        ::setenv("HOME", dir_.c_str(), 1);
        ::unsetenv("PULSE_SERVER");
        pid_ = spawn({"pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n", "--load=module-null-sink sink_name=" + sink_,
                      "--load=module-native-protocol-unix"},
                     (dir_ / "pulseaudio.log").string());
        // wait for the server (not a timing assertion: only how long we are willing to wait)
        for (int i = 0; i < 100 && !ready(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ~PulseNullSink() {
        stopRecording();
        stopProcess(pid_, SIGTERM);
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    bool ready() const {
        return std::filesystem::exists(dir_ / "pulse" / "native") &&
               std::system(("pactl list short sinks 2>/dev/null | grep -q " + sink_).c_str()) == 0;
    }
    const std::string& sink() const { return sink_; }
    const std::filesystem::path& dir() const { return dir_; }

    void startRecording(int rateHz) {
        rate_ = rateHz;
        rec_ = spawn({"parecord", "--raw", "--format=s16le", "--rate=" + std::to_string(rateHz), "--channels=1", "--latency-msec=10",
                      "-d", sink_ + ".monitor", (dir_ / "monitor.raw").string()},
                     (dir_ / "parecord.log").string());
    }
    /// Stops parecord (SIGINT flushes) and returns the recorded samples.
    std::vector<std::int16_t> stopRecording() {
        if (rec_ <= 0) return {};
        stopProcess(rec_, SIGINT);
        std::ifstream f(dir_ / "monitor.raw", std::ios::binary);
        std::vector<std::int16_t> s;
        std::int16_t v = 0;
        while (f.read(reinterpret_cast<char*>(&v), 2)) s.push_back(v);
        return s;
    }
    int recordRate() const { return rate_; }

private:
    std::filesystem::path dir_;
    std::string sink_;
    pid_t pid_ = -1, rec_ = -1;
    int rate_ = 48000;
};

}  // namespace needle_test
