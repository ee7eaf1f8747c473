#include "acquisition_session.h"

#include <emg/io/edf_recorder.h>
#include <emg/review/scrollback_ring.h>

#include <QFileInfo>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

namespace emg::ui {

namespace {
constexpr double kDisplaySeconds = 8.0;  // ≥ the widest window (500 ms/div × 10 div) plus margin
constexpr double kRecordingFlushSeconds = 0.25;
}

AcquisitionSession::AcquisitionSession(QObject* parent)
    : QObject(parent), engine_(2.0), display_(kDisplaySeconds) {
    engine_.addConsumer(&display_);
}

AcquisitionSession::~AcquisitionSession() {
    engine_.stop();
    if (recorder_) engine_.removeConsumer(recorder_.get());
    if (ring_) engine_.removeConsumer(&ring_->consumer());
    detachRetiredRecorders();
}

void AcquisitionSession::detachRetiredRecorders() {
    for (const auto& r : retiredRecorders_) engine_.removeConsumer(r.get());
    retiredRecorders_.clear();
}

void AcquisitionSession::setDevice(DevicePtr device, QString name, std::shared_ptr<const Recording> recording) {
    stop();
    if (device_) {
        try {
            device_->close();
        } catch (const std::exception& e) {
            spdlog::warn("closing '{}' failed: {}", deviceName_.toStdString(), e.what());
        }
    }
    device_ = std::move(device);
    deviceName_ = std::move(name);
    recording_ = std::move(recording);
    spdlog::info("device selected: {}", deviceName_.toStdString());
    emit deviceChanged(deviceName_);
    if (recording_) emit recordingLoaded();
}

bool AcquisitionSession::start(const AcquisitionConfig& config) {
    if (!device_) {
        emit errorOccurred(tr("No device selected"));
        return false;
    }
    stop();
    detachRetiredRecorders();   // the engine is stopped here
    renewRing();
    try {
        if (device_->status().state == DeviceState::Closed) device_->open();
        engine_.start(*device_, config);
        config_ = engine_.config();
    } catch (const std::exception& e) {
        spdlog::error("starting acquisition on '{}' failed: {}", deviceName_.toStdString(), e.what());
        emit errorOccurred(tr("Cannot start %1: %2").arg(deviceName_, QString::fromStdString(e.what())));
        return false;
    }
    emit started();
    return true;
}

void AcquisitionSession::stop() {
    if (!engine_.running()) return;
    engine_.stop();
    emit stopped();
}

std::optional<std::string> AcquisitionSession::stimulate(const StimulusCommand& command) {
    if (!device_) return std::string("no device selected");
    const auto limits = device_->info().stimulator;
    if (!limits.present) return std::string("this device has no stimulator");
    if (auto refusal = validateStimulus(command, limits)) {
        spdlog::warn("stimulus refused: {}", *refusal);
        return refusal;
    }
    try {
        device_->stimulate(command);
    } catch (const std::exception& e) {
        spdlog::warn("stimulus refused by the device: {}", e.what());
        return std::string(e.what());
    }
    return std::nullopt;
}

bool AcquisitionSession::tryResume() {
    if (!deviceLost()) return false;
    bool back = false;
    try {
        back = engine_.tryResume();
    } catch (const std::exception& e) {
        spdlog::warn("resuming '{}' failed: {}", deviceName_.toStdString(), e.what());
    }
    if (back) {
        spdlog::info("device '{}' is back; acquisition continues", deviceName_.toStdString());
        emit deviceResumed();
    }
    return back;
}

void AcquisitionSession::addConsumer(AcquisitionConsumer* consumer) {
    if (!consumer || std::find(extraConsumers_.begin(), extraConsumers_.end(), consumer) != extraConsumers_.end())
        return;
    extraConsumers_.push_back(consumer);
    const bool wasRunning = running();
    if (wasRunning) engine_.stop();
    engine_.addConsumer(consumer);
    if (wasRunning) start(config_);
}

void AcquisitionSession::removeConsumer(AcquisitionConsumer* consumer) {
    const auto it = std::find(extraConsumers_.begin(), extraConsumers_.end(), consumer);
    if (it == extraConsumers_.end()) return;
    extraConsumers_.erase(it);
    const bool wasRunning = running();
    if (wasRunning) engine_.stop();
    engine_.removeConsumer(consumer);
    if (wasRunning) start(config_);
}

bool AcquisitionSession::startRecording(const std::filesystem::path& path, const std::vector<std::string>& siteNames) {
    stopRecording();
    io::EdfRecorderOptions options;
    options.format = path.extension() == ".edf" ? io::FileFormat::EdfPlus : io::FileFormat::BdfPlus;
    options.siteNames = siteNames;
    // an external stimulator's pulses carry only the clinician's entry: keep it in the file
    options.intensityInAnnotations = device_ && device_->info().stimulatorExternal;
    options.recordingId = "emgws " + deviceName_.toStdString();
    // records of ≤ 0.25 s, the count updated with each: a crash loses ≤ ~0.3 s (docs/robustness.md)
    options.flushIntervalSec = kRecordingFlushSeconds;
    const bool wasRunning = running();
    if (wasRunning) engine_.stop();
    detachRetiredRecorders();
    try {
        recorder_ = std::make_unique<io::EdfRecorder>(path, options);
        // a failed write is reported on the acquisition thread: handled here, on the GUI thread
        // (dropped if this session is gone; ignored if that recorder is no longer the current one)
        const io::EdfRecorder* which = recorder_.get();
        recorder_->setFailureCallback([this, which] {
            QMetaObject::invokeMethod(this, [this, which] { onRecorderFailed(which); }, Qt::QueuedConnection);
        });
        engine_.addConsumer(recorder_.get());
    } catch (const std::exception& e) {
        recorder_.reset();
        emit errorOccurred(tr("Cannot record to %1: %2").arg(QString::fromStdString(path.string()),
                                                             QString::fromStdString(e.what())));
        if (wasRunning) start(config_);
        return false;
    }
    spdlog::info("recording to {}", path.string());
    emit recordingStateChanged(true, QString::fromStdString(path.string()));
    if (wasRunning) return start(config_);
    return true;
}

void AcquisitionSession::stopRecording() {
    if (!recorder_) return;
    const bool wasRunning = running();
    if (wasRunning) engine_.stop();  // onStop() closes the file
    engine_.removeConsumer(recorder_.get());
    recorder_->close();
    finishRecording(std::move(recorder_), false);
    if (wasRunning) start(config_);
}

void AcquisitionSession::onRecorderFailed(const io::EdfRecorder* which) {
    if (!recorder_ || recorder_.get() != which || !recorder_->failed()) return;   // already stopped by the user
    // The recorder closed its file itself; it stays an (inert) engine consumer until the next
    // restart, so the live acquisition is not interrupted.
    finishRecording(std::move(recorder_), true);
}

void AcquisitionSession::finishRecording(std::unique_ptr<io::EdfRecorder> recorder, bool stillAttached) {
    const auto path = recorder->path();
    const QString file = QString::fromStdString(path.string());
    const bool failed = recorder->failed();
    lastRecordingError_ = failed ? QString::fromStdString(recorder->lastError()) : QString();
    lastRecordingSeconds_ = recorder->secondsSaved();
    lastRecordingRecords_ = recorder->recordsWritten();
    if (stillAttached) retiredRecorders_.push_back(std::move(recorder));
    recorder.reset();
    spdlog::info("recording stopped: {} ({} records, {} s{}{})", path.string(), lastRecordingRecords_, lastRecordingSeconds_,
                 failed ? ", failed: " : "", lastRecordingError_.toStdString());
    emit recordingStateChanged(false, file);
    if (failed) {
        emit errorOccurred(tr("Recording failed: %1").arg(lastRecordingError_));
        emit recordingFailed(lastRecordingError_, file, lastRecordingSeconds_, lastRecordingRecords_);
    }
}

void AcquisitionSession::renewRing() {
    if (ring_) {
        engine_.removeConsumer(&ring_->consumer());
        ring_.reset();   // a scroll-back pane still reading it keeps it (shared)
    }
    if (recorder_ || !ringOptions_) return;   // a recording is its own scroll-back
    try {
        ring_ = std::make_shared<review::ScrollbackRing>(*ringOptions_);
        engine_.addConsumer(&ring_->consumer());
    } catch (const std::exception& e) {
        ring_.reset();
        spdlog::warn("no scroll-back ring: {}", e.what());
    }
}

void AcquisitionSession::setScrollbackRing(std::optional<review::ScrollbackRingOptions> options) {
    ringOptions_ = std::move(options);
}

std::optional<LiveSource> AcquisitionSession::liveSource() const {
    if (recorder_ && !recorder_->failed()) {
        LiveSource s;
        s.path = recorder_->path();
        s.index = recorder_->index();
        s.title = tr("Recording %1 (being written)").arg(QFileInfo(QString::fromStdString(s.path.string())).fileName());
        s.recording = true;
        return s;
    }
    if (ring_) {
        LiveSource s;
        s.path = ring_->path();
        s.index = ring_->index();
        s.keepAlive = ring_;
        s.title = tr("Last %1 min (not recorded)").arg(ring_->options().seconds / 60.0, 0, 'g', 3);
        return s;
    }
    return std::nullopt;
}

std::filesystem::path AcquisitionSession::recordingPath() const {
    return recorder_ ? recorder_->path() : std::filesystem::path{};
}

}  // namespace emg::ui
