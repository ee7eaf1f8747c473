// The Study tab opens a stored recording for review without waiting for its checksum (issue 13):
// the recorded file opens at once and its SHA-256 is checked against the store on a worker with
// its own store connection; a file not on this workstation is fetched there first. The outcome
// comes back to the GUI thread as a message (and, when the store's copy is what must be shown,
// that copy is opened).
#include "study_panel.h"

#include "active_study.h"

#include <QFileInfo>
#include <QMetaObject>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

namespace emg::ui {

namespace {
QString qs(const std::string& s) { return QString::fromStdString(s); }
}  // namespace

bool StudyPanel::reviewRecording(const QString& recordingId) {
    if (!store_ || recordingId.isEmpty() || !openForReview_) return false;
    // where it was recorded, from the store's row (no checksum computed here)
    std::optional<study::RecordingInfo> info;
    try {
        if (active_ && active_->isSet())
            for (auto& r : store_->recordings(active_->studyId().toStdString()))
                if (r.id == recordingId.toStdString()) info = std::move(r);
    } catch (const std::exception& e) {
        showError(tr("Recording was not opened: %1").arg(qs(e.what())));
        return false;
    }
    if (!recordingCheck_) {
        auto open = [where = store_->location(), options = store_->options()] { return study::SessionStore::open(where, options); };
        auto done = [this](const study::RecordingCheck& c) {   // on the worker: shown by the GUI thread
            QMetaObject::invokeMethod(this, [this, c] { onRecordingChecked(c); }, Qt::QueuedConnection);
        };
        recordingCheck_ = std::make_unique<study::BackgroundRecordingCheck>(std::move(open), std::move(done));
    }
    checking_ = recordingId;
    reviewing_.clear();
    std::error_code ec;
    if (info && std::filesystem::is_regular_file(info->path, ec)) {
        const QString file = qs(info->path);
        if (!openForReview_(file)) {
            showError(tr("Recording %1 could not be opened for review (see the status bar).").arg(QFileInfo(file).fileName()));
            checking_.clear();
            return false;
        }
        reviewing_ = file;
        showInfo(tr("Reviewing %1 (SHA-256 being verified against the store…).").arg(QFileInfo(file).fileName()));
    } else {
        showInfo(tr("Fetching recording %1 from the store…").arg(info ? QFileInfo(qs(info->path)).fileName() : recordingId));
    }
    recordingCheck_->check(recordingId.toStdString());
    return true;
}

void StudyPanel::onRecordingChecked(const study::RecordingCheck& c) {
    if (qs(c.recordingId) != checking_) return;   // an earlier request, superseded
    checking_.clear();
    const QString opened = std::exchange(reviewing_, QString());
    spdlog::info("recording {} checked in {:.2f} s on the worker", c.recordingId, c.seconds);
    switch (c.outcome) {
    case study::RecordingCheck::Outcome::Verified: {
        const QString file = qs(c.path.string());
        if (file != opened && !openForReview_(file)) {
            showError(tr("Recording %1 could not be opened for review (see the status bar).").arg(QFileInfo(file).fileName()));
            return;
        }
        QString text = tr("Reviewing %1 (SHA-256 verified against the store).").arg(QFileInfo(file).fileName());
        if (!opened.isEmpty() && file != opened)
            text += QLatin1Char(' ') + tr("%1 on this workstation differs from what was recorded: the store's copy is shown.").arg(opened);
        showInfo(text);
        return;
    }
    case study::RecordingCheck::Outcome::Changed:
        showError(tr("Recording %1: the file has changed since it was stored (SHA-256 %2… expected, %3… found). The stored "
                     "checksum and the file are left as they are.%4")
                      .arg(QFileInfo(qs(c.changedPath)).fileName(), qs(c.expected.substr(0, 12)), qs(c.actual.substr(0, 12)),
                           opened.isEmpty() ? QString() : QLatin1Char(' ') + tr("What the review shows is not what was recorded.")));
        return;
    case study::RecordingCheck::Outcome::Failed:
        showError(tr("Recording was not opened: %1").arg(qs(c.error)));
        return;
    }
}

}  // namespace emg::ui
