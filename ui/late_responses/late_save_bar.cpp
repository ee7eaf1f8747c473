#include "late_save_bar.h"

#include <algorithm>

#include <QComboBox>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>

namespace emg::ui {

namespace {
QString describe(const study::ProtocolStep& s) {
    return QString::fromStdString(std::string(study::toString(s.kind)) + " " + s.nerve + " → " + s.recordingSite) +
           (s.bilateral ? QObject::tr(" (both sides)") : QString());
}
}  // namespace

LateSaveBar::LateSaveBar(QWidget* parent) : StudySaveBar(QStringLiteral("late-save"), tr("Save to study"), parent) {
    protocolTest_ = new QComboBox(this);
    protocolTest_->setObjectName("late-save-protocol");
    // the protocol test's name is long (its popup shows it whole): the row leaves room for the
    // nerve and the stimulation site to show whole on a 1366 px screen
    protocolTest_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    protocolTest_->setMinimumContentsLength(18);
    nerve_ = new QLineEdit(this);
    nerve_->setObjectName("late-save-nerve");
    nerve_->setPlaceholderText(tr("nerve"));
    side_ = new QComboBox(this);
    side_->setObjectName("late-save-side");
    for (auto s : {study::Side::Unspecified, study::Side::Left, study::Side::Right})
        side_->addItem(QString::fromUtf8(study::toString(s).data(), static_cast<int>(study::toString(s).size())), static_cast<int>(s));
    recordingSite_ = new QLineEdit(this);
    recordingSite_->setObjectName("late-save-recording");
    recordingSite_->setPlaceholderText(tr("recording site (muscle)"));
    recordingSite_->setMinimumWidth(190);   // "abductor pollicis brevis" whole
    stimSite_ = new QLineEdit(this);
    stimSite_->setObjectName("late-save-stim");
    stimSite_->setPlaceholderText(tr("stimulation site"));
    nerve_->setMinimumWidth(nerve_->fontMetrics().horizontalAdvance(QStringLiteral("peroneal")) + 16);
    stimSite_->setMinimumWidth(stimSite_->fontMetrics().horizontalAdvance(QStringLiteral("popliteal fossa")) + 16);
    auto* grid = fieldsLayout();
    grid->addWidget(protocolTest_, 0, 1);   // its first item names it (no label: room on a 1366 px screen)
    grid->addWidget(new QLabel(tr("Nerve"), this), 0, 2);
    grid->addWidget(nerve_, 0, 3);
    grid->addWidget(new QLabel(tr("Side"), this), 0, 4);
    grid->addWidget(side_, 0, 5);
    grid->addWidget(new QLabel(tr("Recording"), this), 0, 6);
    grid->addWidget(recordingSite_, 0, 7);
    grid->addWidget(new QLabel(tr("Stimulation"), this), 0, 8);
    grid->addWidget(stimSite_, 0, 9);
    conditionLabel_ = new QLabel(tr("Condition"), this);
    condition_ = new QLineEdit(this);
    condition_->setObjectName("late-save-condition");
    condition_->setPlaceholderText(tr("rest"));
    condition_->setToolTip(tr("RNS: the phase this train belongs to (rest, post exercise, 1 min after, ...): a train of each "
                              "condition is its own test of the study"));
    grid->addWidget(conditionLabel_, 1, 2);
    grid->addWidget(condition_, 1, 3, 1, 3);

    connect(protocolTest_, qOverload<int>(&QComboBox::activated), this, [this](int i) { chooseProtocolTest(i - 1); });
    for (QLineEdit* e : {nerve_, recordingSite_, stimSite_})   // typed by hand: no longer the protocol's test
        connect(e, &QLineEdit::textEdited, this, [this] { protocolTest_->setCurrentIndex(0); });
    setProtocolTests(study::TestKind::FWave, {});
}

study::LateTestTarget LateSaveBar::target() const {
    study::LateTestTarget t;
    t.nerve = nerve_->text().trimmed().toStdString();
    t.side = static_cast<study::Side>(side_->currentData().toInt());
    t.recordingSite = recordingSite_->text().trimmed().toStdString();
    t.stimSite = stimSite_->text().trimmed().toStdString();
    if (condition_->isVisibleTo(this)) t.condition = condition_->text().trimmed().toStdString();
    return t;
}

void LateSaveBar::setProtocolTests(study::TestKind kind, const std::vector<study::ProtocolStep>& steps) {
    conditionLabel_->setVisible(kind == study::TestKind::Rns);
    condition_->setVisible(kind == study::TestKind::Rns);
    offered_.clear();
    for (const auto& s : steps)
        if (s.kind == kind) offered_.push_back(s);
    protocolTest_->clear();
    protocolTest_->addItem(offered_.empty() ? tr("(no protocol test: type by hand)") : tr("protocol test… (or by hand)"));
    for (const auto& s : offered_) protocolTest_->addItem(describe(s));
    protocolTest_->setEnabled(!offered_.empty());
    if (!offered_.empty()) chooseProtocolTest(0);
}

bool LateSaveBar::chooseProtocolTest(int index) {
    if (index < 0 || index >= static_cast<int>(offered_.size())) return false;
    protocolTest_->setCurrentIndex(index + 1);
    const auto& s = offered_[static_cast<std::size_t>(index)];
    nerve_->setText(QString::fromStdString(s.nerve));
    recordingSite_->setText(QString::fromStdString(s.recordingSite));
    if (!s.sites.empty()) stimSite_->setText(QString::fromStdString(s.sites.front().name));
    return true;
}

void LateSaveBar::setFields(const QString& nerve, study::Side side, const QString& recordingSite, const QString& stimSite) {
    protocolTest_->setCurrentIndex(0);
    nerve_->setText(nerve);
    side_->setCurrentIndex(std::max(0, side_->findData(static_cast<int>(side))));
    recordingSite_->setText(recordingSite);
    stimSite_->setText(stimSite);
}

void LateSaveBar::setCondition(const QString& condition) { condition_->setText(condition); }

}  // namespace emg::ui
