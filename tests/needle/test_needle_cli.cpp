// `emgws-cli analyze FILE --test needle`: a simulated needle recording (rest, weak, strong with
// level annotations) written as EDF+, and the same muscle as a 4 kHz, 16-bit, one-channel plain
// EDF like other systems export (no annotations: levels inferred from activity).
#include "hermite_interference.h"
#include "needle_truth.h"

#include <emg/needle/muap_measures.h>

#include <emg/io/recording_io.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>

namespace fs = std::filesystem;

namespace {

std::string run(const std::string& cmd, int& status) {
    std::string out;
    FILE* p = ::popen((cmd + " 2>/dev/null").c_str(), "r");
    REQUIRE(p != nullptr);
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    status = ::pclose(p);
    return out;
}

fs::path tempDir() {
    std::random_device rd;
    auto d = fs::temp_directory_path() / ("needle_cli_" + std::to_string(rd()));
    fs::create_directories(d);
    return d;
}

emg::Recording needleRecording(emg::sim::MusclePattern pattern, double fs, bool annotate, int grade) {
    emg::sim::NeedleMuscleConfig c;
    c.pattern = pattern;
    c.sampleRateHz = fs;
    c.noiseRmsUv = 8.0;
    c.seed = 5;
    c.spontaneous = emg::sim::SpontaneousConfig::fromGrade(grade);
    emg::sim::NeedleMuscleModel m(c);
    const double weak = pattern == emg::sim::MusclePattern::Neuropathic ? 0.3 : 0.15;
    const auto sig = m.generate(12.0, {{0.0, 0.0}, {4.0, weak}, {8.0, 0.8}});
    emg::Recording rec;
    rec.patientId = "X";
    rec.recordingId = "needle test";
    emg::RecordedChannel ch;
    ch.label = "Biceps";
    ch.transducer = "concentric needle electrode";
    ch.prefilter = "HP:2Hz LP:10kHz";
    ch.sampleRateHz = fs;
    ch.samples = sig.microvolts;
    rec.channels.push_back(ch);
    if (annotate) {
        rec.annotations.push_back({0.0, 4.0, "rest"});
        rec.annotations.push_back({4.0, 4.0, "weak contraction"});
        rec.annotations.push_back({8.0, 4.0, "strong contraction"});
    }
    return rec;
}

}  // namespace

TEST_CASE("needle analyzer on a simulated EDF+ recording with level annotations") {
    const auto dir = tempDir();
    const auto file = dir / "needle.edf";
    emg::io::writeRecording(needleRecording(emg::sim::MusclePattern::Neuropathic, 20000.0, true, 2), file, emg::io::FileFormat::EdfPlus);
    int status = 0;
    const auto out = run(std::string(EMGWS_BINARY_DIR "/src/cli/emgws-cli") + " analyze " + file.string() +
                             " --test needle --muscle biceps --age 45", status);
    REQUIRE(status == 0);
    const auto j = nlohmann::json::parse(out);
    CHECK(j["test"] == "needle");
    REQUIRE(j["segments"].size() == 3);
    CHECK(j["segments"][0]["source"] == "annotation");
    // rest: the simulator's grade-2 denervation (fibrillations, PSWs)
    const auto& sp = j["spontaneous"];
    CHECK(sp["byKind"]["fibrillation"]["count"].get<int>() + sp["byKind"]["positive_sharp_wave"]["count"].get<int>() > 10);
    CHECK(sp["grade"] != "0");
    // weak: units with parameters and firing times inside the weak segment
    REQUIRE(j["motorUnits"].size() >= 1);
    for (const auto& u : j["motorUnits"]) {
        CHECK(u["parameters"]["durationMs"].get<double>() > 0.0);
        CHECK(u["firingTimesSec"].front().get<double>() >= 4.0);
        CHECK(u["firingTimesSec"].back().get<double>() < 8.0);
    }
    CHECK(j["summary"]["pattern"] == "neuropathic");
    CHECK(j["recruitment"]["reading"] == "reduced");
    CHECK(j["reference"]["muscle"] == "biceps brachii");
    CHECK(j["reference"]["ageYears"] == 45.0);
    CHECK(j["interference"]["epochs"].size() >= 6);
    // multi-MUP from the effort segments (4-12 s): consistent recurrences, intervals a unit fires at,
    // physiological durations where measurable, and every unmeasured duration counted with its reason
    const auto& mm = j["multiMup"];
    REQUIRE(mm.is_object());
    CHECK(mm["count"].get<std::size_t>() == mm["mups"].size());
    CHECK(mm["epochs"].get<int>() >= 2);
    std::size_t notMeasured = 0;
    for (const auto& m : mm["mups"]) {
        CHECK(m["recurrences"].get<int>() >= 5);
        CHECK(m["minIntervalMs"].get<double>() >= 20.0 * 0.999);
        CHECK(m["firingTimesSec"].front().get<double>() >= 4.0);
        if (m["durationMeasurable"].get<bool>()) {
            CHECK(m["parameters"]["durationMs"].get<double>() > 2.0);
            CHECK(m["parameters"]["durationMs"].get<double>() < 30.0);
        } else {
            ++notMeasured;
            CHECK(m["sizeIndex"].is_null());
        }
    }
    std::size_t counted = 0;
    for (const auto& [why, n] : mm["notMeasurable"].items()) counted += n.get<std::size_t>();
    CHECK(counted == notMeasured);
    CHECK(mm["measuredDurations"].get<std::size_t>() + notMeasured == mm["mups"].size());
    // a bad rise-time limit is refused with a message
    int bad = 0;
    run(std::string(EMGWS_BINARY_DIR "/src/cli/emgws-cli") + " analyze " + file.string() + " --test needle --mup-max-rise-ms=abc", bad);
    CHECK(bad != 0);
    fs::remove_all(dir);
}

TEST_CASE("needle analyzer on a 4 kHz 16-bit single-channel EDF without annotations") {
    const auto dir = tempDir();
    const auto file = dir / "other_system.edf";
    auto rec = needleRecording(emg::sim::MusclePattern::Normal, 4000.0, false, 0);
    rec.channels[0].transducer = "";     // other systems often leave it empty
    rec.channels[0].label = "EMG";
    emg::io::writeRecording(rec, file, emg::io::FileFormat::Edf);
    int status = 0;
    // no --test: the analyzer is chosen by confidence; no --muscle: the general default
    const auto out = run(std::string(EMGWS_BINARY_DIR "/src/cli/emgws-cli") + " analyze " + file.string() + " --test needle", status);
    REQUIRE(status == 0);
    const auto j = nlohmann::json::parse(out);
    CHECK(j["channel"]["sampleRateHz"] == 4000.0);
    CHECK(j["filter"]["lowPassHz"].get<double>() <= 2000.0);          // adapted below Nyquist
    CHECK_FALSE(j["filter"]["adaptedToSampleRate"].empty());
    CHECK(j["reference"]["generalDefault"] == true);
    // levels inferred from activity: rest first, strong last
    REQUIRE(j["segments"].size() >= 2);
    CHECK(j["segments"].front()["level"] == "rest");
    CHECK(j["segments"].back()["level"] == "strong");
    CHECK(j["segments"].front()["source"] == "activity");
    CHECK(j["motorUnits"].size() >= 1);
    CHECK(j["summary"]["pattern"] == "normal");
    CHECK(j["spontaneous"]["grade"] == "0");
    fs::remove_all(dir);
}

TEST_CASE("needle analyzer on a WFDB record (4 kHz, level forced), with the muscle from --muscle") {
    const auto dir = tempDir();
    auto rec = needleRecording(emg::sim::MusclePattern::Myopathic, 4000.0, false, 0);
    // keep only the weak segment (4-8 s), as a short MUAP recording exported by another system
    auto& s = rec.channels[0].samples;
    s = std::vector<double>(s.begin() + 16000, s.begin() + 32000);
    // WFDB is read, not written, by emg_io: write the record by hand (format 16, 10 adu/uV)
    const auto file = dir / "muap.hea";
    {
        std::ofstream hea(file);
        hea << "muap 1 4000 " << s.size() << "\n";
        hea << "muap.dat 16 10/uV 16 0 0 0 0 R deltoid needle\n";
        std::ofstream dat(dir / "muap.dat", std::ios::binary);
        for (double v : s) {
            const auto q = static_cast<std::int16_t>(std::clamp(std::lround(v * 10.0), -32768L, 32767L));
            const unsigned char b[2] = {static_cast<unsigned char>(q & 0xff), static_cast<unsigned char>((q >> 8) & 0xff)};
            dat.write(reinterpret_cast<const char*>(b), 2);
        }
    }
    int status = 0;
    const auto out = run(std::string(EMGWS_BINARY_DIR "/src/cli/emgws-cli") + " analyze " + file.string() +
                             " --test needle --level=weak --muscle deltoid --age 60", status);
    REQUIRE(status == 0);
    const auto j = nlohmann::json::parse(out);
    CHECK(j["segments"][0]["source"] == "forced");
    CHECK(j["reference"]["muscle"] == "deltoid");
    CHECK(j["motorUnits"].size() >= 3);
    CHECK(j["summary"]["pattern"] == "myopathic");
    CHECK(j["reference"]["ageYears"] == 60.0);
    CHECK(j["reference"]["ageSource"] == "--age");

    // the age as PhysioNet writes it in the header, read when --age is not given: the reference
    // duration is the 70-year one, +15 % on the 40-year value (Buchthal, 0.5 % a year)
    {
        std::ofstream hea(file, std::ios::app);
        hea << "# <age>: 70 <sex>: F\n# EMG from a concentric needle in the deltoid";
    }
    const auto fromFile = nlohmann::json::parse(run(std::string(EMGWS_BINARY_DIR "/src/cli/emgws-cli") + " analyze " + file.string() +
                                                        " --test needle --level=weak --muscle deltoid", status));
    REQUIRE(status == 0);
    CHECK(fromFile["reference"]["ageYears"] == 70.0);
    CHECK(fromFile["reference"]["ageSource"] == "file: '<age>: 70'");
    CHECK(fromFile["reference"]["expectedMeanDurationMs"].get<double>() ==
          Approx(j["reference"]["expectedMeanDurationMs"].get<double>() * 1.15 / 1.10).epsilon(0.01));
    fs::remove_all(dir);
}

TEST_CASE("needle analyzer takes the muscle, age and effort an EMGLAB header states where none is typed") {
    const auto dir = tempDir();
    auto rec = needleRecording(emg::sim::MusclePattern::Normal, 10000.0, false, 0);
    auto& s = rec.channels[0].samples;
    s = std::vector<double>(s.begin() + 40000, s.begin() + 80000);   // the weak segment alone, as a 10 % MVC record
    // EMGLAB's header layout: lone CR line ends, no sample count, no signal description, "key: value" comments
    const auto writeHeader = [&](const std::string& level) {
        std::ofstream hea(dir / "R1.hea", std::ios::binary);
        hea << "R1 1 10000\rR1.dat 16 10/uV\r# gender: f\r# age: 25\r# diagnosis: normal\r# muscle: brachial biceps\r"
            << "# protocol: steady isometric contraction\r# level: " << level << "\r# electrode: concentric needle\r";
    };
    {
        std::ofstream dat(dir / "R1.dat", std::ios::binary);
        for (double v : s) {
            const auto q = static_cast<std::int16_t>(std::clamp(std::lround(v * 10.0), -32768L, 32767L));
            const unsigned char b[2] = {static_cast<unsigned char>(q & 0xff), static_cast<unsigned char>((q >> 8) & 0xff)};
            dat.write(reinterpret_cast<const char*>(b), 2);
        }
    }
    const std::string cli = std::string(EMGWS_BINARY_DIR "/src/cli/emgws-cli") + " analyze " + (dir / "R1.hea").string() + " --test needle";
    int status = 0;
    writeHeader("10% MVC");
    const auto j = nlohmann::json::parse(run(cli, status));
    REQUIRE(status == 0);
    CHECK(j["reference"]["muscle"] == "biceps brachii");
    CHECK(j["reference"]["muscleSource"] == "file: 'muscle: brachial biceps'");
    CHECK(j["reference"]["ageYears"] == 25.0);
    CHECK(j["reference"]["ageSource"] == "file: 'age: 25'");
    CHECK(j["declaredEffort"]["level"] == "slight");
    CHECK(j["declaredEffort"]["source"] == "file: 'level: 10% MVC'");
    CHECK(j["declaredEffort"]["declared"] == true);
    // 50 % MVC reads moderate; what is typed wins over the file
    writeHeader("50% MVC");
    CHECK(nlohmann::json::parse(run(cli, status))["declaredEffort"]["level"] == "moderate");
    const auto typed = nlohmann::json::parse(run(cli + " --effort=slight --muscle deltoid --age 60", status));
    CHECK(typed["declaredEffort"]["source"] == "--effort");
    CHECK(typed["declaredEffort"]["level"] == "slight");
    CHECK(typed["reference"]["muscle"] == "deltoid");
    CHECK(typed["reference"]["ageSource"] == "--age");
    // a level the header does not state as an effort: none declared
    writeHeader("steady");
    const auto none = nlohmann::json::parse(run(cli, status));
    CHECK(none["declaredEffort"]["source"] == "none");
    CHECK(none["declaredEffort"]["declared"] == false);
    fs::remove_all(dir);
}

TEST_CASE("needle analyzer refuses what it cannot analyse, with a message") {
    const auto dir = tempDir();
    const auto file = dir / "slow.edf";
    auto rec = needleRecording(emg::sim::MusclePattern::Normal, 4000.0, false, 0);
    rec.channels[0].sampleRateHz = 500.0;
    rec.channels[0].samples.resize(2000);
    emg::io::writeRecording(rec, file, emg::io::FileFormat::Edf);
    int status = 0;
    run(std::string(EMGWS_BINARY_DIR "/src/cli/emgws-cli") + " analyze " + file.string() + " --test needle", status);
    CHECK(status != 0);
    run(std::string(EMGWS_BINARY_DIR "/src/cli/emgws-cli") + " analyze " + file.string() + " --test needle --level=bogus", status);
    CHECK(status != 0);
    fs::remove_all(dir);
}

TEST_CASE("needle analyzer compares its units with an expert decomposition given as CSV (--decomposition)") {
    // the simulator's truth plays the expert: its units' firing times, at their main peak, written
    // as `time_s,unit` for the units a clinician would mark (>= 100 µV peak to peak, after the
    // accuracy test's criterion); normal pattern, rest / weak / strong segments of 4 s
    const auto dir = tempDir();
    const std::string cli = std::string(EMGWS_BINARY_DIR "/src/cli/emgws-cli");
    const auto bdf = dir / "sim.bdf", truth = dir / "t.json", csv = dir / "expert.csv";
    int status = 0;
    run(cli + " simulate --test needle --seed 7 --truth " + truth.string() + " " + bdf.string(), status);
    REQUIRE(status == 0);
    nlohmann::json t;
    {
        std::ifstream f(truth);
        f >> t;
    }
    std::size_t written = 0, weakFiringsMax = 0;
    {
        std::ofstream f(csv, std::ios::binary);
        f << "# expert decomposition (simulator truth)\r\ntime_s,unit\r\n";
        for (const auto& u : t["units"]) {
            if (u["peakToPeakUv"].get<double>() < 100.0) continue;
            const double peakSec = u["peakOffsetMs"].get<double>() / 1000.0;
            std::size_t weak = 0;
            for (const auto& ft : u["firingTimesSec"]) {
                const double s = ft.get<double>() + peakSec;
                char line[64];
                std::snprintf(line, sizeof line, "%.6f,%d\r\n", s, u["id"].get<int>());
                f << line;
                weak += s >= 4.0 && s < 8.0;
            }
            weakFiringsMax = std::max(weakFiringsMax, weak);
            ++written;
        }
    }
    REQUIRE(written >= 1);
    REQUIRE(weakFiringsMax >= 10);
    const auto out = run(cli + " analyze " + bdf.string() + " --test needle --decomposition=" + csv.string(), status);
    REQUIRE(status == 0);
    const auto j = nlohmann::json::parse(out);
    REQUIRE(j.contains("decompositionComparison"));
    const auto& c = j["decompositionComparison"];
    CHECK(c["expertUnitCount"] == written);
    CHECK(c["matchWindowMs"] == 0.5);
    // compared over the weak segment only (the strong segment's firings are counted as outside)
    REQUIRE(c["analysedSpansSec"].size() == 1);
    CHECK(c["analysedSpansSec"][0][0].get<double>() == Approx(4.0).margin(0.01));
    CHECK(c["analysedSpansSec"][0][1].get<double>() == Approx(8.0).margin(0.01));
    CHECK(c["expertFiringsOutsideSpans"].get<int>() > 0);
    CHECK(c["ourUnits"].size() == j["motorUnits"].size());
    CHECK(c["expertUnits"].size() == written);
    // units firing >= 10 times in the weak segment: docs/needle-emg.md gives a median sensitivity
    // >= 0.9 and PPV >= 0.99 for the normal pattern at +-1 ms; the window here is +-0.5 ms
    std::vector<double> sens, ppv;
    for (const auto& u : c["perExpertUnit"]) {
        if (u["expertFirings"].get<int>() < 10) continue;
        sens.push_back(u["sensitivity"].get<double>());
        ppv.push_back(u["ppv"].get<double>());
        if (u["found"].get<bool>()) CHECK(std::abs(u["lagMs"].get<double>()) < 0.5);   // both mark the main peak
    }
    REQUIRE_FALSE(sens.empty());
    std::sort(sens.begin(), sens.end());
    std::sort(ppv.begin(), ppv.end());
    const double medSens = sens[sens.size() / 2], medPpv = ppv[ppv.size() / 2];
    INFO("median sensitivity " << medSens << ", PPV " << medPpv << " over " << sens.size() << " units");
    CHECK(medSens >= 0.9);
    CHECK(medPpv >= 0.9);
    CHECK(c["expertUnitsInSpans"].get<std::size_t>() >= sens.size());
    CHECK(c["unitsFound"].get<int>() >= static_cast<int>((sens.size() + 1) / 2));

    // a bad row is refused naming the file and line; a missing file too
    {
        std::ofstream f(dir / "bad.csv");
        f << "time_s,unit\n4.1,1\nfour,2\n";
    }
    const auto err = run("sh -c '" + cli + " analyze " + bdf.string() + " --test needle --decomposition=" + (dir / "bad.csv").string() +
                             " 2>&1'", status);
    CHECK(status != 0);
    CHECK(err.find("bad.csv: line 3") != std::string::npos);
    run(cli + " analyze " + bdf.string() + " --test needle --decomposition=" + (dir / "none.csv").string(), status);
    CHECK(status != 0);
    fs::remove_all(dir);
}

TEST_CASE("needle analyzer on headerless files (ASCII column, raw int16 with --gain) reads as the EDF+ does") {
    const auto dir = tempDir();
    const auto rec = needleRecording(emg::sim::MusclePattern::Neuropathic, 20000.0, false, 2);
    const auto& s = rec.channels[0].samples;
    {
        std::ofstream asc(dir / "muscle.asc");
        asc.precision(2);
        asc << std::fixed;
        for (double v : s) asc << v << "\r\n";
        // a spreadsheet export: a time column, the EMG in mV, ';' rows with decimal commas, no --rate
        std::ofstream csv(dir / "export.csv");
        csv << "Time (s);EMG deltoid (mV)\r\n";
        for (std::size_t i = 0; i < s.size(); ++i) {
            char line[96];
            std::snprintf(line, sizeof line, "%.6f;%.5f\r\n", static_cast<double>(i) / 20000.0, s[i] / 1000.0);
            for (char* c = line; *c; ++c)
                if (*c == '.') *c = ',';
            csv << line;
        }
        std::ofstream bin(dir / "muscle.bin", std::ios::binary);
        for (double v : s) {
            const auto q = static_cast<std::int16_t>(std::clamp(std::lround(v * 2.0), -32768L, 32767L));   // 0.5 uV per count
            const unsigned char b[2] = {static_cast<unsigned char>(q & 0xff), static_cast<unsigned char>((q >> 8) & 0xff)};
            bin.write(reinterpret_cast<const char*>(b), 2);
        }
    }
    emg::io::writeRecording(rec, dir / "muscle.edf", emg::io::FileFormat::EdfPlus);
    const std::string cli = EMGWS_BINARY_DIR "/src/cli/emgws-cli";
    int status = 0;
    const auto edf = nlohmann::json::parse(run(cli + " analyze " + (dir / "muscle.edf").string() + " --test needle --muscle biceps", status));
    REQUIRE(status == 0);
    const auto asc = nlohmann::json::parse(
        run(cli + " analyze " + (dir / "muscle.asc").string() + " --test needle --muscle biceps --rate 20000", status));
    REQUIRE(status == 0);
    const auto bin = nlohmann::json::parse(run(cli + " analyze " + (dir / "muscle.bin").string() +
                                                   " --test needle --muscle biceps --format int16le --rate=20000 --gain 0.5", status));
    REQUIRE(status == 0);
    const auto csv = nlohmann::json::parse(run(cli + " analyze " + (dir / "export.csv").string() + " --test needle --muscle biceps", status));
    REQUIRE(status == 0);
    CHECK(csv["channel"]["label"] == "EMG deltoid");
    for (const auto* j : {&asc, &bin, &csv}) {
        CHECK((*j)["channel"]["sampleRateHz"] == 20000.0);
        CHECK((*j)["segments"].size() == edf["segments"].size());
        CHECK((*j)["muscleReading"]["pattern"] == edf["muscleReading"]["pattern"]);
        CHECK((*j)["spontaneous"]["grade"] == edf["spontaneous"]["grade"]);
        CHECK((*j)["motorUnits"].size() == edf["motorUnits"].size());
    }
    // the simulated neuropathic muscle (rest with grade-2 denervation, then effort)
    CHECK(edf["muscleReading"]["pattern"] == "neuropathic");
    CHECK(edf["segments"].front()["level"] == "rest");
    CHECK(bin.value("readWarnings", nlohmann::json::array()).empty());   // --gain given: no warning
    // a headerless file without its rate is refused, naming --rate
    run(cli + " analyze " + (dir / "muscle.asc").string() + " --test needle", status);
    CHECK(status != 0);
    fs::remove_all(dir);
}

TEST_CASE("needle analyzer: multi-MUPs of interference built outside the simulator, through the command line") {
    // 6 Hermite-Rodriguez units of 250-1200 µV over far units and noise (hermite_interference.h),
    // 10 s at 32768 Hz as a headerless ASCII column read as weak effort: the command line gives MUPs of
    // those units, with their sizes, intervals a unit fires at, and durations within 1.5 ms of the
    // noise-free shapes' where measurable
    const std::vector<double> amps{1200, 850, 650, 480, 350, 250};
    constexpr double fs = 32768.0;
    const auto sig = hermite::make(amps, fs, 10.0, 11, 80, 8.0);
    std::vector<double> truthMs;
    for (const auto& u : sig.units) truthMs.push_back(emg::needle::measureMuap(u.waveform, u.mainPeakOffset, fs).durationMs);
    const auto dir = tempDir();
    {
        std::ofstream asc(dir / "interference.asc");
        asc.precision(2);
        asc << std::fixed;
        for (double v : sig.microvolts) asc << v << "\n";
    }
    int status = 0;
    const auto j = nlohmann::json::parse(run(std::string(EMGWS_BINARY_DIR "/src/cli/emgws-cli") + " analyze " +
                                                 (dir / "interference.asc").string() + " --test needle --rate 32768 --level=weak",
                                             status));
    REQUIRE(status == 0);
    const auto& mm = j["multiMup"];
    CHECK(mm["epochs"] == 2);
    CHECK(mm["count"].get<int>() >= 8);
    std::size_t measured = 0;
    for (const auto& m : mm["mups"]) {
        const double amp = m["mainSpikeAmplitudeUv"].get<double>();
        CHECK(amp >= 0.85 * 250.0);
        CHECK(amp <= 1.15 * 1200.0);
        CHECK(m["minIntervalMs"].get<double>() >= 20.0);
        if (!m["durationMeasurable"].get<bool>()) continue;
        ++measured;
        // the unit of nearest amplitude (sizes here are >= 25 % apart)
        std::size_t u = 0;
        for (std::size_t k = 1; k < amps.size(); ++k)
            if (std::abs(amps[k] - amp) < std::abs(amps[u] - amp)) u = k;
        CHECK(std::abs(m["parameters"]["durationMs"].get<double>() - truthMs[u]) <= 1.5);
    }
    CHECK(measured >= 3);
    fs::remove_all(dir);
}
