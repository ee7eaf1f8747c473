// Scroll back while live, engine part (issue 13): a recording being written is read through the
// recorder's own index of complete records (its header's count lags: here it is never updated),
// and the scroll-back ring keeps only its last seconds in bounded memory.
#include <emg/io/edf_recorder.h>
#include <emg/review/paged_edf_reader.h>
#include <emg/review/scrollback_ring.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

namespace {

std::int32_t countAt(std::int64_t i, std::size_t ch) {
    return static_cast<std::int32_t>((i * 7 + static_cast<std::int64_t>(ch) * 1000) % 20000) - 10000;
}

emg::AcquisitionConfig configOf(std::size_t channels, double rateHz) {
    emg::AcquisitionConfig cfg;
    cfg.sampleRateHz = rateHz;
    for (std::size_t c = 0; c < channels; ++c) {
        emg::ChannelInfo ch;
        ch.label = "Ch" + std::to_string(c + 1);
        ch.sampleRateHz = rateHz;
        ch.microvoltsPerCount = 0.1;
        cfg.channels.push_back(ch);
    }
    return cfg;
}

/// Feeds `frames` frames from sample-clock index `first` in blocks of `block`; their counts are
/// those of file samples fileIndex, fileIndex + 1, ...
void feed(emg::AcquisitionConsumer& c, std::size_t channels, std::int64_t first, std::int64_t fileIndex, std::int64_t frames,
          std::uint32_t block) {
    std::vector<std::int32_t> counts(block * channels);
    for (std::int64_t done = 0; done < frames;) {
        const auto n = static_cast<std::uint32_t>(std::min<std::int64_t>(block, frames - done));
        for (std::uint32_t f = 0; f < n; ++f)
            for (std::size_t ch = 0; ch < channels; ++ch) counts[f * channels + ch] = countAt(fileIndex + done + f, ch);
        emg::SampleBlockView v;
        v.firstSampleIndex = first + done;
        v.frames = n;
        v.channelCount = static_cast<std::uint16_t>(channels);
        v.counts = counts.data();
        c.onBlock(v);
        done += n;
    }
}

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        char tmpl[] = "/tmp/emgws-live-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("live reading: a recording being written is read through the recorder's index, not its header's count", "[review][live]") {
    TempDir dir;
    const auto path = dir.path / "growing.bdf";
    emg::io::EdfRecorderOptions opts;
    opts.recordDurationSec = 0.1;       // 100 samples at 1 kHz
    opts.flushIntervalSec = 1000.0;     // the header's count is not rewritten during this test
    emg::io::EdfRecorder recorder(path, opts);
    const auto index = recorder.index();
    recorder.onStart(configOf(2, 1000.0));
    CHECK(index->completeRecords == 0);
    feed(recorder, 2, 500, 0, 1234, 37);
    CHECK(index->completeRecords == 12);   // 1234 frames: 12 whole records of 100, 34 frames pending
    CHECK(index->firstSampleIndex == 500);
    CHECK_FALSE(index->closed);

    emg::review::PagedEdfReader reader(path);
    CHECK(reader.records() == 0);           // the header still says 0 records
    reader.setCompleteRecords(index->completeRecords);
    REQUIRE(reader.records() == 12);
    CHECK(reader.durationSec() == Approx(1.2).margin(1e-12));
    std::vector<std::int32_t> got(1200);
    reader.readDigital(1, 0, got.size(), got.data());
    for (std::size_t i = 0; i < got.size(); ++i) REQUIRE(got[i] == countAt(static_cast<std::int64_t>(i), 1));
    const auto uv = reader.readSamples(0, 1150, 10);
    for (std::size_t i = 0; i < uv.size(); ++i) CHECK(uv[i] == Approx(countAt(1150 + static_cast<std::int64_t>(i), 0) * 0.1).margin(1e-6));

    // more arrives: the reader follows the index (a partial record stays invisible)
    feed(recorder, 2, 500 + 1234, 1234, 766, 50);   // 2000 frames in all
    CHECK(index->completeRecords == 20);
    reader.setCompleteRecords(index->completeRecords);
    REQUIRE(reader.records() == 20);
    reader.readDigital(0, 1900, 100, got.data());
    for (std::size_t i = 0; i < 100; ++i) REQUIRE(got[i] == countAt(1900 + static_cast<std::int64_t>(i), 0));
    // an index ahead of the file is refused and the count kept
    CHECK_THROWS_AS(reader.setCompleteRecords(25), std::runtime_error);
    CHECK(reader.records() == 20);
    recorder.onStop();
    CHECK(index->closed);
}

TEST_CASE("live reading: the scroll-back ring keeps its last second only, in memory that does not grow", "[review][live]") {
    emg::review::ScrollbackRingOptions o;
    o.seconds = 1.0;
    emg::review::ScrollbackRing ring(o);
    const auto index = ring.index();
    ring.consumer().onStart(configOf(4, 2000.0));
    feed(ring.consumer(), 4, 0, 0, 20000, 100);   // 10 s
    const double recordSec = ring.recorder().recordDurationSec();
    REQUIRE(recordSec == Approx(0.25));         // ≤ the ring's 0.25 s flush interval
    const std::int64_t perRecord = 500;
    CHECK(index->completeRecords == 40);
    CHECK(index->oldestRecord == 36);           // 1 s = 4 records kept

    emg::review::PagedEdfReader reader(ring.path());
    reader.setCompleteRecords(index->completeRecords);
    struct stat st {};
    REQUIRE(::stat(ring.path().c_str(), &st) == 0);
    const auto recordBytes = static_cast<double>(reader.recordBytes());
    const double header = 256.0 * 6;            // 4 signals + annotations
    CHECK(static_cast<double>(st.st_size) == Approx(header + 40 * recordBytes));   // the file's size grows ...
    // ... its memory does not: the 4 records kept plus the header's and partial pages, not 40
    CHECK(static_cast<double>(st.st_blocks) * 512.0 <= 4 * recordBytes + 3 * 4096.0);
    CHECK(static_cast<double>(st.st_blocks) * 512.0 >= 4 * recordBytes);
    // the last second reads back exactly
    std::vector<std::int32_t> got(4 * perRecord);
    reader.readDigital(3, 36 * perRecord, got.size(), got.data());
    for (std::size_t i = 0; i < got.size(); ++i) REQUIRE(got[i] == countAt(36 * perRecord + static_cast<std::int64_t>(i), 3));
}
