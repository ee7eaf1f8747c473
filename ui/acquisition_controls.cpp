#include "acquisition_controls.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>

namespace emg::ui {

AcquisitionControls::AcquisitionControls(QWidget* parent) : QWidget(parent) {
    devices_ = new QComboBox(this);
    devices_->setObjectName("device-list");
    devices_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    devices_->setMinimumContentsLength(18);
    auto* open = new QPushButton(tr("Open recording…"), this);
    open->setObjectName("open-recording");
    channels_ = new QSpinBox(this);
    channels_->setObjectName("channel-count");
    channels_->setRange(1, 32);
    channels_->setValue(4);
    rates_ = new QComboBox(this);
    rates_->setObjectName("sample-rate");
    run_ = new QPushButton(tr("Run"), this);
    run_->setObjectName("run");
    run_->setCheckable(true);
    record_ = new QPushButton(tr("Record"), this);
    record_->setObjectName("record");
    record_->setCheckable(true);
    record_->setToolTip(tr("Write every raw sample to a BDF+ file in the user data folder"));

    auto* form = new QFormLayout;
    form->addRow(tr("Device"), devices_);
    form->addRow(QString(), open);
    form->addRow(tr("Channels"), channels_);
    form->addRow(tr("Sample rate"), rates_);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(run_);
    buttons->addWidget(record_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(form);
    layout->addLayout(buttons);

    connect(devices_, qOverload<int>(&QComboBox::activated), this, &AcquisitionControls::deviceSelected);
    connect(open, &QPushButton::clicked, this, &AcquisitionControls::openRecordingRequested);
    connect(run_, &QPushButton::toggled, this, [this](bool on) {
        run_->setText(on ? tr("Stop") : tr("Run"));
        emit runToggled(on);
    });
    connect(record_, &QPushButton::toggled, this, &AcquisitionControls::recordToggled);
    connect(channels_, &QSpinBox::editingFinished, this, &AcquisitionControls::acquisitionSettingsChanged);
    connect(rates_, qOverload<int>(&QComboBox::activated), this, [this](int) { emit acquisitionSettingsChanged(); });
}

void AcquisitionControls::setDevices(const QStringList& labels, int current) {
    const QSignalBlocker block(devices_);
    devices_->clear();
    devices_->addItems(labels);
    devices_->setCurrentIndex(current);
}

int AcquisitionControls::currentDevice() const { return devices_->currentIndex(); }

void AcquisitionControls::setDeviceCapabilities(const std::vector<double>& ratesHz, int maxChannels, bool adjustable) {
    const QSignalBlocker b1(rates_), b2(channels_);
    const double previous = sampleRateHz();
    rates_->clear();
    for (double r : ratesHz) rates_->addItem(r >= 1000 ? tr("%1 kHz").arg(r / 1000.0) : tr("%1 Hz").arg(r), r);
    setSampleRate(previous > 0 ? previous : 20000.0);
    channels_->setMaximum(std::max(1, maxChannels));
    channels_->setEnabled(adjustable);
    rates_->setEnabled(adjustable);
}

void AcquisitionControls::setChannelCount(int channels) {
    const QSignalBlocker block(channels_);
    channels_->setValue(channels);
}

void AcquisitionControls::setSampleRate(double hz) {
    const QSignalBlocker block(rates_);
    int best = -1;
    double bestDistance = 0;
    for (int i = 0; i < rates_->count(); ++i) {
        const double d = std::abs(rates_->itemData(i).toDouble() - hz);
        if (best < 0 || d < bestDistance) best = i, bestDistance = d;
    }
    rates_->setCurrentIndex(best);
}

int AcquisitionControls::channelCount() const { return channels_->value(); }

double AcquisitionControls::sampleRateHz() const {
    return rates_->currentIndex() >= 0 ? rates_->currentData().toDouble() : 0.0;
}

void AcquisitionControls::setRunning(bool running) {
    const QSignalBlocker block(run_);
    run_->setChecked(running);
    run_->setText(running ? tr("Stop") : tr("Run"));
}

void AcquisitionControls::setRecording(bool recording) {
    const QSignalBlocker block(record_);
    record_->setChecked(recording);
    record_->setText(recording ? tr("Recording…") : tr("Record"));
}

}  // namespace emg::ui
