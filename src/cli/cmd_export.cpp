// emgws-cli export dicom STUDY_ID OUTDIR [--db URL] [--institution NAME] : the study's waveforms
// (Electromyogram Waveform Storage) and its signed report (Encapsulated PDF) for the hospital
// archive (docs/report.md, "DICOM export").
#include "cmd_store_options.h"
#include "command_registry.h"

#include <emg/report/dicom/stored_study_dicom.h>

#include <nlohmann/json.hpp>

#include <iostream>

namespace {

int usage(bool help) {
    std::cerr << "usage: emgws-cli export dicom STUDY_ID OUTDIR [--db URL] [--institution NAME]\n"
                 "  Writes OUTDIR/<study>-emg.dcm (Electromyogram Waveform Storage: one multiplex group per test\n"
                 "  that links a recording, the whole linked span, markers as annotations) and, when the study is\n"
                 "  signed, OUTDIR/<study>-report.dcm (the signed report as Encapsulated PDF), with one Study\n"
                 "  Instance UID. Prints the files, UIDs and groups as JSON.\n";
    return help ? 0 : 2;
}

nlohmann::json toJson(const emg::report::dicom::DicomExportResult& r, const std::string& studyId) {
    nlohmann::json j{{"studyId", studyId}, {"studyInstanceUid", r.studyInstanceUid}, {"files", nlohmann::json::array()},
                     {"groups", nlohmann::json::array()}, {"notes", r.notes}};
    for (const auto& f : r.files)
        j["files"].push_back({{"path", f.path.string()}, {"kind", f.kind}, {"sopClassUid", f.sopClassUid}, {"sopInstanceUid", f.sopInstanceUid},
                              {"seriesInstanceUid", f.seriesInstanceUid}, {"bytes", f.bytes}});
    for (const auto& g : r.groups)
        j["groups"].push_back({{"testId", g.testId}, {"description", g.description}, {"recording", g.recording}, {"sha256", g.sha256},
                               {"fromSec", g.fromSec}, {"toSec", g.toSec}, {"channels", g.channels},
                               {"samplesPerChannel", g.samplesPerChannel}, {"sampleRateHz", g.sampleRateHz},
                               {"sampleInterpretation", g.sampleInterpretation}, {"markers", g.markers}});
    return j;
}

int runExport(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help") return usage(!args.empty());
    if (args[0] != "dicom") {
        std::cerr << "emgws-cli export: unknown format '" << args[0] << "' (dicom)\n";
        return usage(false);
    }
    const auto a = emg::cli::parseArgs({args.begin() + 1, args.end()}, {"institution"});
    if (a.positional.size() != 2) return usage(false);
    auto store = emg::cli::openStore(a);
    const auto result = emg::report::dicom::exportStoredStudyDicom(*store, a.positional[0], a.positional[1], EMGWS_VERSION,
                                                                   a.get("institution").value_or(""));
    for (const auto& n : result.notes) std::cerr << "emgws-cli export dicom: " << n << "\n";
    emg::cli::printJson(toJson(result, a.positional[0]).dump(2));
    return 0;
}

const emg::cli::CommandRegistration reg{"export", "export a stored study as DICOM (EMG waveforms, signed report PDF)", &runExport};

}  // namespace
