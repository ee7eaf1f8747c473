// `emgws-cli convert` on a large EDF+ against `cp` of the same file, in the same run: peak
// memory (the child's ru_maxrss) and time. Issue 11 targets: peak RSS <= 200 MB whatever the
// size, throughput >= 0.5 x cp. The file (default 480 MB, EMGWS_BENCH_CONVERT_MB to change) is
// made in $TMPDIR (or /tmp) and removed after. After a warm-up copy, rounds (default 5,
// EMGWS_BENCH_CONVERT_ROUNDS) of cp, `cat IN > OUT`, `dd bs=1M`, a plain read/write copy in this
// process and the two conversions run interleaved, each output deleted at once. The machine is
// shared, so times drift between rounds: each round's ratio cp time / convert time is taken, and
// the median of those ratios is the one checked; median times are printed. cp (coreutils 9)
// copies with copy_file_range inside the kernel and never waits for the disk; convert must fsync
// its output before the rename (SafeFileWriter), so cp is the harder peer; `cp` followed by
// `sync OUT` (an fsync of the copy) is printed as the peer with the same durability. Exit code 1
// if a target is missed.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace {
struct RunResult {
    double seconds = 0;
    double peakRssMb = 0;
    int status = -1;
};

RunResult runChild(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    RunResult r;
    const auto t0 = std::chrono::steady_clock::now();
    pid_t pid = 0;
    if (posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return r;
    }
    int status = 0;
    rusage ru{};
    wait4(pid, &status, 0, &ru);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.peakRssMb = static_cast<double>(ru.ru_maxrss) / 1024.0;   // kB on Linux
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    posix_spawn_file_actions_destroy(&actions);
    return r;
}

std::string pad(const std::string& s, std::size_t w) {
    std::string o = s.substr(0, w);
    o.resize(w, ' ');
    return o;
}

// An EDF+C of `records` 1 s records: 8 signals at 10 kHz (16-bit noise-like values) and the
// annotation signal with its time-keeping TAL.
void makeEdf(const std::filesystem::path& path, std::int64_t records) {
    constexpr int kSignals = 8, kRate = 10000, kAnnotationSamples = 32;
    std::string h = pad("0", 8) + pad("BENCH M 01-JAN-1970 Bench", 80) + pad("Startdate 01-JAN-2024 X X X", 80) + "01.01.24" +
                    "12.00.00" + pad(std::to_string(256 * (kSignals + 2)), 8) + pad("EDF+C", 44) +
                    pad(std::to_string(records), 8) + pad("1", 8) + pad(std::to_string(kSignals + 1), 4);
    for (int i = 0; i < kSignals; ++i) h += pad("EMG ch" + std::to_string(i + 1), 16);
    h += pad("EDF Annotations", 16);
    for (int i = 0; i <= kSignals; ++i) h += pad("", 80);
    for (int i = 0; i <= kSignals; ++i) h += pad(i < kSignals ? "uV" : "", 8);
    for (int i = 0; i <= kSignals; ++i) h += pad(i < kSignals ? "-3276.8" : "-1", 8);
    for (int i = 0; i <= kSignals; ++i) h += pad(i < kSignals ? "3276.7" : "1", 8);
    for (int i = 0; i <= kSignals; ++i) h += pad("-32768", 8);
    for (int i = 0; i <= kSignals; ++i) h += pad("32767", 8);
    for (int i = 0; i <= kSignals; ++i) h += pad("", 80);
    for (int i = 0; i <= kSignals; ++i) h += pad(std::to_string(i < kSignals ? kRate : kAnnotationSamples), 8);
    for (int i = 0; i <= kSignals; ++i) h += pad("", 32);
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return;
    std::fwrite(h.data(), 1, h.size(), f);
    std::vector<char> rec(static_cast<std::size_t>(kSignals * kRate * 2 + kAnnotationSamples * 2));
    std::uint32_t x = 12345;
    for (std::int64_t r = 0; r < records; ++r) {
        for (std::size_t k = 0; k < static_cast<std::size_t>(kSignals * kRate * 2); ++k) {
            x = x * 1664525u + 1013904223u;
            rec[k] = static_cast<char>(x >> 24);
        }
        std::string t = "+" + std::to_string(r) + "\x14\x14";
        std::fill(rec.end() - kAnnotationSamples * 2, rec.end(), '\0');
        std::copy(t.begin(), t.end(), rec.end() - kAnnotationSamples * 2);
        std::fwrite(rec.data(), 1, rec.size(), f);
    }
    std::fclose(f);
}

// A BrainVision recording of about the same size: 8 channels at 10 kHz of multiplexed INT_16
// (noise-like values at 0.1 µV per step) and its header; no markers.
void makeBrainVision(const std::filesystem::path& vhdr, std::int64_t seconds) {
    constexpr int kSignals = 8, kRate = 10000;
    auto eeg = vhdr;
    eeg.replace_extension(".eeg");
    std::FILE* f = std::fopen(eeg.c_str(), "wb");
    if (!f) return;
    std::vector<char> block(static_cast<std::size_t>(kSignals * kRate * 2));
    std::uint32_t x = 54321;
    for (std::int64_t r = 0; r < seconds; ++r) {
        for (auto& b : block) {
            x = x * 1664525u + 1013904223u;
            b = static_cast<char>(x >> 24);
        }
        std::fwrite(block.data(), 1, block.size(), f);
    }
    std::fclose(f);
    std::string h = "Brain Vision Data Exchange Header File Version 1.0\n[Common Infos]\nDataFile=" + eeg.filename().string() +
                    "\nDataFormat=BINARY\nDataOrientation=MULTIPLEXED\nNumberOfChannels=8\nSamplingInterval=100\n[Binary Infos]\n"
                    "BinaryFormat=INT_16\n[Channel Infos]\n";
    for (int i = 0; i < kSignals; ++i) h += "Ch" + std::to_string(i + 1) + "=EMG ch" + std::to_string(i + 1) + ",,0.1,uV\n";
    std::FILE* hf = std::fopen(vhdr.c_str(), "wb");
    if (!hf) return;
    std::fwrite(h.data(), 1, h.size(), hf);
    std::fclose(hf);
}

// A plain user-space copy (read/write, 1 MiB buffer), timed in this process.
double plainCopySeconds(const std::filesystem::path& from, const std::filesystem::path& to) {
    const auto t0 = std::chrono::steady_clock::now();
    std::FILE* in = std::fopen(from.c_str(), "rb");
    std::FILE* out = std::fopen(to.c_str(), "wb");
    if (!in || !out) return 0;
    std::setvbuf(in, nullptr, _IONBF, 0);
    std::setvbuf(out, nullptr, _IONBF, 0);
    std::vector<char> buf(1 << 20);
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), in)) > 0) std::fwrite(buf.data(), 1, n, out);
    std::fclose(in);
    std::fclose(out);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct Series {
    std::vector<double> seconds, ratios;
    double peakRssMb = 0;
    int status = 0;
    void add(const RunResult& r, double cpSeconds) {
        seconds.push_back(r.seconds);
        ratios.push_back(r.seconds > 0 ? cpSeconds / r.seconds : 0);
        peakRssMb = std::max(peakRssMb, r.peakRssMb);
        status = std::max(status, r.status);
    }
};
}  // namespace

int main() {
    double sizeMb = 480;
    if (const char* e = std::getenv("EMGWS_BENCH_CONVERT_MB")) sizeMb = std::max(1.0, std::atof(e));
    const char* tmp = std::getenv("TMPDIR");
    const auto dir = std::filesystem::path(tmp && *tmp ? tmp : "/tmp") / ("emgws-bench-convert-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto in = dir / "big.edf";
    const auto records = static_cast<std::int64_t>(sizeMb * 1e6 / (8 * 10000 * 2 + 64));
    makeEdf(in, records);
    const double fileMb = static_cast<double>(std::filesystem::file_size(in)) / 1e6;
    const auto bv = dir / "big.vhdr";
    makeBrainVision(bv, records);
    const auto bvData = dir / "big.eeg";
    const double bvMb = static_cast<double>(std::filesystem::file_size(bvData)) / 1e6;
    std::printf("convert benchmark: EDF+ of %.0f MB (%lld records of 1 s, 8 x 10 kHz) in %s\n", fileMb,
                static_cast<long long>(records), dir.c_str());

    int rounds = 5;
    if (const char* e = std::getenv("EMGWS_BENCH_CONVERT_ROUNDS")) rounds = std::max(1, std::atoi(e));
    (void)runChild({"cp", in.string(), (dir / "warm.edf").string()});   // page cache warm for all
    std::filesystem::remove(dir / "warm.edf");
    // rounds interleaved, each output removed at once (its dirty pages go with it)
    Series cp, cpSync, cat, dd, plain, same, wide, cpBv, fromBv;
    double bdfMb = 0;
    const std::string copyOut = (dir / "copy.edf").string();
    for (int round = 0; round < rounds; ++round) {
        const RunResult c = runChild({"cp", in.string(), copyOut});
        cp.add(c, c.seconds);
        std::filesystem::remove(copyOut);
        cpSync.add(runChild({"sh", "-c", "cp \"$0\" \"$1\" && sync \"$1\"", in.string(), copyOut}), c.seconds);
        std::filesystem::remove(copyOut);
        cat.add(runChild({"sh", "-c", "cat \"$0\" > \"$1\"", in.string(), copyOut}), c.seconds);
        std::filesystem::remove(copyOut);
        dd.add(runChild({"dd", "if=" + in.string(), "of=" + copyOut, "bs=1M", "status=none"}), c.seconds);
        std::filesystem::remove(copyOut);
        RunResult p;
        p.seconds = plainCopySeconds(in, dir / "plain.edf");
        plain.add(p, c.seconds);
        std::filesystem::remove(dir / "plain.edf");
        same.add(runChild({EMGWS_CLI_PATH, "convert", in.string(), (dir / "out.edf").string()}), c.seconds);
        std::filesystem::remove(dir / "out.edf");
        wide.add(runChild({EMGWS_CLI_PATH, "convert", in.string(), (dir / "out.bdf").string()}), c.seconds);
        bdfMb = static_cast<double>(std::filesystem::file_size(dir / "out.bdf")) / 1e6;
        std::filesystem::remove(dir / "out.bdf");
        // BrainVision -> EDF+ (streamed), against cp of its data file in the same round
        const RunResult cb = runChild({"cp", bvData.string(), copyOut});
        cpBv.add(cb, cb.seconds);
        std::filesystem::remove(copyOut);
        fromBv.add(runChild({EMGWS_CLI_PATH, "convert", bv.string(), (dir / "bv.edf").string()}), cb.seconds);
        std::filesystem::remove(dir / "bv.edf");
    }
    std::filesystem::remove_all(dir);

    bool ok = cp.status == 0 && same.status == 0 && wide.status == 0;
    std::printf("%d rounds; median times, and the median over rounds of (cp time / time) in the same round\n", rounds);
    std::printf("cp (copy_file_range, no fsync): %.3f s (%.0f MB/s), peak RSS %.1f MB\n", median(cp.seconds), fileMb / median(cp.seconds),
                cp.peakRssMb);
    const auto peer = [&](const char* what, const Series& s) {
        std::printf("%s %.3f s (%.0f MB/s), ratio vs cp %.2f\n", what, median(s.seconds), fileMb / median(s.seconds), median(s.ratios));
    };
    peer("cp, then sync OUT (fsync):     ", cpSync);
    peer("cat IN > OUT (no fsync):       ", cat);
    peer("dd bs=1M (no fsync):           ", dd);
    peer("plain copy, 1 MiB read/write:  ", plain);
    const auto report = [&](const char* what, const Series& r, double outMb, double inMb) {
        const double ratio = median(r.ratios);
        std::printf("%s %.3f s (%.0f MB/s in, %.0f MB out), peak RSS %.1f MB (target <= 200); throughput ratio vs cp %.2f "
                    "(target >= 0.5; rounds %.2f..%.2f)%s\n",
                    what, median(r.seconds), inMb / median(r.seconds), outMb, r.peakRssMb, ratio,
                    *std::min_element(r.ratios.begin(), r.ratios.end()), *std::max_element(r.ratios.begin(), r.ratios.end()),
                    (r.peakRssMb <= 200 && ratio >= 0.5) ? "" : "  <-- MISSED");
        ok = ok && r.peakRssMb <= 200 && ratio >= 0.5;
    };
    report("convert EDF+->EDF+:", same, fileMb, fileMb);
    report("convert EDF+->BDF+:", wide, bdfMb, fileMb);
    std::printf("BrainVision of %.0f MB (8 x 10 kHz INT_16): cp of its data file %.3f s\n", bvMb, median(cpBv.seconds));
    report("convert BrainVision->EDF+:", fromBv, bvMb, bvMb);
    ok = ok && fromBv.status == 0;
    if (!ok) std::printf("a target was missed (or a command failed: statuses %d %d %d %d)\n", cp.status, same.status, wide.status, fromBv.status);
    return ok ? 0 : 1;
}
