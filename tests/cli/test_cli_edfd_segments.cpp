// Issue 12: "an EDF+D gap stays a gap, never zeros filling the hole". A simulated recording is cut
// into two runs of 1-s data records and written three ways byte by byte (the same digital values,
// 1 uV a step): run A alone (EDF+C), run B alone (EDF+C), and both as one EDF+D with run B
// starting 10 s (or 20 h) after run A ended. `emgws-cli analyze` of the EDF+D must give, for each
// segment, exactly what the run alone gives; the stimuli of the second segment at their file
// times; no sample invented for the hole; memory within 100 MB + 3 x the file's size however far
// apart the runs lie.
#include "cli_child_run.h"
#include "edf_builder.h"

#include <emg/io/recording_io.h>
#include <emg/review/contiguous_segments.h>
#include <emg/review/paged_edf_reader.h>
#include <emg/review/recording_span.h>

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

using namespace emg::test;
namespace fs = std::filesystem;
using namespace std::string_literals;

namespace {

/// Source records [firstRecord, firstRecord + records) of 1 s placed at fileOnsetSec onwards.
struct Run {
    double fileOnsetSec;
    int firstRecord, records;
};

std::string number(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.6f", v);
    std::string s = buf;
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
}

/// The TAL text of source record r placed at `onset` (time keeping first, then the annotations
/// of that second, moved by the same amount).
std::string recordTal(const emg::Recording& rec, int r, double onset) {
    std::string tal = "+" + number(onset) + "\x14\x14\0"s;
    for (const auto& a : rec.annotations)
        if (a.onsetSec >= r && a.onsetSec < r + 1) {
            const double t = onset + (a.onsetSec - r);
            tal += "+" + number(t) + (a.durationSec > 0 ? "\x15" + number(a.durationSec) : "") + "\x14" + a.text + "\x14\0"s;
        }
    return tal;
}

/// `rec` (one channel, whole-numbered rate) as EDF+ with 1-s records: the runs in order; EDF+D
/// when more than one. Digital = physical in uV (gain 1, exactly).
std::string buildEdf(const emg::Recording& rec, const std::vector<Run>& runs) {
    const auto& ch = rec.channels.at(0);
    const auto spr = static_cast<int>(ch.sampleRateHz);
    std::size_t talBytes = 0;
    int records = 0;
    for (const auto& run : runs) {
        records += run.records;
        for (int r = run.firstRecord; r < run.firstRecord + run.records; ++r)
            talBytes = std::max(talBytes, recordTal(rec, r, run.fileOnsetSec + (r - run.firstRecord)).size());
    }
    EdfBuilder b;
    b.reserved = runs.size() > 1 ? "EDF+D" : "EDF+C";
    b.records = std::to_string(records);
    b.duration = "1";
    const std::size_t talSamples = talBytes / 2 + 1;
    b.sigs = {SigSpec{ch.label, "uV", "-32768", "32767", "-32768", "32767", std::to_string(spr)},
              SigSpec{"EDF Annotations", "", "-1", "1", "-32768", "32767", std::to_string(talSamples)}};
    std::string f = b.header();
    for (const auto& run : runs)
        for (int r = run.firstRecord; r < run.firstRecord + run.records; ++r) {
            std::vector<int> digital(static_cast<std::size_t>(spr));
            for (int i = 0; i < spr; ++i)
                digital[static_cast<std::size_t>(i)] =
                    static_cast<int>(std::clamp(std::lround(ch.samples.at(static_cast<std::size_t>(r * spr + i))), -32768L, 32767L));
            b.samples(f, digital);
            b.annotation(f, recordTal(rec, r, run.fileOnsetSec + (r - run.firstRecord)), talSamples);
        }
    return f;
}

nlohmann::json parseJson(const ChildRun& r) {
    INFO("stderr: " << r.err << "\nstdout: " << r.out.substr(0, 600));
    REQUIRE(r.exitCode == 0);
    REQUIRE_NOTHROW(nlohmann::json::parse(r.out));
    return nlohmann::json::parse(r.out);
}

/// An analysis without the file name.
nlohmann::json bare(nlohmann::json j) {
    j.erase("file");
    return j;
}

emg::Recording simulated(const fs::path& dir, const std::vector<std::string>& args) {
    const auto edf = (dir / "sim.edf").string();
    std::vector<std::string> all = {"simulate"};
    all.insert(all.end(), args.begin(), args.end());
    all.push_back(edf);
    const auto sim = runCli(all, dir, 0, 300);
    INFO(sim.err);
    REQUIRE(sim.exitCode == 0);
    auto rec = emg::io::readRecording(edf);
    fs::remove(edf);
    REQUIRE(rec.channels.size() == 1);
    REQUIRE(rec.channels[0].sampleRateHz == std::floor(rec.channels[0].sampleRateHz));
    return rec;
}

std::size_t zerosIn(const emg::Recording& rec, std::size_t& samples) {
    std::size_t zeros = 0;
    for (const auto& c : rec.channels) {
        samples += c.samples.size();
        zeros += static_cast<std::size_t>(std::count(c.samples.begin(), c.samples.end(), 0.0));
    }
    return zeros;
}

/// Runs A = records [0, split) and B = [split, records) (1 s each) alone and as one EDF+D with B starting
/// `holeSec` after A's end; the analyze arguments `args` on all three; the segments' results
/// compared with the runs'. Returns the EDF+D's JSON.
nlohmann::json compareSegments(const fs::path& dir, const emg::Recording& rec, int split, int records, double holeSec,
                               const std::vector<std::string>& args) {
    REQUIRE(static_cast<double>(records) <= rec.durationSec());
    const fs::path a = dir / "a.edf", b = dir / "b.edf", d = dir / "d.edf";
    writeFile(a, buildEdf(rec, {{0.0, 0, split}}));
    writeFile(b, buildEdf(rec, {{0.0, split, records - split}}));
    writeFile(d, buildEdf(rec, {{0.0, 0, split}, {split + holeSec, split, records - split}}));
    auto analyze = [&](const fs::path& p) {
        std::vector<std::string> all = {"analyze", p.string()};
        all.insert(all.end(), args.begin(), args.end());
        return runCli(all, dir, 0, 300);
    };
    const auto ra = parseJson(analyze(a)), rb = parseJson(analyze(b));
    const auto rd = analyze(d);
    const auto jd = parseJson(rd);
    INFO("EDF+D peak " << rd.maxRssKb / 1024 << " MB for a " << fs::file_size(d) / 1000 << " kB file");
    checkPeakRss(rd.maxRssKb, memoryBoundKb(fs::file_size(d)));
    REQUIRE(jd.value("discontinuous", false));
    REQUIRE(jd["contiguousSegments"].size() == 2);
    const auto& s1 = jd["contiguousSegments"][0];
    const auto& s2 = jd["contiguousSegments"][1];
    CHECK(s1["startSec"].get<double>() == Approx(0.0).margin(1e-9));
    CHECK(s1["endSec"].get<double>() == Approx(split).margin(1e-9));
    CHECK(s2["startSec"].get<double>() == Approx(split + holeSec).margin(1e-6));
    CHECK(s2["endSec"].get<double>() == Approx(records + holeSec).margin(1e-6));
    CHECK(jd["test"] == ra["test"]);
    // each segment's result is the run's alone, key for key and number for number
    CHECK(s1["analysis"].dump() == bare(ra).dump());
    CHECK(s2["analysis"].dump() == bare(rb).dump());

    // no sample invented: the segments as continuous files hold exactly the runs' samples
    emg::review::PagedEdfReader reader(d);
    const auto segments = emg::review::contiguousSegments(reader);
    REQUIRE(segments.size() == 2);
    std::size_t runSamples = 0, segmentSamples = 0, runZeros = 0, segmentZeros = 0;
    for (const auto& p : {a, b}) runZeros += zerosIn(emg::io::readRecording(p), runSamples);
    for (const auto& s : segments) {
        const emg::review::SegmentCopy copy(reader, s);
        segmentZeros += zerosIn(emg::io::readRecording(copy.path()), segmentSamples);
    }
    INFO("samples " << segmentSamples << " (runs " << runSamples << "), exact zeros " << segmentZeros << " (runs " << runZeros << ")");
    CHECK(segmentSamples == runSamples);
    CHECK(segmentSamples == static_cast<std::size_t>(records) * static_cast<std::size_t>(rec.channels[0].sampleRateHz));
    CHECK(segmentZeros == runZeros);
    return jd;
}

/// The stimuli the simulator placed in run B, at their times in the EDF+D file.
std::vector<double> secondSegmentStimuli(const emg::Recording& rec, int split, double holeSec, int records) {
    std::vector<double> t;
    for (const auto& an : rec.annotations)
        if (an.text.rfind("Stim", 0) == 0 && an.onsetSec >= split && an.onsetSec < records) t.push_back(an.onsetSec + holeSec);
    return t;
}

void checkStimulusTimes(const nlohmann::json& segment, const std::vector<double>& expected) {
    const auto got = segment["stimulusTimesSec"].get<std::vector<double>>();
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == Approx(expected[i]).margin(0.5 / 20000.0));   // half a sample
}

}  // namespace

// Motor NCS, 30 stimuli 1 s apart (wrist, elbow, axilla 10 each) at 20 kHz; the hole after 15 s.
// ~15 s.
TEST_CASE("analyze of an EDF+D (two segments 10 s apart) gives each segment's NCS result alone, stimuli at file times", "[cli][edfd]") {
    const auto dir = tempDir("edfd-ncs");
    const auto rec = simulated(dir, {"--test", "motor", "--sweeps", "10"});
    const int records = 30;   // the simulator's 30.5 s: the last half record left out
    SECTION("--test motor") {
        const auto jd = compareSegments(dir, rec, 15, records, 10.0, {"--test", "motor", "--distance", "wrist-elbow=230", "--distance", "elbow-axilla=280"});
        checkStimulusTimes(jd["contiguousSegments"][1], secondSegmentStimuli(rec, 15, 10.0, records));
        REQUIRE(jd["contiguousSegments"][1]["stimulusTimesSec"].size() == 15u);   // 5 at the elbow, 10 at the axilla
        CHECK(jd["contiguousSegments"][1]["stimulusTimesSec"][0].get<double>() == Approx(25.5).margin(1e-4));
    }
    SECTION("the test inferred") {
        const auto jd = compareSegments(dir, rec, 15, records, 10.0, {});
        CHECK(jd["testInferred"] == true);
        // each segment's test is inferred as for the run alone (compared above); the file's is the most common
        CHECK((jd["test"] == jd["contiguousSegments"][0]["analysis"]["test"] || jd["test"] == jd["contiguousSegments"][1]["analysis"]["test"]));
    }
    fs::remove_all(dir);
}

// Runs 20 h apart: the old reader refused (more than 4 Mi zeros to fill); now the file is read as
// its two segments, memory within the bound.
TEST_CASE("analyze of an EDF+D whose segments lie 20 h apart stays within the memory bound", "[cli][edfd][memory]") {
    const auto dir = tempDir("edfd-far");
    const auto rec = simulated(dir, {"--test", "motor", "--sweeps", "10"});
    const int records = 30;
    const double hole = 20 * 3600.0;
    const auto jd = compareSegments(dir, rec, 15, records, hole, {"--test", "motor"});
    checkStimulusTimes(jd["contiguousSegments"][1], secondSegmentStimuli(rec, 15, hole, records));
    fs::remove_all(dir);
}

// Needle EMG (rest, weak, strong, 4 s each at 20 kHz): the hole in the weak segment. ~20 s.
TEST_CASE("analyze of a needle EDF+D gives each segment's needle result alone", "[cli][edfd]") {
    const auto dir = tempDir("edfd-needle");
    const auto rec = simulated(dir, {"--test", "needle", "--seconds", "4", "--rate", "20000"});
    const int records = 12;
    const auto jd = compareSegments(dir, rec, 6, records, 10.0, {"--test", "needle"});
    CHECK(jd["test"] == "needle");
    fs::remove_all(dir);
}

// `analyze --from/--to` reaching across a hole: each side analysed alone (the span's part in each
// segment), said in the JSON; each side's result the run's alone over the same part; the span read
// whole holds the recorded samples only (the zero-filling span reader added the hole's 200,000).
TEST_CASE("analyze --from/--to across an EDF+D hole analyses each side alone and says so", "[cli][edfd]") {
    const auto dir = tempDir("edfd-span");
    const auto rec = simulated(dir, {"--test", "motor", "--sweeps", "10"});
    const int split = 15, records = 30;
    const double hole = 10.0;
    const fs::path a = dir / "a.edf", b = dir / "b.edf", d = dir / "d.edf";
    writeFile(a, buildEdf(rec, {{0.0, 0, split}}));
    writeFile(b, buildEdf(rec, {{0.0, split, records - split}}));
    writeFile(d, buildEdf(rec, {{0.0, 0, split}, {split + hole, split, records - split}}));
    const std::vector<std::string> motor = {"--test", "motor", "--distance", "wrist-elbow=230"};
    auto analyze = [&](const fs::path& p, std::vector<std::string> span) {
        std::vector<std::string> all = {"analyze", p.string()};
        all.insert(all.end(), motor.begin(), motor.end());
        all.insert(all.end(), span.begin(), span.end());
        return runCli(all, dir, 0, 300);
    };
    // the file's 5 s .. 30 s: run A's 5 s .. 15 s, then run B's first 5 s (file 25 s .. 30 s)
    const auto ra = parseJson(analyze(a, {"--from", "5"})), rb = parseJson(analyze(b, {"--to", "5"}));
    const auto rd = analyze(d, {"--from", "5", "--to", "30"});
    const auto jd = parseJson(rd);
    checkPeakRss(rd.maxRssKb, memoryBoundKb(fs::file_size(d)));
    REQUIRE(jd.value("discontinuous", false));
    CHECK(jd["contiguousSegmentsNote"].get<std::string>().find("reaches across 1 hole(s): each side analysed alone") != std::string::npos);
    CHECK(jd["provenance"]["fromSec"].get<double>() == 5.0);
    CHECK(jd["provenance"]["toSec"].get<double>() == 30.0);
    CHECK(jd["provenance"]["file"] == d.string());
    REQUIRE(jd["contiguousSegments"].size() == 2);
    const auto& s1 = jd["contiguousSegments"][0];
    const auto& s2 = jd["contiguousSegments"][1];
    auto withoutProvenance = [](nlohmann::json j) {
        j.erase("file");
        j.erase("provenance");
        return j.dump();
    };
    REQUIRE(s1.contains("analysis"));
    REQUIRE(s2.contains("analysis"));
    CHECK(withoutProvenance(s1["analysis"]) == withoutProvenance(ra));
    CHECK(withoutProvenance(s2["analysis"]) == withoutProvenance(rb));
    // each side's provenance in the file's seconds
    CHECK(s1["analysis"]["provenance"]["file"] == d.string());
    CHECK(s1["analysis"]["provenance"]["fromSec"].get<double>() == Approx(5.0).margin(1e-9));
    CHECK(s1["analysis"]["provenance"]["toSec"].get<double>() == Approx(15.0).margin(1e-9));
    CHECK(s2["analysis"]["provenance"]["fromSec"].get<double>() == Approx(25.0).margin(1e-9));
    CHECK(s2["analysis"]["provenance"]["toSec"].get<double>() == Approx(30.0).margin(1e-9));
    // the stimuli of the span's part of segment 2 only, at their file times
    std::vector<double> expected;
    for (const double t : secondSegmentStimuli(rec, split, hole, records))
        if (t < 30.0) expected.push_back(t);
    checkStimulusTimes(s2, expected);

    // the span read through the review engine: 15 s recorded, nothing for the 10-s hole
    emg::review::PagedEdfReader reader(d);
    emg::review::SpanInfo info;
    const auto span = emg::review::readRecordingSpan(reader, 5.0, 30.0, &info);
    std::size_t samples = 0;
    const std::size_t zeros = zerosIn(span, samples);
    std::size_t runSamples = 0;
    const std::size_t runZeros = zerosIn(emg::review::sliceRecording(emg::io::readRecording(a), 5.0, 15.0), runSamples) +
                                 zerosIn(emg::review::sliceRecording(emg::io::readRecording(b), 0.0, 5.0), runSamples);
    INFO("span samples " << samples << ", exact zeros " << zeros << " (the runs' parts: " << runSamples << ", " << runZeros << ")");
    CHECK(samples == 15u * 20000u);
    CHECK(samples == runSamples);
    CHECK(zeros == runZeros);   // 0 zeros invented
    REQUIRE(span.segments.size() == 2);
    CHECK(span.segments[1].startSec == Approx(20.0).margin(1e-9));
    CHECK(span.segments[1].durationSec == Approx(5.0).margin(1e-9));
    fs::remove_all(dir);
}
