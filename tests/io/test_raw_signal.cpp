// Headerless signal files other labs publish: ASCII columns (any line ending, a header, several
// separators, all samples on one line) and raw binary samples with a given rate and gain.
#include "io_test_util.h"

#include <emg/io/raw_signal.h>

#include <catch2/catch.hpp>

#include <fstream>

using namespace emg;

namespace {
std::filesystem::path write(const std::filesystem::path& dir, const std::string& name, const std::string& bytes) {
    const auto p = dir / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
}
Recording readAscii(const std::filesystem::path& p, io::ReadInfo& info, double rate = 1000.0, std::optional<double> gain = {}) {
    io::RawSignalOptions o;
    o.sampleRateHz = rate;
    o.gainUvPerCount = gain;
    return io::readRawSignal(p, o, info);
}
}  // namespace

TEST_CASE("ASCII column: LF, CRLF, lone CR, one line, header, separators all give the same samples", "[io][raw]") {
    const auto dir = test::ioTempDir("raw-ascii");
    const std::vector<double> truth{651.6, -655.5, 0.0, 1e3, -2.25, 3.0};
    const std::vector<std::pair<std::string, std::string>> variants{
        {"lf", "651.6\n-655.5\n0\n1e3\n-2.25\n+3\n"},
        {"crlf", "651.6\r\n-655.5\r\n0\r\n1e3\r\n-2.25\r\n3\r\n"},
        {"cr", "651.6\r-655.5\r0\r1e3\r-2.25\r3"},
        {"one line", "   651.6000   -655.5000   0.0000   1000.0000   -2.2500   3.0000"},
        {"header", "EMG deltoid, uV\n# 32768 Hz\n\n651.6\n-655.5\n0\n1000\n-2.25\n3\n"},
        {"tabs", "\t651.6\n-655.5\t\n0\n1000\n-2.25\n3\n\n\n"},
    };
    for (const auto& [name, text] : variants) {
        INFO(name);
        io::ReadInfo info;
        const auto rec = readAscii(write(dir, "v.asc", text), info, 32768.0);
        REQUIRE(rec.channels.size() == 1);
        CHECK(rec.channels[0].sampleRateHz == 32768.0);
        CHECK(rec.channels[0].physicalUnit == "uV");
        REQUIRE(rec.channels[0].samples.size() == truth.size());
        for (std::size_t i = 0; i < truth.size(); ++i) CHECK(rec.channels[0].samples[i] == Approx(truth[i]).margin(1e-9));
    }
}

TEST_CASE("ASCII columns: comma or semicolon separated rows are channels, gain scales", "[io][raw]") {
    const auto dir = test::ioTempDir("raw-ascii-cols");
    io::ReadInfo info;
    const auto rec = readAscii(write(dir, "two.csv", "a,b\n1,10\n2;20\n3 , 30\n"), info, 500.0, 0.5);
    REQUIRE(rec.channels.size() == 2);
    CHECK(rec.channels[0].samples == std::vector<double>{0.5, 1.0, 1.5});
    CHECK(rec.channels[1].samples == std::vector<double>{5.0, 10.0, 15.0});
    REQUIRE(info.warnings.size() == 1);   // the header line named
}

TEST_CASE("ASCII: a bad line after the numbers, ragged rows and no rate are clear errors", "[io][raw]") {
    const auto dir = test::ioTempDir("raw-ascii-bad");
    io::ReadInfo info;
    try {
        readAscii(write(dir, "bad.txt", "1\n2\nthree\n4\n"), info);
        FAIL("no error");
    } catch (const io::FormatError& e) {
        CHECK_THAT(e.what(), Catch::Contains("line 3") && Catch::Contains("three"));
    }
    CHECK_THROWS_AS(readAscii(write(dir, "ragged.txt", "1 2\n3\n"), info), io::FormatError);
    CHECK_THROWS_AS(readAscii(write(dir, "empty.txt", "# nothing\n\n"), info), io::FormatError);
    io::RawSignalOptions noRate;
    CHECK_THROWS_AS(io::readRawSignal(write(dir, "ok.txt", "1\n"), noRate, info), std::invalid_argument);
}

TEST_CASE("raw int16 little- and big-endian, interleaved channels, gain, a trailing partial frame", "[io][raw]") {
    const auto dir = test::ioTempDir("raw-bin");
    // frames (ch0, ch1): (1, -2), (32767, -32768), (-300, 300), then one stray byte
    const std::string le{"\x01\x00\xfe\xff\xff\x7f\x00\x80\xd4\xfe\x2c\x01\x07", 13};
    const std::string be{"\x00\x01\xff\xfe\x7f\xff\x80\x00\xfe\xd4\x01\x2c", 12};
    for (const auto& [fmt, bytes] : {std::pair{io::RawSampleFormat::Int16Le, le}, std::pair{io::RawSampleFormat::Int16Be, be}}) {
        INFO(io::toString(fmt));
        io::RawSignalOptions o;
        o.format = fmt;
        o.sampleRateHz = 23437.5;
        o.channels = 2;
        o.gainUvPerCount = 0.25;
        io::ReadInfo info;
        const auto rec = io::readRawSignal(write(dir, "x.bin", bytes), o, info);
        REQUIRE(rec.channels.size() == 2);
        CHECK(rec.channels[0].sampleRateHz == 23437.5);
        CHECK(rec.channels[0].samples == std::vector<double>{0.25, 8191.75, -75.0});
        CHECK(rec.channels[1].samples == std::vector<double>{-0.5, -8192.0, 75.0});
        CHECK(info.format == io::FileFormat::RawSignal);
        CHECK(info.warnings.size() == (bytes.size() % 4 ? 1u : 0u));
    }
    SECTION("without a gain the counts are kept and the warning says amplitudes are not uV") {
        io::RawSignalOptions o;
        o.format = io::RawSampleFormat::Int16Le;
        o.sampleRateHz = 1000.0;
        io::ReadInfo info;
        const auto rec = io::readRawSignal(write(dir, "y.bin", std::string{"\x10\x00\x20\x00", 4}), o, info);
        CHECK(rec.channels[0].samples == std::vector<double>{16.0, 32.0});
        REQUIRE(info.warnings.size() == 1);
        CHECK_THAT(info.warnings[0], Catch::Contains("not uV"));
    }
}

TEST_CASE("raw binary outline and one channel as float: what readRawSignal gives, without the other samples", "[io][raw]") {
    const auto dir = test::ioTempDir("raw-stream");
    // frames (ch0, ch1): (1, -2), (32767, -32768), (-300, 300), then one stray byte
    const auto path = write(dir, "s.bin", std::string{"\x01\x00\xfe\xff\xff\x7f\x00\x80\xd4\xfe\x2c\x01\x07", 13});
    io::RawSignalOptions o;
    o.format = io::RawSampleFormat::Int16Le;
    o.sampleRateHz = 23437.5;
    o.channels = 2;
    o.gainUvPerCount = 0.25;
    io::ReadInfo info;
    const auto whole = io::readRawSignal(path, o, info);
    const auto outline = io::readRawSignalOutline(path, o);
    REQUIRE(outline);
    CHECK(outline->frames == 3);
    REQUIRE(outline->recording.channels.size() == 2);
    for (std::size_t c = 0; c < 2; ++c) {
        CHECK(outline->recording.channels[c].samples.empty());
        CHECK(outline->recording.channels[c].label == whole.channels[c].label);
        CHECK(outline->recording.channels[c].sampleRateHz == 23437.5);
        // count x gain: exact in float for these values
        const auto x = io::readRawChannelAsFloat(path, o, c);
        REQUIRE(x.size() == 3);
        for (std::size_t i = 0; i < 3; ++i) CHECK(static_cast<double>(x[i]) == whole.channels[c].samples[i]);
    }
    CHECK(outline->info.warnings == info.warnings);   // the stray byte named as readRawSignal names it
    CHECK(outline->info.format == io::FileFormat::RawSignal);
    CHECK_THROWS_AS(io::readRawChannelAsFloat(path, o, 2), io::FormatError);
    io::RawSignalOptions ascii = o;
    ascii.format = io::RawSampleFormat::Ascii;
    CHECK_FALSE(io::readRawSignalOutline(path, ascii));
    // a float32 sample that is not finite is refused by the outline as by readRawSignal
    const auto bad = write(dir, "nan.bin", std::string{"\x00\x00\xc0\x7f", 4});
    io::RawSignalOptions f;
    f.format = io::RawSampleFormat::Float32Le;
    f.sampleRateHz = 1000.0;
    CHECK_THROWS_AS(io::readRawSignalOutline(bad, f), io::FormatError);
}

TEST_CASE("format names", "[io][raw]") {
    CHECK(io::parseRawSampleFormat("ASCII") == io::RawSampleFormat::Ascii);
    CHECK(io::parseRawSampleFormat("int16") == io::RawSampleFormat::Int16Le);
    CHECK(io::parseRawSampleFormat("float32be") == io::RawSampleFormat::Float32Be);
    CHECK_FALSE(io::parseRawSampleFormat("int12"));
}
