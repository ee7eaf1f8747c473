#include "study_report_export.h"

#include <emg/report/study_signing.h>

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace emg::ui {

report::PdfReportStats exportStudyReport(study::SessionStore& store, const std::string& studyId, const StudyReference& reference,
                                         const std::filesystem::path& pdf) {
    if (!store.study(studyId)) throw std::runtime_error("study '" + studyId + "' is not in the store");
    if (!reference.norms || !reference.myotomes) throw std::runtime_error("the normative values or the myotome map could not be loaded");
    // a signed study prints as signed, with its addenda after it (the same call as emgws-cli report --study)
    const auto stats = report::writePdfReport(report::storedStudyReport(store, studyId, *reference.norms, *reference.myotomes), pdf);
    spdlog::info("study report {} written to {} ({} pages, {} flagged values)", studyId, pdf.string(), stats.pages, stats.abnormalCells);
    return stats;
}

}  // namespace emg::ui
