#include "display_controls.h"

#include "display_scales.h"

#include <QComboBox>
#include <QFormLayout>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>

#include <cmath>

namespace emg::ui {

namespace {
// group ids: -1 = all channels, otherwise an ElectrodeKind value
bool inGroup(const ChannelInfo& ch, int group) { return group < 0 || static_cast<int>(ch.electrode) == group; }

int nearestIndex(const QComboBox* combo, double value) {
    int best = 0;
    for (int i = 1; i < combo->count(); ++i)
        if (std::abs(std::log(combo->itemData(i).toDouble() / value)) <
            std::abs(std::log(combo->itemData(best).toDouble() / value)))
            best = i;
    return best;
}
}  // namespace

DisplayControls::DisplayControls(QWidget* parent) : QWidget(parent) {
    sweep_ = new QComboBox(this);
    sweep_->setObjectName("sweep");
    for (double v : kSweepMsPerDiv) sweep_->addItem(sweepLabel(v), v);
    group_ = new QComboBox(this);
    group_->setObjectName("sensitivity-group");
    sensitivity_ = new QComboBox(this);
    sensitivity_->setObjectName("sensitivity");
    for (double v : kSensitivityUvPerDiv) sensitivity_->addItem(sensitivityLabel(v), v);
    mode_ = new QComboBox(this);
    mode_->setObjectName("trace-mode");
    mode_->addItem(tr("Free-running, scrolling"), static_cast<int>(TraceMode::Scrolling));
    mode_->addItem(tr("Free-running, sweeping"), static_cast<int>(TraceMode::Sweeping));
    mode_->addItem(tr("Stimulus-locked"), static_cast<int>(TraceMode::StimulusLocked));
    stacking_ = new QComboBox(this);
    stacking_->setObjectName("sweep-stacking");
    stacking_->addItem(tr("Superimposed"), static_cast<int>(SweepStacking::Superimposed));
    stacking_->addItem(tr("Stacked"), static_cast<int>(SweepStacking::Stacked));
    sweeps_ = new QSpinBox(this);
    sweeps_->setObjectName("locked-sweeps");
    sweeps_->setRange(1, 20);
    freeze_ = new QPushButton(tr("Freeze / scroll back"), this);
    freeze_->setObjectName("freeze");
    freeze_->setCheckable(true);

    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Sweep"), sweep_);
    form->addRow(tr("Sensitivity of"), group_);
    form->addRow(QString(), sensitivity_);
    form->addRow(tr("Mode"), mode_);
    form->addRow(tr("Sweeps shown"), sweeps_);
    form->addRow(tr("Sweeps drawn"), stacking_);
    form->addRow(freeze_);

    setSweep(settings_.msPerDiv);
    sweeps_->setValue(settings_.lockedSweeps);
    setChannels({});

    connect(sweep_, qOverload<int>(&QComboBox::activated), this, [this](int) {
        settings_.msPerDiv = sweep_->currentData().toDouble();
        emit settingsChanged(settings_);
    });
    connect(group_, qOverload<int>(&QComboBox::activated), this, [this](int) { syncSensitivityCombo(); });
    connect(sensitivity_, qOverload<int>(&QComboBox::activated), this, [this](int) { applySensitivity(); });
    connect(mode_, qOverload<int>(&QComboBox::activated), this, [this](int) {
        settings_.mode = static_cast<TraceMode>(mode_->currentData().toInt());
        emit settingsChanged(settings_);
    });
    connect(stacking_, qOverload<int>(&QComboBox::activated), this, [this](int) {
        settings_.stacking = static_cast<SweepStacking>(stacking_->currentData().toInt());
        emit settingsChanged(settings_);
    });
    connect(sweeps_, qOverload<int>(&QSpinBox::valueChanged), this, [this](int n) {
        settings_.lockedSweeps = n;
        emit settingsChanged(settings_);
    });
    connect(freeze_, &QPushButton::toggled, this, [this](bool on) {
        freeze_->setText(on ? tr("Back to live") : tr("Freeze / scroll back"));
        emit freezeToggled(on);
    });
}

void DisplayControls::setChannels(const std::vector<ChannelInfo>& channels) {
    channels_ = channels;
    settings_.uvPerDiv.resize(channels.size(), settings_.defaultUvPerDiv);
    const QSignalBlocker block(group_);
    group_->clear();
    group_->addItem(tr("All channels"), -1);
    for (ElectrodeKind kind : {ElectrodeKind::Surface, ElectrodeKind::Needle, ElectrodeKind::Trigger, ElectrodeKind::Other}) {
        bool present = false;
        for (const auto& ch : channels) present = present || ch.electrode == kind;
        if (present) group_->addItem(tr("%1 channels").arg(QString::fromUtf8(toString(kind))), static_cast<int>(kind));
    }
    syncSensitivityCombo();
    emit settingsChanged(settings_);
}

void DisplayControls::setSweep(double msPerDiv) {
    sweep_->setCurrentIndex(nearestIndex(sweep_, msPerDiv));
    settings_.msPerDiv = sweep_->currentData().toDouble();
    emit settingsChanged(settings_);
}

void DisplayControls::setSensitivity(double uvPerDiv) {
    sensitivity_->setCurrentIndex(nearestIndex(sensitivity_, uvPerDiv));
    applySensitivity();
}

void DisplayControls::setMode(TraceMode mode) {
    mode_->setCurrentIndex(mode_->findData(static_cast<int>(mode)));
    settings_.mode = mode;
    emit settingsChanged(settings_);
}

void DisplayControls::setFrozen(bool frozen) {
    const QSignalBlocker block(freeze_);
    freeze_->setChecked(frozen);
    freeze_->setText(frozen ? tr("Back to live") : tr("Freeze / scroll back"));
}

void DisplayControls::applySensitivity() {
    const double value = sensitivity_->currentData().toDouble();
    const int group = group_->currentData().toInt();
    if (group < 0) settings_.defaultUvPerDiv = value;
    for (std::size_t c = 0; c < channels_.size(); ++c)
        if (inGroup(channels_[c], group)) settings_.uvPerDiv[c] = value;
    emit settingsChanged(settings_);
}

void DisplayControls::syncSensitivityCombo() {
    const int group = group_->currentData().toInt();
    double value = settings_.defaultUvPerDiv;
    for (std::size_t c = 0; c < channels_.size(); ++c)
        if (inGroup(channels_[c], group)) {
            value = settings_.sensitivityUvPerDiv(c);
            break;
        }
    const QSignalBlocker block(sensitivity_);
    sensitivity_->setCurrentIndex(nearestIndex(sensitivity_, value));
}

}  // namespace emg::ui
