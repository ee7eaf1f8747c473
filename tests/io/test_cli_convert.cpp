// `emgws-cli convert IN OUT` end to end: WFDB -> EDF+, EDF+ -> BDF+, samples within one LSB of
// the output and annotations kept; bad input -> non-zero exit and a message on stderr.
#include "edflib_strict.h"
#include "io_test_util.h"

#include <emg/io/recording_io.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

using namespace emg;

namespace {
int run(const std::string& args, const std::filesystem::path& dir) {
    const std::string cmd = std::string(EMGWS_CLI_PATH) + " " + args + " >" + (dir / "stdout.txt").string() + " 2>" +
                            (dir / "stderr.txt").string();
    const int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}
std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}
}  // namespace

#ifdef EMGWS_CLI_PATH
TEST_CASE("emgws-cli convert: WFDB 16 -> EDF+ -> BDF+ keeps samples within one LSB and annotations", "[io][cli]") {
    const auto dir = test::ioTempDir("cli-convert");
    // a WFDB format-16 record: 1 s of a ramp at 1 kHz, 2000 units per mV (0.5 µV per unit)
    std::vector<std::uint8_t> d;
    for (int i = 0; i < 1000; ++i) {
        const int v = (i * 97) % 4001 - 2000;
        d.push_back(static_cast<std::uint8_t>(v & 0xFF));
        d.push_back(static_cast<std::uint8_t>((v >> 8) & 0xFF));
    }
    test::writeBytes(dir / "needle.dat", d);
    test::writeText(dir / "needle.hea", "needle 1 1000 1000\nneedle.dat 16 2000/mV 16 0 0 0 0 EMG deltoid\n");
    REQUIRE(run("convert " + (dir / "needle.hea").string() + " " + (dir / "needle.edf").string(), dir) == 0);
    const std::string out = slurp(dir / "stdout.txt");
    CHECK(out.find("\"inputFormat\": \"WFDB\"") != std::string::npos);
    CHECK(out.find("\"outputFormat\": \"EDF+\"") != std::string::npos);
    const auto edf = io::readRecording(dir / "needle.edf");
    REQUIRE(edf.channels.size() == 1);
    // written in the EDF+ standard form "<type> <specification>", read back split
    CHECK(slurp(dir / "needle.edf").substr(256, 16) == "EMG deltoid     ");
    CHECK(edf.channels[0].label == "deltoid");
    CHECK(edf.channels[0].signalType == "EMG");
    CHECK(edf.channels[0].sampleRateHz == 1000.0);
    const double lsbEdf = 2000.0 / 65535;   // data range -1000..1000 µV over 16 bits
    for (int i = 0; i < 1000; ++i)
        REQUIRE(std::fabs(edf.channels[0].samples[static_cast<std::size_t>(i)] - ((i * 97) % 4001 - 2000) * 0.5) <= lsbEdf);

    // EDF+ with annotations -> BDF+
    Recording rec;
    rec.channels.push_back(test::syntheticChannel("APB", 2000, 1.0, 5000.0, 21));
    rec.annotations = {{0.1, 0.0002, "Stim wrist"}, {0.6, 0.0002, "Stim elbow"}};
    io::writeRecording(rec, dir / "a.edf", io::FileFormat::EdfPlus);
    REQUIRE(run("convert " + (dir / "a.edf").string() + " " + (dir / "a.bdf").string(), dir) == 0);
    const auto bdf = io::readRecording(dir / "a.bdf");
    const auto viaEdf = io::readRecording(dir / "a.edf");
    REQUIRE(bdf.channels.at(0).samples.size() == viaEdf.channels.at(0).samples.size());
    auto [lo, hi] = std::minmax_element(viaEdf.channels[0].samples.begin(), viaEdf.channels[0].samples.end());
    const double lsbBdf = (*hi - *lo) / 16777215.0 * 1.001;
    for (std::size_t i = 0; i < bdf.channels[0].samples.size(); ++i)
        REQUIRE(std::fabs(bdf.channels[0].samples[i] - viaEdf.channels[0].samples[i]) <= lsbBdf);
    REQUIRE(bdf.annotations.size() == 2);
    CHECK(bdf.annotations[0].text == "Stim wrist");
    CHECK(bdf.annotations[1].onsetSec == Approx(0.6).margin(1e-7));

    // an EDF+D input stays EDF+D (its records and their onsets kept); --discontinuous changes nothing then
    {
        Recording d;
        RecordedChannel c;
        c.label = "EMG";
        c.sampleRateHz = 100;
        c.samples.assign(500, 5.0);
        for (std::size_t i = 100; i < 300; ++i) c.samples[i] = 0.0;
        d.channels.push_back(c);
        io::writeRecording(d, dir / "d.edf", io::FileFormat::EdfPlus, {{1.0, 2.0}});
        REQUIRE(run("convert " + (dir / "d.edf").string() + " " + (dir / "c.bdf").string(), dir) == 0);
        CHECK(slurp(dir / "stdout.txt").find("\"gaps\": 1") != std::string::npos);
        CHECK(test::fileBytes(dir / "c.bdf")[196] == 'D');
        REQUIRE(run("convert " + (dir / "d.edf").string() + " " + (dir / "dd.bdf").string() + " --discontinuous", dir) == 0);
        CHECK(test::fileBytes(dir / "dd.bdf")[196] == 'D');
        for (const char* f : {"c.bdf", "dd.bdf"}) {
            const auto back = io::readRecording(dir / f);
            // the records at 0-1 s and 3-5 s back to back: 300 samples, the hole no zeros
            REQUIRE(back.channels.at(0).samples.size() == 300);
            CHECK(back.channels[0].samples[50] == Approx(5.0).margin(1e-5));
            CHECK(std::count(back.channels[0].samples.begin(), back.channels[0].samples.end(), 0.0) == 0);
            REQUIRE(back.segments.size() == 2);
            CHECK(back.segments[1].startSec == Approx(3.0));
            REQUIRE_FALSE(back.annotations.empty());
            CHECK(back.annotations[0].text == "Gap 200 samples");
        }
    }

    // errors: unknown output extension, corrupt input, missing arguments
    CHECK(run("convert " + (dir / "a.edf").string() + " " + (dir / "a.txt").string(), dir) != 0);
    CHECK(slurp(dir / "stderr.txt").find(".edf") != std::string::npos);
    test::writeText(dir / "bad.edf", "0       this is not an EDF header");
    CHECK(run("convert " + (dir / "bad.edf").string() + " " + (dir / "b.bdf").string(), dir) != 0);
    CHECK(slurp(dir / "stderr.txt").find("truncated") != std::string::npos);
    CHECK(run("convert only-one-arg", dir) == 2);
    std::filesystem::remove_all(dir);
}
TEST_CASE("emgws-cli convert: a headerless file's integers and printed numbers become the digital samples", "[io][cli]") {
    const auto dir = test::ioTempDir("cli-convert-headerless");
    // raw int16 (as N2001's files) at 0.25 µV per count: every count is its EDF digital sample
    std::vector<std::uint8_t> d;
    const auto countAt = [](int i) { return static_cast<int>(std::lround(9000.0 * std::sin(0.013 * i) + (i % 37) - 18)); };
    for (int i = 0; i < 5000; ++i) {
        const auto v = static_cast<std::int16_t>(countAt(i));
        d.push_back(static_cast<std::uint8_t>(v & 0xFF));
        d.push_back(static_cast<std::uint8_t>((v >> 8) & 0xFF));
    }
    test::writeBytes(dir / "n.bin", d);
    REQUIRE(run("convert " + (dir / "n.bin").string() + " " + (dir / "n.edf").string() + " --format int16le --rate 23437.5 --gain 0.25", dir) == 0);
    std::string out = slurp(dir / "stdout.txt");
    CHECK(out.find("\"rescaled\": true") == std::string::npos);
    // an ASCII column printed with 4 decimals of which one counts (as the Algiers records): on a 0.1 µV grid
    std::string text;
    for (int i = 0; i < 5000; ++i) {
        char b[32];
        std::snprintf(b, sizeof b, "%10.4f ", countAt(i) * 0.1);
        text += b;
    }
    test::writeText(dir / "a.txt", text);
    REQUIRE(run("convert " + (dir / "a.txt").string() + " " + (dir / "a.edf").string() + " --rate 32768", dir) == 0);
    out = slurp(dir / "stdout.txt");
    CHECK(out.find("\"rescaled\": true") == std::string::npos);
    // finer than 16 bits hold over this span (0.001 µV steps over ±900 µV): re-quantised, and said so
    text.clear();
    for (int i = 0; i < 5000; ++i) text += std::to_string(countAt(i) * 0.1 + 0.001 * (i % 7)) + "\n";
    test::writeText(dir / "fine.txt", text);
    REQUIRE(run("convert " + (dir / "fine.txt").string() + " " + (dir / "fine.edf").string() + " --rate 10000", dir) == 0);
    out = slurp(dir / "stdout.txt");
    CHECK(out.find("\"rescaled\": true") != std::string::npos);
    CHECK(out.find("re-quantised") != std::string::npos);

    const auto strictRaw = test::edflibRead(dir / "n.edf");
    const auto strictAscii = test::edflibRead(dir / "a.edf");
    if (!strictRaw.available) {
        WARN("EDFlib not built in: digital samples not checked by an independent reader");
        return;
    }
    REQUIRE(strictRaw.opened);
    REQUIRE(strictAscii.opened);
    std::size_t differRaw = 0, differAscii = 0;
    for (int i = 0; i < 5000; ++i) {
        differRaw += strictRaw.signals.at(0).digital.at(static_cast<std::size_t>(i)) != countAt(i);
        differAscii += strictAscii.signals.at(0).digital.at(static_cast<std::size_t>(i)) != countAt(i);
    }
    CHECK(differRaw == 0);
    CHECK(differAscii == 0);
    CHECK(strictRaw.signals[0].physMin == -8192.0);   // 0.25 µV x -32768
    // no declared range for printed numbers: the data's, 0.1 µV per digital step
    int maxCount = -1 << 30;
    for (int i = 0; i < 5000; ++i) maxCount = std::max(maxCount, countAt(i));
    CHECK(strictAscii.signals[0].digMax == maxCount);
    CHECK(strictAscii.signals[0].physMax == Approx(0.1 * maxCount).margin(1e-9));
}
#endif
