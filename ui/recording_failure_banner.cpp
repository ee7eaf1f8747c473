#include "recording_failure_banner.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace emg::ui {

RecordingFailureText recordingFailureText(const QString& reason, const QString& path, double secondsSaved, qint64 records) {
    const QString file = QFileInfo(path).fileName();
    const QString seconds = QString::number(secondsSaved, 'f', 1);
    const QString recordCount = records == 1 ? QObject::tr("1 complete data record")
                                             : QObject::tr("%1 complete data records").arg(records);
    RecordingFailureText t;
    t.banner = QObject::tr("Recording stopped: %1. %2 keeps %3 s (%4). Live traces continue.")
                   .arg(reason, file, seconds, recordCount);
    // advice that fits the reason: space only when the disk or a size limit stopped the file
    const bool noSpace = reason.contains("No space left", Qt::CaseInsensitive) || reason.contains("File too large", Qt::CaseInsensitive) ||
                         reason.contains("quota", Qt::CaseInsensitive);
    const QString advice = noSpace ? QObject::tr("Free disk space or choose another folder, then press Record to start a new recording.")
                                   : QObject::tr("Check the recording folder and the device, then press Record to start a new recording.");
    t.dialog = QObject::tr("The recording stopped: %1.\n\n"
                           "File: %2\n"
                           "Saved: %3 s of signal (%4); the file is closed and readable.\n\n"
                           "The live traces continue. %5")
                   .arg(reason, path, seconds, recordCount, advice);
    t.studyNote = QObject::tr("recording stopped: %1, %2 s saved (%3)").arg(reason, seconds, file);
    return t;
}

RecordingFailureBanner::RecordingFailureBanner(QWidget* parent) : QFrame(parent) {
    setObjectName("recording-failure-banner");
    setAutoFillBackground(true);
    setStyleSheet("QFrame#recording-failure-banner { background: #b3261e; }"
                  "QFrame#recording-failure-banner QLabel { color: white; font-weight: bold; }");
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 10, 6);
    text_ = new QLabel(this);
    text_->setObjectName("recording-failure-text");
    text_->setWordWrap(true);
    text_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    dismiss_ = new QPushButton(tr("Dismiss"), this);
    dismiss_->setObjectName("recording-failure-dismiss");
    layout->addWidget(text_, 1);
    layout->addWidget(dismiss_);
    connect(dismiss_, &QPushButton::clicked, this, [this] {
        setVisible(false);
        emit dismissed();
    });
    setVisible(false);
}

void RecordingFailureBanner::showFailure(const QString& text) {
    text_->setText(text);
    setVisible(true);
}

QString RecordingFailureBanner::text() const { return text_->text(); }

}  // namespace emg::ui
