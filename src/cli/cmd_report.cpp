// emgws-cli report IN.json OUT.pdf : draws the clinician's report (docs/report.md) to PDF.
// emgws-cli report --study ID [--db URL] [--model OUT.json] OUT.pdf : the report of a stored study
// (a signed study: as signed, then its addenda).
// emgws-cli report --study ID [--db URL] --patient-page OUT.pdf : the page for the patient, in plain
// words from the confirmed impression (refused when there is none), for the clinician to review.
#include "cmd_store_options.h"
#include "command_registry.h"

#include <emg/io/safe_file_writer.h>
#include <emg/report/patient_page_pdf.h>
#include <emg/report/pdf_report_writer.h>
#include <emg/report/study_report.h>
#include <emg/report/study_signing.h>

#include "pdf_application.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>

namespace {

emg::report::ReportModel modelFromFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    nlohmann::json j;
    try {
        in >> j;
    } catch (const nlohmann::json::parse_error& e) {
        throw std::runtime_error(path + " is not valid JSON: " + e.what());
    }
    return emg::report::reportModelFromJson(j);
}

emg::report::ReportModel modelFromStore(const emg::cli::ParsedArgs& a) {
    // a signed study: the report drawn from what was signed, with its addenda after it
    auto store = emg::cli::openStore(a);
    return emg::report::storedStudyReport(*store, a.require("study"), emg::study::NormativeTable::loadDefault(),
                                          emg::study::MyotomeMap::loadDefault());
}

int usage(bool help) {
    std::cerr << "usage: emgws-cli report REPORT.json OUT.pdf\n"
                 "       emgws-cli report --study ID [--db URL] [--model OUT.json] OUT.pdf\n"
                 "       emgws-cli report --study ID [--db URL] --patient-page OUT.pdf\n"
                 "  Draws the report described by REPORT.json (see docs/report.md), or the report of a\n"
                 "  stored study (measurements flagged against the normative limits, needle findings,\n"
                 "  the localization suggestion), to an A4 PDF. --model also writes the report as JSON.\n"
                 "  Prints {\"pages\":N,...} on stdout.\n"
                 "  --patient-page: the page for the patient (what was tested, what was found, what usually\n"
                 "  comes next) in plain words made only from the study's CONFIRMED impression; refused when\n"
                 "  the impression is not confirmed. Review it before it is printed.\n";
    return help ? 0 : 2;
}

/// The page for the patient of a stored study; refused (exit 1, nothing written) without a confirmed impression.
int runPatientPage(const std::vector<std::string>& args) {
    const auto a = emg::cli::parseArgs(args, {"study", "patient-page"});
    if (!a.positional.empty()) return usage(false);
    const std::string out = a.require("patient-page");
    emg::io::refuseUnsafeTarget(out);
    auto store = emg::cli::openStore(a);
    const auto page = emg::report::storedPatientPage(*store, a.require("study"), emg::study::MyotomeMap::loadDefault());
    const auto app = emg::cli::makePdfApplication();
    const int pages = emg::report::writePatientPagePdf(page, out);
    std::cout << nlohmann::json{{"patientPage", out}, {"pages", pages}, {"regions", page.regions}, {"confirmedBy", page.confirmedBy},
                                {"note", "review the page before it is printed"}}
                     .dump(2)
              << "\n";
    return 0;
}

int runReport(const std::vector<std::string>& args) {
    if (args.size() == 1 && args[0] == "--help") return usage(true);
    emg::report::ReportModel model;
    std::string out;
    const bool fromStore = std::find(args.begin(), args.end(), "--study") != args.end();
    if (fromStore && std::find(args.begin(), args.end(), "--patient-page") != args.end()) return runPatientPage(args);
    if (fromStore) {
        const auto a = emg::cli::parseArgs(args, {"study", "model"});
        if (a.positional.size() != 1) return usage(false);
        out = a.positional[0];
        emg::io::refuseUnsafeTarget(out);
        model = modelFromStore(a);
        if (const auto m = a.get("model")) {
            emg::io::writeFileSafely(*m, emg::report::toJson(model).dump(2) + "\n");
        }
    } else {
        if (args.size() != 2) return usage(false);
        model = modelFromFile(args[0]);
        out = args[1];
    }
    const auto& outPath = out;
    emg::io::refuseUnsafeTarget(outPath);   // a symlink, FIFO or device as OUT: refused before any drawing
    const auto app = emg::cli::makePdfApplication();
    const auto stats = emg::report::writePdfReport(model, outPath);
    const auto notDrawn = std::count_if(stats.figures.begin(), stats.figures.end(), [](const auto& f) { return !f.drawn; });
    std::cout << nlohmann::json{{"pdf", outPath},          {"pages", stats.pages},
                                {"tables", stats.tables},  {"waveforms", stats.waveforms},
                                {"figures", stats.figures.size()}, {"figuresNotDrawn", notDrawn},
                                {"abnormalValues", stats.abnormalCells}}
                     .dump(2)
              << "\n";
    return 0;
}

const emg::cli::CommandRegistration reg{"report", "draw a clinician's report (JSON) to PDF", &runReport};

}  // namespace
