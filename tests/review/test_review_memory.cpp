// Memory does not grow with the file (issue 13): a child process reads 100 random 10 s pages of
// all 8 channels (and their envelopes) of a ~1.07 GB EDF+ (samples a sparse hole) and its peak
// resident memory (ru_maxrss) stays under 150 MB, an eighth of the file. A summary started on it
// and cancelled stops and leaves no cache file.
#include "../support/peak_memory.h"
#include "io_test_util.h"
#include "sparse_edf.h"

#include <emg/review/envelope.h>
#include <emg/review/minmax_summary.h>
#include <emg/review/paged_edf_reader.h>

#include <catch2/catch.hpp>

#include <random>
#include <thread>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace emg::review;

namespace {
// the child's work; returns its exit code (0 = every check passed)
int pageThrough(const std::filesystem::path& file) {
    try {
        PagedEdfReader reader(file);
        if (reader.channels().size() != 8 || reader.records() != 3355) return 2;
        std::mt19937 rng(1);
        const double last = reader.durationSec() - 10.0;
        for (int n = 0; n < 100; ++n) {
            const double start = std::uniform_real_distribution<double>(0.0, last)(rng);
            const Page page = reader.readPage(start, 10.0);
            for (const auto& cp : page.channels) {
                if (cp.values.size() < 199999 || cp.values.size() > 200001) return 3;
                // the hole reads as digital 0: physical -3276.8 + 32768 * 0.1 = 0.0 µV
                if (std::abs(cp.values.front()) > 1e-9 || std::abs(cp.values.back()) > 1e-9) return 4;
                const Envelope env = envelope(reader, nullptr, cp.channel, start, 10.0, 1920);
                if (env.samplesPerBin != 0 || env.columns.front().empty) return 5;
            }
        }
        return 0;
    } catch (...) {
        return 6;
    }
}

std::filesystem::path largeFile(const std::filesystem::path& dir) {
    const auto file = dir / "large.edf";
    emg::test::SparseSpec spec;
    spec.records = 3355;   // 3355 x 320128 bytes = 1.07 GB
    REQUIRE(emg::test::writeSparseRecording(file, spec));
    REQUIRE(std::filesystem::file_size(file) > (std::uintmax_t{1} << 30));
    return file;
}
}  // namespace

TEST_CASE("review memory: 100 random pages of a 1 GB file stay under 150 MB", "[review][memory]") {
    const auto dir = emg::test::ioTempDir("review-memory");
    const auto file = largeFile(dir);

    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) ::_exit(pageThrough(file));
    int status = 0;
    rusage ru{};
    REQUIRE(::wait4(pid, &status, 0, &ru) == pid);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    const double peakMb = static_cast<double>(ru.ru_maxrss) / 1024.0;
    INFO("child peak RSS " << peakMb << " MB");
    if (emg::test::kPeakMemoryMeasurable) CHECK(peakMb < 150.0);  // not under ASan (its quarantine counts)
    std::filesystem::remove_all(dir);
}

TEST_CASE("review memory: a page of the whole 1 GB file is refused before any memory is taken", "[review][memory]") {
    const auto dir = emg::test::ioTempDir("review-memory-page");
    PagedEdfReader reader(largeFile(dir));
    CHECK_THROWS_WITH(reader.readPage(0.0, 3355.0), Catch::Contains("more than the"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("review memory: a summary of a 1 GB file cancelled early stops and writes nothing", "[review][memory]") {
    const auto dir = emg::test::ioTempDir("review-memory-cancel");
    const auto file = largeFile(dir);
    {
        MinMaxSummary summary(file, SummaryOptions{dir / "cache"});
        // the first page does not wait for the background work: hashing 1.07 GB takes far
        // longer (about 0.7 s at 1.5 GB/s) than opening and reading 10 s of 8 channels
        PagedEdfReader reader(file);
        const Page first = reader.readPage(0.0, 10.0);
        CHECK(first.channels[7].values.size() == 200000);
        CHECK(summary.state() == SummaryState::Hashing);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        summary.cancel();
        REQUIRE(summary.waitUntilDone(std::chrono::seconds(10)));
        CHECK(summary.state() == SummaryState::Cancelled);
        CHECK(summary.progress() < 1.0);
        const bool anyFile = std::filesystem::exists(dir / "cache") && !std::filesystem::is_empty(dir / "cache");
        CHECK_FALSE(anyFile);
    }
    std::filesystem::remove_all(dir);
}
