// A multi-segment WFDB record whose null segment lies between two recorded ones is read as an
// EDF+D file is: each recorded stretch analysed alone, never a sweep across the hole. A simulated
// motor study (wrist, elbow, axilla; 10 stimuli each, 1 s apart) is written as WFDB format 32 (0.1 uV
// a step), the stimuli as MIT annotations with their text: runs A (0-15 s) and B (15-30 s) as
// records of their own, and as one multi-segment record A, 10 s null, B.
#include "cli_child_run.h"
#include "wfdb_test_bytes.h"

#include <emg/io/recording_io.h>

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

using namespace emg::test;
namespace fs = std::filesystem;

namespace {

constexpr double kStepsPerUv = 10.0;

void writeText(const fs::path& p, const std::string& s) {
    std::ofstream(p, std::ios::binary) << s;
}

/// Frames [first, first + count) of the one channel as format 32, and its header.
void writeRun(const fs::path& dir, const std::string& name, const emg::RecordedChannel& ch, std::size_t first, std::size_t count) {
    std::vector<std::uint8_t> bytes;
    bytes.reserve(count * 4);
    for (std::size_t i = first; i < first + count; ++i) {
        const auto v = static_cast<std::int32_t>(std::lround(ch.samples[i] * kStepsPerUv));
        const auto u = static_cast<std::uint32_t>(v);
        for (int b = 0; b < 4; ++b) bytes.push_back(static_cast<std::uint8_t>((u >> (8 * b)) & 0xFF));
    }
    std::ofstream(dir / (name + ".dat"), std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    writeText(dir / (name + ".hea"), name + " 1 " + std::to_string(static_cast<long>(ch.sampleRateHz)) + " " + std::to_string(count) + "\n" + name +
                                         ".dat 32 " + std::to_string(static_cast<int>(kStepsPerUv)) + "/uV 32 0\n");
}

/// An MIT annotation file: one NOTE (code 22) with its text per stimulus, at `offsetFrames` +
/// the stimulus's frame, for stimuli in [fromSec, toSec).
void writeStimuli(const fs::path& p, const emg::Recording& rec, double rateHz, double fromSec, double toSec, long offsetFrames) {
    std::vector<std::uint8_t> out;
    long last = 0;
    for (const auto& a : rec.annotations) {
        if (a.text.rfind("Stim", 0) != 0 || a.onsetSec < fromSec || a.onsetSec >= toSec) continue;
        const long at = std::lround((a.onsetSec - fromSec) * rateHz) + offsetFrames;
        long d = at - last;
        if (d > 1023) {   // SKIP: a 32-bit interval, high word first
            put16le(out, 59 << 10);
            put16le(out, static_cast<int>((d >> 16) & 0xFFFF));
            put16le(out, static_cast<int>(d & 0xFFFF));
            d = 0;
        }
        put16le(out, (22 << 10) | static_cast<int>(d));
        put16le(out, (63 << 10) | static_cast<int>(a.text.size()));   // AUX: the text
        for (char c : a.text) out.push_back(static_cast<std::uint8_t>(c));
        if (a.text.size() % 2) out.push_back(0);
        last = at;
    }
    put16le(out, 0);
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size()));
}

nlohmann::json analyze(const fs::path& dir, const fs::path& file) {
    const auto r = runCli({"analyze", file.string(), "--test", "motor"}, dir, 0, 300);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    return nlohmann::json::parse(r.out);
}

/// Each site's onset, amplitude and stimulus count in the segment's analysis as in the run's own:
/// the segment is read through a 24-bit copy of 0.1 uV steps (re-quantised within 0.01 uV).
void sameSites(const nlohmann::json& segment, const nlohmann::json& run) {
    REQUIRE(segment.at("sites").size() == run.at("sites").size());
    for (std::size_t i = 0; i < run["sites"].size(); ++i) {
        const auto& s = segment["sites"][i];
        const auto& r = run["sites"][i];
        INFO("site " << r.value("site", std::string()));
        CHECK(s.at("site") == r.at("site"));
        CHECK(s.at("stimuli") == r.at("stimuli"));
        CHECK(s.at("onsetLatencyMs").get<double>() == Approx(r.at("onsetLatencyMs").get<double>()).margin(0.002));
        CHECK(s.at("amplitudeUv").get<double>() == Approx(r.at("amplitudeUv").get<double>()).epsilon(1e-4));
    }
}

}  // namespace

TEST_CASE("analyze of a multi-segment WFDB record with a null segment analyses each recorded stretch alone", "[cli][wfdb][multisegment]") {
    const auto dir = tempDir("wfdb-multiseg-ncs");
    const auto edf = dir / "sim.edf";
    const auto sim = runCli({"simulate", "--test", "motor", "--sweeps", "10", edf.string()}, dir, 0, 300);
    REQUIRE(sim.exitCode == 0);
    const auto rec = emg::io::readRecording(edf);
    REQUIRE(rec.channels.size() == 1);
    const auto& ch = rec.channels[0];
    const double fs = ch.sampleRateHz;
    const auto split = static_cast<std::size_t>(15 * fs), end = static_cast<std::size_t>(30 * fs), hole = static_cast<std::size_t>(10 * fs);
    REQUIRE(ch.samples.size() >= end);
    writeRun(dir, "a", ch, 0, split);
    writeRun(dir, "b", ch, split, end - split);
    writeStimuli(dir / "a.atr", rec, fs, 0.0, 15.0, 0);
    writeStimuli(dir / "b.atr", rec, fs, 15.0, 30.0, 0);
    writeText(dir / "m.hea", "m/3 1 " + std::to_string(static_cast<long>(fs)) + " " + std::to_string(end + hole) + "\na " + std::to_string(split) +
                                 "\n~ " + std::to_string(hole) + "\nb " + std::to_string(end - split) + "\n");
    // the whole record's marks on its clock: A's, then B's 10 s later (after the hole)
    {
        emg::Recording shifted = rec;
        for (auto& a : shifted.annotations)
            if (a.onsetSec >= 15.0) a.onsetSec += 10.0;
        writeStimuli(dir / "m.atr", shifted, fs, 0.0, 40.0, 0);
    }

    const auto ja = analyze(dir, dir / "a.hea"), jb = analyze(dir, dir / "b.hea");
    const auto jm = analyze(dir, dir / "m.hea");
    REQUIRE(jm.value("discontinuous", false));
    REQUIRE(jm.at("contiguousSegments").size() == 2);
    const auto& s1 = jm["contiguousSegments"][0];
    const auto& s2 = jm["contiguousSegments"][1];
    CHECK(s1.at("startSec").get<double>() == Approx(0.0).margin(1e-9));
    CHECK(s1.at("endSec").get<double>() == Approx(15.0).margin(1e-6));
    CHECK(s2.at("startSec").get<double>() == Approx(25.0).margin(1e-6));
    CHECK(s2.at("endSec").get<double>() == Approx(40.0).margin(1e-6));
    CHECK(jm.at("contiguousSegmentsNote").get<std::string>().find("multi-segment WFDB") != std::string::npos);
    sameSites(s1.at("analysis"), ja);
    sameSites(s2.at("analysis"), jb);
    // B's stimuli at the record's times: 10 s after their time in the simulation
    const auto times = s2.at("stimulusTimesSec").get<std::vector<double>>();
    std::vector<double> expected;
    for (const auto& a : rec.annotations)
        if (a.text.rfind("Stim", 0) == 0 && a.onsetSec >= 15.0 && a.onsetSec < 30.0) expected.push_back(a.onsetSec + 10.0);
    REQUIRE(times.size() == expected.size());
    for (std::size_t i = 0; i < times.size(); ++i) CHECK(times[i] == Approx(expected[i]).margin(1.0 / fs));
    fs::remove_all(dir);
}
