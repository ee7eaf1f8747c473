#pragma once
// The live acquisition behind the main window: one device, the engine thread, the display
// buffer the trace view reads, and optionally the EDF+/BDF+ recorder. Lives on the GUI thread;
// the engine and the device run their own threads, so nothing here waits on the device.

#include <emg/acq/acquisition_engine.h>
#include <emg/acq/device.h>
#include <emg/acq/display_buffer.h>
#include <emg/core/recording.h>
#include <emg/review/scrollback_ring.h>

#include <QObject>
#include <QString>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace emg::io {
class EdfRecorder;
struct RecordIndex;
}


namespace emg::ui {

/// What the scroll-back pane reads while acquiring: the recording being written, or the ring of
/// the last minutes when nothing is recorded; both through the recorder's index of complete records.
struct LiveSource {
    std::filesystem::path path;
    std::shared_ptr<const io::RecordIndex> index;
    std::shared_ptr<void> keepAlive;   ///< the ring (its memory file lives as long as this)
    QString title;
    bool recording = false;
};

class AcquisitionSession : public QObject {
    Q_OBJECT
public:
    explicit AcquisitionSession(QObject* parent = nullptr);
    ~AcquisitionSession() override;

    /// Replace the device (stops a running acquisition). `recording` is the session being
    /// replayed, if the device is a replay, so review panels can analyse it offline.
    void setDevice(DevicePtr device, QString name, std::shared_ptr<const Recording> recording = {});
    Device* device() const noexcept { return device_.get(); }
    const QString& deviceName() const noexcept { return deviceName_; }
    std::shared_ptr<const Recording> recording() const { return recording_; }

    /// Start with this configuration; returns false and emits errorOccurred on failure.
    bool start(const AcquisitionConfig& config);
    void stop();
    bool running() const noexcept { return engine_.running(); }
    const AcquisitionConfig& config() const noexcept { return config_; }
    EngineStats stats() const { return engine_.stats(); }
    /// The device went away mid-run (USB disconnect): the run and the recording stay open.
    bool deviceLost() const noexcept { return engine_.running() && engine_.deviceLost(); }
    /// Continue the lost run if the device is back (the time away becomes a gap). Emits
    /// deviceResumed on success.
    bool tryResume();

    DisplayBuffer& displayBuffer() noexcept { return display_; }
    const DisplayBuffer& displayBuffer() const noexcept { return display_; }

    /// Checks with validateStimulus (device limits and the absolute bound), then asks the device.
    /// Returns the reason when refused or failed, nothing when delivered.
    std::optional<std::string> stimulate(const StimulusCommand& command);

    /// Consumers from panels (analysis, audio). Takes effect at the next start; a running
    /// acquisition is restarted so the consumer sees a complete run.
    void addConsumer(AcquisitionConsumer* consumer);
    void removeConsumer(AcquisitionConsumer* consumer);

    /// Record every raw sample to `path` (.bdf → BDF+, .edf → EDF+). Restarts a running
    /// acquisition so the file starts at a block boundary. Returns false on failure.
    bool startRecording(const std::filesystem::path& path, const std::vector<std::string>& siteNames = {});
    void stopRecording();
    bool isRecording() const noexcept { return recorder_ != nullptr; }
    /// Why the last recording failed (a write error, e.g. "write failed: No space left on
    /// device"), empty when it ended well. Valid from recordingStateChanged(false, ...) on. The
    /// file of a failed recording holds its complete records only, the header count matching.
    const QString& lastRecordingError() const noexcept { return lastRecordingError_; }
    /// Signal seconds and complete data records in the last recording's file.
    double lastRecordingSecondsSaved() const noexcept { return lastRecordingSeconds_; }
    qint64 lastRecordingRecords() const noexcept { return lastRecordingRecords_; }
    std::filesystem::path recordingPath() const;

    /// Scroll back while live: the file written now (the recording, else the ring), none before
    /// the first start or with the ring switched off.
    std::optional<LiveSource> liveSource() const;
    /// The ring kept while not recording (takes effect at the next start); nullopt switches it off.
    void setScrollbackRing(std::optional<review::ScrollbackRingOptions> options);

signals:
    void started();
    void stopped();
    void deviceChanged(const QString& name);
    void recordingLoaded();                      ///< a replayed recording became available
    void recordingStateChanged(bool active, const QString& path);
    /// A write failed while recording (disk full, file too large, ...): the recording stopped and
    /// its file was closed with `records` complete records (`secondsSaved` of signal); the
    /// acquisition goes on. Emitted right after recordingStateChanged(false, path).
    void recordingFailed(const QString& reason, const QString& path, double secondsSaved, qint64 records);
    void errorOccurred(const QString& message);
    void deviceResumed();

private:
    /// The recorder reported a failed write (queued from the acquisition thread).
    void onRecorderFailed(const io::EdfRecorder* which);
    /// Hands the finished recorder's outcome to the signals; `stillAttached` recorders stay in the
    /// engine (inert, their file closed) until its next restart.
    void finishRecording(std::unique_ptr<io::EdfRecorder> recorder, bool stillAttached);
    void detachRetiredRecorders();   ///< the engine must be stopped
    void renewRing();                ///< the engine must be stopped: a new ring for the next run

    AcquisitionEngine engine_;
    DisplayBuffer display_;
    DevicePtr device_;
    QString deviceName_;
    std::shared_ptr<const Recording> recording_;
    AcquisitionConfig config_;
    std::vector<AcquisitionConsumer*> extraConsumers_;
    std::unique_ptr<io::EdfRecorder> recorder_;
    std::vector<std::unique_ptr<io::EdfRecorder>> retiredRecorders_;   ///< failed, still engine consumers
    std::shared_ptr<review::ScrollbackRing> ring_;
    std::optional<review::ScrollbackRingOptions> ringOptions_{review::ScrollbackRingOptions{}};   ///< none: no ring
    QString lastRecordingError_;
    double lastRecordingSeconds_ = 0.0;
    qint64 lastRecordingRecords_ = 0;
};

}  // namespace emg::ui
