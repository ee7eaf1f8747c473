// ASCII signal files as other programs export them: a time or sample-number column, column names
// and units in a heading line, a decimal comma in ';'-separated rows, LabChart's text export, a
// stated sample rate. The samples and the rate are known; what the file says decides labels,
// units and the rate, and an explicit --rate always wins (with the disagreement named).
#include "io_test_util.h"

#include <emg/io/raw_signal.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <string>

using namespace emg;

namespace {

/// A signal of known values: a 113 Hz sine of 400 µV with a slow offset, in µV.
double truthUv(std::size_t i, double fs) {
    const double t = static_cast<double>(i) / fs;
    return 400.0 * std::sin(2.0 * M_PI * 113.0 * t) + 25.0 * t;
}

std::string num(double v, const char* fmt) {
    char b[64];
    std::snprintf(b, sizeof b, fmt, v);
    return b;
}

std::string withComma(std::string s) {
    for (char& c : s)
        if (c == '.') c = ',';
    return s;
}

Recording read(const std::filesystem::path& p, io::ReadInfo& info, double rateHz = 0.0, std::optional<double> gain = {}) {
    io::RawSignalOptions o;
    o.sampleRateHz = rateHz;
    o.gainUvPerCount = gain;
    return io::readRawSignal(p, o, info);
}

bool mentions(const io::ReadInfo& info, const std::string& text) {
    for (const auto& w : info.warnings)
        if (w.find(text) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("ASCII: a time column is not a signal and its steps give the rate", "[io][raw][ascii]") {
    const auto dir = test::ioTempDir("ascii-time");
    const double fs = 32768.0;
    const std::size_t n = 5 * 32768;   // 5 s, times printed to 1 µs as exports do
    std::string text = "time_s,emg_uV\r\n";
    for (std::size_t i = 0; i < n; ++i) text += num(static_cast<double>(i) / fs, "%.6f") + "," + num(truthUv(i, fs), "%.1f") + "\r\n";
    test::writeText(dir / "t.csv", text);
    io::ReadInfo info;
    const Recording rec = read(dir / "t.csv", info);
    REQUIRE(rec.channels.size() == 1);
    CHECK(rec.channels[0].label == "emg");
    // the times' rounding (0.5 µs over 5 s) leaves 1e-7 of the rate: 32768 Hz exactly on its grid
    CHECK(rec.channels[0].sampleRateHz == 32768.0);
    REQUIRE(rec.channels[0].samples.size() == n);
    for (std::size_t i : {std::size_t{0}, std::size_t{1000}, n - 1}) CHECK(rec.channels[0].samples[i] == Approx(truthUv(i, fs)).margin(0.05));
    CHECK(mentions(info, "is the time"));
    // what a dialog offers, from the file's first 64 KiB only
    CHECK(io::asciiStatedRateHz(dir / "t.csv") == Approx(fs).epsilon(1e-6));

    SECTION("the same file with --rate agreeing says nothing more; disagreeing, --rate is used and the file named") {
        io::ReadInfo agree;
        CHECK(read(dir / "t.csv", agree, fs).channels[0].sampleRateHz == fs);
        CHECK_FALSE(mentions(agree, "the rate given"));
        io::ReadInfo disagree;
        CHECK(read(dir / "t.csv", disagree, 10000.0).channels[0].sampleRateHz == 10000.0);
        CHECK(mentions(disagree, "the file says 32768 Hz"));
    }
}

TEST_CASE("ASCII: a non-integer rate from times (23437.5 Hz) and times in ms", "[io][raw][ascii]") {
    const auto dir = test::ioTempDir("ascii-time-ms");
    const double fs = 23437.5;
    std::string s = "Time [s]\tEMG [mV]\n", ms;
    for (std::size_t i = 0; i < 23437; ++i) {
        s += num(static_cast<double>(i) / fs, "%.7f") + "\t" + num(truthUv(i, fs) / 1000.0, "%.6f") + "\n";
        ms += num(1000.0 * static_cast<double>(i) / fs, "%.4f") + " " + num(truthUv(i, fs), "%.2f") + "\n";
    }
    test::writeText(dir / "s.txt", s);
    test::writeText(dir / "ms.txt", ms);
    io::ReadInfo info;
    const Recording rec = read(dir / "s.txt", info);
    REQUIRE(rec.channels.size() == 1);
    CHECK(rec.channels[0].sampleRateHz == 23437.5);
    CHECK(rec.channels[0].label == "EMG");
    CHECK(rec.channels[0].physicalUnit == "uV");
    CHECK(rec.channels[0].samples[777] == Approx(truthUv(777, fs)).margin(0.001));   // mV read as µV
    CHECK(mentions(info, "is in mV"));
    // no heading: the first column rises by one step; with --rate it is recognised as ms
    io::ReadInfo infoMs;
    const Recording recMs = read(dir / "ms.txt", infoMs, fs);
    REQUIRE(recMs.channels.size() == 1);
    CHECK(recMs.channels[0].sampleRateHz == fs);
    CHECK(mentions(infoMs, "(ms)"));
    CHECK_FALSE(mentions(infoMs, "the rate given"));
}

TEST_CASE("ASCII: semicolon-separated rows with a decimal comma, and tab-separated ones", "[io][raw][ascii]") {
    const auto dir = test::ioTempDir("ascii-comma");
    const double fs = 4000.0;
    std::string semi = "Zeit;EMG rechts (µV);EMG links (µV)\n", tab;
    for (std::size_t i = 0; i < 4000; ++i) {
        semi += withComma(num(static_cast<double>(i) / fs, "%.5f")) + ";" + withComma(num(truthUv(i, fs), "%.2f")) + ";" +
                withComma(num(-truthUv(i, fs), "%.2f")) + "\n";
        tab += withComma(num(truthUv(i, fs), "%.3f")) + "\t" + withComma(num(0.5 * truthUv(i, fs), "%.3f")) + "\n";
    }
    test::writeText(dir / "semi.csv", semi);
    test::writeText(dir / "tab.txt", tab);
    io::ReadInfo info;
    const Recording rec = read(dir / "semi.csv", info);
    REQUIRE(rec.channels.size() == 2);   // not 6: the commas are decimals
    CHECK(rec.channels[0].label == "EMG rechts");
    CHECK(rec.channels[1].label == "EMG links");
    CHECK(rec.channels[0].sampleRateHz == fs);
    CHECK(rec.channels[0].samples[1234] == Approx(truthUv(1234, fs)).margin(0.006));
    CHECK(rec.channels[1].samples[1234] == Approx(-truthUv(1234, fs)).margin(0.006));
    CHECK(mentions(info, "decimal mark"));
    io::ReadInfo infoTab;
    const Recording recTab = read(dir / "tab.txt", infoTab, fs);
    REQUIRE(recTab.channels.size() == 2);
    CHECK(recTab.channels[1].samples[99] == Approx(0.5 * truthUv(99, fs)).margin(0.001));
    // one named column written with decimal commas: the heading says it is one column
    test::writeText(dir / "one.csv", "EMG\n85,2\n-96,9\n112,5\n");
    io::ReadInfo infoOne;
    const Recording one = read(dir / "one.csv", infoOne, 1000.0);
    REQUIRE(one.channels.size() == 1);
    CHECK(one.channels[0].samples == std::vector<double>{85.2, -96.9, 112.5});
    // one column written with decimal commas and no heading at all: a row cannot tell "85,2" from two
    // integers, the rows do ("12,05": no integer column writes a leading zero; "-0,4": nor a negative zero)
    std::string bare;
    for (std::size_t i = 0; i < 4000; ++i) bare += withComma(num(truthUv(i, fs), "%.2f")) + "\r\n";
    test::writeText(dir / "bare.txt", bare);
    io::ReadInfo infoBare;
    const Recording recBare = read(dir / "bare.txt", infoBare, fs);
    REQUIRE(recBare.channels.size() == 1);
    REQUIRE(recBare.channels[0].samples.size() == 4000u);
    CHECK(recBare.channels[0].samples[1234] == Approx(truthUv(1234, fs)).margin(0.006));
    CHECK(mentions(infoBare, "decimal mark"));
    // one decimal only ("85,2"): every second part one digit, all ten digits among them
    std::string oneDecimal;
    for (std::size_t i = 0; i < 4000; ++i) oneDecimal += withComma(num(truthUv(i, fs), "%.1f")) + "\n";
    test::writeText(dir / "one_decimal.txt", oneDecimal);
    io::ReadInfo infoOneDecimal;
    const Recording recOneDecimal = read(dir / "one_decimal.txt", infoOneDecimal, fs);
    REQUIRE(recOneDecimal.channels.size() == 1);
    CHECK(recOneDecimal.channels[0].samples[777] == Approx(truthUv(777, fs)).margin(0.051));
    // two integer columns (an EMG in counts and a 0/1 trigger, or two EMG channels) stay two columns
    std::string emgTtl, twoEmg;
    for (std::size_t i = 0; i < 4000; ++i) {
        emgTtl += std::to_string(static_cast<int>(std::lround(truthUv(i, fs)))) + "," + (i % 400 < 4 ? "1" : "0") + "\n";
        twoEmg += std::to_string(static_cast<int>(std::lround(truthUv(i, fs)))) + "," + std::to_string(static_cast<int>(std::lround(-0.7 * truthUv(i, fs)))) + "\n";
    }
    test::writeText(dir / "emg_ttl.csv", emgTtl);
    test::writeText(dir / "two.csv", twoEmg);
    for (const char* name : {"emg_ttl.csv", "two.csv"}) {
        INFO(name);
        io::ReadInfo infoInts;
        const Recording ints = read(dir / name, infoInts, fs);
        REQUIRE(ints.channels.size() == 2);
        CHECK(ints.channels[0].samples[1234] == std::lround(truthUv(1234, fs)));
        CHECK_FALSE(mentions(infoInts, "decimal mark"));
    }
    // a comma-separated file keeps ',' a separator (the existing convention)
    test::writeText(dir / "plain.csv", "1.5,2.5\n3,4\n5,6\n");
    io::ReadInfo infoPlain;
    CHECK(read(dir / "plain.csv", infoPlain, 100.0).channels.size() == 2);
}

TEST_CASE("ASCII: LabChart's text export (Interval=, ChannelTitle=, UnitName=)", "[io][raw][ascii]") {
    const auto dir = test::ioTempDir("ascii-labchart");
    const double fs = 10000.0;
    std::string s = "Interval=\t0.0001 s\nExcelDateTime=\t4.5612345678e+04\t19/11/2024 10:21:05.123\nTimeFormat=\tStartOfBlock\n"
                    "DateFormat=\t\nChannelTitle=\tEMG biceps\tForce\nRange=\t10.000 mV\t500.0 N\nUnitName=\tmV\tN\n"
                    "TopValue=\t10.0\t500\nBottomValue=\t-10.0\t-500\n";
    for (std::size_t i = 0; i < 2000; ++i)
        s += num(static_cast<double>(i) / fs, "%.4f") + "\t" + num(truthUv(i, fs) / 1000.0, "%.5f") + "\t" + num(12.5, "%.2f") + "\n";
    test::writeText(dir / "lab.txt", s);
    io::ReadInfo info;
    const Recording rec = read(dir / "lab.txt", info);
    REQUIRE(rec.channels.size() == 2);
    CHECK(rec.channels[0].label == "EMG biceps");
    CHECK(rec.channels[0].sampleRateHz == fs);
    CHECK(rec.channels[0].samples[321] == Approx(truthUv(321, fs)).margin(0.01));
    CHECK(rec.channels[1].label == "Force");
    CHECK(rec.channels[1].physicalUnit == "N");   // not a voltage: kept, not scaled
    CHECK(rec.channels[1].samples[5] == 12.5);
}

TEST_CASE("ASCII: a stated sample rate, a sample-number column, a one-column heading", "[io][raw][ascii]") {
    const auto dir = test::ioTempDir("ascii-stated");
    test::writeText(dir / "rate.txt", "# recorded with a concentric needle\n# Sampling rate: 10 kHz\n1\n2\n3\n");
    io::ReadInfo info;
    CHECK(read(dir / "rate.txt", info).channels[0].sampleRateHz == 10000.0);
    CHECK(mentions(info, "as the file states it"));
    io::ReadInfo given;
    CHECK(read(dir / "rate.txt", given, 5000.0).channels[0].sampleRateHz == 5000.0);
    CHECK(mentions(given, "the file says 10000 Hz"));
    CHECK(io::asciiStatedRateHz(dir / "rate.txt") == 10000.0);
    test::writeText(dir / "fs.txt", "fs = 48000\nvalue\n1\n2\n");
    io::ReadInfo infoFs;
    const Recording recFs = read(dir / "fs.txt", infoFs);
    CHECK(recFs.channels[0].sampleRateHz == 48000.0);
    CHECK(recFs.channels[0].label == "value");

    test::writeText(dir / "index.csv", "Sample,EMG (uV),Trigger\n0,10,0\n1,20,0\n2,30,1\n3,40,0\n");
    io::ReadInfo infoIdx;
    const Recording recIdx = read(dir / "index.csv", infoIdx, 2000.0);
    REQUIRE(recIdx.channels.size() == 2);
    CHECK(recIdx.channels[0].label == "EMG");
    CHECK(recIdx.channels[0].samples == std::vector<double>{10, 20, 30, 40});
    CHECK(mentions(infoIdx, "counts the samples"));
    // a rising first column with a signal's name stays a signal
    test::writeText(dir / "named.csv", "ramp,emg\n0,5\n1,6\n2,7\n3,8\n");
    io::ReadInfo infoNamed;
    CHECK(read(dir / "named.csv", infoNamed, 100.0).channels.size() == 2);

    // one column headed in mV; an explicit gain wins over the heading
    test::writeText(dir / "mv.csv", "EMG (mV)\n0.5\n-1.25\n2\n");
    io::ReadInfo infoMv;
    const Recording recMv = read(dir / "mv.csv", infoMv, 1000.0);
    CHECK(recMv.channels[0].label == "EMG");
    CHECK(recMv.channels[0].samples == std::vector<double>{500.0, -1250.0, 2000.0});
    io::ReadInfo infoGain;
    CHECK(read(dir / "mv.csv", infoGain, 1000.0, 2.0).channels[0].samples == std::vector<double>{1.0, -2.5, 4.0});
    CHECK(mentions(infoGain, "the gain given is used"));
    // metadata before one column names nothing
    test::writeText(dir / "meta.txt", "Patient: anonymous, recorded 2024-11-19\n1\n2\n");
    io::ReadInfo infoMeta;
    CHECK(read(dir / "meta.txt", infoMeta, 1000.0).channels[0].label == "meta");
}

TEST_CASE("ASCII: no rate stated and none given is a clear error, a scaled overflow is refused", "[io][raw][ascii]") {
    const auto dir = test::ioTempDir("ascii-norate");
    test::writeText(dir / "plain.txt", "1\n2\n3\n");
    CHECK_FALSE(io::asciiStatedRateHz(dir / "plain.txt").has_value());
    CHECK_FALSE(io::asciiStatedRateHz(dir / "missing.txt").has_value());
    io::ReadInfo info;
    try {
        read(dir / "plain.txt", info);
        FAIL("no error");
    } catch (const std::invalid_argument& e) {
        CHECK_THAT(e.what(), Catch::Contains("--rate"));
    }
    test::writeText(dir / "huge.csv", "EMG (V)\n1e303\n");
    CHECK_THROWS_AS(read(dir / "huge.csv", info, 1000.0), io::FormatError);
}
