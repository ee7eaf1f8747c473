// WFDB -> EDF+/BDF+ streamed in chunks of frames writes the same bytes, warnings and report as
// the in-memory conversion (issue 11: peak memory bounded whatever the record's size). Records of
// formats 16, 212 and 8 are built here byte by byte; those of 212 and 8 span several 4 MiB chunks,
// so a 12-bit pair split at a chunk edge or format 8's running value carried across one would show;
// skew of either sign, several signal files (one truncated) and null signals stream too.
#include "edf_sample_probe.h"
#include "io_test_util.h"
#include "edf_write_plan.h"
#include "wfdb_convert_plan.h"

#include <emg/io/recording_io.h>
#include <emg/io/wfdb.h>

#include "wfdb_test_bytes.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

using namespace emg;
namespace fs = std::filesystem;

namespace {
using emg::test::mitBeats;
using emg::test::pack212;
using emg::test::put16le;

// Both ways, EDF+ and BDF+: identical bytes and report; returns the streamed report (EDF+).
io::ConvertReport convertBothWays(const fs::path& dir, const fs::path& hea) {
    io::ConvertReport first;
    for (const bool toBdf : {false, true}) {
        const fs::path streamed = dir / (toBdf ? "s.bdf" : "s.edf"), whole = dir / (toBdf ? "m.bdf" : "m.edf");
        io::ConvertReport a;
        REQUIRE(io::detail::convertWfdbStreaming(hea, streamed, toBdf, a));
        CHECK(a.streamed);
        const io::ConvertReport b = io::detail::convertWfdbInMemory(hea, whole, toBdf);
        CHECK_FALSE(b.streamed);
        const auto sa = test::fileBytes(streamed), sb = test::fileBytes(whole);
        CHECK(sa.size() == sb.size());
        CHECK((sa == sb));
        CHECK(a.warnings == b.warnings);
        CHECK(a.headerChanges.size() == b.headerChanges.size());
        CHECK(a.dataRecords == b.dataRecords);
        CHECK(a.annotations == b.annotations);
        REQUIRE(a.signals.size() == b.signals.size());
        for (std::size_t i = 0; i < a.signals.size(); ++i) {
            CHECK(a.signals[i].samples == b.signals[i].samples);
            CHECK(a.signals[i].rescaled == b.signals[i].rescaled);
            CHECK(a.signals[i].label == b.signals[i].label);
        }
        if (!toBdf) first = a;
    }
    return first;
}
}  // namespace

TEST_CASE("wfdb stream convert: format 16 with a 12-bit ADC, invalid samples, checksum and beats: same bytes as in memory", "[io][wfdb][convert]") {
    const auto dir = test::ioTempDir("wfdb-stream-16");
    // 2501 frames at 500 Hz: signal 1 within its 12-bit ADC (range -2048..2047 kept as the
    // digital range), signal 2 beyond 12 bits (the format's range), two samples marked invalid
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
                                     "r16.dat 16 400(-3)/mV 12 0 " + std::to_string((0 * 37) % 4001 - 2000) + " " + std::to_string(checksum1) +
                                     " 0 Ulnar ADM\n"
                                     "r16.dat 16 1000/uV 16 0 0 12345 0 Needle FDI\n"
                                     "# 67 M\n");
    const auto rep = convertBothWays(dir, dir / "r16.hea");
    REQUIRE(rep.signals.size() == 2);
    CHECK(rep.signals[0].samples == 2501);
    CHECK(rep.annotations == 3);
    // warnings the reader gives: signal 2's checksum (12345 is wrong; signal 1's is right), the invalid samples
    bool checksum2 = false, checksum1Warned = false, invalid = false;
    for (const auto& w : rep.warnings) {
        checksum2 = checksum2 || w.find("signal 2: checksum mismatch") != std::string::npos;
        checksum1Warned = checksum1Warned || w.find("signal 1: checksum mismatch") != std::string::npos;
        invalid = invalid || w.find("2 samples marked invalid") != std::string::npos;
    }
    CHECK(checksum2);
    CHECK_FALSE(checksum1Warned);
    CHECK(invalid);
    test::EdfSampleProbe p(dir / "s.edf");
    CHECK(p.digitalMin[0] == -2048);   // the 12-bit ADC's range
    CHECK(p.digitalMax[0] == 2047);
    CHECK(p.digitalMin[1] == -32768);
    CHECK(p.sample(0, 1234) == (1234 * 37) % 4001 - 2000);
    CHECK(p.sample(1, 7) == 0);        // invalid: the baseline
    CHECK(p.sample(1, 2500) == (2500 * 911) % 60001 - 30000);
    fs::remove_all(dir);
}

TEST_CASE("wfdb stream convert: format 212 over several chunks, two samples per frame on one signal: same bytes as in memory", "[io][wfdb][convert]") {
    const auto dir = test::ioTempDir("wfdb-stream-212");
    // 1.2 M frames of (2 + 1) 12-bit samples = 5.4 MB: more than one 4 MiB chunk; an odd sample
    // count per frame puts 12-bit pairs across frame edges
    const int frames = 1'200'001;
    std::vector<int> s;
    s.reserve(static_cast<std::size_t>(frames) * 3);
    auto a = [](long long k) { return static_cast<int>((k * 263) % 4001) - 2000; };
    auto b = [](long long f) { return static_cast<int>((f * 5) % 2001) - 1000; };
    for (long long f = 0; f < frames; ++f) {
        s.push_back(a(2 * f));
        s.push_back(a(2 * f + 1));
        s.push_back(b(f));
    }
    test::writeBytes(dir / "r212.dat", pack212(s));
    test::writeText(dir / "r212.hea", "r212 2 1000\n"   // no nsamp: from the file's size
                                      "r212.dat 212x2 200/mV 12 0 0 0 0 EMG biceps\n"
                                      "r212.dat 212 100(5)/mV 12 0 0 0 0 ECG\n");
    const auto rep = convertBothWays(dir, dir / "r212.hea");
    REQUIRE(rep.signals.size() == 2);
    CHECK(rep.signals[0].samples == 2LL * frames);
    CHECK(rep.signals[0].sampleRateHz == 2000.0);
    CHECK(rep.signals[1].samples == frames);
    test::EdfSampleProbe p(dir / "s.edf");
    for (long long k : {0LL, 1LL, 1'677'721LL, 1'677'722LL, 2LL * frames - 1}) CHECK(p.sample(0, k) == a(k));
    for (long long f : {0LL, 838'860LL, 838'861LL, static_cast<long long>(frames) - 1}) CHECK(p.sample(1, f) == b(f));
    fs::remove_all(dir);
}

TEST_CASE("wfdb stream convert: format 8 differences carried across chunks, the range from the data: same bytes as in memory", "[io][wfdb][convert]") {
    const auto dir = test::ioTempDir("wfdb-stream-8");
    // 9 M first differences (two chunks and more) from an initial value of 1000: a slow ramp up
    // to ~+46000 and back, wider than EDF's 16 bits (rescaled there) but kept in BDF
    const long long n = 9'000'000;
    std::vector<std::uint8_t> d(static_cast<std::size_t>(n));
    std::vector<long long> value(static_cast<std::size_t>(n));
    long long v = 1000;
    for (long long k = 0; k < n; ++k) {
        const int wobble = k % 3 == 0 ? 2 : -1;   // sums to 0 over 3 samples
        const int diff = k == 0 ? 0 : wobble + (k % 100 == 0 ? (k < n / 2 ? 1 : -1) : 0);
        d[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(static_cast<std::int8_t>(diff));
        v += diff;
        value[static_cast<std::size_t>(k)] = v;
    }
    test::writeBytes(dir / "r8.dat", d);
    test::writeText(dir / "r8.hea", "r8 1 5000 9000000\nr8.dat 8 50/mV 0 0 1000 0 0 EMG tibialis\n");
    const auto rep = convertBothWays(dir, dir / "r8.hea");
    REQUIRE(rep.signals.size() == 1);
    CHECK(rep.signals[0].samples == n);
    test::EdfSampleProbe p(dir / "s.bdf");
    for (long long k : {0LL, 1LL, 4'194'303LL, 4'194'304LL, 4'194'305LL, n / 2, n - 1}) CHECK(p.sample(0, k) == value[static_cast<std::size_t>(k)]);
    fs::remove_all(dir);
}

TEST_CASE("wfdb stream convert: skew of either sign in one file, with and without the frames it needs: same bytes as in memory", "[io][wfdb][convert]") {
    const auto dir = test::ioTempDir("wfdb-stream-skew");
    // 3 signals in one format-16 file at 1 kHz, nsamp 1000: signal 1 unskewed, signal 2 skewed by
    // +3 frames (its frame t stored in file frame t + 3), signal 3 by -2 (its first 2 frames are
    // before the file: the baseline 7). The file holds nsamp + 3 frames in k.dat (every skewed
    // sample present) and exactly nsamp in s.dat (signal 2's last 3 frames: its baseline -5).
    auto f1 = [](long long t) { return static_cast<int>((t * 31) % 2001) - 1000; };
    auto f2 = [](long long t) { return static_cast<int>((t * 17) % 3001) - 1500; };
    auto f3 = [](long long t) { return static_cast<int>((t * 7) % 801) - 400; };
    for (const long long fileFrames : {1003LL, 1000LL}) {
        std::vector<std::uint8_t> d;
        for (long long F = 0; F < fileFrames; ++F) {
            put16le(d, f1(F));
            put16le(d, f2(F - 3));
            put16le(d, f3(F + 2));
        }
        const std::string base = fileFrames == 1003 ? "k" : "s";
        test::writeBytes(dir / (base + ".dat"), d);
        test::writeText(dir / (base + ".hea"), base + " 3 1000 1000\n" + base + ".dat 16 200/mV 16 0 0 0 0 plain\n" + base +
                                                   ".dat 16:3 200(-5)/mV 16 0 0 0 0 late\n" + base + ".dat 16:-2 200(7)/mV 16 0 0 0 0 early\n");
        INFO(base);
        convertBothWays(dir, dir / (base + ".hea"));
        test::EdfSampleProbe p(dir / "s.bdf");
        for (long long t : {0LL, 1LL, 500LL, 996LL, 999LL}) {
            CHECK(p.sample(0, t) == f1(t));
            CHECK(p.sample(1, t) == (t + 3 < fileFrames ? f2(t) : -5));
            CHECK(p.sample(2, t) == (t < 2 ? 7 : f3(t)));
        }
    }
    fs::remove_all(dir);
}

TEST_CASE("wfdb stream convert: several signal files (one named again, one truncated) and a null signal: same bytes as in memory", "[io][wfdb][convert]") {
    const auto dir = test::ioTempDir("wfdb-stream-files");
    // 700 000 frames at 2 kHz announced. a.dat: signals 1 and 3 (format 16, signal 3 skewed by 1
    // frame), 2.8 MB, more than one chunk per file; b.dat: signal 2 (format 212, 2 samples per
    // frame), truncated to 600 000 frames (a warning; its last 100 000 frames padded); signal 4 null.
    const long long nsamp = 700'000, bFrames = 600'000;
    auto f1 = [](long long t) { return static_cast<int>((t * 131) % 60001) - 30000; };
    auto f2 = [](long long k) { return static_cast<int>((k * 29) % 4001) - 2000; };
    auto f3 = [](long long t) { return static_cast<int>((t * 3) % 1001) - 500; };
    std::vector<std::uint8_t> a;
    int sum1 = 0;
    for (long long F = 0; F < nsamp + 1; ++F) {
        put16le(a, f1(F));
        if (F < nsamp) sum1 += f1(F);
        put16le(a, F >= 1 ? f3(F - 1) : 0);
    }
    test::writeBytes(dir / "a.dat", a);
    std::vector<int> b;
    for (long long k = 0; k < 2 * bFrames; ++k) b.push_back(f2(k));
    test::writeBytes(dir / "b.dat", pack212(b));
    const auto checksum1 = static_cast<std::int16_t>(static_cast<std::uint16_t>(sum1 & 0xFFFF));
    test::writeText(dir / "m.hea", "m 4 2000 " + std::to_string(nsamp) + " 10:00:00 03/04/2022\n"
                                   "a.dat 16 1000/mV 16 0 0 " + std::to_string(checksum1) + " 0 EMG APB\n"
                                   "b.dat 212x2 200/mV 12 0 0 0 0 EMG ADM\n"
                                   "a.dat 16:1 1000/mV 16 0 0 0 0 Stim\n"
                                   "~ 0 100(12)/mV 16 0 0 0 0 Trigger\n");
    const auto rep = convertBothWays(dir, dir / "m.hea");
    REQUIRE(rep.signals.size() == 4);
    CHECK(rep.signals[0].samples == nsamp);
    CHECK(rep.signals[1].samples == 2 * bFrames);
    CHECK(rep.signals[2].samples == nsamp);
    CHECK(rep.signals[3].samples == bFrames);   // a null signal lasts as long as the shortest stored file
    bool truncated = false, nullWarned = false, checksum = false;
    for (const auto& w : rep.warnings) {
        truncated = truncated || w.find("truncated: b.dat holds 600000 of the 700000") != std::string::npos;
        nullWarned = nullWarned || w.find("signal 4 has no samples stored") != std::string::npos;
        checksum = checksum || w.find("signal 1: checksum mismatch") != std::string::npos;
    }
    CHECK(truncated);
    CHECK(nullWarned);
    CHECK_FALSE(checksum);   // signal 1's checksum is right
    test::EdfSampleProbe p(dir / "s.edf");
    for (long long t : {0LL, 1LL, 349'999LL, 350'000LL, nsamp - 1}) {
        CHECK(p.sample(0, t) == f1(t));
        CHECK(p.sample(2, t) == f3(t));
        CHECK(p.sample(3, t) == 12);   // the null signal's baseline (and after its end the value of 0 units: the same)
    }
    for (long long k : {0LL, 1LL, 699'999LL, 700'000LL, 2 * bFrames - 1}) CHECK(p.sample(1, k) == f2(k));
    CHECK(p.sample(1, 2 * bFrames) == 0);   // padded at 0 physical units
    fs::remove_all(dir);
}

TEST_CASE("wfdb stream convert: no nsamp, files of different lengths, a null signal with negative skew elsewhere: same bytes as in memory", "[io][wfdb][convert]") {
    const auto dir = test::ioTempDir("wfdb-stream-nonsamp");
    // nsamp absent: the record lasts as long as its shortest file (x.dat 5000 frames, y.dat 4000)
    std::vector<std::uint8_t> x, y;
    for (int f = 0; f < 5000; ++f) put16le(x, f % 300 - 150);
    for (int f = 0; f < 4000; ++f) {
        put16le(y, (f * 11) % 900 - 450);
        put16le(y, -(f % 77));
    }
    test::writeBytes(dir / "x.dat", x);
    test::writeBytes(dir / "y.dat", y);
    test::writeText(dir / "u.hea", "u 4 500\n"
                                   "x.dat 16 100/uV 16 0 0 0 0 first\n"
                                   "y.dat 16:-4 100(3)/uV 16 0 0 0 0 second\n"
                                   "~ 0 100/uV 16 0 0 0 0\n"
                                   "y.dat 16 100/uV 16 0 0 0 0 third\n");
    const auto rep = convertBothWays(dir, dir / "u.hea");
    REQUIRE(rep.signals.size() == 4);
    for (const auto& c : rep.signals) CHECK(c.samples == 4000);
    test::EdfSampleProbe p(dir / "s.edf");
    CHECK(p.sample(0, 4321 % 4000) == (4321 % 4000) % 300 - 150);
    CHECK(p.sample(1, 3) == 3);                  // before the file (skew -4): the baseline
    CHECK(p.sample(1, 10) == (6 * 11) % 900 - 450);
    CHECK(p.sample(3, 3999) == -(3999 % 77));
    fs::remove_all(dir);
}

TEST_CASE("wfdb stream convert: a record of null signals only, or a skew beyond 4 Mi samples, takes the in-memory path", "[io][wfdb][convert]") {
    const auto dir = test::ioTempDir("wfdb-stream-fallback");
    std::vector<std::uint8_t> d;
    for (int f = 0; f < 100; ++f) put16le(d, f);
    test::writeBytes(dir / "k.dat", d);
    io::ConvertReport rep;
    test::writeText(dir / "n.hea", "n 2 100 100\n~ 0 200/mV 16 0 0 0 0 a\n~ 0 200/mV 16 0 0 0 0 b\n");
    CHECK_FALSE(io::detail::convertWfdbStreaming(dir / "n.hea", dir / "n.edf", false, rep));
    CHECK_FALSE(fs::exists(dir / "n.edf"));
    test::writeText(dir / "w.hea", "w 1 100 100\nk.dat 16:5000000 200/mV 16 0 0 0 0 a\n");
    CHECK_FALSE(io::detail::convertWfdbStreaming(dir / "w.hea", dir / "w.edf", false, rep));
    CHECK_FALSE(fs::exists(dir / "w.edf"));
    fs::remove_all(dir);
}

TEST_CASE("wfdb convert: an EMGLAB record's electrode comment becomes each signal's EDF transducer, both paths", "[io][wfdb][convert]") {
    // WFDB has no transducer field; EMGLAB writes the electrode in a comment, which the needle
    // reading depends on (a monopolar record is not read against concentric references): the EDF+
    // and BDF+ keep it where EDF holds it, so the converted file reads as the WFDB record does
    const auto dir = test::ioTempDir("wfdb-emglab-electrode");
    std::vector<std::uint8_t> bytes;
    for (int f = 0; f < 3000; ++f) {
        const int v = (f * 37) % 2000 - 1000;
        bytes.push_back(static_cast<std::uint8_t>((static_cast<unsigned>(v) >> 8) & 0xFF));   // format 61: big-endian
        bytes.push_back(static_cast<std::uint8_t>(static_cast<unsigned>(v) & 0xFF));
    }
    test::writeBytes(dir / "R1.dat", bytes);
    test::writeText(dir / "R1.hea", "R1 1 10000\rR1.dat 61 500/mV\r# muscle: brachial biceps\r# electrode: monopolar needle\r");
    const auto rep = convertBothWays(dir, dir / "R1.hea");
    CHECK(rep.headerChanges.empty());
    for (const char* out : {"s.edf", "s.bdf"}) {
        const auto rec = io::readRecording(dir / out);
        REQUIRE_FALSE(rec.channels.empty());
        CHECK(rec.channels[0].transducer == "monopolar needle");
    }
    fs::remove_all(dir);
}

TEST_CASE("WFDB: a signal file named in another case than on the disk is read and converted (one match), refused as missing (two)", "[io][wfdb][convert]") {
    const auto dir = test::ioTempDir("wfdb-case");
    std::vector<std::uint8_t> d;
    for (int f = 0; f < 1000; ++f) put16le(d, (f * 37) % 2001 - 1000);
    test::writeBytes(dir / "emg01.dat", d);
    // a header written on a file system that ignores case names EMG01.DAT
    test::writeText(dir / "emg01.hea", "emg01 1 4000 1000\r\nEMG01.DAT 16 200/mV 16 0 0 0 0 needle\r\n");
    io::ReadInfo info;
    const auto rec = io::readRecording(dir / "emg01.hea", info);
    REQUIRE(rec.channels.size() == 1);
    REQUIRE(rec.channels[0].samples.size() == 1000);
    CHECK(rec.channels[0].samples[321] == Approx(((321 * 37) % 2001 - 1000) * 5.0).margin(1e-9));   // 200 counts per mV: 5 uV each
    const auto rep = convertBothWays(dir, dir / "emg01.hea");
    REQUIRE(rep.signals.size() == 1);
    CHECK(rep.signals[0].samples == 1000);
    // two files differing only in case: neither is guessed
    test::writeBytes(dir / "twin.dat", d);
    test::writeBytes(dir / "TWIN.dat", d);
    test::writeText(dir / "twin.hea", "twin 1 4000 1000\nTwin.Dat 16 200/mV 16 0 0 0 0 needle\n");
    io::ReadInfo twin;
    CHECK_THROWS_AS(io::readRecording(dir / "twin.hea", twin), io::FormatError);
    fs::remove_all(dir);
}

TEST_CASE("continuous records' TALs: each annotation in the record where it starts, a rounding below a record's start included", "[io][convert]") {
    // 5 records of 0.1 s starting 0.25 s into the second: 0.3 / 0.1 = 2.9999999999999996 is record 3
    const std::vector<Annotation> a = {{0.3, 0.0, "at 0.3"}, {-0.5, 0.0, "before"}, {0.05, 0.02, "first"}, {9.0, 0.0, "after"}};
    const auto tals = io::detail::continuousRecordTals(a, 5, 0.1, 0.25);
    REQUIRE(tals.size() == 5);
    CHECK(tals[3].rfind("+0.55\x14\x14\x00", 0) == 0);   // time keeping: 0.25 + 3 x 0.1
    CHECK(tals[3].find("at 0.3") != std::string::npos);
    CHECK(tals[2].find("at 0.3") == std::string::npos);
    CHECK(tals[0].find("before") != std::string::npos);
    CHECK(tals[0].find("first") != std::string::npos);
    CHECK(tals[4].find("after") != std::string::npos);
    CHECK(io::detail::continuousRecordTals(a, 0, 0.1).empty());
}
