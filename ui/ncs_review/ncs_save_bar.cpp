#include "ncs_save_bar.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace emg::ui {

NcsSaveBar::NcsSaveBar(QWidget* parent) : QGroupBox(tr("Save to study"), parent) {
    kind_ = new QComboBox(this);
    kind_->setObjectName("ncs-save-kind");
    kind_->addItem(tr("motor"), static_cast<int>(study::TestKind::Motor));
    kind_->addItem(tr("sensory"), static_cast<int>(study::TestKind::Sensory));
    auto line = [this](const char* name, const QString& placeholder) {
        auto* e = new QLineEdit(this);
        e->setObjectName(QString::fromLatin1(name));
        e->setPlaceholderText(placeholder);
        return e;
    };
    nerve_ = line("ncs-save-nerve", tr("nerve, e.g. peroneal"));
    recordingSite_ = line("ncs-save-recording", tr("recording, e.g. extensor digitorum brevis"));
    site_ = line("ncs-save-site", tr("stimulation site, e.g. ankle"));
    side_ = new QComboBox(this);
    side_->setObjectName("ncs-save-side");
    for (auto s : {study::Side::Left, study::Side::Right, study::Side::Unspecified})
        side_->addItem(QString::fromUtf8(study::toString(s).data(), static_cast<int>(study::toString(s).size())), static_cast<int>(s));
    distanceMm_ = new QDoubleSpinBox(this);
    distanceMm_->setObjectName("ncs-save-distance-mm");
    distanceMm_->setRange(0.0, 1500.0);
    distanceMm_->setDecimals(0);
    distanceMm_->setSuffix(tr(" mm"));
    distanceMm_->setSpecialValueText(tr("no distance"));
    distanceMm_->setToolTip(tr("Distal site: to the active recording electrode. Other sites: to the next distal site."));
    save_ = new QPushButton(tr("Save to study"), this);
    save_->setObjectName("ncs-save");
    study_ = new QLabel(this);
    study_->setObjectName("ncs-save-study");
    status_ = new QLabel(this);
    status_->setObjectName("ncs-save-status");
    status_->setWordWrap(true);
    auto* grid = new QGridLayout(this);
    grid->addWidget(kind_, 0, 0);
    grid->addWidget(nerve_, 0, 1);
    grid->addWidget(recordingSite_, 0, 2);
    grid->addWidget(side_, 0, 3);
    grid->addWidget(site_, 0, 4);
    grid->addWidget(distanceMm_, 0, 5);
    grid->addWidget(save_, 0, 6);
    grid->addWidget(study_, 1, 0, 1, 3);
    grid->addWidget(status_, 1, 3, 1, 4);
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(2, 2);
    grid->setColumnStretch(4, 1);
    connect(save_, &QPushButton::clicked, this, &NcsSaveBar::saveRequested);
    setActiveStudy({});
}

NcsStudyEntry NcsSaveBar::entry() const {
    NcsStudyEntry e;
    e.kind = static_cast<study::TestKind>(kind_->currentData().toInt());
    e.nerve = nerve_->text().trimmed().toStdString();
    e.recordingSite = recordingSite_->text().trimmed().toStdString();
    e.side = static_cast<study::Side>(side_->currentData().toInt());
    e.siteName = site_->text().trimmed().toStdString();
    if (distanceMm_->value() > 0.0) e.distanceMm = distanceMm_->value();
    return e;
}

void NcsSaveBar::setActiveStudy(const QString& label) {
    study_->setText(label.isEmpty() ? tr("No active study: choose one in the Study tab.") : tr("Study: %1").arg(label));
    save_->setEnabled(!label.isEmpty());
}

void NcsSaveBar::setStatus(const QString& text, bool error) {
    status_->setText(text);
    status_->setStyleSheet(error ? "QLabel { color: #b3261e; }" : "QLabel { color: #1b5e20; }");
}

}  // namespace emg::ui
