// The Study tab hands each recording it adds to a study to a background push: the store keeps the
// raw file for every workstation of the lab (PostgreSQL large object or shared folder, schema v6)
// while acquisition and the GUI go on. The outcome comes back to the GUI thread as a message.
#include "study_panel.h"

#include <QFileInfo>
#include <QMetaObject>

#include <spdlog/spdlog.h>

namespace emg::ui {

void StudyPanel::pushRawInBackground(const QString& path, const std::string& sha256) {
    if (!store_ || store_->schemaVersion() < 6) return;
    if (!rawPush_) {
        // the worker opens its own connection to the same store (one connection per thread)
        auto open = [where = store_->location(), options = store_->options()] { return study::SessionStore::open(where, options); };
        auto done = [this](const std::filesystem::path& file, const study::RawTransfer& r, const std::string& error) {
            // runs on the worker thread: the message is shown by the GUI thread
            const QString f = QString::fromStdString(file.string()), e = QString::fromStdString(error);
            const QString where = QString::fromStdString(r.info.location);
            const double mb = static_cast<double>(r.bytesMoved) / 1e6, s = r.seconds;
            QMetaObject::invokeMethod(this, [this, f, e, mb, s, where] { onRawPushed(f, e, mb, s, where); }, Qt::QueuedConnection);
        };
        rawPush_ = std::make_unique<study::BackgroundRawPush>(std::move(open), std::move(done));
    }
    rawPush_->push(path.toStdString(), sha256);
}

void StudyPanel::onRawPushed(const QString& file, const QString& error, double megabytes, double seconds, const QString& location) {
    const QString name = QFileInfo(file).fileName();
    if (!error.isEmpty()) {
        showError(tr("Recording %1 is in the study, but the store could not keep a copy for other workstations: %2. "
                     "Push it again with emgws-cli recordings push.")
                      .arg(name, error));
        return;
    }
    if (location == QLatin1String("local")) return;   // SQLite without a shared folder: nothing was copied
    spdlog::info("raw file {} kept in the store ({}, {:.1f} MB in {:.2f} s)", file.toStdString(), location.toStdString(), megabytes, seconds);
    showInfo(location == QLatin1String("database")
                 ? tr("Recording %1 is kept in the lab's database for every workstation.").arg(name)
                 : tr("Recording %1 is kept in the shared folder for every workstation.").arg(name));
}

}  // namespace emg::ui
