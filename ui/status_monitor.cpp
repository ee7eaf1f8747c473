#include "status_monitor.h"

#include "acquisition_session.h"

#include <QLabel>
#include <QStatusBar>

namespace emg::ui {

namespace {
QLabel* makeLabel(QStatusBar& bar, const char* name, bool permanent = true) {
    auto* label = new QLabel(&bar);
    label->setObjectName(QString::fromLatin1(name));
    if (permanent)
        bar.addPermanentWidget(label);
    else
        bar.addWidget(label, 1);
    return label;
}
}  // namespace

StatusMonitor::StatusMonitor(AcquisitionSession& session, QStatusBar& bar, QObject* parent)
    : QObject(parent), session_(session) {
    device_ = makeLabel(bar, "status-device", false);
    error_ = makeLabel(bar, "status-error", false);
    error_->setStyleSheet("QLabel { color: #b3261e; font-weight: bold; }");
    recording_ = makeLabel(bar, "status-recording");
    rate_ = makeLabel(bar, "status-rate");
    channels_ = makeLabel(bar, "status-channels");
    dropped_ = makeLabel(bar, "status-dropped");
    gaps_ = makeLabel(bar, "status-gaps");
    clipped_ = makeLabel(bar, "status-clipped");
    connect(&session_, &AcquisitionSession::errorOccurred, this, &StatusMonitor::showError);
    connect(&session_, &AcquisitionSession::started, this, [this] { error_->clear(); });
    connect(&session_, &AcquisitionSession::deviceResumed, this, [this] { error_->clear(); });
    connect(&timer_, &QTimer::timeout, this, &StatusMonitor::refresh);
    timer_.start(250);
    refresh();
}

void StatusMonitor::setCount(QLabel* label, const QString& name, std::uint64_t count) {
    label->setText(QStringLiteral("%1 %2").arg(name).arg(count));
    label->setStyleSheet(count ? QStringLiteral("QLabel { color: #d32f2f; font-weight: bold; }") : QString());
    label->setProperty("count", static_cast<qulonglong>(count));
}

void StatusMonitor::refresh() {
    const EngineStats s = session_.stats();
    const bool running = session_.running();
    QString state = session_.deviceName().isEmpty() ? tr("No device") : session_.deviceName();
    if (Device* dev = session_.device()) {
        const DeviceStatus st = dev->status();
        state += QStringLiteral(" — ") + QString::fromUtf8(toString(st.state));
        if ((st.state == DeviceState::Error || st.state == DeviceState::Disconnected) && !st.lastError.empty())
            error_->setText(tr("Device: %1").arg(QString::fromStdString(st.lastError)));
    }
    if (session_.deviceLost()) {
        state += tr(" — LOST");
        error_->setText(tr("Device lost: acquisition paused, everything recorded so far is kept; "
                           "it continues when the device returns"));
        if (++refreshes_ % 4 == 0) session_.tryResume();  // once a second
    }
    if (!running) state += tr(" (stopped)");
    if (!starting_.isEmpty() && !session_.device()) state = starting_;   // no device yet: it is being set up
    device_->setText(state);
    rate_->setText(s.sampleRateHz >= 1000 ? tr("%1 kHz").arg(s.sampleRateHz / 1000.0) : tr("%1 Hz").arg(s.sampleRateHz));
    rate_->setProperty("hz", s.sampleRateHz);
    channels_->setText(tr("%n channel(s)", nullptr, s.channelCount));
    channels_->setProperty("count", static_cast<int>(s.channelCount));
    setCount(dropped_, tr("dropped"), s.framesDroppedRingFull);
    setCount(gaps_, tr("gaps"), s.gaps);
    setCount(clipped_, tr("clipped"), s.clippedSamples);
    recording_->setText(session_.isRecording()
                            ? tr("● REC %1").arg(QString::fromStdString(session_.recordingPath().filename().string()))
                            : QString());
    recording_->setStyleSheet(session_.isRecording() ? QStringLiteral("QLabel { color: #d32f2f; }") : QString());
}

void StatusMonitor::showError(const QString& message) { error_->setText(message); }

void StatusMonitor::setStartingText(const QString& text) {
    starting_ = text;
    refresh();
}

}  // namespace emg::ui
