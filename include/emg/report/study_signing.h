#pragma once
// Signing a stored study's report, and the report of a stored study as it is printed now
// (docs/report.md, "Signed reports and addenda"). Needs a QGuiApplication (the PDF is drawn).
#include <emg/report/pdf_report_writer.h>
#include <emg/report/report_model.h>
#include <emg/study/myotomes.h>
#include <emg/study/normative.h>
#include <emg/study/session_store.h>

#include <string>

namespace emg::report {

struct SignOutcome {
    study::StudySignature signature;
    PdfReportStats pdf;
};

/// Draws the study's report with the electronic signature (typed name, OS login, time, the
/// study's canonical hash), then stores the PDF and both hashes, which locks the study.
/// Throws study::StoreError (not found, already signed, changed meanwhile, schema too old).
SignOutcome signStudyReport(study::SessionStore& store, const std::string& studyId, const std::string& examinerName,
                            const std::string& osLogin, const study::NormativeTable& norms, const study::MyotomeMap& myotomes);

/// An unsigned study: its report from the stored data. A signed study: the report drawn from the
/// study JSON that was signed (not from rows that may have changed behind the lock), with the
/// signature, followed by the addenda on pages of their own.
ReportModel storedStudyReport(study::SessionStore& store, const std::string& studyId, const study::NormativeTable& norms,
                              const study::MyotomeMap& myotomes);

}  // namespace emg::report
