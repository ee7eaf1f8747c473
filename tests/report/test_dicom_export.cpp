// `emgws-cli export dicom` end to end: simulated recordings (a 24-bit BDF motor study, a 16-bit
// EDF sensory study with two channels) linked to a stored study, exported unsigned and signed,
// then checked by dciodvfy (dicom3tools) and, attribute by attribute and sample by sample, by
// pydicom (check_emg_dicom.py). The expected values come from the inputs, never from the export.
#include <catch2/catch.hpp>

#include <emg/io/recording_io.h>
#include <emg/io/sha256.h>
#include <emg/report/dicom/study_dicom_export.h>
#include <emg/study/session_store.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace emg;

namespace {

struct Run {
    int rc;
    std::string out, err;
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

Run run(const fs::path& dir, const std::string& cmd) {
    const std::string full = cmd + " >" + (dir / "out.txt").string() + " 2>" + (dir / "err.txt").string();
    const int rc = std::system(full.c_str());
    return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, slurp(dir / "out.txt"), slurp(dir / "err.txt")};
}

std::string cli() { return std::string(EMGWS_CLI); }

struct Fixture {
    fs::path dir;
    std::string db, studyId;
    nlohmann::json motorTruth, sensoryTruth;
    std::string motorLabel;
    study::Study stored;

    Fixture() {
        dir = fs::temp_directory_path() / ("emgws-dicom-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
        fs::remove_all(dir);
        fs::create_directories(dir);
        db = "sqlite:" + (dir / "store.sqlite").string();
        simulate("motor", "peroneal-motor", "motor-sim.bdf", "motor.json");
        simulate("sensory", "sural-sensory", "sensory-sim.bdf", "sensory.json");
        motorTruth = nlohmann::json::parse(slurp(dir / "motor.json"));
        sensoryTruth = nlohmann::json::parse(slurp(dir / "sensory.json"));

        // the motor recording with its filters stated, 24-bit BDF+
        auto motor = io::readRecording(dir / "motor-sim.bdf");
        for (auto& c : motor.channels) c.prefilter = "HP:2Hz LP:10kHz";
        motorLabel = motor.channels.at(0).label;
        io::writeRecording(motor, dir / "motor.bdf", io::FileFormat::BdfPlus);
        // the sensory recording as 16-bit EDF+ with a second channel (the same signal inverted)
        auto sensory = io::readRecording(dir / "sensory-sim.bdf");
        for (auto& c : sensory.channels) c.prefilter = "HP:20Hz LP:2kHz N:50Hz";
        auto inverted = sensory.channels.at(0);
        inverted.label = "Sural inverted";
        for (auto& v : inverted.samples) v = -v;
        sensory.channels.push_back(inverted);
        io::writeRecording(sensory, dir / "sensory.edf", io::FileFormat::EdfPlus);

        auto store = study::SessionStore::open(db);
        study::Patient p;
        p.id = "P-DCM-1";
        p.name = "Doe, Jane";
        p.birthDate = "1961-03-04";
        p.sex = study::Sex::Female;
        store->savePatient(p);
        studyId = store->saveStudy(makeStudy());
        stored = *store->study(studyId);
    }
    ~Fixture() { fs::remove_all(dir); }

    static int& counter() {
        static int n = 0;
        return n;
    }

    void simulate(const std::string& test, const std::string& nerve, const std::string& out, const std::string& truth) {
        const auto r = run(dir, cli() + " simulate --test " + test + " --nerve " + nerve + " --truth " + (dir / truth).string() + " " +
                                    (dir / out).string());
        INFO(r.err);
        REQUIRE(r.rc == 0);
    }

    study::Study makeStudy() const {
        study::Study s;
        s.patientId = "P-DCM-1";
        s.date = "2026-11-24";
        s.referringPhysician = "House, Gregory";
        s.examiner = "Dr. E. Examiner";
        study::MotorNcs m;
        m.id = "t1";
        m.side = study::Side::Left;
        m.nerve = "peroneal";
        m.recordingSite = "extensor digitorum brevis";
        m.raw = {(dir / "motor.bdf").string(), "", motorLabel, 0.4, 2.45};
        const auto& ms = motorTruth.at("sites");
        auto site = [](const nlohmann::json& truth, double distanceMm, const std::string& name) {
            study::Measurement latency;
            latency.name = name;
            latency.value = truth.at("onsetLatencyMs").get<double>();
            latency.unit = "ms";
            return study::StimSite{truth.at("name").get<std::string>(), distanceMm, {latency}};
        };
        m.sites = {site(ms[0], 80.0, "distalLatencyMs"), site(ms[1], 300.0, "latencyMs")};
        s.tests.push_back(m);
        study::SensoryNcs n;
        n.id = "t2";
        n.side = study::Side::Right;
        n.nerve = "sural";
        n.recordingSite = "lateral malleolus";
        n.raw = {(dir / "sensory.edf").string(), "", "", std::nullopt, std::nullopt};
        const auto& ss = sensoryTruth.at("sites");
        n.sites = {site(ss[0], 140.0, "onsetLatencyMs")};
        s.tests.push_back(n);
        study::NeedleEmg e;
        e.id = "t3";
        e.side = study::Side::Left;
        e.muscle = "tibialis anterior";
        s.tests.push_back(e);
        return s;
    }

    Run exportTo(const fs::path& out) {
        fs::create_directories(out);
        return run(dir, cli() + " export dicom " + studyId + " " + out.string() + " --db " + db);
    }

    /// The first stimulus annotation of `site` in a recording, seconds from its start.
    double stimulusSec(const fs::path& file, const std::string& site) const {
        for (const auto& a : io::readRecording(file).annotations)
            if (a.text == "Stim " + site) return a.onsetSec;
        FAIL("no stimulus of " << site << " in " << file);
        return 0.0;
    }

    nlohmann::json expectation(const fs::path& emg, const fs::path& pdf, const std::string& pdfSha256) const {
        const auto& ms = motorTruth.at("sites");
        const auto& ss = sensoryTruth.at("sites");
        auto marker = [](const std::string& text, double timeSec) { return nlohmann::json{{"text", text}, {"timeSec", timeSec}}; };
        auto latencyText = [](const nlohmann::json& site, const std::string& name) {
            char v[32];
            std::snprintf(v, sizeof v, "%g", site.at("onsetLatencyMs").get<double>());
            return site.at("name").get<std::string>() + ": " + name + " " + v + " ms";
        };
        const double stim0 = stimulusSec(dir / "motor.bdf", ms[0].at("name").get<std::string>()), stim1 = stimulusSec(dir / "motor.bdf", ms[1].at("name").get<std::string>());
        const double sstim = stimulusSec(dir / "sensory.edf", ss[0].at("name").get<std::string>());
        nlohmann::json motor{{"label", "t1 motor"}, {"recording", (dir / "motor.bdf").string()}, {"channel", motorLabel},
                             {"startSec", 0.4}, {"endSec", 2.45}, {"bits", 24},
                             {"source", {{"scheme", "MDC"}, {"value", "7:957"}}},   // extensor digitorum brevis, left (CID 3031)
                             {"filters", {{"low", 2.0}, {"high", 10000.0}, {"notch", nullptr}}},
                             {"markers", {marker("Stim " + ms[0].at("name").get<std::string>(), stim0),
                                          marker(latencyText(ms[0], "distalLatencyMs"), stim0 + ms[0].at("onsetLatencyMs").get<double>() / 1000),
                                          marker(latencyText(ms[1], "latencyMs"), stim1 + ms[1].at("onsetLatencyMs").get<double>() / 1000)}}};
        nlohmann::json sensory{{"label", "t2 sensory"}, {"recording", (dir / "sensory.edf").string()}, {"channel", ""},
                               {"startSec", 0.0}, {"endSec", nullptr}, {"bits", 16},
                               {"source", {{"scheme", "MDC"}, {"value", "7:234"}}},   // sural nerve, right (CID 3032)
                               {"filters", {{"low", 20.0}, {"high", 2000.0}, {"notch", 50.0}}},
                               {"markers", {marker(latencyText(ss[0], "onsetLatencyMs"), sstim + ss[0].at("onsetLatencyMs").get<double>() / 1000)}}};
        return {{"emg", emg.string()}, {"pdf", pdf.empty() ? nlohmann::json() : nlohmann::json(pdf.string())}, {"pdfSha256", pdfSha256},
                {"patient", {{"name", "Doe^Jane"}, {"id", "P-DCM-1"}, {"birthDate", "19610304"}, {"sex", "F"}}},
                {"study", {{"date", "20261124"}, {"referring", "House^Gregory"}, {"instanceUid", report::dicom::studyInstanceUid(studyId)}}},
                {"groups", {motor, sensory}}};
    }
};

/// dciodvfy's error lines ("Error - ...").
std::vector<std::string> dciodvfyErrors(const fs::path& dir, const fs::path& file) {
    const auto r = run(dir, "dciodvfy " + file.string());
    std::vector<std::string> errors;
    std::istringstream lines(r.out + "\n" + r.err);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind("Error", 0) == 0) errors.push_back(line);
    return errors;
}

}  // namespace

TEST_CASE("DICOM export: an unsigned study gives the EMG waveforms only, and says why", "[dicom][cli]") {
    Fixture f;
    const auto r = f.exportTo(f.dir / "unsigned");
    INFO(r.out << r.err);
    REQUIRE(r.rc == 0);
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j.at("files").size() == 1);
    CHECK(j.at("files")[0].at("kind") == "emg-waveform");
    CHECK(j.at("studyInstanceUid") == report::dicom::studyInstanceUid(f.studyId));
    CHECK(r.err.find("not signed") != std::string::npos);
    CHECK(r.err.find("t3 links no recording") != std::string::npos);   // the needle test has no raw data
    REQUIRE(j.at("groups").size() == 2);
    CHECK(j.at("groups")[0].at("sampleInterpretation") == "SL");   // 24-bit BDF
    CHECK(j.at("groups")[1].at("sampleInterpretation") == "SS");   // 16-bit EDF
    CHECK(j.at("groups")[1].at("channels") == 2);
    CHECK(!fs::exists(f.dir / "unsigned" / (f.studyId + "-report.dcm")));
}

TEST_CASE("DICOM export: signed study passes dciodvfy and the pydicom IOD and sample checks", "[dicom][cli]") {
    Fixture f;
    const auto first = f.exportTo(f.dir / "first");
    REQUIRE(first.rc == 0);
    const auto sign = run(f.dir, cli() + " studies sign " + f.studyId + " --examiner 'Dr. E. Examiner' --db " + f.db);
    INFO(sign.err);
    REQUIRE(sign.rc == 0);
    const std::string pdfSha = nlohmann::json::parse(sign.out).at("pdfSha256");

    const auto r = f.exportTo(f.dir / "signed");
    INFO(r.out << r.err);
    REQUIRE(r.rc == 0);
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j.at("files").size() == 2);
    const fs::path emgFile = j.at("files")[0].at("path").get<std::string>(), pdfFile = j.at("files")[1].at("path").get<std::string>();
    CHECK(j.at("files")[1].at("kind") == "encapsulated-pdf");
    // one Study Instance UID across files and exports; SOP instance UIDs new every time
    const auto j1 = nlohmann::json::parse(first.out);
    CHECK(j1.at("studyInstanceUid") == j.at("studyInstanceUid"));
    CHECK(j1.at("files")[0].at("sopInstanceUid") != j.at("files")[0].at("sopInstanceUid"));
    CHECK(j.at("files")[0].at("sopInstanceUid") != j.at("files")[1].at("sopInstanceUid"));

    SECTION("dciodvfy: no error on the PDF; on the EMG file none but the missing IOD definition") {
        CHECK(dciodvfyErrors(f.dir, pdfFile).empty());
        for (const auto& e : dciodvfyErrors(f.dir, emgFile)) {
            INFO(e);
            CHECK(e.find("Information Object Not found") != std::string::npos);
        }
    }
    SECTION("pydicom: every module attribute, samples exact, markers in place") {
        const auto expect = f.expectation(emgFile, pdfFile, pdfSha);
        std::ofstream(f.dir / "expect.json") << expect.dump(2);
        const auto py = run(f.dir, "/usr/bin/python3 " + std::string(EMGWS_SOURCE_DIR) + "/tests/report/check_emg_dicom.py " + (f.dir / "expect.json").string());
        INFO(py.out << py.err);
        CHECK(py.rc == 0);
        CHECK(py.out.find(" 0 failed") != std::string::npos);
    }
}

TEST_CASE("DICOM export: a recording changed since it was stored is refused and nothing is written", "[dicom][cli]") {
    Fixture f;
    {   // one byte of the motor recording's data changes (the last byte of the file)
        std::fstream io(f.dir / "motor.bdf", std::ios::in | std::ios::out | std::ios::binary);
        io.seekg(-1, std::ios::end);
        char c = 0;
        io.get(c);
        io.seekp(-1, std::ios::end);
        io.put(static_cast<char>(c ^ 0x01));
    }
    const auto r = f.exportTo(f.dir / "changed");
    CHECK(r.rc != 0);
    CHECK(r.err.find("has changed since it was stored") != std::string::npos);
    CHECK(r.err.find("nothing was written") != std::string::npos);
    CHECK(fs::is_empty(f.dir / "changed"));
}
