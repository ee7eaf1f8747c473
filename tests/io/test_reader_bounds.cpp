// Readers bound what they believe: header numbers against physical sense (rates, record
// duration, physical range), EDF+D holes (never filled: no budget needed), annotation onsets against the
// recording, TAL and ASCII garbage against their memory cost, non-regular files refused by type.
#include "edf_builder.h"
#include "io_test_util.h"
#include "tal.h"

#include <emg/io/raw_signal.h>
#include <emg/io/recording_io.h>

#include <catch2/catch.hpp>

#include <algorithm>

#include <sys/stat.h>

using namespace emg;
using emg::test::EdfBuilder;
using emg::test::SigSpec;
using namespace std::string_literals;

namespace {
Recording parse(const std::string& f, io::ReadInfo& info) {
    const auto b = emg::test::toBytes(f);
    return io::parseEdf(b.data(), b.size(), info, "bounds.edf");
}
std::string oneSignal(const std::string& duration, const std::string& spr, const std::string& pmax = "100") {
    EdfBuilder b;
    b.records = "1";
    b.duration = duration;
    b.sigs = {SigSpec{"EMG", "uV", "-100", pmax, "-100", "100", spr}};
    std::string f = b.header();
    b.samples(f, std::vector<int>(static_cast<std::size_t>(std::stoi(spr)), 1));
    return f;
}
}  // namespace

TEST_CASE("EDF header: a rate above 10 MHz or a record over a day is refused, naming the field", "[io][bounds]") {
    io::ReadInfo info;
    // 10 samples in 1e-12 s = 1e13 Hz (the near-zero duration that looped the Welch PSD)
    CHECK_THROWS_WITH(parse(oneSignal("1E-12", "10"), info), Catch::Contains("bounds.edf") && Catch::Contains("data record duration") &&
                                                                 Catch::Contains("10 MHz"));
    // 20 samples in 1 us = 20 MHz: over; 10 samples in 1 us = 10 MHz: the limit itself reads
    CHECK_THROWS_WITH(parse(oneSignal("0.000001", "20"), info), Catch::Contains("10 MHz"));
    CHECK(parse(oneSignal("0.000001", "10"), info).channels.at(0).sampleRateHz == Approx(1e7));
    CHECK_THROWS_WITH(parse(oneSignal("90000", "10"), info), Catch::Contains("longer than a day"));
    CHECK_THROWS_WITH(parse(oneSignal("1", "10", "1E300"), info), Catch::Contains("physical maximum"));
}

TEST_CASE("EDF+D: records far apart cost nothing for the holes (no zero, no budget): read as segments", "[io][bounds]") {
    auto build = [](int stepSec) {
        EdfBuilder b;
        b.reserved = "EDF+D";
        b.records = "3";
        b.sigs = {SigSpec{"EMG", "uV", "-100", "100", "-100", "100", "1000"}, SigSpec{"EDF Annotations", "", "-1", "1", "-32768", "32767", "10"}};
        std::string f = b.header();
        for (int r = 0; r < 3; ++r) {
            b.samples(f, std::vector<int>(1000, r + 1));
            b.annotation(f, "+" + std::to_string(r * stepSec) + "\x14\x14\0"s, 10);
        }
        return f;
    };
    io::ReadInfo info;
    // 1 kHz, records 1000 s and 3000 s apart: the zero-filling reader held 2,001,000 samples for
    // the first and refused the second (5.998 M zeros); both are now the 3000 recorded samples
    for (const int step : {1000, 3000}) {
        const auto rec = parse(build(step), info);
        REQUIRE(rec.channels.at(0).samples.size() == 3000u);
        CHECK(std::count(rec.channels[0].samples.begin(), rec.channels[0].samples.end(), 0.0) == 0);
        REQUIRE(rec.segments.size() == 3u);
        CHECK(rec.segments[2].startSec == 2.0 * step);
        CHECK(rec.durationSec() == 2.0 * step + 1.0);
        CHECK(info.gaps.size() == 2);
    }
}

TEST_CASE("an annotation far outside the recording is dropped with a warning", "[io][bounds]") {
    EdfBuilder b;
    b.records = "4";
    b.sigs = {SigSpec{"EMG", "uV", "-100", "100", "-100", "100", "100"}, SigSpec{"EDF Annotations", "", "-1", "1", "-32768", "32767", "30"}};
    std::string f = b.header();
    for (int r = 0; r < 4; ++r) {
        b.samples(f, std::vector<int>(100, 0));
        const std::string tk = "+" + std::to_string(r) + "\x14\x14\0"s;
        b.annotation(f, r == 1 ? tk + "+99999999\x14late\x14\0+1.5\x14Stim wrist\x14\0"s : tk, 30);
    }
    io::ReadInfo info;
    const auto rec = parse(f, info);
    REQUIRE(rec.annotations.size() == 1);
    CHECK(rec.annotations[0].text == "Stim wrist");
    CHECK(rec.annotations[0].onsetSec == Approx(1.5));
    bool warned = false;
    for (const auto& w : info.warnings) warned = warned || w.find("1 annotation(s) starting outside the recording (0..4 s)") != std::string::npos;
    CHECK(warned);
}

TEST_CASE("TAL garbage: empty texts cost nothing, one record holds at most 65536 items", "[io][bounds]") {
    std::vector<std::string> warnings;
    // 1 MB of separators after one onset: one (time-keeping-like) empty text, not a million
    std::string bytes = "+1\x14" + std::string(1'000'000, '\x14');
    auto tals = io::detail::parseTals(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), warnings);
    REQUIRE(tals.size() == 1);
    CHECK(tals[0].texts.size() == 1);
    // 200 000 one-letter annotations in one record: cut at 65536 items with a warning
    bytes.clear();
    for (int i = 0; i < 200000; ++i) bytes += "+1\x14" "a\x14"s + '\0';
    warnings.clear();
    tals = io::detail::parseTals(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), warnings);
    CHECK(tals.size() <= 32770u);
    CHECK(tals.size() >= 32767u);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("65536") != std::string::npos);
}

TEST_CASE("non-regular files are refused by what they are", "[io][bounds]") {
    const auto dir = test::ioTempDir("bounds-fifo");
    const auto fifo = dir / "p.edf";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK_THROWS_WITH(io::readRecording(fifo), Catch::Contains("p.edf") && Catch::Contains("is a FIFO"));
    CHECK_THROWS_WITH(io::readRecording(dir), Catch::Contains("is a directory"));
    io::RawSignalOptions o;
    o.sampleRateHz = 1000;
    io::ReadInfo info;
    CHECK_THROWS_WITH(io::readRawSignal(fifo, o, info), Catch::Contains("is a FIFO"));
    o.format = io::RawSampleFormat::Int16Le;
    CHECK_THROWS_WITH(io::readRawSignal(dir, o, info), Catch::Contains("is a directory"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("ASCII: one long line is one channel, not a column per value", "[io][bounds]") {
    const auto dir = test::ioTempDir("bounds-ascii");
    std::string line;
    for (int i = 0; i < 5000; ++i) line += std::to_string(i % 7) + " ";
    test::writeText(dir / "one.txt", line + "\n");
    io::RawSignalOptions o;
    o.sampleRateHz = 1000;
    io::ReadInfo info;
    const auto rec = io::readRawSignal(dir / "one.txt", o, info);
    REQUIRE(rec.channels.size() == 1);
    CHECK(rec.channels[0].samples.size() == 5000u);
    CHECK(rec.channels[0].samples[8] == 1.0);
    test::writeText(dir / "two.txt", line + "\n1 2\n");
    CHECK_THROWS_WITH(io::readRawSignal(dir / "two.txt", o, info), Catch::Contains("line 2") && Catch::Contains("only one"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("WFDB: signals stored in no file are filled up to 4 Mi samples in all", "[io][bounds]") {
    const auto dir = test::ioTempDir("bounds-null");
    std::string many = "m 101 1000 100000\nm.dat 16 200/uV 16 0\n";
    for (int i = 0; i < 100; ++i) many += "~ 0 200/uV 16 0\n";
    test::writeText(dir / "m.hea", many);
    test::writeBytes(dir / "m.dat", std::vector<std::uint8_t>(200000, 0));
    // 100 null signals x 100 000 samples = 10 M > 4 Mi
    CHECK_THROWS_WITH(io::readRecording(dir / "m.hea"), Catch::Contains("m.hea") && Catch::Contains("null signal") &&
                                                          Catch::Contains("implausible"));
    // 40 x 100 000 = 4 M <= 4 Mi: read
    many = "m 41 1000 100000\nm.dat 16 200/uV 16 0\n";
    for (int i = 0; i < 40; ++i) many += "~ 0 200/uV 16 0\n";
    test::writeText(dir / "m.hea", many);
    CHECK(io::readRecording(dir / "m.hea").channels.size() == 41u);
    test::writeText(dir / "f.hea", "f 1 1000000\nm.dat 16x20 200/uV 16 0\n");
    CHECK_THROWS_WITH(io::readRecording(dir / "f.hea"), Catch::Contains("10 MHz"));
    std::filesystem::remove_all(dir);
}
