// Reader: liberal with what real files do (EDF+D, unfinished and truncated files, units,
// several rates, TAL details), strict and clear with what cannot be read.
#include "edf_builder.h"
#include "io_test_util.h"

#include <emg/io/recording_io.h>

#include <catch2/catch.hpp>

using namespace emg;
using emg::test::EdfBuilder;
using emg::test::SigSpec;
using namespace std::string_literals;

namespace {
Recording parse(const std::string& file, io::ReadInfo& info) {
    const auto b = test::toBytes(file);
    return io::parseEdf(b.data(), b.size(), info, "test.edf");
}
std::vector<int> ramp(int from, int n) {
    std::vector<int> v(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = from + i;
    return v;
}
}  // namespace

TEST_CASE("EDF+D records are placed by their time-keeping TAL and the gap is exposed", "[io][edf]") {
    EdfBuilder b;
    b.reserved = "EDF+D";
    b.records = "3";
    b.duration = "0.1";
    b.sigs = {SigSpec{"APB", "mV", "-3276.8", "3276.7", "-32768", "32767", "10"},
              SigSpec{"EDF Annotations", "", "-1", "1", "-32768", "32767", "30"}};
    std::string f = b.header();
    b.samples(f, ramp(10, 10));
    b.annotation(f, "+0\x14\x14\0"s, 30);
    b.samples(f, ramp(20, 10));
    b.annotation(f, "+0.1\x14\x14\0+0.25\x15" "1.5\x14Stim wrist\x14Stim elbow\x14\0"s, 30);
    b.samples(f, ramp(30, 10));
    b.annotation(f, "+0.5\x14\x14\0"s, 30);
    io::ReadInfo info;
    const auto rec = parse(f, info);
    CHECK(info.format == io::FileFormat::EdfPlus);
    REQUIRE(rec.channels.size() == 1);
    const auto& c = rec.channels[0];
    CHECK(c.sampleRateHz == Approx(100.0));
    CHECK(c.physicalUnit == "uV");
    REQUIRE(c.samples.size() == 30);   // 0.0-0.2 s, then 0.5-0.6 s: nothing stored for the hole 0.2-0.5 s
    CHECK(c.samples[0] == Approx(1000.0));   // digital 10 = 1.0 mV = 1000 µV
    CHECK(c.samples[19] == Approx(2900.0));
    CHECK(c.samples[20] == Approx(3000.0));
    REQUIRE(rec.segments.size() == 2);
    CHECK(rec.segments[0].startSec == 0.0);
    CHECK(rec.segments[0].durationSec == Approx(0.2));
    CHECK(rec.segments[1].startSec == Approx(0.5));
    CHECK(rec.segments[1].durationSec == Approx(0.1));
    CHECK(rec.durationSec() == Approx(0.6));
    REQUIRE(info.gaps.size() == 1);
    CHECK(info.gaps[0].onsetSec == Approx(0.2));
    CHECK(info.gaps[0].durationSec == Approx(0.3));
    REQUIRE(rec.annotations.size() == 3);
    CHECK(rec.annotations[0].text == "Gap 30 samples");
    CHECK(rec.annotations[0].onsetSec == Approx(0.2));
    CHECK(rec.annotations[1].text == "Stim wrist");
    CHECK(rec.annotations[1].onsetSec == Approx(0.25));
    CHECK(rec.annotations[1].durationSec == Approx(1.5));
    CHECK(rec.annotations[2].text == "Stim elbow");
    CHECK(rec.annotations[2].onsetSec == Approx(0.25));
}

TEST_CASE("annotation onsets are relative to the first record's time-keeping TAL", "[io][edf]") {
    EdfBuilder b;
    b.records = "2";
    b.sigs = {SigSpec{"EMG", "uV", "-100", "100", "-100", "100", "4"}, SigSpec{"EDF Annotations", "", "-1", "1", "-32768", "32767", "20"}};
    std::string f = b.header();
    b.samples(f, {1, 2, 3, 4});
    b.annotation(f, "+0.25\x14\x14\0+0.75\x14Stim wrist\x14\0"s, 20);
    b.samples(f, {5, 6, 7, 8});
    b.annotation(f, "+1.25\x14\x14\0"s, 20);
    io::ReadInfo info;
    const auto rec = parse(f, info);
    REQUIRE(rec.annotations.size() == 1);
    CHECK(rec.annotations[0].onsetSec == Approx(0.5));
    CHECK(rec.channels[0].samples == std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8});
}

TEST_CASE("unfinished (-1 records) and truncated files are read as far as whole records go", "[io][edf]") {
    EdfBuilder b;
    b.reserved = "";
    b.records = "-1";
    b.sigs = {SigSpec{"EMG", "uV", "-32768", "32767", "-32768", "32767", "5"}};
    std::string f = b.header();
    b.samples(f, ramp(-2, 5));
    b.samples(f, ramp(3, 5));
    io::ReadInfo info;
    auto rec = parse(f, info);
    CHECK(info.format == io::FileFormat::Edf);
    CHECK(info.dataRecords == 2);
    CHECK(rec.channels[0].samples == std::vector<double>{-2, -1, 0, 1, 2, 3, 4, 5, 6, 7});
    CHECK_FALSE(info.warnings.empty());

    // header says 3, the third record is cut after 4 bytes: read 2, warn
    b.records = "3";
    std::string t = b.header();
    b.samples(t, ramp(0, 5));
    b.samples(t, ramp(5, 5));
    t += std::string(4, '\0');
    rec = parse(t, info);
    CHECK(info.dataRecords == 2);
    CHECK(rec.channels[0].samples.size() == 10);
    REQUIRE_FALSE(info.warnings.empty());
    CHECK_THAT(info.warnings[0], Catch::Contains("truncated"));

    // header says 5, the file holds 2: inconsistent
    b.records = "5";
    std::string bad = b.header();
    b.samples(bad, ramp(0, 5));
    b.samples(bad, ramp(0, 5));
    CHECK_THROWS_WITH(parse(bad, info), Catch::Contains("inconsistent record count") && Catch::Contains("announces 5"));
}

TEST_CASE("labels in the EDF+ standard form '<type> <specification>' are split, others kept whole", "[io][edf]") {
    EdfBuilder b;
    b.reserved = "";   // plain EDF, as many systems export
    for (const char* l : {"EMG L_Biceps_Bra", "NC L_APB", "emg  R TA", "APB", "EMG", "EMG1"}) b.sigs.push_back(SigSpec{l});
    std::string bytes = b.header();
    for (std::size_t i = 0; i < b.sigs.size(); ++i) b.samples(bytes, ramp(0, 10));
    io::ReadInfo info;
    const auto rec = parse(bytes, info);
    REQUIRE(rec.channels.size() == 6);
    CHECK(rec.channels[0].label == "L_Biceps_Bra");
    CHECK(rec.channels[0].signalType == "EMG");
    CHECK(rec.channels[1].label == "L_APB");
    CHECK(rec.channels[1].signalType == "NC");   // nerve conduction, as in the EDF+ examples
    CHECK(rec.channels[2].label == "R TA");
    CHECK(rec.channels[2].signalType == "EMG");
    for (std::size_t i : {3u, 4u, 5u}) CHECK(rec.channels[i].signalType.empty());
    CHECK(rec.channels[4].label == "EMG");
    CHECK(rec.channels[5].label == "EMG1");

    // written back with their type; an untyped voltage channel becomes "EMG <name>", a name that
    // already carries a type is not doubled, and the 16-character field is respected
    auto out = rec;
    out.channels[3].label = "Tibialis anterior L";
    const auto dir = test::ioTempDir("labels");
    io::writeRecording(out, dir / "w.edf", io::FileFormat::EdfPlus);
    const auto written = test::fileBytes(dir / "w.edf");
    auto label = [&](std::size_t i) { return std::string(written.begin() + 256 + 16 * static_cast<long>(i), written.begin() + 256 + 16 * static_cast<long>(i) + 16); };
    CHECK(label(0) == "EMG L_Biceps_Bra");
    CHECK(label(1) == "NC L_APB        ");
    CHECK(label(2) == "EMG R TA        ");
    CHECK(label(3) == "EMG Tibialis ant");
    CHECK(label(4) == "EMG             ");
    CHECK(label(5) == "EMG EMG1        ");
    CHECK(label(6) == "EDF Annotations ");
}

TEST_CASE("physical dimensions are converted to microvolts, other units kept", "[io][edf]") {
    EdfBuilder b;
    b.reserved = "";
    b.sigs = {SigSpec{"a", "V", "-1", "1", "-10000", "10000", "1"}, SigSpec{"b", "mV", "-10", "10", "-10000", "10000", "1"},
              SigSpec{"c", "nV", "-10000", "10000", "-10000", "10000", "1"}, SigSpec{"d", "\xB5V", "-1", "1", "-1", "1", "1"},
              SigSpec{"e", "degC", "0", "100", "0", "1000", "1"}, SigSpec{"f", "  uV ", " -5 ", "5", " -5", "5 ", " 1"}};
    std::string f = b.header();
    b.samples(f, {5000});  // 0.5 V
    b.samples(f, {-5000}); // -5 mV
    b.samples(f, {1000});  // 1000 nV
    b.samples(f, {1});     // 1 µV (Latin-1 µ)
    b.samples(f, {371});   // 37.1 °C
    b.samples(f, {-3});
    io::ReadInfo info;
    const auto rec = parse(f, info);
    REQUIRE(rec.channels.size() == 6);
    CHECK(rec.channels[0].samples[0] == Approx(500000.0));
    CHECK(rec.channels[1].samples[0] == Approx(-5000.0));
    CHECK(rec.channels[2].samples[0] == Approx(1.0));
    CHECK(rec.channels[3].samples[0] == Approx(1.0));
    CHECK(rec.channels[4].physicalUnit == "degC");
    CHECK(rec.channels[4].samples[0] == Approx(37.1));
    CHECK(rec.channels[5].samples[0] == Approx(-3.0));
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u}) CHECK(rec.channels[i].physicalUnit == "uV");
}

TEST_CASE("each channel keeps its own sample rate and BDF decodes 24-bit two's complement", "[io][bdf]") {
    EdfBuilder b;
    b.bdf = true;
    b.reserved = "24BIT";
    b.records = "1";
    b.duration = "0.5";
    b.sigs = {SigSpec{"slow", "uV", "-8388608", "8388607", "-8388608", "8388607", "2"},
              SigSpec{"fast", "uV", "-8388608", "8388607", "-8388608", "8388607", "4"}};
    std::string f = b.header();
    b.samples(f, {-8388608, 8388607});
    b.samples(f, {-1, 0, 1, -70000});
    io::ReadInfo info;
    const auto rec = parse(f, info);
    CHECK(info.format == io::FileFormat::Bdf);
    CHECK(rec.channels[0].sampleRateHz == Approx(4.0));
    CHECK(rec.channels[1].sampleRateHz == Approx(8.0));
    CHECK(rec.channels[0].samples == std::vector<double>{-8388608, 8388607});
    CHECK(rec.channels[1].samples == std::vector<double>{-1, 0, 1, -70000});
}

TEST_CASE("bad EDF input gets a FormatError that names the problem", "[io][edf]") {
    io::ReadInfo info;
    const auto good = [] {
        EdfBuilder b;
        b.sigs = {SigSpec{}};
        return b;
    };
    auto withData = [](const EdfBuilder& b) {
        std::string f = b.header();
        f += std::string(20, '\0');
        return f;
    };
    CHECK_NOTHROW(parse(withData(good()), info));
    CHECK_THROWS_WITH(parse(std::string(100, '0'), info), Catch::Contains("truncated"));
    CHECK_THROWS_WITH(parse(withData(good()).substr(0, 400), info), Catch::Contains("truncated header"));
    {
        auto b = good();
        b.headerBytes = "768";
        CHECK_THROWS_WITH(parse(withData(b), info), Catch::Contains("wrong header size"));
    }
    {
        auto b = good();
        b.sigs[0].pmin = b.sigs[0].pmax = "5";
        CHECK_THROWS_WITH(parse(withData(b), info), Catch::Contains("impossible physical range"));
    }
    {
        auto b = good();
        b.sigs[0].dmin = "100";
        b.sigs[0].dmax = "100";
        CHECK_THROWS_WITH(parse(withData(b), info), Catch::Contains("impossible digital range"));
    }
    {
        auto b = good();
        b.sigs[0].dmin = "-40000";
        CHECK_THROWS_WITH(parse(withData(b), info), Catch::Contains("outside the 16-bit range"));
    }
    {
        auto b = good();
        b.sigs[0].spr = "ten";
        CHECK_THROWS_WITH(parse(withData(b), info), Catch::Contains("samples per data record") && Catch::Contains("not a number"));
    }
    {
        auto b = good();
        b.duration = "1.0.0";
        CHECK_THROWS_WITH(parse(withData(b), info), Catch::Contains("data record duration"));
    }
    {
        auto b = good();
        b.records = "-7";
        CHECK_THROWS_WITH(parse(withData(b), info), Catch::Contains("negative"));
    }
    {
        std::string f = withData(good());
        f.replace(0, 8, "EDF 1.0 ");
        CHECK_THROWS_WITH(parse(f, info), Catch::Contains("not an EDF or BDF file"));
    }
    // the file-level entry point reports a missing file clearly too
    CHECK_THROWS_WITH(io::readRecording("/nonexistent/x.edf"), Catch::Contains("no such file"));
}

TEST_CASE("EDF+D with an implausible gap (more than a day between records) is refused", "[io][edf]") {
    EdfBuilder b;
    b.reserved = "EDF+D";
    b.records = "2";
    b.sigs = {SigSpec{"EMG", "uV", "-100", "100", "-100", "100", "4"}, SigSpec{"EDF Annotations", "", "-1", "1", "-32768", "32767", "10"}};
    std::string f = b.header();
    b.samples(f, {1, 2, 3, 4});
    b.annotation(f, "+0\x14\x14\0"s, 10);
    b.samples(f, {5, 6, 7, 8});
    b.annotation(f, "+999999\x14\x14\0"s, 10);
    io::ReadInfo info;
    CHECK_THROWS_WITH(parse(f, info), Catch::Contains("more than 24 h"));
}

TEST_CASE("an EMG EDF+ laid out like other systems' exports (20 kHz, 100 ms records, ±2000 digital)", "[io][edf]") {
    // global and signal header as in a published EDF+ EMG example: 10 records of 0.100 s,
    // 2000 samples each, physical ±1000 µV over digital ±2000, an empty annotation signal
    EdfBuilder b;
    b.records = "10";
    b.duration = "0.100";
    b.sigs = {SigSpec{"EMG L_Biceps_Bra", "uV", "-1000", "1000", "-2000", "2000", "2000"},
              SigSpec{"EDF Annotations", "", "0", "1", "-32768", "32767", "500"}};
    std::string f = b.header();
    for (int r = 0; r < 10; ++r) {
        std::vector<int> v(2000);
        for (int i = 0; i < 2000; ++i) v[static_cast<std::size_t>(i)] = ((r * 2000 + i) % 4001) - 2000;
        b.samples(f, v);
        const std::string tk = "+" + std::to_string(r / 10) + "." + std::to_string(r % 10) + "\x14\x14";
        b.annotation(f, tk + std::string(1, '\0'), 500);
    }
    io::ReadInfo info;
    const auto rec = parse(f, info);
    CHECK(info.warnings.empty());
    REQUIRE(rec.channels.size() == 1);
    CHECK(rec.channels[0].sampleRateHz == Approx(20000.0));
    REQUIRE(rec.channels[0].samples.size() == 20000);
    for (int i = 0; i < 20000; i += 997) CHECK(rec.channels[0].samples[static_cast<std::size_t>(i)] == Approx(((i % 4001) - 2000) * 0.5));
}
