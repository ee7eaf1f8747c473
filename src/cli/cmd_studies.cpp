// emgws-cli studies add|list|show|evaluate|put-test: studies in the store as JSON (show = full
// export); put-test saves one test through the study session, by the study's upsert rule.
#include "cmd_store_options.h"
#include "command_registry.h"
#include "studies_signing.h"

#include <emg/study/evaluation.h>
#include <emg/study/json.h>
#include <emg/study/localization.h>
#include <emg/study/study_session.h>

#include <filesystem>
#include <iostream>

namespace {

using namespace emg::study;

constexpr const char* kUsage =
    "usage: emgws-cli studies add --patient ID --date YYYY-MM-DD [--indication TEXT] [--referring NAME] [--examiner NAME]\n"
    "                             [--technician NAME] [--temperature-c T] [--protocol ID] [--db URL]\n"
    "       emgws-cli studies add --json FILE [--by NAME] [--db URL]   (import or update a full study: tests, measurements,\n"
    "                                                     findings; --by: who, for the audit trail, default the OS login)\n"
    "       emgws-cli studies list [--patient ID] [--db URL]\n"
    "       emgws-cli studies show STUDY_ID [--db URL]       (export the full study)\n"
    "       emgws-cli studies evaluate STUDY_ID [--db URL]   (measurements vs normative limits, localization suggestions)\n"
    "       emgws-cli studies put-test STUDY_ID --json FILE [--db URL]\n"
    "                             (one test as JSON into the study: the same test, any letter case, is replaced)\n"
    "--db: sqlite:PATH or postgresql://user@host:port/db (default: the user's SQLite store)\n";

nlohmann::json summaryJson(const StudySummary& s) {
    return {{"id", s.id},           {"patientId", s.patientId}, {"date", s.date},          {"indication", s.indication},
            {"examiner", s.examiner}, {"protocolId", s.protocolId}, {"testCount", s.testCount}};
}

int studiesAdd(const std::vector<std::string>& rest) {
    const auto a = emg::cli::parseArgs(
        rest, {"patient", "date", "indication", "referring", "examiner", "technician", "temperature-c", "protocol", "json", "by"});
    Study s;
    if (auto file = a.get("json")) {
        s = studyFromJson(readJsonFile(*file));
    } else {
        s.patientId = a.require("patient");
        s.date = a.require("date");
        s.indication = a.get("indication").value_or("");
        s.referringPhysician = a.get("referring").value_or("");
        s.examiner = a.get("examiner").value_or("");
        s.technician = a.get("technician").value_or("");
        s.limbTemperatureC = a.number("temperature-c");
        s.protocolId = a.get("protocol").value_or("");
        validate(s);
    }
    auto store = emg::cli::openStore(a);
    if (const auto by = a.get("by")) store->setActor(*by, osLoginName());   // who the audit trail names
    if (!store->patient(s.patientId))
        throw std::invalid_argument("no patient '" + s.patientId + "' in the store (add it with 'emgws-cli patients add')");
    const std::string id = store->saveStudy(s);
    nlohmann::json out{{"id", id}, {"patientId", s.patientId}, {"tests", s.tests.size()}};
    // the study's raw files are kept for every workstation too (schema v6; emg/study/raw_files.h)
    nlohmann::json kept = nlohmann::json::array();
    int failed = 0;
    for (const auto& r : store->recordings(id)) {
        if (!std::filesystem::is_regular_file(r.path)) continue;   // recorded elsewhere: pushed there
        try {
            const auto t = store->pushRawFile(r.path, r.sha256);
            kept.push_back({{"sha256", r.sha256}, {"location", t.info.location}, {"alreadyStored", t.alreadyStored}});
        } catch (const std::exception& e) {
            ++failed;
            std::cerr << "emgws-cli studies add: study " << id << " is stored, but its raw file " << r.path
                      << " was not kept for other workstations: " << e.what() << " (emgws-cli recordings push FILE)\n";
        }
    }
    if (!kept.empty()) out["rawFiles"] = kept;
    emg::cli::printJson(out.dump(2));
    return failed == 0 ? 0 : 1;
}

int studiesList(const std::vector<std::string>& rest) {
    const auto a = emg::cli::parseArgs(rest, {"patient"});
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : emg::cli::openStore(a)->studies(a.get("patient").value_or(""))) out.push_back(summaryJson(s));
    emg::cli::printJson(out.dump(2));
    return 0;
}

int studiesShow(const std::vector<std::string>& rest) {
    const auto a = emg::cli::parseArgs(rest, {});
    if (a.positional.size() != 1) throw std::invalid_argument("studies show needs one study id");
    auto s = emg::cli::openStore(a)->study(a.positional[0]);
    if (!s) {
        std::cerr << "emgws-cli studies: no study '" << a.positional[0] << "'\n";
        return 1;
    }
    emg::cli::printJson(toJson(*s).dump(2));
    return 0;
}

int studiesEvaluate(const std::vector<std::string>& rest) {
    const auto a = emg::cli::parseArgs(rest, {});
    if (a.positional.size() != 1) throw std::invalid_argument("studies evaluate needs one study id");
    auto store = emg::cli::openStore(a);
    auto s = store->study(a.positional[0]);
    if (!s) {
        std::cerr << "emgws-cli studies: no study '" << a.positional[0] << "'\n";
        return 1;
    }
    const auto patient = store->patient(s->patientId).value_or(Patient{s->patientId, "", "", Sex::Unknown, std::nullopt, Side::Unspecified});
    const auto norms = NormativeTable::loadDefault();
    const auto subject = subjectFor(patient, *s);
    nlohmann::json evs = nlohmann::json::array();
    for (const auto& e : evaluateStudy(*s, norms, subject))
        evs.push_back({{"testId", e.testId},
                       {"kind", toString(e.kind)},
                       {"subject", e.subject},
                       {"recordingSite", e.recordingSite},
                       {"side", toString(e.side)},
                       {"site", e.site},
                       {"parameter", e.measurement.name},
                       {"value", e.measurement.value},
                       {"unit", e.evaluation.unit},
                       {"limit", e.evaluation.limit},
                       {"limitKind", e.evaluation.kind == LimitKind::Upper ? "upper" : "lower"},
                       {"abnormal", e.evaluation.abnormal},
                       {"deviation", e.evaluation.deviation == Deviation::High ? "high" : e.evaluation.deviation == Deviation::Low ? "low" : "none"},
                       {"source", e.evaluation.source},
                       {"notes", e.evaluation.notes}});
    nlohmann::json hyps = nlohmann::json::array();
    for (const auto& h : localize(MyotomeMap::loadDefault(), observationsFrom(*s, norms, subject)))
        hyps.push_back({{"label", h.label},
                        {"kind", toString(h.kind)},
                        {"side", toString(h.side)},
                        {"score", h.score},
                        {"confidence", h.confidence},
                        {"confidenceLabel", h.confidenceLabel},
                        {"evidenceFor", h.evidenceFor},
                        {"evidenceAgainst", h.evidenceAgainst}});
    nlohmann::json subj = nlohmann::json::object();
    if (subject.ageYears) subj["ageYears"] = *subject.ageYears;
    if (subject.heightCm) subj["heightCm"] = *subject.heightCm;
    if (subject.limbTemperatureC) subj["limbTemperatureC"] = *subject.limbTemperatureC;
    emg::cli::printJson(nlohmann::json{{"studyId", s->id},
                                       {"subject", subj},
                                       {"evaluations", evs},
                                       {"localization", hyps},
                                       {"note", "localization is a suggestion for the clinician to confirm or edit"}}
                            .dump(2));
    return 0;
}

int studiesPutTest(const std::vector<std::string>& rest) {
    const auto a = emg::cli::parseArgs(rest, {"json"});
    if (a.positional.size() != 1) throw std::invalid_argument("studies put-test needs one study id");
    auto test = testFromJson(readJsonFile(a.require("json")));
    auto store = emg::cli::openStore(a);
    StudySession session(*store, a.positional[0]);
    const auto saved = session.saveTest(std::move(test));
    emg::cli::printJson(nlohmann::json{{"studyId", session.studyId()},
                                       {"kind", toString(saved.kind)},
                                       {"subject", saved.subject},
                                       {"replaced", saved.replaced}}
                            .dump(2));
    return 0;
}

int runStudies(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        std::cerr << kUsage << emg::cli::kStudySigningUsage;
        return args.empty() ? 2 : 0;
    }
    const std::string sub = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (sub == "add") return studiesAdd(rest);
    if (sub == "list") return studiesList(rest);
    if (sub == "show") return studiesShow(rest);
    if (sub == "evaluate") return studiesEvaluate(rest);
    if (sub == "put-test") return studiesPutTest(rest);
    if (const auto rc = emg::cli::runStudySigningCommand(sub, rest)) return *rc;
    std::cerr << "emgws-cli studies: unknown sub-command '" << sub << "'\n" << kUsage << emg::cli::kStudySigningUsage;
    return 2;
}

const emg::cli::CommandRegistration reg{"studies", "add (or import), list, show (export), evaluate, sign, verify, addendum, history of studies in the store", &runStudies};

}  // namespace
