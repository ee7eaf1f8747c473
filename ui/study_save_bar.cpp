#include "study_save_bar.h"

#include "active_study.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <spdlog/spdlog.h>

namespace emg::ui {

StudySaveBar::StudySaveBar(const QString& objectPrefix, const QString& buttonText, QWidget* parent)
    : QGroupBox(tr("Save to study"), parent), prefix_(objectPrefix) {
    save_ = new QPushButton(buttonText, this);
    save_->setObjectName(objectPrefix);
    study_ = new QLabel(this);
    study_->setObjectName(objectPrefix + "-study");
    status_ = new QLabel(this);
    status_->setObjectName(objectPrefix + "-status");
    status_->setWordWrap(true);
    auto* column = new QVBoxLayout(this);
    fields_ = new QGridLayout;
    column->addLayout(fields_);
    auto* row = new QHBoxLayout;
    row->addWidget(save_);
    row->addWidget(study_, 1);
    row->addWidget(status_, 2);
    column->addLayout(row);
    connect(save_, &QPushButton::clicked, this, &StudySaveBar::saveRequested);
    refresh();
}

void StudySaveBar::setTarget(study::SessionStore* store, ActiveStudy* active) {
    if (active_) disconnect(active_, nullptr, this, nullptr);   // the later target replaces the earlier one
    store_ = store;
    active_ = active;
    if (active_)
        connect(active_, &ActiveStudy::changed, this, [this] {
            refresh();
            emit targetChanged();
        });
    refresh();
    emit targetChanged();
}

void StudySaveBar::setBlocked(const QString& reason) {
    blocked_ = reason;
    refresh();
}

bool StudySaveBar::hasStudy() const { return store_ && active_ && active_->isSet(); }

QString StudySaveBar::studyLabel() const { return hasStudy() ? active_->label() : QString(); }

void StudySaveBar::refresh() {
    QString reason;
    if (!store_) reason = tr("No session store is open: results cannot be stored.");
    else if (!active_ || !active_->isSet()) reason = tr("No active study: choose one in the Study tab.");
    else if (!blocked_.isEmpty()) reason = blocked_;
    study_->setText(hasStudy() && blocked_.isEmpty() ? tr("Study: %1").arg(active_->label()) : reason);
    save_->setEnabled(reason.isEmpty());
    save_->setToolTip(reason.isEmpty() ? tr("Stores the result in %1; the same test saved again (any letter case) replaces its "
                                            "earlier entry.")
                                             .arg(active_->label())
                                       : reason);
}

std::optional<study::StudySession> StudySaveBar::openSession() {
    if (!hasStudy()) {
        setStatus(store_ ? tr("No active study: choose one in the Study tab.") : tr("No session store is open."), true);
        return std::nullopt;
    }
    try {
        return study::StudySession(*store_, active_->studyId().toStdString());
    } catch (const std::exception& e) {
        failed(QString::fromStdString(e.what()));
        return std::nullopt;
    }
}

void StudySaveBar::saved(const QString& text) {
    setStatus(text, false);
    spdlog::info("{}: {} (study {})", prefix_.toStdString(), text.toStdString(), active_ ? active_->studyId().toStdString() : "");
    if (active_) active_->notifyModified();
}

void StudySaveBar::failed(const QString& why) {
    setStatus(tr("Not saved: %1").arg(why), true);
    spdlog::error("{}: save to study failed: {}", prefix_.toStdString(), why.toStdString());
}

void StudySaveBar::setStatus(const QString& text, bool error) {
    status_->setText(text);
    status_->setStyleSheet(error ? "QLabel { color: #b3261e; }" : "QLabel { color: #1b5e20; }");
}

}  // namespace emg::ui
