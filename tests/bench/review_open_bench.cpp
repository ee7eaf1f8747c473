// Review station, random access (issue 13): how fast a recording opens to its first page, how
// much memory it holds, how long a page flip takes once the summary is built, and how fast the
// summary is built against `cat FILE > /dev/null` of the same file, in one run. Files (made here,
// deleted after, in $TMPDIR or /tmp):
//   - a dense 1-hour EDF+, 8 channels at 20 kHz (1.15 GB of pseudo-random samples), and its
//     10-minute twin;
//   - a 1-hour BDF+, 32 channels at 48 kHz (16.6 GB apparent), header and TALs real, samples a
//     hole (ftruncate), and its 10-minute twin.
// Opening is timed with the file's pages dropped from the page cache (fdatasync + FADV_DONTNEED).
// Goals: first page <= 0.5 s, VmRSS <= 300 MB and the same (+-10 %) for 10 min and 1 h, page flip
// <= 16.7 ms, summary build >= 0.5 x cat. Prints numbers; exit code 1 if a goal is missed.
// --side-by-side (under an X server: xvfb-run -a bench_review_open --side-by-side): the 1-hour
// files are also opened in our GUI (emgws FILE) and in EDFbrowser, each from a cold page cache,
// and their times to first paint and VmRSS compared (tests/bench/external_first_paint.py says how).
#include "sparse_edf.h"

#include <emg/review/annotation_scan.h>
#include <emg/review/envelope.h>
#include <emg/review/minmax_summary.h>
#include <emg/review/paged_edf_reader.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

using namespace emg::review;
using clock_type = std::chrono::steady_clock;

namespace {
double since(clock_type::time_point t0) { return std::chrono::duration<double>(clock_type::now() - t0).count(); }

double statusMb(const char* key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0) return std::atof(line.c_str() + std::strlen(key)) / 1024.0;
    return 0;
}

void dropFromPageCache(const std::filesystem::path& p) {
    const int fd = ::open(p.c_str(), O_RDONLY);
    if (fd < 0) return;
    ::fdatasync(fd);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
}

// A dense EDF+: the sparse writer's header and TALs, then every record's samples written.
bool writeDenseEdf(const std::filesystem::path& path, const emg::test::SparseSpec& s) {
    if (!emg::test::writeSparseRecording(path, s)) return false;
    const int fd = ::open(path.c_str(), O_WRONLY);
    if (fd < 0) return false;
    const std::size_t recordBytes = emg::test::sparseRecordBytes(s);
    const std::size_t sampleBytes = static_cast<std::size_t>(s.signals * s.samplesPerRecord) * 2;
    const std::size_t header = 256 * static_cast<std::size_t>(s.signals + 2);
    std::vector<std::uint64_t> buf(sampleBytes / 8 + 1);
    std::uint64_t x = 88172645463325252ull;
    bool ok = true;
    for (std::int64_t r = 0; r < s.records && ok; ++r) {
        for (auto& w : buf) {   // xorshift64: noise-like 16-bit samples
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            w = x;
        }
        const auto at = static_cast<off_t>(header + static_cast<std::size_t>(r) * recordBytes);
        ok = ::pwrite(fd, buf.data(), sampleBytes, at) == static_cast<ssize_t>(sampleBytes);
    }
    ::close(fd);
    return ok;
}

double catSeconds(const std::filesystem::path& p) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    std::string file = p.string();
    char* argv[] = {const_cast<char*>("cat"), file.data(), nullptr};
    pid_t pid = 0;
    const auto t0 = clock_type::now();
    if (posix_spawnp(&pid, "cat", &actions, nullptr, argv, environ) != 0) return 0;
    int status = 0;
    ::waitpid(pid, &status, 0);
    posix_spawn_file_actions_destroy(&actions);
    return since(t0);
}

struct OpenResult {
    double firstPaintSec = 0, firstPageSec = 0, rssAfterOpenMb = 0, rssAfterPagingMb = 0, hwmMb = 0;
};

// Open as the review view would: reader, summary and annotation scan started, first 10 s page of
// all channels; then 100 random 10 s pages (the last one kept, as a view keeps its page).
// The background jobs are cancelled after the first page so that both files are paged alike.
OpenResult openAndPage(const std::filesystem::path& file, const std::filesystem::path& cacheDir) {
    OpenResult r;
    dropFromPageCache(file);
    const auto t0 = clock_type::now();
    PagedEdfReader reader(file);
    auto summary = std::make_unique<MinMaxSummary>(file, SummaryOptions{cacheDir});
    AnnotationScan scan(file);
    std::vector<std::size_t> all;
    for (std::size_t c = 0; c < reader.channels().size(); ++c) all.push_back(c);
    (void)envelopes(reader, summary.get(), all, 0.0, 10.0, 1920);   // what the view draws first
    r.firstPaintSec = since(t0);
    Page page;
    reader.readPage(0.0, 10.0, {}, page);                           // every sample of it as physical values
    r.firstPageSec = since(t0);
    r.rssAfterOpenMb = statusMb("VmRSS:");
    summary->cancel();
    scan.cancel();
    std::mt19937 rng(7);
    const double last = reader.durationSec() - 10.0;
    for (int n = 0; n < 100; ++n) reader.readPage(std::uniform_real_distribution<double>(0.0, last)(rng), 10.0, {}, page);
    r.rssAfterPagingMb = statusMb("VmRSS:");
    r.hwmMb = statusMb("VmHWM:");
    return r;
}

/// Our GUI and EDFbrowser on `file` (tests/bench/external_first_paint.py), each from a cold page cache.
void sideBySide(const std::filesystem::path& file) {
#ifndef EMGWS_GUI_BINARY
    (void)file;
    std::printf("  side by side: not measured (built without the GUI: EMGWS_BUILD_GUI=OFF)\n");
#else
    if (!std::getenv("DISPLAY")) {
        std::printf("  side by side: not measured (no X server: run under xvfb-run -a)\n");
        return;
    }
    dropFromPageCache(file);
    const std::string cmd = std::string("/usr/bin/python3 ") + EMGWS_SIDE_BY_SIDE_SCRIPT + " " + EMGWS_GUI_BINARY + " '" + file.string() + "'";
    std::fflush(stdout);
    if (std::system(cmd.c_str()) != 0) std::printf("  side by side: the script failed (%s)\n", cmd.c_str());
#endif
}

bool report(const char* what, const OpenResult& r) {
    std::printf("  %-7s first paint (10 s, all channels, 1920 columns) %6.1f ms, first page as doubles %6.1f ms | VmRSS after open "
                "%6.1f MB, after 100 random pages %6.1f MB (peak %6.1f MB)\n",
                what, r.firstPaintSec * 1e3, r.firstPageSec * 1e3, r.rssAfterOpenMb, r.rssAfterPagingMb, r.hwmMb);
    return r.firstPaintSec <= 0.5 && r.rssAfterPagingMb <= 300.0;
}
}  // namespace

int main(int argc, char* argv[]) {
    const bool withOthers = argc > 1 && std::string(argv[1]) == "--side-by-side";
    const char* tmp = std::getenv("TMPDIR");
    const auto dir = std::filesystem::path(tmp && *tmp ? tmp : "/tmp") / ("emgws-bench-review-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto cacheDir = dir / "summaries";
    bool ok = true;
    std::printf("review open benchmark in %s (VmRSS before any file: %.1f MB)\n", dir.c_str(), statusMb("VmRSS:"));

    // ---- dense EDF+, 8 x 20 kHz ---------------------------------------------------------------
    emg::test::SparseSpec edf;
    edf.records = 3600;
    const auto edfHour = dir / "hour-8ch-20k.edf", edf10 = dir / "10min-8ch-20k.edf";
    if (!writeDenseEdf(edfHour, edf)) return 2;
    edf.records = 600;
    if (!writeDenseEdf(edf10, edf)) return 2;
    const double edfMb = static_cast<double>(std::filesystem::file_size(edfHour)) / 1e6;
    std::printf("EDF+ 8 ch x 20 kHz, dense: 1 h = %.0f MB, 10 min = %.0f MB\n", edfMb,
                static_cast<double>(std::filesystem::file_size(edf10)) / 1e6);
    const OpenResult e10 = openAndPage(edf10, cacheDir);
    const OpenResult eHour = openAndPage(edfHour, cacheDir);
    ok = report("10 min:", e10) && ok;
    ok = report("1 h:", eHour) && ok;
    const double rssRatioEdf = eHour.rssAfterPagingMb / e10.rssAfterPagingMb;
    std::printf("  VmRSS 1 h / 10 min after paging: %.3f (goal 0.9..1.1)\n", rssRatioEdf);
    ok = ok && rssRatioEdf >= 0.9 && rssRatioEdf <= 1.1;

    // summary of the hour against cat of the same file, both from the page cache
    auto summary = std::make_unique<MinMaxSummary>(edfHour, SummaryOptions{cacheDir});
    if (!summary->waitUntilDone(std::chrono::minutes(10)) || summary->state() != SummaryState::Ready) {
        std::printf("  summary failed: %s\n", summary->error().c_str());
        return 1;
    }
    double cat = 1e9;
    for (int i = 0; i < 3; ++i) cat = std::min(cat, catSeconds(edfHour));
    // a second build of the same bytes (the cache file removed) with the file in the page cache
    std::filesystem::remove(summary->cacheFile());
    MinMaxSummary rebuilt(edfHour, SummaryOptions{cacheDir});
    rebuilt.waitUntilDone(std::chrono::minutes(10));
    const double build = std::min(summary->buildSeconds(), rebuilt.buildSeconds());
    std::printf("  summary: SHA-256 %.2f s (%.0f MB/s), build %.2f s (%.0f MB/s); cat %.2f s (%.0f MB/s): build / cat = %.2f (goal >= 0.5)\n",
                summary->hashSeconds(), edfMb / summary->hashSeconds(), build, edfMb / build, cat, edfMb / cat, cat / build);
    ok = ok && cat / build >= 0.5;
    {
        MinMaxSummary again(edfHour, SummaryOptions{cacheDir});
        again.waitUntilDone(std::chrono::minutes(10));
        std::printf("  second open: summary from the cache file: %s after %.2f s of SHA-256\n", again.fromCache() ? "yes" : "NO",
                    again.hashSeconds());
        std::printf("  cache file %.1f MB (%.4f of the recording)\n",
                    static_cast<double>(std::filesystem::file_size(again.cacheFile())) / 1e6,
                    static_cast<double>(std::filesystem::file_size(again.cacheFile())) / 1e6 / edfMb);
    }
    // page flips: 10 s pages of 8 channels, next page each time, envelopes at 1920 columns
    {
        PagedEdfReader reader(edfHour);
        std::vector<double> flipMs, pageMs;
        Page page;
        for (int p = 0; p < 60; ++p) {
            const double t = 600.0 + 10.0 * p;
            auto t0 = clock_type::now();
            (void)envelopes(reader, &rebuilt, {0, 1, 2, 3, 4, 5, 6, 7}, t, 10.0, 1920);
            flipMs.push_back(since(t0) * 1e3);
            t0 = clock_type::now();
            reader.readPage(t, 10.0, {}, page);
            pageMs.push_back(since(t0) * 1e3);
        }
        std::vector<double> overviewMs;
        for (int p = 0; p < 20; ++p) {
            const auto t0 = clock_type::now();
            (void)envelopes(reader, &rebuilt, {0, 1, 2, 3, 4, 5, 6, 7}, 0.0, reader.durationSec(), 1920);
            overviewMs.push_back(since(t0) * 1e3);
        }
        auto median = [](std::vector<double> v) { std::sort(v.begin(), v.end()); return v[v.size() / 2]; };
        auto worst = [](const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); };
        std::printf("  page flip (10 s, 8 ch, 1920 columns from raw samples): median %.2f ms, max %.2f ms (goal <= 16.7 ms)\n",
                    median(flipMs), worst(flipMs));
        std::printf("  readPage (10 s, 8 ch, 1.6 M samples as double): median %.2f ms, max %.2f ms\n", median(pageMs), worst(pageMs));
        std::printf("  whole-hour overview (8 ch, 1920 columns from the summary): median %.2f ms\n", median(overviewMs));
        ok = ok && median(flipMs) <= 16.7;
    }
    summary.reset();
    if (withOthers) sideBySide(edfHour);
    std::filesystem::remove(edfHour);
    std::filesystem::remove(edf10);

    // ---- sparse BDF+, 32 x 48 kHz -------------------------------------------------------------
    emg::test::SparseSpec bdf;
    bdf.bdf = true;
    bdf.signals = 32;
    bdf.samplesPerRecord = 48000;
    bdf.records = 3600;
    const auto bdfHour = dir / "hour-32ch-48k.bdf", bdf10 = dir / "10min-32ch-48k.bdf";
    if (!emg::test::writeSparseRecording(bdfHour, bdf)) return 2;
    bdf.records = 600;
    if (!emg::test::writeSparseRecording(bdf10, bdf)) return 2;
    std::printf("BDF+ 32 ch x 48 kHz, samples a hole: 1 h = %.0f MB apparent, 10 min = %.0f MB\n",
                static_cast<double>(std::filesystem::file_size(bdfHour)) / 1e6,
                static_cast<double>(std::filesystem::file_size(bdf10)) / 1e6);
    const OpenResult b10 = openAndPage(bdf10, cacheDir);
    const OpenResult bHour = openAndPage(bdfHour, cacheDir);
    ok = report("10 min:", b10) && ok;
    ok = report("1 h:", bHour) && ok;
    const double rssRatioBdf = bHour.rssAfterPagingMb / b10.rssAfterPagingMb;
    std::printf("  VmRSS 1 h / 10 min after paging: %.3f (goal 0.9..1.1)\n", rssRatioBdf);
    ok = ok && rssRatioBdf >= 0.9 && rssRatioBdf <= 1.1;
    if (withOthers) sideBySide(bdfHour);

    std::filesystem::remove_all(dir);
    std::printf("%s\n", ok ? "all goals met" : "GOAL MISSED");
    return ok ? 0 : 1;
}
