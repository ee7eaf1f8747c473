// The streamed outline + one-channel reader (channel_stream.h) against readRecording: the same
// channels, annotations and warnings without samples, and a channel's samples as the float
// nearest to the double readRecording gives; files it does not stream are left to readRecording
// (EDF+D and WFDB: test_channel_stream_records.cpp).
#include "edf_builder.h"
#include "io_test_util.h"

#include <emg/io/channel_stream.h>
#include <emg/io/recording_io.h>

#include <catch2/catch.hpp>

#include <fstream>

using namespace emg;
using emg::test::EdfBuilder;
using emg::test::SigSpec;
using namespace std::string_literals;

namespace {
void writeBytes(const std::filesystem::path& p, const std::string& bytes) {
    std::ofstream o(p, std::ios::binary);
    o << bytes;
}
}  // namespace

TEST_CASE("outline and a float channel of an EDF+C match readRecording", "[io][edf][stream]") {
    // two signals at different rates (100 and 50 Hz, mV and uV), an annotation signal, 3 records,
    // and 7 bytes after the last record (a warning readRecording gives too)
    EdfBuilder b;
    b.records = "3";
    b.duration = "0.1";
    b.sigs = {SigSpec{"APB", "mV", "-3276.8", "3276.7", "-32768", "32767", "10"},
              SigSpec{"EMG Deltoid", "uV", "-500", "500", "-2048", "2047", "5"},
              SigSpec{"EDF Annotations", "", "-1", "1", "-32768", "32767", "30"}};
    std::string f = b.header();
    for (int r = 0; r < 3; ++r) {
        std::vector<int> a(10), d(5);
        for (int i = 0; i < 10; ++i) a[static_cast<std::size_t>(i)] = (r * 10 + i) * 37 - 500;
        for (int i = 0; i < 5; ++i) d[static_cast<std::size_t>(i)] = (r * 5 + i) * 113 - 900;
        b.samples(f, a);
        b.samples(f, d);
        // time keeping, and a level annotation at 0.15 s
        const std::string tals[] = {"+0\x14\x14\0"s, "+0.1\x14\x14\0+0.15\x14rest\x14\0"s, "+0.2\x14\x14\0"s};
        b.annotation(f, tals[r], 30);
    }
    f += "garbage";
    const auto dir = test::ioTempDir("stream");
    const auto path = dir / "c.edf";
    writeBytes(path, f);

    io::ReadInfo info;
    const auto whole = io::readRecording(path, info);
    const auto outline = io::readRecordingOutline(path);
    REQUIRE(outline);
    const auto& rec = outline->recording;
    REQUIRE(rec.channels.size() == whole.channels.size());
    REQUIRE(outline->sampleCounts.size() == whole.channels.size());
    for (std::size_t c = 0; c < rec.channels.size(); ++c) {
        CHECK(rec.channels[c].label == whole.channels[c].label);
        CHECK(rec.channels[c].physicalUnit == whole.channels[c].physicalUnit);
        CHECK(rec.channels[c].sampleRateHz == whole.channels[c].sampleRateHz);
        CHECK(rec.channels[c].samples.empty());
        CHECK(outline->sampleCounts[c] == whole.channels[c].samples.size());
    }
    REQUIRE(rec.annotations.size() == whole.annotations.size());
    for (std::size_t a = 0; a < rec.annotations.size(); ++a) {
        CHECK(rec.annotations[a].text == whole.annotations[a].text);
        CHECK(rec.annotations[a].onsetSec == whole.annotations[a].onsetSec);
    }
    CHECK(outline->info.warnings == info.warnings);
    CHECK(outline->info.dataRecords == 3);

    for (std::size_t c = 0; c < whole.channels.size(); ++c) {
        const auto x = io::readChannelAsFloat(path, c);
        const auto& ref = whole.channels[c].samples;
        REQUIRE(x.size() == ref.size());
        for (std::size_t i = 0; i < x.size(); ++i) REQUIRE(x[i] == static_cast<float>(ref[i]));   // the nearest float
    }
    CHECK_THROWS_AS(io::readChannelAsFloat(path, 2), io::FormatError);
    std::filesystem::remove_all(dir);
}

TEST_CASE("outline: EDF+D is streamed, non-EDF and unreadable files are left to readRecording", "[io][edf][stream]") {
    const auto dir = test::ioTempDir("stream-no");
    EdfBuilder b;
    b.reserved = "EDF+D";
    b.records = "1";
    b.sigs = {SigSpec{"APB", "uV", "-100", "100", "-100", "100", "4"}, SigSpec{"EDF Annotations", "", "-1", "1", "-32768", "32767", "20"}};
    std::string f = b.header();
    b.samples(f, {1, 2, 3, 4});
    b.annotation(f, "+0\x14\x14\0"s, 20);
    writeBytes(dir / "d.edf", f);
    CHECK(io::readRecordingOutline(dir / "d.edf"));   // gaps and all: test_channel_stream_records.cpp
    writeBytes(dir / "t.txt", "1.0\n2.0\n");
    CHECK_FALSE(io::readRecordingOutline(dir / "t.txt"));
    writeBytes(dir / "cut.edf", f.substr(0, 300));   // a truncated header: readRecording names the problem
    CHECK_FALSE(io::readRecordingOutline(dir / "cut.edf"));
    CHECK_FALSE(io::readRecordingOutline(dir / "missing.edf"));
    CHECK_THROWS_AS(io::readChannelAsFloat(dir / "t.txt", 0), io::FormatError);
    std::filesystem::remove_all(dir);
}
