// Issue 12's memory bound (100 MB + 3 x the input's size) for the inputs `analyze` used to read
// whole: WFDB records and EDF+D (discontinuous) files, needle and nerve conduction. Each is
// generated here from the simulator's output (20-36 MB, where the whole-file reading took
// 18-20 bytes a sample: well over the bound), analysed by emgws-cli in a child, and its peak RSS
// (ru_maxrss) checked, with the analysis still finding what was simulated.
#include "cli_child_run.h"

#include <emg/io/recording_io.h>

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

using namespace emg::test;
namespace fs = std::filesystem;

namespace {
nlohmann::json parseJson(const std::string& text) {
    INFO(text.substr(0, 400));
    REQUIRE_NOTHROW(nlohmann::json::parse(text));
    return nlohmann::json::parse(text);
}

std::string exact(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

/// The channels as a WFDB record NAME.hea + NAME.dat (format 16, one file, frame by frame), each
/// signal's gain chosen so that its peak is 30000 ADC units, with its checksum. Returns the bytes written.
std::uintmax_t writeWfdb16(const fs::path& dir, const std::string& name, const std::vector<emg::RecordedChannel>& channels) {
    REQUIRE_FALSE(channels.empty());
    const std::size_t frames = channels.front().samples.size();
    std::vector<std::vector<std::int16_t>> adc;
    std::string hea = name + " " + std::to_string(channels.size()) + " " + exact(channels.front().sampleRateHz) + " " + std::to_string(frames) + "\n";
    for (const auto& c : channels) {
        REQUIRE(c.samples.size() == frames);
        double peak = 0.0;
        for (double v : c.samples) peak = std::max(peak, std::fabs(v));
        const double perUnit = peak > 0.0 ? 30000.0 / peak : 1.0;
        auto& a = adc.emplace_back(frames);
        std::uint16_t checksum = 0;   // the 16-bit sum of the signal's samples (WFDB's check)
        for (std::size_t f = 0; f < frames; ++f) {
            a[f] = static_cast<std::int16_t>(std::lround(c.samples[f] * perUnit));
            checksum = static_cast<std::uint16_t>(checksum + static_cast<std::uint16_t>(a[f]));
        }
        hea += name + ".dat 16 " + exact(perUnit) + "/" + c.physicalUnit + " 16 0 0 " + std::to_string(static_cast<std::int16_t>(checksum)) +
               " 0 " + c.label + "\n";
    }
    std::string dat(frames * channels.size() * 2, '\0');
    std::size_t at = 0;
    for (std::size_t f = 0; f < frames; ++f)
        for (const auto& a : adc) {
            dat[at++] = static_cast<char>(a[f] & 0xFF);
            dat[at++] = static_cast<char>((a[f] >> 8) & 0xFF);
        }
    writeFile(dir / (name + ".hea"), hea);
    writeFile(dir / (name + ".dat"), dat);
    return fs::file_size(dir / (name + ".hea")) + fs::file_size(dir / (name + ".dat"));
}

/// `rec` written as EDF+D with `gapSec` seconds missing at `atSec` (a whole number of 1-s
/// records): zeros inserted there, annotations after it moved, the gap's records left out.
void writeEdfWithGap(emg::Recording rec, const fs::path& out, double atSec, double gapSec) {
    for (auto& c : rec.channels) {
        const auto at = static_cast<std::ptrdiff_t>(std::llround(atSec * c.sampleRateHz));
        c.samples.insert(c.samples.begin() + at, static_cast<std::size_t>(std::llround(gapSec * c.sampleRateHz)), 0.0);
    }
    for (auto& a : rec.annotations)
        if (a.onsetSec >= atSec) a.onsetSec += gapSec;
    emg::io::WriteOptions wo;
    wo.gaps = {{atSec, gapSec}};
    emg::io::writeRecording(rec, out, emg::io::FileFormat::EdfPlus, wo);
    const std::string head = slurp(out).substr(192, 5);
    REQUIRE(head == "EDF+D");
}

/// A whole second at least `marginSec` from every stimulus (truth "stimuli"), after `fromSec`.
double quietSecond(const nlohmann::json& truth, double fromSec, double marginSec) {
    for (double t = std::ceil(fromSec);; t += 1.0) {
        bool clear = true;
        for (const auto& s : truth["stimuli"]) clear = clear && std::fabs(s["timeSec"].get<double>() - t) >= marginSec;
        if (clear) return t;
        REQUIRE(t < fromSec + 100.0);
    }
}

void checkNeedleRun(const ChildRun& r, std::uintmax_t size) {
    INFO("stderr: " << r.err << " peak " << r.maxRssKb / 1024 << " MB for " << size / 1'000'000 << " MB");
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("\"test\": \"needle\"") != std::string::npos);
    CHECK(r.out.find("\"motorUnits\": []") == std::string::npos);   // the weak segment was analysed
    checkPeakRss(r.maxRssKb, memoryBoundKb(size));
}

/// Simulated needle EMG, 3 segments of 70 s at 48 kHz, one int16 channel (20.2 MB as EDF+).
emg::Recording simulatedNeedle(const fs::path& dir) {
    const auto edf = (dir / "sim.edf").string();
    const auto sim = runCli({"simulate", "--test", "needle", "--rate", "48000", "--seconds", "70", edf}, dir, 0, 300);
    REQUIRE(sim.exitCode == 0);
    auto rec = emg::io::readRecording(edf);
    fs::remove(edf);
    REQUIRE(rec.channels.size() == 1);
    return rec;
}
}  // namespace

// Read whole, a needle WFDB record took ~19 bytes a sample (its file, the decoded ints, doubles,
// the analysis's copies): ~199 MB here against a bound of 158 MB. Now outline, then the channel
// as float (checksums and invalid samples checked on the way): ~4.3 bytes a sample. ~10 s.
TEST_CASE("analyze of a 20 MB needle WFDB record stays within 100 MB + 3 x its size", "[cli][memory]") {
    const auto dir = tempDir("wfdb-needle");
    auto rec = simulatedNeedle(dir);
    rec.channels[0].label = "Needle EMG";
    const auto size = writeWfdb16(dir, "needle", rec.channels);
    REQUIRE(size > 20'000'000u);
    const auto r = runCli({"analyze", (dir / "needle.hea").string()}, dir, 0, 300);
    fs::remove_all(dir);
    checkNeedleRun(r, size);
}

// An EDF+D needle file (a 2-s gap in the rest segment): read whole with the gap's zeros, ~19
// bytes a sample; then streamed with the zeros in place (~5.3); now each of its two segments
// streamed as a continuous EDF of its own (rest only in the first: no motor units there; the
// weak effort in the second). ~10 s.
TEST_CASE("analyze of a 20 MB needle EDF+D stays within 100 MB + 3 x its size", "[cli][memory]") {
    const auto dir = tempDir("edfd-needle");
    const auto edf = dir / "needle.edf";
    writeEdfWithGap(simulatedNeedle(dir), edf, 50.0, 2.0);
    const auto size = fs::file_size(edf);
    REQUIRE(size > 20'000'000u);
    const auto r = runCli({"analyze", edf.string()}, dir, 0, 300);
    fs::remove_all(dir);
    INFO("stderr: " << r.err << " peak " << r.maxRssKb / 1024 << " MB for " << size / 1'000'000 << " MB");
    REQUIRE(r.exitCode == 0);
    checkPeakRss(r.maxRssKb, memoryBoundKb(size));
    const auto out = parseJson(r.out);
    CHECK(out["test"] == "needle");
    REQUIRE(out["contiguousSegments"].size() == 2);
    CHECK(out["contiguousSegments"][1]["startSec"].get<double>() == Approx(52.0).margin(1e-6));
    CHECK(out["contiguousSegments"][1]["analysis"]["motorUnits"].size() > 0);   // the weak segment (70-140 s) was analysed
}

// Four channels (the simulated APB, two scaled copies, a trigger channel pulsing 1 ms at each
// wrist stimulus) as a WFDB record, 180 s at 20 kHz: 28.8 MB. Read whole: the file, its decoded
// ints and four double channels (> 7 x its size); now the trigger channel, then (released) the
// APB channel only. ~8 s.
TEST_CASE("analyze (F-wave, motor) of a 29 MB four-signal WFDB record with a trigger channel stays within 100 MB + 3 x its size",
          "[cli][memory]") {
    const auto dir = tempDir("wfdb-ncs");
    const auto simPath = (dir / "sim.edf").string(), truthPath = (dir / "truth.json").string();
    const auto sim = runCli({"simulate", "--test", "motor", "--sweeps", "60", "--truth", truthPath, simPath}, dir, 0, 120);
    REQUIRE(sim.exitCode == 0);
    const auto truth = parseJson(slurp(truthPath));
    std::uintmax_t size = 0;
    {
        auto rec = emg::io::readRecording(simPath);
        REQUIRE(rec.channels.size() == 1);
        auto apb = rec.channels[0];
        auto adm = apb, fdi = apb, trigger = apb;
        adm.label = "ADM";
        fdi.label = "FDI";
        for (auto& v : adm.samples) v *= 0.5;
        for (auto& v : fdi.samples) v *= 0.25;
        trigger.label = "Trigger";
        trigger.physicalUnit = "V";
        std::fill(trigger.samples.begin(), trigger.samples.end(), 0.0);
        for (const auto& s : truth["stimuli"]) {
            if (s["site"] != "wrist") continue;
            const auto at = static_cast<std::size_t>(std::llround(s["timeSec"].get<double>() * apb.sampleRateHz));
            for (std::size_t i = at; i < at + 20 && i < trigger.samples.size(); ++i) trigger.samples[i] = 1.0;
        }
        size = writeWfdb16(dir, "four", {apb, adm, fdi, trigger});
    }
    fs::remove(simPath);
    REQUIRE(size > 28'000'000u);
    const auto hea = (dir / "four.hea").string();
    const auto fw = runCli({"analyze", "--test", "fwave", hea}, dir, 0, 120);
    const auto motor = runCli({"analyze", "--test", "motor", hea}, dir, 0, 120);
    fs::remove_all(dir);
    const double onsetMs = truth["sites"][0]["onsetLatencyMs"].get<double>();
    {
        INFO("F-wave: stderr: " << fw.err << " peak " << fw.maxRssKb / 1024 << " MB for " << size / 1'000'000 << " MB");
        REQUIRE(fw.exitCode == 0);
        checkPeakRss(fw.maxRssKb, memoryBoundKb(size));
        const auto out = parseJson(fw.out);
        CHECK(out["channel"]["label"] == "APB");
        CHECK(out["stimuli"] == 60);
        REQUIRE(out["sites"].size() == 1);
        const auto& m = out["sites"][0]["m"];
        REQUIRE(m["found"] == true);
        const double mOnsetMs = m["onsetLatencyMs"].is_number() ? m["onsetLatencyMs"].get<double>() : m["onsetLatencyEstimateMs"].get<double>();
        CHECK(std::fabs(mOnsetMs - onsetMs) <= 0.1);   // two samples at 20 kHz
    }
    {
        INFO("motor: stderr: " << motor.err << " peak " << motor.maxRssKb / 1024 << " MB for " << size / 1'000'000 << " MB");
        REQUIRE(motor.exitCode == 0);
        checkPeakRss(motor.maxRssKb, memoryBoundKb(size));
        const auto out = parseJson(motor.out);
        REQUIRE(out["sites"].size() == 1);
        REQUIRE(out["sites"][0]["found"] == true);
        CHECK(std::fabs(out["sites"][0]["onsetLatencyMs"].get<double>() - onsetMs) <= 0.1);
        // amplitude within 2 % of the simulated CMAP (the int16 quantisation is 0.003 %)
        CHECK(std::fabs(out["sites"][0]["amplitudeUv"].get<double>() / truth["sites"][0]["amplitudeUv"].get<double>() - 1.0) <= 0.02);
    }
}

// Two channels (the simulated APB and a scaled copy, never read) with stimulus annotations at
// 3 sites, 450 s at 20 kHz as EDF+D with a 3-s gap between two stimuli: 36 MB. Read whole: the
// file, both channels as doubles, a raw and a filtered copy (~18 bytes a sample of the analysed
// channel and 8 of the other); now the APB channel only, as a continuous EDF. ~8 s.
TEST_CASE("analyze --test motor of a 36 MB two-channel NCS EDF+D stays within 100 MB + 3 x its size", "[cli][memory]") {
    const auto dir = tempDir("edfd-ncs");
    const auto simPath = (dir / "sim.edf").string(), truthPath = (dir / "truth.json").string();
    const auto sim = runCli({"simulate", "--test", "motor", "--sweeps", "150", "--truth", truthPath, simPath}, dir, 0, 120);
    REQUIRE(sim.exitCode == 0);
    const auto truth = parseJson(slurp(truthPath));
    const auto edf = dir / "motor.edf";
    {
        auto rec = emg::io::readRecording(simPath);
        REQUIRE(rec.channels.size() == 1);
        auto copy = rec.channels[0];
        copy.label = "FDI";
        for (auto& v : copy.samples) v *= 0.25;
        rec.channels.push_back(copy);
        writeEdfWithGap(std::move(rec), edf, quietSecond(truth, 200.0, 0.1), 3.0);
    }
    fs::remove(simPath);
    const auto size = fs::file_size(edf);
    REQUIRE(size > 35'000'000u);
    const auto r = runCli({"analyze", "--test", "motor", edf.string()}, dir, 0, 120);
    fs::remove_all(dir);
    INFO("stderr: " << r.err << " peak " << r.maxRssKb / 1024 << " MB for " << size / 1'000'000 << " MB");
    REQUIRE(r.exitCode == 0);
    checkPeakRss(r.maxRssKb, memoryBoundKb(size));
    const auto out = parseJson(r.out);
    // analysed segment by segment (the gap lies in the elbow series): every site's stimuli counted
    // once over the two segments, each part found with the simulated latency and amplitude
    REQUIRE(out["contiguousSegments"].size() == 2);
    for (std::size_t k = 0; k < truth["sites"].size(); ++k) {
        const auto& want = truth["sites"][k];
        INFO("site " << want["name"]);
        int stimuli = 0;
        for (const auto& seg : out["contiguousSegments"])
            for (const auto& got : seg["analysis"]["sites"]) {
                if (got["site"] != want["name"]) continue;
                stimuli += got["stimuli"].get<int>();
                REQUIRE(got["found"] == true);
                CHECK(std::fabs(got["onsetLatencyMs"].get<double>() - want["onsetLatencyMs"].get<double>()) <= 0.1);
                CHECK(std::fabs(got["amplitudeUv"].get<double>() / want["amplitudeUv"].get<double>() - 1.0) <= 0.02);
            }
        CHECK(stimuli == 150);
    }
}
