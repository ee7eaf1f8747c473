// Writer -> reader round trips: samples within half an LSB of the output resolution, annotations
// exact, and the EDF+ layout byte for byte where the specification fixes it.
#include "io_test_util.h"

#include <emg/io/recording_io.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>

using namespace emg;
using emg::io::FileFormat;

namespace {
Recording sampleRecording() {
    Recording rec;
    rec.patientId = "MCH-0234567 F 02-MAY-1951 Haagse_Harry";
    rec.recordingId = "study-42";
    rec.startDateTime = "2024-03-05T14:07:09";
    rec.channels.push_back(test::syntheticChannel("APB", 4800, 2.0, 8000.0, 1));   // motor: mV range
    rec.channels.push_back(test::syntheticChannel("Sural", 4800, 2.0, 20.0, 2));   // sensory: tens of µV
    rec.channels.push_back(test::syntheticChannel("Needle TA", 9600, 2.0, 500.0, 3));  // second rate
    rec.annotations.push_back({0.1, 0.0002, "Stim wrist"});
    rec.annotations.push_back({0.30025, 0.0, "Stim elbow"});
    rec.annotations.push_back({1.5, 0.0, "Marker: fibrillation µ"});   // UTF-8 text
    rec.annotations.push_back({1.5, 0.0, "second at the same time"});
    return rec;
}

double lsbOf(const RecordedChannel& c, bool bdf) {
    auto [lo, hi] = std::minmax_element(c.samples.begin(), c.samples.end());
    const double range = std::max(*hi, 0.0) - std::min(*lo, 0.0);
    return range / (bdf ? 16777215.0 : 65535.0);
}

void checkRoundTrip(FileFormat format, const char* ext) {
    const bool bdf = format == FileFormat::BdfPlus;
    const auto dir = test::ioTempDir(std::string("roundtrip") + ext);
    const auto path = dir / (std::string("rt") + ext);
    const Recording rec = sampleRecording();
    io::writeRecording(rec, path, format);
    io::ReadInfo info;
    const Recording back = io::readRecording(path, info);
    CHECK(info.format == format);
    CHECK(info.warnings.empty());
    REQUIRE(back.channels.size() == rec.channels.size());
    for (std::size_t c = 0; c < rec.channels.size(); ++c) {
        const auto& a = rec.channels[c];
        const auto& b = back.channels[c];
        CHECK(b.label == a.label);
        CHECK(b.physicalUnit == "uV");
        CHECK(b.sampleRateHz == Approx(a.sampleRateHz).epsilon(1e-12));
        CHECK(b.transducer == a.transducer);
        CHECK(b.prefilter == a.prefilter);
        REQUIRE(b.samples.size() >= a.samples.size());
        // the range is rounded outward to 8 characters, so the file's LSB is at most slightly larger
        const double lsb = lsbOf(a, bdf) * 1.001 + 1e-9;
        double worst = 0;
        for (std::size_t i = 0; i < a.samples.size(); ++i) worst = std::max(worst, std::fabs(b.samples[i] - a.samples[i]));
        INFO(a.label << ": max error " << worst / lsb << " LSB (LSB " << lsb << " uV)");
        CHECK(worst <= 0.5 * lsb + 1e-9);
    }
    REQUIRE(back.annotations.size() == rec.annotations.size());
    for (std::size_t i = 0; i < rec.annotations.size(); ++i) {
        CHECK(back.annotations[i].text == rec.annotations[i].text);
        CHECK(back.annotations[i].onsetSec == Approx(rec.annotations[i].onsetSec).margin(1e-7));
        CHECK(back.annotations[i].durationSec == Approx(rec.annotations[i].durationSec).margin(1e-7));
    }
    CHECK(back.patientId == rec.patientId);
    CHECK(back.startDateTime == rec.startDateTime);
    std::filesystem::remove_all(dir);
}
}  // namespace

TEST_CASE("EDF+ round trip keeps samples within half an LSB and annotations exactly", "[io][edf]") {
    checkRoundTrip(FileFormat::EdfPlus, ".edf");
}

TEST_CASE("BDF+ round trip keeps samples within half an LSB and annotations exactly", "[io][bdf]") {
    checkRoundTrip(FileFormat::BdfPlus, ".bdf");
}

TEST_CASE("EDF+ files follow the specification's layout byte for byte", "[io][edf]") {
    const auto dir = test::ioTempDir("layout");
    for (const bool bdf : {false, true}) {
        const auto path = dir / (bdf ? "l.bdf" : "l.edf");
        Recording rec = sampleRecording();
        io::writeRecording(rec, path, bdf ? FileFormat::BdfPlus : FileFormat::EdfPlus);
        const auto b = test::fileBytes(path);
        const std::string s(b.begin(), b.end());
        const std::size_t ns = 4;   // 3 signals + annotations
        REQUIRE(b.size() > 256 * (ns + 1));
        if (bdf) {
            CHECK(b[0] == 0xFF);
            CHECK(s.substr(1, 7) == "BIOSEMI");
        } else {
            CHECK(s.substr(0, 8) == "0       ");
        }
        for (std::size_t i = bdf ? 1 : 0; i < 256 * (ns + 1); ++i) {
            INFO("header byte " << i);
            REQUIRE((b[i] >= 32 && b[i] <= 126));
        }
        CHECK(s.substr(8, 80).rfind("MCH-0234567 F 02-MAY-1951 Haagse_Harry ", 0) == 0);
        CHECK(s.substr(88, 80).rfind("Startdate 05-MAR-2024 study-42 X emgws", 0) == 0);
        CHECK(s.substr(168, 8) == "05.03.24");
        CHECK(s.substr(176, 8) == "14.07.09");
        CHECK(s.substr(184, 8) == "1280    ");
        CHECK(s.substr(192, 44) == std::string(bdf ? "BDF+C" : "EDF+C") + std::string(39, ' '));
        CHECK(s.substr(236, 8) == "2       ");   // 2 s in records of 1 s
        CHECK(s.substr(244, 8) == "1       ");
        CHECK(s.substr(252, 4) == "4   ");
        CHECK(s.substr(256 + 3 * 16, 16) == std::string(bdf ? "BDF Annotations " : "EDF Annotations "));
        const std::size_t digMin = 256 + ns * (16 + 80 + 8 + 8 + 8);
        const std::size_t digMax = digMin + ns * 8;
        for (std::size_t k = 0; k < ns; ++k) {
            CHECK(s.substr(digMin + k * 8, 8) == (bdf ? "-8388608" : "-32768  "));
            CHECK(s.substr(digMax + k * 8, 8) == (bdf ? "8388607 " : "32767   "));
        }
        const std::size_t sprField = digMax + ns * 8 + ns * 80;
        CHECK(s.substr(sprField, 8) == "4800    ");
        CHECK(s.substr(sprField + 16, 8) == "9600    ");
        // first data record: the annotation signal follows 4800 + 4800 + 9600 samples
        const std::size_t bps = bdf ? 3 : 2;
        const std::size_t ann = 256 * (ns + 1) + (4800 + 4800 + 9600) * bps;
        CHECK(s.substr(ann, 5) == std::string("+0\x14\x14\0", 5));
        CHECK(s.find(std::string("+0.1\x15" "0.0002\x14Stim wrist\x14\0", 24), ann) != std::string::npos);
        const long long annSamples = std::stoll(s.substr(sprField + 24, 8));
        const std::size_t recordBytes = (4800 + 4800 + 9600 + static_cast<std::size_t>(annSamples)) * bps;
        CHECK(b.size() == 256 * (ns + 1) + 2 * recordBytes);
        const std::size_t ann2 = 256 * (ns + 1) + recordBytes + (4800 + 4800 + 9600) * bps;
        CHECK(s.substr(ann2, 5) == std::string("+1\x14\x14\0", 5));
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("writer rejects what EDF cannot hold and picks the format from the extension", "[io][edf]") {
    CHECK(io::writeFormatForPath("a/b.EDF") == FileFormat::EdfPlus);
    CHECK(io::writeFormatForPath("x.bdf") == FileFormat::BdfPlus);
    CHECK_THROWS_AS(io::writeFormatForPath("x.dat"), io::FormatError);
    Recording rec;
    CHECK_THROWS_AS(io::writeRecording(rec, test::ioTempDir("empty") / "e.edf", FileFormat::EdfPlus), io::FormatError);
    rec.channels.push_back(test::syntheticChannel("odd", 333.3333333, 1.0, 100.0, 4));
    CHECK_THROWS_WITH(io::writeRecording(rec, test::ioTempDir("odd") / "o.edf", FileFormat::EdfPlus),
                      Catch::Contains("whole number of samples"));
}

TEST_CASE("a constant channel and a mV-range channel keep their values", "[io][edf]") {
    const auto dir = test::ioTempDir("const");
    Recording rec;
    RecordedChannel c;
    c.label = "flat";
    c.sampleRateHz = 1000;
    c.samples.assign(1000, 123.25);
    rec.channels.push_back(c);
    io::writeRecording(rec, dir / "c.edf", FileFormat::EdfPlus);
    const auto back = io::readRecording(dir / "c.edf");
    REQUIRE(back.channels.size() == 1);
    // range [0, 124] over 65535 steps: LSB ≈ 1.9 nV
    for (double v : back.channels[0].samples) REQUIRE(v == Approx(123.25).margin(0.5 * 124.0 / 65535 + 1e-9));
    std::filesystem::remove_all(dir);
}

TEST_CASE("EDF+D writing leaves out records inside gaps and reads back at the same times", "[io][edf]") {
    const auto dir = test::ioTempDir("discont");
    Recording rec;
    RecordedChannel c;
    c.label = "EMG";
    c.sampleRateHz = 100;
    c.samples.resize(600);
    for (std::size_t i = 0; i < 600; ++i) c.samples[i] = (i >= 200 && i < 400) ? 0.0 : static_cast<double>(i % 50) - 25.0;
    rec.channels.push_back(c);
    rec.annotations = {{1.5, 0, "Stim wrist"}, {2.0, 2.0, "Gap 200 samples"}, {3.0, 0, "inside the gap"}, {4.5, 0, "Stim elbow"}};
    const std::vector<io::DataGap> gaps = {{2.0, 2.0}, {4.6, 0.2}};   // the second covers no whole record
    for (const bool bdf : {false, true}) {
        const auto path = dir / (bdf ? "d.bdf" : "d.edf");
        io::writeRecording(rec, path, bdf ? io::FileFormat::BdfPlus : io::FileFormat::EdfPlus, gaps);
        const auto bytes = test::fileBytes(path);
        const std::string s(bytes.begin(), bytes.end());
        CHECK(s.substr(192, 5) == (bdf ? "BDF+D" : "EDF+D"));
        CHECK(s.substr(236, 8) == "4       ");   // 6 records of 1 s, 2 inside the gap left out
        io::ReadInfo info;
        const auto back = io::readRecording(path, info);
        // the records kept (0-2 s, 4-6 s) back to back: the hole is a hole, not the zeros written into it
        REQUIRE(back.channels.at(0).samples.size() == 400);
        REQUIRE(back.segments.size() == 2);
        CHECK(back.segments[1].startSec == Approx(4.0));
        CHECK(back.segments[1].durationSec == Approx(2.0));
        const double lsb = 49.0 / (bdf ? 16777215.0 : 65535.0) * 1.001;
        for (std::size_t i = 0; i < 400; ++i)
            REQUIRE(std::fabs(back.channels[0].samples[i] - c.samples[i < 200 ? i : i + 200]) <= 0.5 * lsb + 1e-12);
        REQUIRE(info.gaps.size() == 1);
        CHECK(info.gaps[0].onsetSec == Approx(2.0));
        CHECK(info.gaps[0].durationSec == Approx(2.0));
        std::vector<std::string> texts;
        for (const auto& a : back.annotations) texts.push_back(a.text);
        CHECK(texts == std::vector<std::string>{"Stim wrist", "Gap 200 samples", "inside the gap", "Stim elbow"});
    }
    // no record inside a gap: stays continuous
    io::writeRecording(rec, dir / "c.edf", io::FileFormat::EdfPlus, {{4.6, 0.2}});
    CHECK(test::fileBytes(dir / "c.edf")[196] == 'C');
    std::filesystem::remove_all(dir);
}
