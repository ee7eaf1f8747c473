// emgws-cli report IN.json OUT.pdf : draws the clinician's report (docs/report.md) to PDF.
#include "command_registry.h"

#include <emg/report/pdf_report_writer.h>

#include <QGuiApplication>

#include <cstdlib>
#include <fstream>
#include <iostream>

namespace {

int runReport(const std::vector<std::string>& args) {
    if (args.size() != 2 || args[0] == "--help") {
        std::cerr << "usage: emgws-cli report REPORT.json OUT.pdf\n"
                     "  Draws the report described by REPORT.json (see docs/report.md) to an A4 PDF.\n"
                     "  Prints {\"pages\":N,...} on stdout.\n";
        return args.size() == 1 && args[0] == "--help" ? 0 : 2;
    }
    std::ifstream in(args[0]);
    if (!in) throw std::runtime_error("cannot open " + args[0]);
    nlohmann::json j;
    try {
        in >> j;
    } catch (const nlohmann::json::parse_error& e) {
        throw std::runtime_error(args[0] + " is not valid JSON: " + e.what());
    }
    const auto model = emg::report::reportModelFromJson(j);
    // QPdfWriter needs a QGuiApplication for fonts; without a display use the offscreen platform.
    if (!std::getenv("QT_QPA_PLATFORM") && !std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY"))
        setenv("QT_QPA_PLATFORM", "offscreen", 1);
    int argc = 1;
    char name[] = "emgws-cli";
    char* argv[] = {name, nullptr};
    QGuiApplication app(argc, argv);
    const auto stats = emg::report::writePdfReport(model, args[1]);
    std::cout << nlohmann::json{{"pdf", args[1]}, {"pages", stats.pages}, {"tables", stats.tables},
                                {"waveforms", stats.waveforms}, {"abnormalValues", stats.abnormalCells}}
                     .dump(2)
              << "\n";
    return 0;
}

const emg::cli::CommandRegistration reg{"report", "draw a clinician's report (JSON) to PDF", &runReport};

}  // namespace
