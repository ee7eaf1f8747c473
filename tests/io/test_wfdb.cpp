// WFDB import from records whose bytes the test builds by hand (formats 212 and 16 required,
// the others as well), checked sample for sample.
#include "io_test_util.h"

#include <emg/io/recording_io.h>
#include <emg/io/wfdb.h>

#include "wfdb_test_bytes.h"

#include <catch2/catch.hpp>

using namespace emg;

namespace {
using emg::test::pack212;
using emg::test::put16le;
int checksum(const std::vector<int>& v) {
    std::uint16_t s = 0;
    for (int x : v) s = static_cast<std::uint16_t>(s + static_cast<std::uint16_t>(x));
    return static_cast<std::int16_t>(s);
}
}  // namespace

TEST_CASE("WFDB format 212 record with CRLF lines, comments and a default gain", "[io][wfdb]") {
    const auto dir = test::ioTempDir("wfdb212");
    const std::vector<int> s0 = {100, -200, 2047, -2047, 0, 7};
    const std::vector<int> s1 = {-1, 1, 500, -500, 1023, -7};
    std::vector<int> stream;
    for (std::size_t i = 0; i < s0.size(); ++i) {
        stream.push_back(s0[i]);
        stream.push_back(s1[i]);
    }
    test::writeBytes(dir / "r212.dat", pack212(stream));
    const std::string hea = "# made by hand\r\nr212 2 360 6 10:20:30 05/06/2021\r\n"
                            "r212.dat 212 200(0)/mV 12 0 100 " + std::to_string(checksum(s0)) + " 0 MLII\r\n"
                            "r212.dat 212 0 12 0 -1 " + std::to_string(checksum(s1)) + " 0 V5 lead\r\n# <age>: 52\r\n";
    test::writeText(dir / "r212.hea", hea);
    io::ReadInfo info;
    const auto rec = io::readRecording(dir / "r212.hea", info);
    CHECK(info.format == io::FileFormat::Wfdb);
    REQUIRE(rec.channels.size() == 2);
    CHECK(rec.channels[0].label == "MLII");
    CHECK(rec.channels[1].label == "V5 lead");
    CHECK(rec.channels[0].sampleRateHz == 360.0);
    CHECK(rec.startDateTime == "2021-06-05T10:20:30");
    REQUIRE(rec.channels[0].samples.size() == 6);
    REQUIRE(rec.channels[1].samples.size() == 6);
    for (std::size_t i = 0; i < 6; ++i) {
        // 200 ADC units per mV: 1 unit = 5 µV, exactly
        CHECK(rec.channels[0].samples[i] == s0[i] * 5.0);
        CHECK(rec.channels[1].samples[i] == s1[i] * 5.0);
    }
    // gain 0 -> default, said in a warning; checksums match so no checksum warning
    bool gainWarned = false, checksumWarned = false;
    for (const auto& w : info.warnings) {
        gainWarned = gainWarned || w.find("200 ADC units") != std::string::npos;
        checksumWarned = checksumWarned || w.find("checksum") != std::string::npos;
    }
    CHECK(gainWarned);
    CHECK_FALSE(checksumWarned);
    // the record name without extension and the .dat beside the header work too
    CHECK(io::readRecording(dir / "r212").channels.size() == 2);
    CHECK(io::readRecording(dir / "r212.dat").channels[1].samples[4] == 1023 * 5.0);
    std::filesystem::remove_all(dir);
}

TEST_CASE("WFDB format 16 single-channel EMG record (4 kHz, like PhysioNet's EMG database)", "[io][wfdb]") {
    const auto dir = test::ioTempDir("wfdb16");
    const std::vector<int> v = {0, 1, -1, 32767, -32767, 1234, -32768};
    std::vector<std::uint8_t> d;
    for (int x : v) put16le(d, x);
    test::writeBytes(dir / "emg_healthy.dat", d);
    test::writeText(dir / "emg_healthy.hea",
                    "emg_healthy 1 4000/1000(0) 7\nemg_healthy.dat 16 2000(4)/mV 16 0 0 0 0 EMG\n");
    io::ReadInfo info;
    const auto rec = io::readRecording(dir / "emg_healthy.hea", info);
    REQUIRE(rec.channels.size() == 1);
    const auto& c = rec.channels[0];
    CHECK(c.sampleRateHz == 4000.0);
    CHECK(c.physicalUnit == "uV");
    REQUIRE(c.samples.size() == 7);
    for (std::size_t i = 0; i + 1 < v.size(); ++i) CHECK(c.samples[i] == Approx((v[i] - 4) * 0.5).margin(1e-12));  // 2000/mV: 0.5 µV per unit
    CHECK(c.samples[6] == 0.0);   // -32768 = invalid sample -> baseline
    bool invalidWarned = false;
    for (const auto& w : info.warnings) invalidWarned = invalidWarned || w.find("invalid") != std::string::npos;
    CHECK(invalidWarned);
    std::filesystem::remove_all(dir);
}

TEST_CASE("WFDB formats 8 61 80 160 24 32 310 311 and samples per frame decode exactly", "[io][wfdb]") {
    io::WfdbHeader h;
    h.signalCount = 1;
    h.signals.resize(1);
    std::size_t invalid = 0;
    auto decode = [&](int format, const std::vector<std::uint8_t>& bytes, long long initial = 0) {
        h.signals[0].format = format;
        h.signals[0].initialValue = initial;
        return io::decodeWfdbSignalFile(h, {0}, bytes.data(), bytes.size(), -1, invalid, "t").at(0);
    };
    CHECK(decode(61, {0x01, 0x02, 0xFF, 0xFE}) == std::vector<std::int32_t>{0x0102, -2});
    CHECK(decode(80, {0x80, 0x00, 0xFF}) == std::vector<std::int32_t>{0, 0, 127});   // 0x00 = -128 = invalid -> baseline 0
    CHECK(invalid == 1);
    CHECK(decode(160, {0x00, 0x80, 0xFF, 0xFF}) == std::vector<std::int32_t>{0, 32767});
    CHECK(decode(8, {0x00, 0x05, 0xFB, 0xFE}, 100) == std::vector<std::int32_t>{100, 105, 100, 98});
    CHECK(decode(24, {0xFF, 0xFF, 0xFF, 0x01, 0x00, 0x80}) == std::vector<std::int32_t>{-1, -8388607});
    CHECK(decode(32, {0xFE, 0xFF, 0xFF, 0xFF, 0x40, 0x42, 0x0F, 0x00}) == std::vector<std::int32_t>{-2, 1000000});
    {
        // 310: (a, b, c) in two 16-bit words, a and b in bits 1-10, c split over bits 11-15
        const int a = -3, b = 511, c = -300;
        const unsigned w0 = ((a & 0x3FF) << 1) | ((c & 0x1F) << 11);
        const unsigned w1 = ((b & 0x3FF) << 1) | (((c >> 5) & 0x1F) << 11);
        CHECK(decode(310, {static_cast<std::uint8_t>(w0), static_cast<std::uint8_t>(w0 >> 8), static_cast<std::uint8_t>(w1),
                           static_cast<std::uint8_t>(w1 >> 8)}) == std::vector<std::int32_t>{a, b, c});
        const std::uint32_t w = (a & 0x3FFu) | ((b & 0x3FFu) << 10) | ((static_cast<unsigned>(c) & 0x3FFu) << 20);
        CHECK(decode(311, {static_cast<std::uint8_t>(w), static_cast<std::uint8_t>(w >> 8), static_cast<std::uint8_t>(w >> 16),
                           static_cast<std::uint8_t>(w >> 24)}) == std::vector<std::int32_t>{a, b, c});
        // a file ending inside the word: the samples whose bits are all present (found by libFuzzer + ASan)
        CHECK(decode(311, {static_cast<std::uint8_t>(w), static_cast<std::uint8_t>(w >> 8), static_cast<std::uint8_t>(w >> 16)}) ==
              std::vector<std::int32_t>{a, b});
    }
    // two signals in one file, the first with 2 samples per frame: frame = a0 a1 b0
    io::WfdbHeader h2 = io::parseWfdbHeader("mf 2 500\nmf.dat 16x2 100 16 0\nmf.dat 16 100 16 0\n");
    CHECK(h2.signals[0].samplesPerFrame == 2);
    std::vector<std::uint8_t> d;
    for (int x : {1, 2, 10, 3, 4, 20}) put16le(d, x);
    const auto out = io::decodeWfdbSignalFile(h2, {0, 1}, d.data(), d.size(), -1, invalid, "mf");
    CHECK(out.at(0) == std::vector<std::int32_t>{1, 2, 3, 4});
    CHECK(out.at(1) == std::vector<std::int32_t>{10, 20});
}

TEST_CASE("WFDB header details: frequency with counter, byte offset, description with spaces", "[io][wfdb]") {
    const auto h = io::parseWfdbHeader("rec 1 1000/25.5(7) 100 0:0:0\n  \nrec.dat 16+512 400.5(-3)/uV 16 0 12 -77 256 needle EMG tibialis\n");
    CHECK(h.samplingFrequencyHz == 1000.0);
    CHECK(h.counterFrequencyHz == 25.5);
    CHECK(h.baseCounter == 7.0);
    CHECK(h.samplesPerSignal == 100);
    const auto& s = h.signals.at(0);
    CHECK(s.byteOffset == 512);
    CHECK(s.adcGain == 400.5);
    CHECK(s.baseline == -3);
    CHECK(s.units == "uV");
    CHECK(s.initialValue == 12);
    CHECK(s.checksum.value() == -77);
    CHECK(s.blockSize == 256);
    CHECK(s.description == "needle EMG tibialis");
}

TEST_CASE("bad WFDB headers get a clear FormatError", "[io][wfdb]") {
    CHECK_THROWS_WITH(io::parseWfdbHeader("multi/3 2 360 1000\n"), Catch::Contains("multi-segment"));
    CHECK_THROWS_WITH(io::parseWfdbHeader("r 2 360\nr.dat 212\n"), Catch::Contains("announces 2 signals, 1 signal lines"));
    CHECK_THROWS_WITH(io::parseWfdbHeader("r 1 360\nr.dat 999\n"), Catch::Contains("format 999 is not supported"));
    CHECK_THROWS_WITH(io::parseWfdbHeader("r 1 abc\nr.dat 16\n"), Catch::Contains("sampling frequency"));
    CHECK_THROWS_WITH(io::parseWfdbHeader("r 1 360\nr.dat 16 2x0/mV\n"), Catch::Contains("ADC gain"));
    CHECK_THROWS_WITH(io::parseWfdbHeader("r 1 0\nr.dat 16\n"), Catch::Contains("impossible"));
    CHECK_THROWS_WITH(io::parseWfdbHeader("# only a comment\n"), Catch::Contains("no record line"));
    const auto dir = test::ioTempDir("wfdbbad");
    test::writeText(dir / "m.hea", "m 1 360 10\nm.dat 16 200 16 0\n");
    CHECK_THROWS_WITH(io::readRecording(dir / "m.hea"), Catch::Contains("m.dat") && Catch::Contains("cannot open"));
    test::writeText(dir / "e.hea", "e 1 360 10\n../etc/passwd 16 200 16 0\n");
    CHECK_THROWS_AS(io::readRecording(dir / "e.hea"), io::FormatError);
    // a signal file a little shorter than announced (8 of 10 frames): read what is there, warn
    test::writeBytes(dir / "t.dat", {1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8, 0});
    test::writeText(dir / "t.hea", "t 1 360 10\nt.dat 16 200 16 0\n");
    io::ReadInfo info;
    const auto rec = io::readRecording(dir / "t.hea", info);
    CHECK(rec.channels.at(0).samples.size() == 8);
    REQUIRE_FALSE(info.warnings.empty());
    // far shorter (2 of 10): the header does not describe this file
    test::writeBytes(dir / "u.dat", {1, 0, 2, 0});
    test::writeText(dir / "u.hea", "u 1 360 10\nu.dat 16 200 16 0\n");
    CHECK_THROWS_WITH(io::readRecording(dir / "u.hea"), Catch::Contains("holds 2 frames") && Catch::Contains("announces 10"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("WFDB MIT-format annotations: codes, auxiliary text, SKIP and the .atr beside a record", "[io][wfdb]") {
    std::vector<std::uint8_t> a;
    auto word = [&](unsigned code, unsigned field) { put16le(a, static_cast<int>((code << 10) | field)); };
    word(1, 100);                        // N at sample 100
    word(22, 50);                        // NOTE at 150 with text
    word(63, 10);
    for (char c : std::string("Stim wrist")) a.push_back(static_cast<std::uint8_t>(c));
    word(59, 0);                         // SKIP 65536 samples
    put16le(a, 1);
    put16le(a, 0);
    word(5, 4);                          // V at 150 + 65536 + 4
    word(63, 5);                         // odd-length aux, padded
    for (char c : std::string("(AFIB")) a.push_back(static_cast<std::uint8_t>(c));
    a.push_back(0);
    word(0, 0);
    std::vector<std::string> warnings;
    const auto ann = io::parseMitAnnotations(a.data(), a.size(), 360.0, warnings);
    CHECK(warnings.empty());
    REQUIRE(ann.size() == 3);
    CHECK(ann[0].text == "N");
    CHECK(ann[0].onsetSec == Approx(100 / 360.0));
    CHECK(ann[1].text == "Stim wrist");
    CHECK(ann[1].onsetSec == Approx(150 / 360.0));
    CHECK(ann[2].text == "(AFIB");
    CHECK(ann[2].onsetSec == Approx((150 + 65536 + 4) / 360.0));

    // truncated inside the aux text: what came before is kept, with a warning
    std::vector<std::uint8_t> cut(a.begin(), a.begin() + 8);
    warnings.clear();
    CHECK(io::parseMitAnnotations(cut.data(), cut.size(), 360.0, warnings).size() == 2);
    CHECK_FALSE(warnings.empty());

    // beside a record
    const auto dir = test::ioTempDir("wfdbatr");
    std::vector<std::uint8_t> d;
    for (int i = 0; i < 1000; ++i) put16le(d, i);
    test::writeBytes(dir / "s.dat", d);
    test::writeText(dir / "s.hea", "s 1 1000 1000\ns.dat 16 1000/mV 16 0 0 0 0 EMG\n");
    std::vector<std::uint8_t> atr;
    put16le(atr, static_cast<int>((22u << 10) | 250));
    put16le(atr, static_cast<int>((63u << 10) | 10));
    for (char c : std::string("Stim elbow")) atr.push_back(static_cast<std::uint8_t>(c));
    put16le(atr, 0);
    test::writeBytes(dir / "s.atr", atr);
    const auto rec = io::readRecording(dir / "s.hea");
    REQUIRE(rec.annotations.size() == 1);
    CHECK(rec.annotations[0].text == "Stim elbow");
    CHECK(rec.annotations[0].onsetSec == Approx(0.25));
    std::filesystem::remove_all(dir);
}

// ---------------------------------------------------------------------------------------------
// Liberal reading: everything header(5) of the WFDB library allows. The bytes are laid out here
// from the specification's description of each format, independently of the reader.

namespace {
void putLe(std::vector<std::uint8_t>& o, long long v, int bytes) {
    for (int i = 0; i < bytes; ++i) o.push_back(static_cast<std::uint8_t>((static_cast<unsigned long long>(v) >> (8 * i)) & 0xFF));
}
/// `stream` = frames of `nsig` interleaved samples (one sample per signal per frame) in `format`;
/// format 8 stores first differences from each signal's initial value 0.
std::vector<std::uint8_t> encodeStream(int format, const std::vector<int>& stream, std::size_t nsig) {
    std::vector<std::uint8_t> o;
    std::vector<int> prev(nsig, 0);
    for (std::size_t k = 0; k < stream.size(); ++k) {
        const int v = stream[k];
        switch (format) {
            case 8: o.push_back(static_cast<std::uint8_t>(static_cast<std::int8_t>(v - prev[k % nsig]))); prev[k % nsig] = v; break;
            case 80: o.push_back(static_cast<std::uint8_t>(v + 128)); break;
            case 16: putLe(o, v, 2); break;
            case 61: o.push_back(static_cast<std::uint8_t>((v >> 8) & 0xFF)); o.push_back(static_cast<std::uint8_t>(v & 0xFF)); break;
            case 160: putLe(o, v + 32768, 2); break;
            case 24: putLe(o, v, 3); break;
            case 32: putLe(o, v, 4); break;
            default: break;
        }
    }
    if (format == 212) return pack212(stream);
    if (format == 310 || format == 311) {
        for (std::size_t k = 0; k + 2 < stream.size(); k += 3) {
            const unsigned a = static_cast<unsigned>(stream[k]) & 0x3FF, b = static_cast<unsigned>(stream[k + 1]) & 0x3FF,
                           c = static_cast<unsigned>(stream[k + 2]) & 0x3FF;
            if (format == 311) {
                putLe(o, a | (b << 10) | (c << 20), 4);
            } else {
                putLe(o, (a << 1) | ((c & 0x1F) << 11), 2);
                putLe(o, (b << 1) | ((c >> 5) << 11), 2);
            }
        }
    }
    return o;
}
std::string withLineEndings(std::string text, const std::string& eol) {
    std::string out;
    for (char c : text) {
        if (c == '\n') out += eol;
        else out.push_back(c);
    }
    return out;
}
}  // namespace

TEST_CASE("WFDB: every format, two interleaved signals, sample count from the file size", "[io][wfdb]") {
    const auto dir = test::ioTempDir("wfdbfmt");
    // values inside every format's range (8-bit first differences within +-127, 10-bit >= -511)
    const std::vector<int> s0 = {-60, 0, 37, 100, -27, 5};
    const std::vector<int> s1 = {50, -50, 1, -1, 99, -20};
    std::vector<int> stream;
    for (std::size_t i = 0; i < s0.size(); ++i) {
        stream.push_back(s0[i]);
        stream.push_back(s1[i]);
    }
    for (int format : {8, 16, 24, 32, 61, 80, 160, 212, 310, 311}) {
        INFO("format " << format);
        const std::string f = std::to_string(format);
        test::writeBytes(dir / ("f" + f + ".dat"), encodeStream(format, stream, 2));
        // no nsamp, no checksum: 6 frames from the file size; 4 adu per µV; baseline 10 on the second
        test::writeText(dir / ("f" + f + ".hea"), "f" + f + " 2 1000\nf" + f + ".dat " + f + " 4/uV 12 0 0\nf" + f + ".dat " + f +
                                                      " 4(10)/uV 12 10 0\n");
        io::ReadInfo info;
        const auto rec = io::readRecording(dir / ("f" + f + ".hea"), info);
        REQUIRE(rec.channels.size() == 2);
        REQUIRE(rec.channels[0].samples.size() == 6);
        REQUIRE(rec.channels[1].samples.size() == 6);
        CHECK(rec.channels[0].physicalUnit == "uV");
        for (std::size_t i = 0; i < 6; ++i) {
            CHECK(rec.channels[0].samples[i] == s0[i] / 4.0);
            CHECK(rec.channels[1].samples[i] == (s1[i] - 10) / 4.0);
        }
        CHECK(info.warnings.empty());
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("WFDB: LF, CRLF, lone CR and mixed line endings read the same", "[io][wfdb]") {
    const auto dir = test::ioTempDir("wfdbeol");
    std::vector<std::uint8_t> d;
    for (int x : {100, -100, 2, 4, -6, 8}) put16le(d, x);   // 3 frames of 2 signals
    test::writeBytes(dir / "le.dat", d);
    const std::string hea = "# made on a Mac\nle 2 500 3 12:00:00 01/02/2003\nle.dat 16 2/mV 16 0 0 0 0 EMG left\n"
                            "le.dat 16 4/mV 16 0 0 0 0 EMG right\n# end\n";
    for (const std::string eol : {"\n", "\r\n", "\r"}) {
        INFO("line ending of " << eol.size() << " bytes, first " << static_cast<int>(eol[0]));
        test::writeText(dir / "le.hea", withLineEndings(hea, eol));
        const auto rec = io::readRecording(dir / "le.hea");
        REQUIRE(rec.channels.size() == 2);
        CHECK(rec.channels[0].label == "EMG left");
        CHECK(rec.channels[1].label == "EMG right");
        CHECK(rec.startDateTime == "2003-02-01T12:00:00");
        REQUIRE(rec.channels[0].samples.size() == 3);
        // 2 adu/mV = 500 µV per unit; 4 adu/mV = 250 µV per unit
        CHECK(rec.channels[0].samples[0] == 50000.0);
        CHECK(rec.channels[1].samples[0] == -25000.0);
        CHECK(rec.channels[0].samples[2] == -3000.0);
        CHECK(rec.channels[1].samples[2] == 2000.0);
    }
    // mixed, with a UTF-8 byte-order mark before the record line
    test::writeText(dir / "le.hea", "\xEF\xBB\xBFle 2 500 3\r\nle.dat 16 2/mV\rle.dat 16 4/mV\n");
    const auto rec = io::readRecording(dir / "le.hea");
    REQUIRE(rec.channels.at(1).samples.size() == 3);
    CHECK(rec.channels[1].samples[1] == 1000.0);
    std::filesystem::remove_all(dir);
}

TEST_CASE("WFDB: optional fields left out take the specification's defaults", "[io][wfdb]") {
    const auto dir = test::ioTempDir("wfdbdefaults");
    std::vector<std::uint8_t> d;
    for (int x : {1, -2, 3, -4, 1000}) put16le(d, x);
    test::writeBytes(dir / "m.dat", d);
    // only name and signal count; only file and format: fs 250 Hz, gain 200 adu/mV (5 µV per unit),
    // baseline = ADC zero = 0, units mV, nsamp from the file size
    test::writeText(dir / "m.hea", "m 1\nm.dat 16\n");
    io::ReadInfo info;
    auto rec = io::readRecording(dir / "m.hea", info);
    REQUIRE(rec.channels.size() == 1);
    CHECK(rec.channels[0].sampleRateHz == 250.0);
    CHECK(rec.channels[0].physicalUnit == "uV");
    CHECK(rec.channels[0].samples == std::vector<double>{5.0, -10.0, 15.0, -20.0, 5000.0});
    bool gainWarned = false;
    for (const auto& w : info.warnings) gainWarned = gainWarned || w.find("200 ADC units") != std::string::npos;
    CHECK(gainWarned);
    // nsamp 0 means unspecified too; gain 0 means 200; "200/" keeps the default unit mV
    test::writeText(dir / "m.hea", "m 1 1000 0\nm.dat 16 0(1) 16\n");
    rec = io::readRecording(dir / "m.hea");
    CHECK(rec.channels[0].samples == std::vector<double>{0.0, -15.0, 10.0, -25.0, 4995.0});
    test::writeText(dir / "m.hea", "m 1 1000\nm.dat 16 200/ 16\n");
    CHECK(io::readRecording(dir / "m.hea").channels[0].samples.at(4) == 5000.0);
    // a byte offset (a 5-byte prolog) is honoured when the count comes from the file size
    std::vector<std::uint8_t> p = {'H', 'E', 'A', 'D', 0};
    for (int x : {7, 8, 9}) put16le(p, x);
    test::writeBytes(dir / "p.dat", p);
    test::writeText(dir / "p.hea", "p 1 1000\np.dat 16+5 1/uV\n");
    CHECK(io::readRecording(dir / "p.hea").channels.at(0).samples == std::vector<double>{7.0, 8.0, 9.0});
    // nsamp smaller than the file: only nsamp frames (and the file is not read to its end)
    std::vector<std::uint8_t> big;
    for (int i = 0; i < 100000; ++i) put16le(big, i % 1000);
    test::writeBytes(dir / "b.dat", big);
    test::writeText(dir / "b.hea", "b 1 1000 4\nb.dat 16 1/uV\n");
    CHECK(io::readRecording(dir / "b.hea").channels.at(0).samples == std::vector<double>{0.0, 1.0, 2.0, 3.0});
    std::filesystem::remove_all(dir);
}

TEST_CASE("WFDB: units in any case and spelling, tabs and runs of spaces", "[io][wfdb]") {
    const auto dir = test::ioTempDir("wfdbunits");
    // 9 signals in one file, each frame holds ADC value 8 for every signal
    const std::vector<std::string> units = {"uV", "UV", "\xC2\xB5V", "mV", "MV", "V", "microvolt", "MilliVolts", "mmHg"};
    const std::vector<double> expectUv = {4.0, 4.0, 4.0, 4000.0, 4000.0, 4e6, 4.0, 4000.0, 4.0};   // 8 adu at 2 adu/unit
    std::vector<std::uint8_t> d;
    for (int frame = 0; frame < 2; ++frame)
        for (std::size_t i = 0; i < units.size(); ++i) put16le(d, 8);
    test::writeBytes(dir / "u.dat", d);
    std::string hea = "u\t" + std::to_string(units.size()) + "   \t 1000\t\t2\n";
    for (const auto& u : units) hea += "u.dat \t16\t  2/" + u + "    16\t0\t0\t0\t0\tneedle  " + u + "\n";
    test::writeText(dir / "u.hea", hea);
    const auto rec = io::readRecording(dir / "u.hea");
    REQUIRE(rec.channels.size() == units.size());
    for (std::size_t i = 0; i < units.size(); ++i) {
        INFO(units[i]);
        REQUIRE(rec.channels[i].samples.size() == 2);
        CHECK(rec.channels[i].samples[1] == expectUv[i]);
        CHECK(rec.channels[i].label == "needle  " + units[i]);
        CHECK(rec.channels[i].physicalUnit == (units[i] == "mmHg" ? "mmHg" : "uV"));
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("WFDB: one file shared by signals named apart, samples per frame, skew", "[io][wfdb]") {
    const auto dir = test::ioTempDir("wfdbshare");
    std::vector<std::uint8_t> a, b;
    // a.dat frames: (x0 x0' y) with x at 2 samples per frame; b.dat: one signal
    for (int f = 0; f < 3; ++f) {
        put16le(a, 10 * f + 1);
        put16le(a, 10 * f + 2);
        put16le(a, -(f + 1));
        put16le(b, 100 + f);
    }
    test::writeBytes(dir / "a.dat", a);
    test::writeBytes(dir / "b.dat", b);
    // a.dat's second signal is named after b.dat: still a.dat's interleaved second signal
    test::writeText(dir / "s.hea", "s 3 1000\na.dat 16x2 1/uV\nb.dat 16 1/uV\na.dat 16 1/uV\n");
    auto rec = io::readRecording(dir / "s.hea");
    REQUIRE(rec.channels.size() == 3);
    CHECK(rec.channels[0].sampleRateHz == 2000.0);
    CHECK(rec.channels[0].samples == std::vector<double>{1, 2, 11, 12, 21, 22});
    CHECK(rec.channels[1].samples == std::vector<double>{100, 101, 102});
    CHECK(rec.channels[2].samples == std::vector<double>{-1, -2, -3});
    // skew 1 on b.dat: its frame-t sample is stored in frame t + 1; the last has none (baseline 0)
    test::writeText(dir / "s.hea", "s 2 1000 3\nb.dat 16:1 1/uV\n~ 0 1/uV\n");
    io::ReadInfo info;
    rec = io::readRecording(dir / "s.hea", info);
    CHECK(rec.channels.at(0).samples == std::vector<double>{101, 102, 0});
    CHECK(rec.channels.at(1).samples == std::vector<double>{0, 0, 0});   // null signal: as long as the record
    std::filesystem::remove_all(dir);
}

TEST_CASE("WFDB: absurd numbers get a clear FormatError, never a huge allocation", "[io][wfdb]") {
    CHECK_THROWS_WITH(io::parseWfdbHeader("r 1 360 -5\nr.dat 16\n"), Catch::Contains("negative number of samples"));
    CHECK_THROWS_WITH(io::parseWfdbHeader("r -2 360\n"), Catch::Contains("number of signals -2"));
    CHECK_THROWS_WITH(io::parseWfdbHeader("r 1 360\nr.dat 16 nan/mV\n"), Catch::Contains("ADC gain 'nan'"));
    CHECK_THROWS_WITH(io::parseWfdbHeader("r 1 360\nr.dat 16 inf/mV\n"), Catch::Contains("ADC gain 'inf'"));
    CHECK_THROWS_WITH(io::parseWfdbHeader("r 1 360\nr.dat 16 1e-300/mV\n"), Catch::Contains("impossibly small"));
    CHECK_THROWS_WITH(io::parseWfdbHeader("r 1 360\nr.dat 16x0\n"), Catch::Contains("samples per frame 0"));
    CHECK_THROWS_WITH(io::parseWfdbHeader("r 1 360\nr.dat 16:99999999999\n"), Catch::Contains("skew"));
    CHECK_THROWS_WITH(io::parseWfdbHeader("r 1 360\nr.dat 16+-4\n"), Catch::Contains("byte offset"));
    CHECK_THROWS_WITH(io::parseWfdbHeader("r 1 nan\nr.dat 16\n"), Catch::Contains("sampling frequency"));
    CHECK_THROWS_WITH(io::parseWfdbHeader("r 1 360\nr.dat 516\n"), Catch::Contains("FLAC"));
    CHECK_THROWS_WITH(io::parseWfdbHeader("r 1 360 99999999999999999999\nr.dat 16\n"), Catch::Contains("not an integer"));
    const auto dir = test::ioTempDir("wfdbabsurd");
    test::writeBytes(dir / "h.dat", {1, 0, 2, 0});
    // nsamp far beyond the 2 frames the file holds (and beyond any memory): refused before allocating
    test::writeText(dir / "h.hea", "h 1 360 9000000000000000000\nh.dat 16 200 16 0\n");
    CHECK_THROWS_WITH(io::readRecording(dir / "h.hea"), Catch::Contains("holds 2 frames"));
    test::writeText(dir / "h.hea", "h 1 360 1000000\nh.dat 16x100000 200 16 0\n");
    CHECK_THROWS_AS(io::readRecording(dir / "h.hea"), io::FormatError);
    // only null signals with an enormous count: refused
    test::writeText(dir / "n.hea", "n 2 360 9000000000000000000\n~ 0 200\n~ 0 200\n");
    CHECK_THROWS_WITH(io::readRecording(dir / "n.hea"), Catch::Contains("implausible"));
    // byte offset beyond the file
    test::writeText(dir / "o.hea", "o 1 360\nh.dat 16+100 200\n");
    CHECK_THROWS_WITH(io::readRecording(dir / "o.hea"), Catch::Contains("beyond the file"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("WFDB: an EMGLAB record (CR lines, format 61, no sample count) gives its electrode comment as the transducer", "[io][wfdb]") {
    // the layout of the EMGLAB data sets' headers (McGill): lone CR line ends, big-endian 16-bit
    // samples, the sample count left out, "key: value" comments
    const auto dir = test::ioTempDir("wfdbemglab");
    const std::vector<int> s = {0, 500, -500, 1000, -32767, 32767};   // -32768 is WFDB's invalid-sample code
    std::vector<std::uint8_t> bytes;
    for (int v : s) {
        bytes.push_back(static_cast<std::uint8_t>((static_cast<unsigned>(v) >> 8) & 0xFF));
        bytes.push_back(static_cast<std::uint8_t>(static_cast<unsigned>(v) & 0xFF));
    }
    test::writeBytes(dir / "R00108.dat", bytes);
    test::writeText(dir / "R00108.hea", "R00108 1 10000\rR00108.dat 61 500/mV\r# gender: f\r# age: 25\r# muscle: brachial biceps\r"
                                         "# electrode: monopolar needle\r# high-pass filter: 8 Hz\r");
    const auto rec = io::readRecording(dir / "R00108.hea");
    REQUIRE(rec.channels.size() == 1);
    CHECK(rec.channels[0].sampleRateHz == 10000.0);
    CHECK(rec.channels[0].transducer == "monopolar needle");
    REQUIRE(rec.channels[0].samples.size() == s.size());
    for (std::size_t i = 0; i < s.size(); ++i) CHECK(rec.channels[0].samples[i] == s[i] * 2.0);   // 500 units per mV: 2 uV
    // PhysioNet's spelling, any case; no such comment: no transducer
    test::writeText(dir / "R00108.hea", "R00108 1 10000\nR00108.dat 61 500/mV\n# <Electrode>: concentric needle \n");
    CHECK(io::readRecording(dir / "R00108.hea").channels[0].transducer == "concentric needle");
    test::writeText(dir / "R00108.hea", "R00108 1 10000\nR00108.dat 61 500/mV\n# electrodes were moved: twice\n");
    CHECK(io::readRecording(dir / "R00108.hea").channels[0].transducer.empty());
    std::filesystem::remove_all(dir);
}
