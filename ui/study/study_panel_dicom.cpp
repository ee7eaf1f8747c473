// "Export DICOM…" of the Study tab: the same engine call as `emgws-cli export dicom STUDY OUTDIR`
// (emg::report::dicom::exportStoredStudyDicom; docs/report.md, "DICOM export").
#include "active_study.h"
#include "study_panel.h"

#include <emg/report/dicom/stored_study_dicom.h>

#include <QCoreApplication>
#include <QFileDialog>
#include <QStandardPaths>

namespace emg::ui {

bool StudyPanel::exportDicom(const QString& folder) {
    if (!store_ || !active_ || !active_->isSet()) {
        showError(tr("No active study to export."));
        return false;
    }
    try {
        const auto result = report::dicom::exportStoredStudyDicom(*store_, active_->studyId().toStdString(), folder.toStdString(),
                                                                  QCoreApplication::applicationVersion().toStdString());
        QString text = tr("DICOM written to %1: %n file(s)", nullptr, static_cast<int>(result.files.size())).arg(folder);
        text += tr(", %n waveform group(s)", nullptr, static_cast<int>(result.groups.size()));
        for (const auto& n : result.notes) text += QStringLiteral("\n") + QString::fromStdString(n);
        showInfo(text);
    } catch (const std::exception& e) {
        showError(tr("DICOM not written: %1").arg(QString::fromStdString(e.what())));
        return false;
    }
    return true;
}

void StudyPanel::onExportDicomClicked() {
    const QString start = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Export DICOM into folder"), start);
    if (!folder.isEmpty()) exportDicom(folder);
}

}  // namespace emg::ui
