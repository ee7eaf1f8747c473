#pragma once
// "Report…" of the Study tab: the stored study's PDF, built by the same engine code as
// `emgws-cli report --study ID` (emg::report::buildStudyReport + writePdfReport).

#include "study_reference.h"

#include <emg/report/pdf_report_writer.h>
#include <emg/study/session_store.h>

#include <filesystem>
#include <string>

namespace emg::ui {

/// Throws std::runtime_error (the study or its patient missing, reference data not loaded, the
/// file not writable) with a message for the user.
report::PdfReportStats exportStudyReport(study::SessionStore& store, const std::string& studyId, const StudyReference& reference,
                                         const std::filesystem::path& pdf);

}  // namespace emg::ui
