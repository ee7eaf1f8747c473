// The recorder, the one exception to SafeFileWriter: created O_EXCL under its final name (an
// existing file or symlink there is refused and left alone, a restart never reopens it), and on
// a full disk (RLIMIT_FSIZE, SIGXFSZ ignored) it keeps complete records only with the header's
// record count matching them; a failed write closes the file at once and tells the owner once;
// automatic records are no longer than the flush interval where the rate allows.
#include "edflib_strict.h"
#include "io_test_util.h"

#include <emg/acq/acquisition_engine.h>
#include <emg/io/edf_recorder.h>
#include <emg/io/recording_io.h>
#include <emg/io/safe_file_writer.h>

#include <catch2/catch.hpp>

#include <cerrno>
#include <csignal>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace emg;

namespace {
AcquisitionConfig oneChannel(double rateHz) {
    AcquisitionConfig cfg;
    cfg.sampleRateHz = rateHz;
    ChannelInfo a;
    a.label = "APB";
    a.microvoltsPerCount = 0.1;
    a.sampleRateHz = rateHz;
    cfg.channels = {a};
    return cfg;
}

void feedSeconds(io::EdfRecorder& r, double rateHz, double seconds) {
    const std::uint32_t block = 500;
    std::vector<std::int32_t> counts(block);
    std::vector<float> uv(block);
    const auto frames = static_cast<std::int64_t>(rateHz * seconds);
    for (std::int64_t s = 0; s < frames; s += block) {
        for (std::uint32_t f = 0; f < block; ++f) counts[f] = static_cast<std::int32_t>((s + f) % 2001 - 1000);
        SampleBlockView v;
        v.firstSampleIndex = s;
        v.frames = block;
        v.channelCount = 1;
        v.counts = counts.data();
        v.microvolts = uv.data();
        r.onBlock(v);
    }
}

long field(const std::vector<std::uint8_t>& b, std::size_t at, std::size_t len) {
    return std::stol(std::string(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + len)));
}
}  // namespace

TEST_CASE("recorder refuses an existing file or symlink at its path and never reopens a closed recording", "[io][recorder][safe-write]") {
    const auto dir = test::ioTempDir("rec-excl");
    const auto existing = dir / "earlier.bdf";
    test::writeText(existing, "an earlier recording");
    {
        io::EdfRecorder r(existing);
        CHECK_THROWS_WITH(r.onStart(oneChannel(2000)), Catch::Contains(existing.string()) && Catch::Contains("exists"));
    }
    CHECK(test::fileBytes(existing) == test::toBytesOf("an earlier recording"));

    const auto link = dir / "link.bdf";
    std::filesystem::create_symlink(existing, link);
    {
        io::EdfRecorder r(link);
        CHECK_THROWS_WITH(r.onStart(oneChannel(2000)), Catch::Contains(link.string()));
    }
    CHECK(std::filesystem::is_symlink(link));
    CHECK(test::fileBytes(existing) == test::toBytesOf("an earlier recording"));

    // stop and start again (the acquisition restarted): the 2 s recorded stay as they are
    const auto path = dir / "rec.bdf";
    io::EdfRecorder r(path);
    r.onStart(oneChannel(2000));
    feedSeconds(r, 2000, 2.0);
    r.onStop();
    const auto recorded = test::fileBytes(path);
    REQUIRE(recorded.size() > 2 * 2000 * 3);
    r.onStart(oneChannel(2000));
    feedSeconds(r, 2000, 1.0);
    r.onStop();
    CHECK(r.failed());
    CHECK_THAT(r.lastError(), Catch::Contains("new file"));
    CHECK(test::fileBytes(path) == recorded);
    std::filesystem::remove_all(dir);
}

TEST_CASE("recorder on a full disk (RLIMIT_FSIZE) keeps complete records only, the header count right", "[io][recorder][safe-write]") {
    const auto dir = test::ioTempDir("rec-full");
    const auto path = dir / "full.bdf";
    const double fs = 5000;
    // header 512 bytes (one signal + annotations); a 1 s record holds 15000 bytes of signal plus
    // 5025 of annotation space (room for 100 stimuli/s): a 52000-byte limit stops the file
    // inside the third record
    const long limitBytes = 52000;
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        std::signal(SIGXFSZ, SIG_IGN);
        struct rlimit lim {static_cast<rlim_t>(limitBytes), static_cast<rlim_t>(limitBytes)};
        ::setrlimit(RLIMIT_FSIZE, &lim);
        int code = 3;
        try {
            io::EdfRecorder r(path);
            r.onStart(oneChannel(fs));
            feedSeconds(r, fs, 6.0);
            code = r.failed() && r.lastError().find("File too large") != std::string::npos ? 0 : 2;
            r.onStop();
        } catch (...) {
            code = 4;
        }
        ::_exit(code);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);   // the write failed with EFBIG and the recorder said so

    const auto bytes = test::fileBytes(path);
    REQUIRE(bytes.size() >= 256);
    const long headerBytes = field(bytes, 184, 8);
    const long records = field(bytes, 236, 8);
    const long signals = field(bytes, 252, 4);
    long samplesPerRecord = 0;
    for (long i = 0; i < signals; ++i)
        samplesPerRecord += field(bytes, static_cast<std::size_t>(256 + signals * 216 + i * 8), 8);
    const long recordBytes = samplesPerRecord * 3;
    CHECK(headerBytes == 256 * (signals + 1));
    CHECK(records == (limitBytes - headerBytes) / recordBytes);   // every complete record that fitted
    CHECK(records >= 2);
    CHECK(static_cast<long>(bytes.size()) == headerBytes + records * recordBytes);   // no partial record
    const auto rec = io::readRecording(path);
    REQUIRE(rec.channels.size() == 1);
    CHECK(rec.channels[0].samples.size() == static_cast<std::size_t>(records * static_cast<long>(fs)));
    CHECK(rec.channels[0].samples[1234] == Approx(((1234 % 2001) - 1000) * 0.1).margin(0.01));   // 0.1 µV per count
    const auto strict = test::edflibRead(path);
    if (strict.available) CHECK(strict.opened);
    std::filesystem::remove_all(dir);
}

TEST_CASE("recorder: a failed write (injection seam) closes the file at once with its complete records and calls back once",
          "[io][recorder][safe-write]") {
    const auto dir = test::ioTempDir("rec-callback");
    const auto path = dir / "seam.bdf";
    io::EdfRecorderOptions opt;
    opt.flushIntervalSec = 0.25;   // the window's setting: 0.25-s records at 5 kHz (1250 samples)
    io::EdfRecorder r(path, opt);
    int calls = 0;
    std::uintmax_t sizeAtCall = 0;
    r.setFailureCallback([&] {
        ++calls;
        sizeAtCall = std::filesystem::file_size(path);
    });
    r.onStart(oneChannel(5000));
    CHECK(r.recordDurationSec() == Approx(0.25));
    io::failNthWriteForTesting(6, ENOSPC);   // writes 1..5 are records 1..5, the 6th fails
    feedSeconds(r, 5000, 3.0);
    io::failNthWriteForTesting(0, 0);
    CHECK(calls == 1);
    CHECK(r.failed());
    CHECK_THAT(r.lastError(), Catch::Contains("No space left on device"));
    CHECK(r.recordsWritten() == 5);
    CHECK(r.secondsSaved() == Approx(1.25));
    const auto bytes = test::fileBytes(path);
    const long headerBytes = field(bytes, 184, 8);
    const long records = field(bytes, 236, 8);
    const long signalCount = field(bytes, 252, 4);
    long samplesPerRecord = 0;
    for (long i = 0; i < signalCount; ++i)
        samplesPerRecord += field(bytes, static_cast<std::size_t>(256 + signalCount * 216 + i * 8), 8);
    CHECK(records == 5);
    CHECK(static_cast<long>(bytes.size()) == headerBytes + records * samplesPerRecord * 3);
    CHECK(sizeAtCall == bytes.size());   // already final when the owner was told
    // more blocks after the failure write nothing, stopping changes nothing
    feedSeconds(r, 5000, 1.0);
    r.onStop();
    CHECK(test::fileBytes(path) == bytes);
    CHECK(calls == 1);
    const auto strict = test::edflibRead(path);
    if (strict.available) {
        CHECK(strict.opened);
        CHECK(strict.records == 5);
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("recorder: automatic records are no longer than the flush interval where the rate allows", "[io][recorder]") {
    const auto dir = test::ioTempDir("rec-duration");
    struct Case {
        double rateHz, flushSec, expectedRecordSec;
    };
    // 20 kHz and 4 kHz: 0.25 s; 250 Hz: 0.25 s would be 62.5 samples, so 0.2 s (50); 3 Hz has no
    // whole number of samples in any record under 1 s, so 1 s records whatever the flush interval
    for (const Case c : {Case{20000, 0.25, 0.25}, Case{4000, 0.25, 0.25}, Case{250, 0.25, 0.2}, Case{3, 0.25, 1.0},
                         Case{20000, 1.0, 1.0}}) {
        INFO(c.rateHz << " Hz, flush " << c.flushSec << " s");
        const auto path = dir / ("r" + std::to_string(static_cast<int>(c.rateHz)) + "-" + std::to_string(c.flushSec) + ".bdf");
        io::EdfRecorderOptions opt;
        opt.flushIntervalSec = c.flushSec;
        io::EdfRecorder r(path, opt);
        r.onStart(oneChannel(c.rateHz));
        CHECK(r.recordDurationSec() == Approx(c.expectedRecordSec));
        r.onStop();
    }
    std::filesystem::remove_all(dir);
}
