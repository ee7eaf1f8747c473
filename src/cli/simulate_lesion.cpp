// `emgws-cli simulate --lesion L5:left [...]` (simulate_lesion.h): for every test of the protocol
// run, the simulator is set up with the lesion's expected findings (smaller CMAP/SNAP, absent H,
// denervated and neurogenic muscles), the recording it gives is measured by the same engine
// analyses as `emgws-cli analyze`, and the results go into the study through the study session.
#include "simulate_lesion.h"

#include "cmd_store_options.h"

#include <emg/dsp/late_responses.h>
#include <emg/dsp/ncs_analysis.h>
#include <emg/io/recording_io.h>
#include <emg/io/sha256.h>
#include <emg/needle/needle_analysis.h>
#include <emg/study/lesion_findings.h>
#include <emg/study/myotomes.h>
#include <emg/study/needle_entry.h>
#include <emg/study/study_session.h>
#include <sim/protocol/sim_protocol_setup.h>
#include <sim/sim_recording.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <ctime>
#include <map>
#include <stdexcept>

namespace emg::cli {

namespace {

namespace st = emg::study;
using json = nlohmann::json;

std::string oneWord(std::string s) {
    for (auto& c : s)
        if (c == ' ') c = '-';
    return s;
}

/// Measures the recording of one NCS/late-response test and saves it; returns what was saved.
std::string measureAndSave(st::StudySession& session, const st::RunTest& t, const sim::NerveConfig& cfg, Recording&& rec) {
    const auto settings = dsp::ncsSettingsFor(t.kind);
    const auto prepared = dsp::prepareSignal(std::move(rec), 0, settings);
    const std::string stimSite = t.sites.empty() ? std::string() : t.sites[0].name;
    const st::LateTestTarget where{t.nerve, t.side, t.recordingSite, stimSite, "", ""};
    if (t.kind == TestKind::Motor || t.kind == TestKind::Sensory) {
        int saved = 0;
        std::string missing;
        const auto sites = dsp::analyzeSites(prepared, settings);
        for (std::size_t i = 0; i < sites.size() && i < t.sites.size(); ++i) {
            if (!sites[i].response.found) {
                missing += (missing.empty() ? "; no response found at " : ", ") + t.sites[i].name + " (" + sites[i].response.note + ")";
                continue;
            }
            const double distanceMm = i == 0 ? cfg.sites[0].distanceMm : cfg.sites[i].distanceMm - cfg.sites[i - 1].distanceMm;
            st::NcsSiteEntry e{t.kind, t.nerve, t.recordingSite, t.side, t.sites[i].name, distanceMm, "", "simulated " + cfg.name};
            session.saveNcsResponse(e, sites[i].response);
            ++saved;
        }
        return std::to_string(saved) + " of " + std::to_string(t.sites.size()) + " sites" + missing;
    }
    std::vector<std::optional<double>> intensities;
    const auto sweeps = dsp::siteSweeps(prepared, "", settings.sweep, &intensities);
    if (sweeps.empty()) throw std::runtime_error("no complete sweep in the simulated " + t.label());
    if (t.kind == TestKind::FWave) {
        dsp::FWaveSettings fs;
        fs.mDetection = settings.detection;
        fs.mainsHz = settings.mainsHz;
        session.saveFWave(dsp::analyzeFWaves(sweeps, fs), where);
    } else if (t.kind == TestKind::HReflex) {
        session.saveHReflex(dsp::analyzeHReflex(sweeps, intensities), where);
    } else {
        session.saveRns(dsp::analyzeRns(sweeps, settings.detection), where);
    }
    return std::to_string(sweeps.size()) + " sweeps";
}

/// The simulated recording kept as BDF+ in `dir` (through the safe writer) and its link with the
/// SHA-256, so the report draws its figure from it; an empty link when no folder was given.
st::RawDataLink keepRecording(const Recording& rec, const std::string& dir, const std::string& name) {
    if (dir.empty()) return {};
    std::string file = name;
    for (auto& c : file)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '-';
    const auto path = std::filesystem::absolute(std::filesystem::path(dir) / (file + ".bdf"));
    io::writeRecording(rec, path, io::FileFormat::BdfPlus);
    st::RawDataLink link;
    link.path = path.string();
    link.sha256 = io::sha256OfFile(path);
    return link;
}

std::string lowerText(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

/// Links the saved test of `t` (same kind, nerve and side) to its kept recording.
void linkSavedTest(st::StudySession& session, const st::RunTest& t, const st::RawDataLink& link) {
    if (link.empty()) return;
    for (auto test : session.study().tests) {
        if (st::kindOf(test) != t.kind || lowerText(st::subjectOf(test)) != lowerText(t.nerve) || st::common(test).side != t.side) continue;
        st::common(test).raw = link;
        session.saveTest(std::move(test));
        return;
    }
}

json simulateNeedle(st::StudySession& session, const st::RunTest& t, const std::vector<st::ExpectedFinding>& expected, std::uint64_t seed,
                    const std::string& recordingsDir) {
    json rows = json::array();
    for (std::size_t k = 0; k < t.muscles.size(); ++k) {
        const auto& f = expected[k];
        sim::SimRecordingOptions o;
        o.test = sim::SimTest::Needle;
        o.pattern = f.neurogenic ? sim::MusclePattern::Neuropathic : sim::MusclePattern::Normal;
        o.denervationGrade = f.denervationGrade;
        o.seconds = 3.0;
        o.seed = seed + k;
        const auto simRec = sim::simulateRecording(o);
        const auto& ch = simRec.recording.channels.at(0);
        needle::NeedleAnalysisOptions no;
        no.muscle = t.muscles[k].name;
        no.mainsHz = o.mainsHz;
        const auto a = needle::analyzeNeedleSignal(ch.samples, ch.sampleRateHz, simRec.recording.annotations, no);
        auto test = st::needleTestFromAnalysis(t.muscles[k].name, t.side, a, "simulated needle EMG, automatic analysis");
        test.raw = keepRecording(simRec.recording, recordingsDir,
                                 "needle-" + t.muscles[k].name + "-" + std::string(st::toString(t.side)));
        session.saveTest(test);
        rows.push_back(json{{"muscle", t.muscles[k].name}, {"expected", f.why}, {"expectedAbnormal", f.abnormal},
                        {"measuredNeurogenic", test.neurogenic()}, {"measuredAbnormal", test.abnormal()},
                        {"fibrillations", test.fibrillations}});
    }
    return rows;
}

std::string today() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

}  // namespace

namespace {

struct LesionOptions {
    std::string lesion, protocolId, studyId, patientId, date;
    std::string recordingsDir;   ///< --recordings: keep each simulated recording here (BDF+) and link it
    std::uint64_t seed = 1;
};

LesionOptions lesionOptions(const ParsedArgs& a) {
    LesionOptions o;
    o.lesion = a.require("lesion");
    o.protocolId = a.get("protocol").value_or("");
    o.studyId = a.get("study").value_or("");
    o.patientId = a.get("patient").value_or("");
    o.date = a.get("date").value_or(today());
    o.recordingsDir = a.get("recordings").value_or("");
    if (!o.recordingsDir.empty() && !std::filesystem::is_directory(o.recordingsDir))
        throw std::invalid_argument("--recordings needs an existing folder: " + o.recordingsDir);
    if (const auto seed = a.number("seed")) {
        if (*seed < 0.0 || *seed > 9.0e15 || *seed != static_cast<double>(static_cast<std::uint64_t>(*seed)))
            throw std::invalid_argument("--seed needs a whole number >= 0");
        o.seed = static_cast<std::uint64_t>(*seed);
    }
    return o;
}

/// The study to fill: the one given, or a new one (with its patient) for the protocol.
std::string studyFor(st::SessionStore& store, LesionOptions& o, const st::Lesion& lesion) {
    if (!o.studyId.empty()) {
        const auto s = store.study(o.studyId);
        if (!s) throw std::invalid_argument("no study '" + o.studyId + "' in the store");
        if (o.protocolId.empty()) o.protocolId = s->protocolId;
        return o.studyId;
    }
    if (o.patientId.empty()) o.patientId = "SIM-" + oneWord(lesion.label());
    if (!store.patient(o.patientId)) {
        st::Patient p;
        p.id = o.patientId;
        p.name = "Simulated, " + lesion.label();
        p.symptomSide = lesion.side;
        store.savePatient(p);
    }
    st::Study s;
    s.patientId = o.patientId;
    s.date = o.date;
    s.indication = "simulated " + lesion.label();
    s.examiner = "emgws simulator";
    s.protocolId = o.protocolId;
    return store.saveStudy(s);
}

}  // namespace

int runSimulateLesion(const std::vector<std::string>& args) {
    const auto a = parseArgs(args, {"lesion", "protocol", "study", "patient", "date", "seed", "recordings"});
    if (!a.positional.empty()) throw std::invalid_argument("simulate --lesion writes to the store (--db); no output file is taken");
    auto o = lesionOptions(a);
    const auto myotomes = st::MyotomeMap::loadDefault();
    const auto lesion = st::parseLesion(o.lesion, myotomes);
    if (o.protocolId.empty() && o.studyId.empty())
        o.protocolId = lesion.region == "upper" ? "cervical-radiculopathy" : "lumbosacral-radiculopathy";
    auto store = openStore(a);
    const std::string studyId = studyFor(*store, o, lesion);
    const auto* protocol = st::installedProtocols().find(o.protocolId);
    if (!protocol) throw std::invalid_argument("protocol '" + o.protocolId + "' is not installed");
    st::StudySession session(*store, studyId);
    const auto tests = st::runTestsOf(*protocol, lesion.side, &myotomes);
    const auto expected = st::expectedFindings(tests, lesion, myotomes);
    json out{{"studyId", studyId}, {"lesion", lesion.label()}, {"protocol", protocol->id}, {"seed", o.seed}, {"tests", json::array()}};
    std::size_t e = 0;
    for (std::size_t i = 0; i < tests.size(); ++i) {
        const auto& t = tests[i];
        json j{{"test", t.label()}};
        if (t.kind == TestKind::Needle) {
            const std::vector<st::ExpectedFinding> mine(expected.begin() + static_cast<std::ptrdiff_t>(e),
                                                         expected.begin() + static_cast<std::ptrdiff_t>(e + t.muscles.size()));
            e += t.muscles.size();
            j["muscles"] = simulateNeedle(session, t, mine, o.seed + 1000 * i, o.recordingsDir);
            out["tests"].push_back(j);
            continue;
        }
        const auto& f = expected[e++];
        j["expected"] = f.why;
        j["expectedAbnormal"] = f.abnormal;
        const auto preset = sim::nervePresetFor(t);
        if (preset.empty()) {
            j["saved"] = false;
            j["note"] = "the simulator has no model of this nerve; test left out";
            out["tests"].push_back(j);
            continue;
        }
        sim::SimRecordingOptions so;
        so.test = sim::simTestOf(t.kind);
        so.nerveConfig = sim::nerveConfigFor(t, f, preset);
        so.seed = o.seed + 1000 * i;
        if (t.kind == TestKind::Sensory) so.sweepsPerSite = 50;   // small SNAPs are averaged over 50 sweeps
        auto simRec = sim::simulateRecording(so);
        const auto link = keepRecording(simRec.recording, o.recordingsDir, t.label());
        j["saved"] = measureAndSave(session, t, *so.nerveConfig, std::move(simRec.recording));
        linkSavedTest(session, t, link);
        out["tests"].push_back(j);
    }
    printJson(out.dump(2));
    return 0;
}

}  // namespace emg::cli
