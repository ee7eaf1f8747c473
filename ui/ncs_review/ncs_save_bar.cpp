#include "ncs_save_bar.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QLineEdit>

namespace emg::ui {

NcsSaveBar::NcsSaveBar(QWidget* parent) : StudySaveBar(QStringLiteral("ncs-save"), tr("Save to study"), parent) {
    protocolTest_ = new QComboBox(this);
    protocolTest_->setObjectName("ncs-save-protocol-test");
    protocolTest_->setToolTip(tr("A test of the active study's protocol: fills kind, nerve and recording site"));
    protocolSite_ = new QComboBox(this);
    protocolSite_->setObjectName("ncs-save-protocol-site");
    protocolSite_->setToolTip(tr("A stimulation site of the chosen protocol test: fills the site and its distance"));
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
    auto* grid = fieldsLayout();
    grid->addWidget(protocolTest_, 0, 0, 1, 3);
    grid->addWidget(protocolSite_, 0, 3, 1, 3);
    grid->addWidget(kind_, 1, 0);
    grid->addWidget(nerve_, 1, 1);
    grid->addWidget(recordingSite_, 1, 2);
    grid->addWidget(side_, 1, 3);
    grid->addWidget(site_, 1, 4);
    grid->addWidget(distanceMm_, 1, 5);
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(2, 2);
    grid->setColumnStretch(4, 1);
    connect(protocolTest_, &QComboBox::activated, this, &NcsSaveBar::onProtocolTest);
    connect(protocolSite_, &QComboBox::activated, this, &NcsSaveBar::onProtocolSite);
    setProtocolTests({});
}

QString NcsSaveBar::describe(const study::ProtocolStep& step) {
    const auto kind = study::toString(step.kind);
    return QStringLiteral("%1 %2 → %3")
        .arg(QString::fromUtf8(kind.data(), static_cast<int>(kind.size())), QString::fromStdString(step.nerve),
             QString::fromStdString(step.recordingSite));
}

void NcsSaveBar::setProtocolTests(const std::vector<study::ProtocolStep>& steps) {
    steps_.clear();
    for (const auto& s : steps)
        if (s.kind == study::TestKind::Motor || s.kind == study::TestKind::Sensory) steps_.push_back(s);
    protocolTest_->clear();
    protocolTest_->addItem(steps_.empty() ? tr("no protocol tests: type the test") : tr("protocol test… (or type it)"));
    for (const auto& s : steps_) protocolTest_->addItem(describe(s));
    protocolTest_->setEnabled(!steps_.empty());
    protocolSite_->clear();
    protocolSite_->addItem(tr("stimulation site…"));
    protocolSite_->setEnabled(false);
}

bool NcsSaveBar::chooseProtocolTest(int index) {
    if (index < 0 || index >= static_cast<int>(steps_.size())) return false;
    protocolTest_->setCurrentIndex(index + 1);
    onProtocolTest(index + 1);
    return true;
}

bool NcsSaveBar::chooseProtocolSite(int index) {
    if (index < 0 || index + 1 >= protocolSite_->count()) return false;
    protocolSite_->setCurrentIndex(index + 1);
    onProtocolSite(index + 1);
    return true;
}

void NcsSaveBar::onProtocolTest(int comboIndex) {
    protocolSite_->clear();
    protocolSite_->addItem(tr("stimulation site…"));
    protocolSite_->setEnabled(false);
    if (comboIndex < 1 || comboIndex > static_cast<int>(steps_.size())) return;
    const auto& step = steps_[static_cast<std::size_t>(comboIndex - 1)];
    kind_->setCurrentIndex(kind_->findData(static_cast<int>(step.kind)));
    nerve_->setText(QString::fromStdString(step.nerve));
    recordingSite_->setText(QString::fromStdString(step.recordingSite));
    for (const auto& site : step.sites)
        protocolSite_->addItem(site.distanceMm ? tr("%1 · %2 mm").arg(QString::fromStdString(site.name)).arg(*site.distanceMm, 0, 'f', 0)
                                               : QString::fromStdString(site.name));
    protocolSite_->setEnabled(!step.sites.empty());
    if (!step.sites.empty()) chooseProtocolSite(0);   // the distal site is recorded first
}

void NcsSaveBar::onProtocolSite(int comboIndex) {
    const int test = protocolTest_->currentIndex();
    if (test < 1 || test > static_cast<int>(steps_.size()) || comboIndex < 1) return;
    const auto& sites = steps_[static_cast<std::size_t>(test - 1)].sites;
    if (comboIndex > static_cast<int>(sites.size())) return;
    const auto& site = sites[static_cast<std::size_t>(comboIndex - 1)];
    site_->setText(QString::fromStdString(site.name));
    distanceMm_->setValue(site.distanceMm.value_or(0.0));   // 0 shows "no distance": the clinician measures it
}

study::NcsSiteEntry NcsSaveBar::entry() const {
    study::NcsSiteEntry e;
    e.kind = static_cast<study::TestKind>(kind_->currentData().toInt());
    e.nerve = nerve_->text().trimmed().toStdString();
    e.recordingSite = recordingSite_->text().trimmed().toStdString();
    e.side = static_cast<study::Side>(side_->currentData().toInt());
    e.siteName = site_->text().trimmed().toStdString();
    if (distanceMm_->value() > 0.0) e.distanceMm = distanceMm_->value();
    return e;
}

}  // namespace emg::ui
