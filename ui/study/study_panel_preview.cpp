// "Report…" and "Patient page…" of the Study tab: the pages shown for review first, painted by
// the same code as the PDF (emg/report/report_pages.h, patient_page_pdf.h); the report is then
// exported, the patient's page printed or saved, from what was shown (docs/report.md).
#include "active_study.h"
#include "page_preview_dialog.h"
#include "study_panel.h"

#include <emg/report/patient_page_pdf.h>
#include <emg/report/report_pages.h>
#include <emg/report/study_signing.h>

#include <QDate>
#include <QDateTime>
#include <QPainter>
#include <QPrintDialog>
#include <QPrinter>
#include <QPushButton>
#include <QStandardPaths>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>

namespace emg::ui {
namespace {

constexpr double kPreviewDpi = 100.0;

QString qs(const std::string& s) { return QString::fromStdString(s); }

/// The pages painted again at the printer's resolution (at most 300 dpi), one per sheet.
void printPages(QPrinter& printer, const report::PatientPage& page) {
    const double dpi = std::clamp(static_cast<double>(printer.resolution()), 72.0, 300.0);
    const auto images = report::renderPatientPageImages(page, dpi);
    QPainter p(&printer);
    for (std::size_t i = 0; i < images.size(); ++i) {
        if (i > 0) printer.newPage();
        const QRect target = p.viewport();
        QSize size = images[i].size();
        size.scale(target.size(), Qt::KeepAspectRatio);
        p.drawImage(QRect(target.topLeft(), size), images[i]);
    }
}

}  // namespace

PagePreviewDialog* StudyPanel::previewReport() {
    if (!store_ || !active_ || !active_->isSet()) {
        showError(tr("No active study to report."));
        return nullptr;
    }
    if (!reference_.norms || !reference_.myotomes) {
        showError(tr("Report not shown: the normative values or the myotome map could not be loaded."));
        return nullptr;
    }
    try {
        // one model for the preview and the export: what is shown is what the PDF holds
        auto model = std::make_shared<report::ReportModel>(
            report::storedStudyReport(*store_, active_->studyId().toStdString(), *reference_.norms, *reference_.myotomes));
        if (model->generatedAt.empty()) model->generatedAt = QDateTime::currentDateTime().toString(Qt::ISODate).toStdString();
        auto shown = report::renderReportPages(*model, kPreviewDpi);
        auto* dialog = new PagePreviewDialog(tr("Study report"),
                                             tr("The report as it will be exported (%n page(s)). Check it, then export the PDF.",
                                                nullptr, shown.stats.pages),
                                             std::move(shown.pages), this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
        const QString suggested = dir + QStringLiteral("/study-%1-%2.pdf").arg(active_->patientId(), QDate::currentDate().toString(Qt::ISODate));
        dialog->addSaveAction(tr("Export PDF…"), "page-preview-export", suggested, [this, model](const QString& path) {
            try {
                const auto stats = report::writePdfReport(*model, path.toStdString());
                showInfo(tr("Report written to %1 (%n page(s)).", nullptr, stats.pages).arg(path));
                return true;
            } catch (const std::exception& e) {
                showError(tr("Report not written: %1").arg(qs(e.what())));
                return false;
            }
        });
        dialog->show();
        return dialog;
    } catch (const std::exception& e) {
        showError(tr("Report not shown: %1").arg(qs(e.what())));
        return nullptr;
    }
}

PagePreviewDialog* StudyPanel::previewPatientPage() {
    if (!store_ || !active_ || !active_->isSet()) {
        showError(tr("No active study."));
        return nullptr;
    }
    if (!reference_.myotomes) {
        showError(tr("Patient page not made: the myotome map could not be loaded."));
        return nullptr;
    }
    try {
        auto page = std::make_shared<report::PatientPage>(
            report::storedPatientPage(*store_, active_->studyId().toStdString(), *reference_.myotomes));
        auto* dialog = new PagePreviewDialog(tr("Page for the patient"),
                                             tr("Read the page before it is given to the patient: it is made from the confirmed "
                                                "impression only. Print it or save it as PDF."),
                                             report::renderPatientPageImages(*page, kPreviewDpi), this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->addAction(tr("Print…"), "patient-page-print", [dialog, page] {
            QPrinter printer(QPrinter::HighResolution);
            QPrintDialog ask(&printer, dialog);
            if (ask.exec() == QDialog::Accepted) printPages(printer, *page);
        });
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
        dialog->addSaveAction(tr("Save PDF…"), "patient-page-save", dir + QStringLiteral("/patient-page-%1.pdf").arg(active_->patientId()),
                              [this, page](const QString& path) {
                                  try {
                                      report::writePatientPagePdf(*page, path.toStdString());
                                      showInfo(tr("Page for the patient written to %1.").arg(path));
                                      return true;
                                  } catch (const std::exception& e) {
                                      showError(tr("Page for the patient not written: %1").arg(qs(e.what())));
                                      return false;
                                  }
                              });
        dialog->show();
        return dialog;
    } catch (const std::exception& e) {   // UnconfirmedImpression says what to do
        showError(tr("Patient page not made: %1").arg(qs(e.what())));
        return nullptr;
    }
}

}  // namespace emg::ui
