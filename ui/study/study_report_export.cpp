#include "study_report_export.h"

#include <emg/report/study_report.h>

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace emg::ui {

report::PdfReportStats exportStudyReport(study::SessionStore& store, const std::string& studyId, const StudyReference& reference,
                                         const std::filesystem::path& pdf) {
    const auto s = store.study(studyId);
    if (!s) throw std::runtime_error("study '" + studyId + "' is not in the store");
    const auto patient = store.patient(s->patientId);
    if (!patient) throw std::runtime_error("study '" + studyId + "' names patient '" + s->patientId + "', who is not in the store");
    if (!reference.norms || !reference.myotomes) throw std::runtime_error("the normative values or the myotome map could not be loaded");
    const auto stats = report::writePdfReport(report::buildStudyReport(*patient, *s, *reference.norms, *reference.myotomes), pdf);
    spdlog::info("study report {} written to {} ({} pages, {} flagged values)", studyId, pdf.string(), stats.pages, stats.abnormalCells);
    return stats;
}

}  // namespace emg::ui
