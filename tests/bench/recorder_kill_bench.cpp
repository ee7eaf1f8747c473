// Crash safety of a recording: seconds of signal lost when the recording process is killed with
// SIGKILL. Each run forks a child that records the simulated amplifier (real-time pacing, 4 ch ×
// 20 kHz, the window's defaults) through the AcquisitionEngine into a BDF+ file with the window's
// recorder settings (flush interval 0.25 s unless --flush says otherwise); the parent kills it at
// a random moment 1.5–4.5 s after the acquisition started. Lost = wall time from the start to the
// kill − the signal the file's header count makes readable (records × record duration). The
// wall time includes the amplifier's start-up latency, so the figure errs on the high side.
// Every killed file must also hold exactly header + count × record bytes (or one record more,
// written before its count) and be read by our reader.
//
// Usage: bench_recorder_kill [--kills N] [--flush SECONDS] [--max-loss SECONDS]
// Prints min / median / max loss; with --max-loss exits 1 when the largest loss is above it.
#include <sim/simulated_amplifier.h>

#include <emg/acq/acquisition_engine.h>
#include <emg/io/edf_recorder.h>
#include <emg/io/recording_io.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <csignal>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace {

double monotonicSeconds() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

[[noreturn]] void recordUntilKilled(const std::filesystem::path& path, double flushSec, int reportFd) {
    try {
        emg::sim::SimulatedAmplifier amp;
        const auto cfg = emg::sim::SimulatedAmplifier::makeConfig(4, 20000.0, 0, emg::Pacing::RealTime);
        emg::AcquisitionEngine engine(2.0);
        emg::io::EdfRecorderOptions options;
        options.flushIntervalSec = flushSec;
        emg::io::EdfRecorder recorder(path, options);
        engine.addConsumer(&recorder);
        const double t0 = monotonicSeconds();
        engine.start(amp, cfg);
        if (::write(reportFd, &t0, sizeof t0) != static_cast<ssize_t>(sizeof t0)) ::_exit(3);
        for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "recording child: %s\n", e.what());
        ::_exit(2);
    }
}

long field(const std::string& bytes, std::size_t at, std::size_t len) { return std::stol(bytes.substr(at, len)); }

struct Run {
    double lostSec = 0, recordedSec = 0;
    bool layoutOk = false, readable = false;
};

Run killOnce(const std::filesystem::path& path, double flushSec, double killAfterSec) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    const pid_t child = ::fork();
    if (child < 0) throw std::runtime_error("fork failed");
    if (child == 0) {
        ::close(fds[0]);
        recordUntilKilled(path, flushSec, fds[1]);
    }
    ::close(fds[1]);
    double t0 = 0;
    if (::read(fds[0], &t0, sizeof t0) != static_cast<ssize_t>(sizeof t0)) throw std::runtime_error("the recording child did not start");
    ::close(fds[0]);
    std::this_thread::sleep_until(std::chrono::steady_clock::now() +
                                  std::chrono::duration<double>(killAfterSec - (monotonicSeconds() - t0)));
    const double tKill = monotonicSeconds();
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);

    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Run r;
    if (bytes.size() < 256) {
        r.lostSec = tKill - t0;
        return r;
    }
    const long headerBytes = field(bytes, 184, 8);
    const long records = field(bytes, 236, 8);
    const double recordSec = std::stod(bytes.substr(244, 8));
    const long signals = field(bytes, 252, 4);
    long samples = 0;
    for (long i = 0; i < signals; ++i) samples += field(bytes, static_cast<std::size_t>(256 + signals * 216 + i * 8), 8);
    const long recordBytes = samples * 3;
    const auto size = static_cast<long>(bytes.size());
    // the count is rewritten after the record's data: a kill in between leaves one record more
    r.layoutOk = size == headerBytes + records * recordBytes || size == headerBytes + (records + 1) * recordBytes;
    r.recordedSec = static_cast<double>(records) * recordSec;
    r.lostSec = (tKill - t0) - r.recordedSec;
    try {
        const auto rec = emg::io::readRecording(path);
        r.readable = !rec.channels.empty();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", path.c_str(), e.what());
    }
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    int kills = 20;
    double flushSec = 0.25;   // AcquisitionSession's kRecordingFlushSeconds
    double maxLossSec = -1;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--kills") kills = std::atoi(argv[i + 1]);
        else if (a == "--flush") flushSec = std::atof(argv[i + 1]);
        else if (a == "--max-loss") maxLossSec = std::atof(argv[i + 1]);
    }
    const auto dir = std::filesystem::temp_directory_path() / ("emgws-kill-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::mt19937 rng(12345);
    std::uniform_real_distribution<double> when(1.5, 4.5);
    std::vector<double> lost;
    int badLayout = 0, unreadable = 0;
    for (int k = 0; k < kills; ++k) {
        const auto path = dir / ("killed-" + std::to_string(k) + ".bdf");
        const double at = when(rng);
        const Run r = killOnce(path, flushSec, at);
        lost.push_back(r.lostSec);
        badLayout += !r.layoutOk;
        unreadable += !r.readable;
        std::printf("kill %2d at %.3f s: %.3f s readable, %.3f s lost%s%s\n", k + 1, at, r.recordedSec, r.lostSec,
                    r.layoutOk ? "" : " [file size does not match its header]", r.readable ? "" : " [unreadable]");
    }
    std::filesystem::remove_all(dir);
    std::sort(lost.begin(), lost.end());
    const double median = lost[lost.size() / 2];
    std::printf("recorder killed with SIGKILL (4 ch x 20 kHz BDF+, flush every %.2f s): %d kills, seconds lost min %.3f, "
                "median %.3f, max %.3f; files with a bad layout %d, unreadable %d\n",
                flushSec, kills, lost.front(), median, lost.back(), badLayout, unreadable);
    if (badLayout || unreadable) return 1;
    if (maxLossSec > 0 && lost.back() > maxLossSec) {
        std::printf("FAIL: the largest loss %.3f s is above %.3f s\n", lost.back(), maxLossSec);
        return 1;
    }
    return 0;
}
