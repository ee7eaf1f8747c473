#include "needle_save_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace emg::ui {

NeedleSaveBar::NeedleSaveBar(QWidget* parent) : QGroupBox(tr("Save to study"), parent) {
    save_ = new QPushButton(tr("Save findings to study"), this);
    save_->setObjectName("needle-save");
    save_->setToolTip(tr("Stores every row of the findings grid as a needle test of the active study "
                         "(a muscle and side saved again replaces its earlier test)."));
    study_ = new QLabel(this);
    study_->setObjectName("needle-save-study");
    status_ = new QLabel(this);
    status_->setObjectName("needle-save-status");
    status_->setWordWrap(true);
    auto* row = new QHBoxLayout(this);
    row->addWidget(save_);
    row->addWidget(study_, 1);
    row->addWidget(status_, 2);
    connect(save_, &QPushButton::clicked, this, &NeedleSaveBar::saveRequested);
    setTarget({}, tr("No session store is open: findings cannot be stored."));
}

void NeedleSaveBar::setTarget(const QString& studyLabel, const QString& reason) {
    study_->setText(studyLabel.isEmpty() ? reason : tr("Study: %1").arg(studyLabel));
    save_->setEnabled(!studyLabel.isEmpty());
    save_->setToolTip(studyLabel.isEmpty() ? reason : tr("Stores every row of the findings grid as a needle test of %1.").arg(studyLabel));
}

void NeedleSaveBar::setStatus(const QString& text, bool error) {
    status_->setText(text);
    status_->setStyleSheet(error ? "QLabel { color: #b3261e; }" : "QLabel { color: #1b5e20; }");
}

}  // namespace emg::ui
