// The streamed outline and channel readers (channel_stream.h) on EDF+D and WFDB records against
// readRecording: the same channels, sample counts (an EDF+D's records only), annotations
// and warnings (checksums, invalid samples, truncation, null signals) without samples; each
// channel read as double bit for bit readRecording's value, as float the nearest float to it.
#include "edf_builder.h"
#include "io_test_util.h"

#include <emg/io/channel_stream.h>
#include <emg/io/recording_io.h>

#include "wfdb_test_bytes.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

using namespace emg;
using emg::test::EdfBuilder;
using emg::test::SigSpec;
using namespace std::string_literals;
namespace fs = std::filesystem;

namespace {
using emg::test::mitBeats;
using emg::test::pack212;
using emg::test::put16le;

/// Outline, every channel as double (one at a time and all together) and as float, against readRecording.
void checkStreamedAsWhole(const fs::path& path, std::size_t expectChannels) {
    INFO(path.string());
    io::ReadInfo info;
    const auto whole = io::readRecording(path, info);
    REQUIRE(whole.channels.size() == expectChannels);
    const auto outline = io::readRecordingOutline(path);
    REQUIRE(outline);
    const auto& rec = outline->recording;
    REQUIRE(rec.channels.size() == whole.channels.size());
    REQUIRE(outline->sampleCounts.size() == whole.channels.size());
    CHECK(rec.recordingId == whole.recordingId);
    CHECK(rec.patientId == whole.patientId);
    CHECK(rec.startDateTime == whole.startDateTime);
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
    CHECK(outline->info.gaps.size() == info.gaps.size());
    CHECK(outline->info.format == info.format);

    const std::vector<bool> all(whole.channels.size(), true);
    const auto doubles = io::readRecordingChannels(path, all);
    REQUIRE(doubles.channels.size() == whole.channels.size());
    for (std::size_t c = 0; c < whole.channels.size(); ++c) {
        INFO("channel " << c);
        const auto& ref = whole.channels[c].samples;
        CHECK((doubles.channels[c].samples == ref));   // bit for bit
        std::vector<bool> one(whole.channels.size(), false);
        one[c] = true;
        const auto single = io::readRecordingChannels(path, one);
        for (std::size_t k = 0; k < single.channels.size(); ++k) CHECK(single.channels[k].samples.empty() == (k != c));
        CHECK((single.channels[c].samples == ref));
        const auto x = io::readChannelAsFloat(path, c);
        REQUIRE(x.size() == ref.size());
        std::size_t differing = 0;
        for (std::size_t i = 0; i < x.size(); ++i) differing += x[i] != static_cast<float>(ref[i]);
        CHECK(differing == 0);
    }
    CHECK_THROWS_AS(io::readChannelAsFloat(path, whole.channels.size()), io::FormatError);
}
}  // namespace

TEST_CASE("streamed EDF+D: the records' samples only (no zero for a hole) as readRecording, annotations and warnings the same", "[io][edf][stream]") {
    const auto dir = test::ioTempDir("stream-edfd");
    // 2 signals (100 and 50 Hz), 0.1-s records at 0, 0.1, 0.5 (a 0.3-s gap), 0.6 and 1.7 s (1.0 s)
    EdfBuilder b;
    b.reserved = "EDF+D";
    b.records = "5";
    b.duration = "0.1";
    b.sigs = {SigSpec{"APB", "mV", "-3276.8", "3276.7", "-32768", "32767", "10"},
              SigSpec{"EMG Deltoid", "uV", "-500", "500", "-2048", "2047", "5"},
              SigSpec{"EDF Annotations", "", "-1", "1", "-32768", "32767", "30"}};
    std::string f = b.header();
    const std::string onsets[] = {"0", "0.1", "0.5", "0.6", "1.7"};
    for (int r = 0; r < 5; ++r) {
        std::vector<int> a(10), d(5);
        for (int i = 0; i < 10; ++i) a[static_cast<std::size_t>(i)] = (r * 10 + i) * 37 - 500;
        for (int i = 0; i < 5; ++i) d[static_cast<std::size_t>(i)] = (r * 5 + i) * 113 - 900;
        b.samples(f, a);
        b.samples(f, d);
        b.annotation(f, "+" + onsets[r] + "\x14\x14\0"s + (r == 2 ? "+0.55\x14Stim wrist\x14\0"s : ""s), 30);
    }
    test::writeBytes(dir / "d.edf", test::toBytesOf(f));
    checkStreamedAsWhole(dir / "d.edf", 2);
    const auto outline = io::readRecordingOutline(dir / "d.edf");
    REQUIRE(outline);
    CHECK(outline->info.gaps.size() == 2);
    CHECK(outline->sampleCounts[0] == 50);   // 5 records of 10 samples; the zero-filling reader gave 180 (130 zeros)
    CHECK(outline->sampleCounts[1] == 25);
    REQUIRE(outline->recording.segments.size() == 3);
    CHECK(outline->recording.segments[1].startSec == Approx(0.5));
    CHECK(outline->recording.segments[2].startSec == Approx(1.7));
    fs::remove_all(dir);
}

TEST_CASE("streamed WFDB format 16: checksums, invalid samples and beats as readRecording", "[io][wfdb][stream]") {
    const auto dir = test::ioTempDir("stream-wfdb16");
    std::vector<std::uint8_t> d;
    int sum1 = 0;
    for (int f = 0; f < 2501; ++f) {
        const int a = (f * 37) % 4001 - 2000;
        sum1 += a;
        put16le(d, a);
        put16le(d, f == 7 || f == 2400 ? -32768 : (f * 911) % 60001 - 30000);
    }
    test::writeBytes(dir / "r16.dat", d);
    test::writeBytes(dir / "r16.atr", mitBeats({100, 500, 2499}));
    const auto checksum1 = static_cast<std::int16_t>(static_cast<std::uint16_t>(sum1 & 0xFFFF));
    test::writeText(dir / "r16.hea", "r16 2 500 2501 08:15:02.5 17/06/2019\n"
                                     "r16.dat 16 400(-3)/mV 12 0 -2000 " + std::to_string(checksum1) + " 0 Ulnar ADM\n"
                                     "r16.dat 16 1000/uV 16 0 0 12345 0 Needle FDI\n"
                                     "# 67 M\n");
    checkStreamedAsWhole(dir / "r16.hea", 2);
    checkStreamedAsWhole(dir / "r16", 2);       // the record name
    checkStreamedAsWhole(dir / "r16.dat", 2);   // its signal file
    const auto outline = io::readRecordingOutline(dir / "r16.hea");
    REQUIRE(outline);
    bool checksum2 = false, invalid = false;
    for (const auto& w : outline->info.warnings) {
        checksum2 = checksum2 || w.find("signal 2: checksum mismatch") != std::string::npos;
        invalid = invalid || w.find("2 samples marked invalid") != std::string::npos;
    }
    CHECK(checksum2);
    CHECK(invalid);
    CHECK(outline->recording.annotations.size() == 3);
    fs::remove_all(dir);
}

TEST_CASE("streamed WFDB: format 212 over several chunks, several files, skew, truncation and a null signal as readRecording",
          "[io][wfdb][stream]") {
    const auto dir = test::ioTempDir("stream-wfdb-files");
    // 700 000 frames at 2 kHz announced: a.dat signals 1 and 3 (format 16, signal 3 skewed by 1
    // frame, 2.8 MB: several chunks); b.dat signal 2 (212, 2 samples a frame) truncated to
    // 600 000 frames (a warning, its last frames the baseline); signal 4 null.
    const long long nsamp = 700'000, bFrames = 600'000;
    auto f1 = [](long long t) { return static_cast<int>((t * 131) % 60001) - 30000; };
    auto f2 = [](long long k) { return static_cast<int>((k * 29) % 4001) - 2000; };
    auto f3 = [](long long t) { return static_cast<int>((t * 3) % 1001) - 500; };
    std::vector<std::uint8_t> a;
    for (long long F = 0; F < nsamp + 1; ++F) {
        put16le(a, f1(F));
        put16le(a, F >= 1 ? f3(F - 1) : 0);
    }
    test::writeBytes(dir / "a.dat", a);
    std::vector<int> b;
    for (long long k = 0; k < 2 * bFrames; ++k) b.push_back(f2(k));
    test::writeBytes(dir / "b.dat", pack212(b));
    test::writeText(dir / "m.hea", "m 4 2000 " + std::to_string(nsamp) + " 10:00:00 03/04/2022\n"
                                   "a.dat 16 1000/mV 16 0 0 0 0 EMG APB\n"
                                   "b.dat 212x2 200/mV 12 0 0 0 0 EMG ADM\n"
                                   "a.dat 16:1 1000/mV 16 0 0 0 0 Stim\n"
                                   "~ 0 100(12)/mV 16 0 0 0 0 Trigger\n");
    checkStreamedAsWhole(dir / "m.hea", 4);
    fs::remove_all(dir);
}

TEST_CASE("streamed WFDB: records the streams do not take are left to readRecording", "[io][wfdb][stream]") {
    const auto dir = test::ioTempDir("stream-wfdb-no");
    // a header naming a signal file outside its folder: readRecording names the problem
    test::writeText(dir / "out.hea", "out 1 500 100\n../x.dat 16 200/mV 16 0 0 0 0 EMG\n");
    CHECK_FALSE(io::readRecordingOutline(dir / "out.hea"));
    CHECK_THROWS_AS(io::readRecording(dir / "out.hea"), io::FormatError);
    // a null signal beside a small file: streamed, its baseline throughout as the reader fills it
    std::vector<std::uint8_t> d;
    for (int i = 0; i < 100; ++i) put16le(d, i);
    test::writeBytes(dir / "n.dat", d);
    test::writeText(dir / "n.hea", "n 2 500\nn.dat 16 200/mV 16 0 0 0 0 EMG\n~ 0 200/mV 16 0 0 0 0 none\n");
    io::ReadInfo info;
    const auto whole = io::readRecording(dir / "n.hea", info);
    const auto outline = io::readRecordingOutline(dir / "n.hea");
    REQUIRE(outline);   // 100 null samples: streamed
    CHECK(outline->sampleCounts == std::vector<std::size_t>{100, 100});
    CHECK(outline->info.warnings == info.warnings);
    fs::remove_all(dir);
}

namespace {
int wfdbChecksum(const std::vector<int>& stored) {
    std::uint16_t s = 0;
    for (int x : stored) s = static_cast<std::uint16_t>(s + static_cast<std::uint16_t>(x));
    return static_cast<std::int16_t>(s);
}

bool warnsChecksum(const std::vector<std::string>& warnings, const std::string& signal) {
    for (const auto& w : warnings)
        if (w.find(signal + ": checksum mismatch") != std::string::npos) return true;
    return false;
}
}  // namespace

TEST_CASE("WFDB checksums are of the samples as stored: skew and invalid codes raise no false mismatch", "[io][wfdb][stream]") {
    // PhysioNet's records state each signal's checksum over its samples as the file stores them:
    // before a skew shifts them and before an invalid code (-2048 in format 212) is read as the
    // baseline. wfdb-python's 100skew, test01_00s_skew, 03700181 and v102s (an ICU record with 23
    // invalid samples) all read "checksum mismatch" here before: a false alarm on intact files.
    const auto dir = test::ioTempDir("wfdb-checksum");
    // format 212, two signals in one file, 1200 frames stored and nsamp 1197: signal 2 has skew 3
    // (its frame t is stored in frame t + 3), signal 1 holds two invalid codes
    std::vector<int> s1, s2, stream;
    for (int f = 0; f < 1200; ++f) {
        s1.push_back(f == 40 || f == 900 ? -2048 : (f * 29) % 2001 - 1000);
        s2.push_back((f * 53) % 3001 - 1500 > 2047 ? 2047 : (f * 53) % 3001 - 1500);
        stream.push_back(s1.back());
        stream.push_back(std::clamp(s2.back(), -2047, 2047));
        s2.back() = stream.back();
    }
    test::writeBytes(dir / "sk.dat", pack212(stream));
    const std::vector<int> s1Counted(s1.begin(), s1.begin() + 1197), s2Counted(s2.begin(), s2.begin() + 1197);
    const std::string header = "sk 2 1000 1197\n"
                               "sk.dat 212 200/mV 12 0 " + std::to_string(s1[0]) + " " + std::to_string(wfdbChecksum(s1Counted)) + " 0 APB\n"
                               "sk.dat 212:3 200/mV 12 0 " + std::to_string(s2[3]) + " " + std::to_string(wfdbChecksum(s2Counted)) + " 0 ADM\n";
    test::writeText(dir / "sk.hea", header);
    io::ReadInfo info;
    const auto whole = io::readRecording(dir / "sk.hea", info);
    REQUIRE(whole.channels.size() == 2);
    CHECK(whole.channels[1].samples[0] == Approx(s2[3] * 5.0));   // skew applied: 200 units per mV, 5 uV each
    CHECK(whole.channels[0].samples[40] == 0.0);                   // the invalid code reads as the baseline
    CHECK_FALSE(warnsChecksum(info.warnings, "signal 1"));
    CHECK_FALSE(warnsChecksum(info.warnings, "signal 2"));
    checkStreamedAsWhole(dir / "sk.hea", 2);   // the streamed outline gives the same warnings

    // a checksum that is wrong still says so, in both readers
    test::writeText(dir / "sk.hea", "sk 2 1000 1197\n"
                                    "sk.dat 212 200/mV 12 0 0 " + std::to_string(wfdbChecksum(s1Counted) + 1) + " 0 APB\n"
                                    "sk.dat 212:3 200/mV 12 0 0 " + std::to_string(wfdbChecksum(s2Counted)) + " 0 ADM\n");
    info = {};
    (void)io::readRecording(dir / "sk.hea", info);
    CHECK(warnsChecksum(info.warnings, "signal 1"));
    CHECK_FALSE(warnsChecksum(info.warnings, "signal 2"));
    checkStreamedAsWhole(dir / "sk.hea", 2);

    // format 8 (first differences) streamed in chunks: each chunk's values are relative to the
    // value carried in, the checksum is of the absolute ones; 3 M samples span several chunks
    std::vector<std::uint8_t> diffs;
    std::vector<int> values;
    int value = 100;
    for (int f = 0; f < 3'000'000; ++f) {
        const int d = static_cast<int>((static_cast<long long>(f) * 7919) % 255) - 127 + (value > 20000 ? -60 : value < -20000 ? 60 : 0);
        const int step = std::clamp(d, -128, 127);
        value += step;
        diffs.push_back(static_cast<std::uint8_t>(static_cast<std::int8_t>(step)));
        values.push_back(value);
    }
    test::writeBytes(dir / "d8.dat", diffs);
    test::writeText(dir / "d8.hea", "d8 1 20000 3000000\nd8.dat 8 1/uV 16 0 100 " + std::to_string(wfdbChecksum(values)) + " 0 FDI\n");
    const auto outline = io::readRecordingOutline(dir / "d8.hea");
    REQUIRE(outline);
    CHECK_FALSE(warnsChecksum(outline->info.warnings, "signal 1"));
    info = {};
    const auto d8 = io::readRecording(dir / "d8.hea", info);
    CHECK_FALSE(warnsChecksum(info.warnings, "signal 1"));
    REQUIRE(d8.channels.at(0).samples.size() == values.size());
    CHECK(d8.channels[0].samples.back() == values.back());
    fs::remove_all(dir);
}
