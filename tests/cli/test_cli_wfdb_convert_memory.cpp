// `emgws-cli convert` of a large WFDB record (format 16, ~180 MB) to EDF+ runs in bounded memory
// (issue 11: peak <= 200 MB whatever the file's size), checked on a child process's ru_maxrss
// from wait4; samples of the output are spot-checked against the values written.
#include "cli_child_run.h"
#include "edf_sample_probe.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {
const std::string kCli = std::string(EMGWS_BINARY_DIR) + "/src/cli/emgws-cli";

// Frames of the record: 2 signals at 4 kHz for 11 250 s and one frame more (the last EDF record
// padded): 2 x 2 bytes x 45 M = 180 MB.
constexpr long long kFrames = 45'000'001;
constexpr int kSignals = 2;

// The ADC value of signal s in frame f: covers -32767..32767 (never -32768, format 16's invalid mark).
std::int16_t adcValue(int s, long long f) { return static_cast<std::int16_t>((f * 7919 + s * 104729) % 65535 - 32767); }

struct Child {
    int exitCode = -1;
    long maxRssKb = 0;
    bool timedOut = false;
    double seconds = 0;
};

Child runConvert(const fs::path& in, const fs::path& out, const fs::path& dir) {
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        const int o = ::open((dir / "stdout.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int e = ::open((dir / "stderr.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(o, 1);
        ::dup2(e, 2);
        ::execl(kCli.c_str(), kCli.c_str(), "convert", in.c_str(), out.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    Child c;
    int status = 0;
    rusage ru{};
    for (int waited = 0;; ++waited) {
        if (::wait4(pid, &status, WNOHANG, &ru) == pid) break;
        if (waited >= 120 * 20) {   // a hang: killed after 120 s
            c.timedOut = true;
            ::kill(pid, SIGKILL);
            ::wait4(pid, &status, 0, &ru);
            break;
        }
        ::usleep(50'000);
    }
    c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    c.maxRssKb = ru.ru_maxrss;
    if (WIFEXITED(status)) c.exitCode = WEXITSTATUS(status);
    return c;
}
}  // namespace

TEST_CASE("convert: a 180 MB format-16 WFDB record to EDF+ peaks below 200 MB, samples kept", "[cli][convert][wfdb][memory]") {
    const auto dir = fs::temp_directory_path() / ("emgws-wfdb-mem-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    struct RemoveAfter {   // 360 MB of input and output: removed whatever the outcome
        fs::path dir;
        ~RemoveAfter() {
            std::error_code ec;
            fs::remove_all(dir, ec);
        }
    } removeAfter{dir};
    {
        std::ofstream dat(dir / "big.dat", std::ios::binary);
        std::vector<char> buf;
        buf.reserve(1 << 22);
        for (long long f = 0; f < kFrames; ++f) {
            for (int s = 0; s < kSignals; ++s) {
                const auto v = static_cast<std::uint16_t>(adcValue(s, f));
                buf.push_back(static_cast<char>(v & 0xFF));
                buf.push_back(static_cast<char>(v >> 8));
            }
            if (buf.size() >= (1u << 22) - 8) {
                dat.write(buf.data(), static_cast<std::streamsize>(buf.size()));
                buf.clear();
            }
        }
        dat.write(buf.data(), static_cast<std::streamsize>(buf.size()));
        REQUIRE(dat.good());
    }
    {
        std::ofstream hea(dir / "big.hea");
        hea << "big 2 4000 " << kFrames << " 09:00:00 01/02/2025\n"
            << "big.dat 16 1000/mV 16 0 0 0 0 EMG deltoid\n"
            << "big.dat 16 1000/mV 16 0 0 0 0 EMG trapezius\n";
    }
    REQUIRE(fs::file_size(dir / "big.dat") == static_cast<std::uintmax_t>(kFrames) * kSignals * 2);

    const Child c = runConvert(dir / "big.hea", dir / "big.edf", dir);
    CHECK_FALSE(c.timedOut);
    REQUIRE(c.exitCode == 0);
    INFO("peak RSS " << c.maxRssKb / 1024 << " MB, " << c.seconds << " s");
    emg::test::checkPeakRss(c.maxRssKb, 200L * 1024);
    WARN("convert of a " << fs::file_size(dir / "big.dat") / 1'000'000 << " MB WFDB record: peak RSS " << c.maxRssKb / 1024 << " MB, "
                         << c.seconds << " s");

    emg::test::EdfSampleProbe p(dir / "big.edf");
    // 1 s records of 4000 samples per signal: 11 250 full ones and one padded (1 frame + 3999 at 0)
    REQUIRE(p.signals == 3);
    CHECK(p.records == 11251);
    CHECK(p.perRecord[0] == 4000);
    CHECK(static_cast<long long>(fs::file_size(dir / "big.edf")) == p.headerBytes() + p.records * p.recordBytes());
    CHECK(p.digitalMin[0] == -32768);   // format 16's range: the ADC values kept as they are
    CHECK(p.digitalMax[0] == 32767);
    for (long long f : {0LL, 1LL, 3999LL, 4000LL, 1'048'575LL, 1'048'576LL, 12'345'678LL, 29'999'999LL, 44'999'999LL, kFrames - 1})
        for (int s = 0; s < kSignals; ++s) {
            INFO("signal " << s << " frame " << f);
            CHECK(p.sample(s, f) == adcValue(s, f));
        }
    for (long long f = 0; f < kFrames; f += 999'983) CHECK(p.sample(1, f) == adcValue(1, f));
    CHECK(p.sample(0, kFrames) == 0);   // padding: 0 physical units (baseline 0)
    CHECK(p.sample(1, 11251LL * 4000 - 1) == 0);
}

TEST_CASE("convert: a 110 MB WFDB record in two signal files, with skew and a null signal, to BDF+ peaks below 200 MB", "[cli][convert][wfdb][memory]") {
    // a.dat: 2 format-16 signals, the second skewed by 2 frames (its frame t stored in file frame
    // t + 2; the file holds the 2 extra frames); b.dat: 1 format-212 signal; signal 4 stored in no
    // file. 20 M frames at 4 kHz: 80 MB + 30 MB. Read whole, the record would take ~1 GB (and its
    // 20 M null samples are beyond what the in-memory reader fills in).
    constexpr long long kFrames2 = 20'000'001;
    const auto dir = fs::temp_directory_path() / ("emgws-wfdb-mem2-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    struct RemoveAfter {
        fs::path dir;
        ~RemoveAfter() {
            std::error_code ec;
            fs::remove_all(dir, ec);
        }
    } removeAfter{dir};
    auto b212 = [](long long f) { return static_cast<int>((f * 613) % 4095) - 2047; };
    {
        std::ofstream a(dir / "two.a.dat", std::ios::binary), b(dir / "two.b.dat", std::ios::binary);
        std::vector<char> bufA, bufB;
        auto put16 = [&](int v) {
            const auto u = static_cast<std::uint16_t>(v);
            bufA.push_back(static_cast<char>(u & 0xFF));
            bufA.push_back(static_cast<char>(u >> 8));
        };
        for (long long f = 0; f < kFrames2 + 2; ++f) {
            put16(adcValue(0, f));
            put16(f >= 2 ? adcValue(1, f - 2) : 0);
            if (f < kFrames2 && f % 2 == 0) {   // 212: two 12-bit samples in 3 bytes
                const int x = b212(f), y = f + 1 < kFrames2 ? b212(f + 1) : 0;
                bufB.push_back(static_cast<char>(x & 0xFF));
                bufB.push_back(static_cast<char>(((x >> 8) & 0x0F) | (((y >> 8) & 0x0F) << 4)));
                if (f + 1 < kFrames2) bufB.push_back(static_cast<char>(y & 0xFF));
            }
            if (bufA.size() >= (1u << 22)) {
                a.write(bufA.data(), static_cast<std::streamsize>(bufA.size()));
                b.write(bufB.data(), static_cast<std::streamsize>(bufB.size()));
                bufA.clear();
                bufB.clear();
            }
        }
        a.write(bufA.data(), static_cast<std::streamsize>(bufA.size()));
        b.write(bufB.data(), static_cast<std::streamsize>(bufB.size()));
        REQUIRE(a.good());
        REQUIRE(b.good());
    }
    {
        std::ofstream hea(dir / "two.hea");
        hea << "two 4 4000 " << kFrames2 << " 09:00:00 01/02/2025\n"
            << "two.a.dat 16 1000/mV 16 0 0 0 0 EMG deltoid\n"
            << "two.a.dat 16:2 1000/mV 16 0 0 0 0 EMG trapezius\n"
            << "two.b.dat 212 200/mV 12 0 0 0 0 ECG\n"
            << "~ 0 200/mV 16 0 0 0 0 Trigger\n";
    }
    const Child c = runConvert(dir / "two.hea", dir / "two.bdf", dir);
    CHECK_FALSE(c.timedOut);
    REQUIRE(c.exitCode == 0);
    INFO("peak RSS " << c.maxRssKb / 1024 << " MB, " << c.seconds << " s");
    emg::test::checkPeakRss(c.maxRssKb, 200L * 1024);
    WARN("convert of a 110 MB WFDB record in two files with skew and a null signal: peak RSS " << c.maxRssKb / 1024 << " MB, "
                                                                                              << c.seconds << " s");

    emg::test::EdfSampleProbe p(dir / "two.bdf");
    REQUIRE(p.signals == 5);
    CHECK(p.records == 5001);
    for (long long f : {0LL, 1LL, 3999LL, 4000LL, 1'048'575LL, 1'048'576LL, 12'345'678LL, kFrames2 - 1}) {
        INFO("frame " << f);
        CHECK(p.sample(0, f) == adcValue(0, f));
        CHECK(p.sample(1, f) == adcValue(1, f));
        CHECK(p.sample(2, f) == b212(f));
        CHECK(p.sample(3, f) == 0);   // the null signal: its baseline
    }
    CHECK(p.sample(0, kFrames2) == 0);   // padding: 0 physical units
}
