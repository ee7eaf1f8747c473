#pragma once
// The sound of the EMG: one channel's µV samples, handed over from the acquisition thread
// through a lock-free ring (emg::SpscRing), resampled linearly to the sound card's rate and
// played through a Qt Multimedia QAudioSink (push mode: a 5 ms timer fills the sink's free
// buffer space from the resampler) with a small buffer (latency ~20-50 ms
// so a change of firing rate is heard at once). Volume and mute act in software.

#include <emg/acq/acquisition_engine.h>
#include <emg/core/spsc_ring.h>

#include <QByteArray>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <span>
#include <vector>

class QAudioSink;
class QTimer;

namespace emg::ui {

class EmgSound : public QObject, public emg::AcquisitionConsumer {
    Q_OBJECT
public:
    explicit EmgSound(QObject* parent = nullptr);
    ~EmgSound() override;

    /// Opens the default output at its preferred rate (GUI thread). False (and lastError) when
    /// no output device exists or it refuses the format.
    bool startOutput(double inputRateHz);
    void stopOutput();
    bool playing() const noexcept { return sink_ != nullptr; }

    void setChannel(int channel) noexcept { channel_.store(channel); }
    void setVolume(double volume01) noexcept;          ///< 0..1
    void setMuted(bool muted) noexcept { muted_.store(muted); }
    bool muted() const noexcept { return muted_.load(); }
    /// The µV that reach full scale at volume 1 (default 1000 µV).
    void setFullScaleUv(double uv) noexcept;

    /// Producer side (one thread): queue samples in µV. Drops what does not fit (counted).
    void push(std::span<const float> microvolts) noexcept;

    // AcquisitionConsumer (acquisition thread)
    void onStart(const AcquisitionConfig& config) override;
    void onBlock(const SampleBlockView& block) override;

    int sinkRateHz() const noexcept { return sinkRate_; }
    double bufferLatencyMs() const noexcept;            ///< the sink's buffer, as configured
    double maxBacklogMs() const noexcept { return 40.0; }
    std::uint64_t droppedSamples() const noexcept { return dropped_.load(); }
    /// Samples waiting for the sound card, in ms (producer side: call from the pushing thread).
    double queuedMs() noexcept;
    QString lastError() const { return lastError_; }
    /// Sink state, error and bytes pulled (for logs and tests).
    QString debugState() const;

private:
    class Source;
    SpscRing<float> ring_;
    std::atomic<double> inputRate_{20000.0};
    std::atomic<int> channel_{0};
    std::atomic<float> volume_{0.7f};
    std::atomic<float> fullScaleUv_{1000.0f};
    std::atomic<bool> muted_{false};
    std::atomic<std::uint64_t> dropped_{0};
    std::atomic<std::uint64_t> pulled_{0};
    std::vector<float> scratch_;   // onBlock: one channel of a block (preallocated in onStart)
    std::unique_ptr<QAudioSink> sink_;
    Source* source_ = nullptr;
    QTimer* pushTimer_ = nullptr;
    QByteArray pending_;   // resampled audio the sink has not taken yet
    int sinkRate_ = 0;
    QString lastError_;
};

}  // namespace emg::ui
