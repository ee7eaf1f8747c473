#include "emg_sound.h"

#include <QAudioDevice>
#include <QAudioFormat>
#include <QAudioSink>
#include <QIODevice>
#include <QMediaDevices>
#include <QTimer>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace emg::ui {

/// Pull-mode source: the sink asks for bytes; we resample what the ring holds, silence when empty.
class EmgSound::Source : public QIODevice {
public:
    explicit Source(EmgSound& owner) : owner_(owner) {}
    void begin(int outRate) {
        outRate_ = outRate;
        frac_ = 0.0;
        prev_ = cur_ = 0.0f;
        open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    }
    qint64 bytesAvailable() const override { return 4096 + QIODevice::bytesAvailable(); }
    bool isSequential() const override { return true; }

protected:
    qint64 writeData(const char*, qint64) override { return -1; }
    qint64 readData(char* data, qint64 maxlen) override {
        auto& ring = owner_.ring_;
        const double inRate = owner_.inputRate_.load();
        // keep the latency bounded: a backlog beyond maxBacklogMs is dropped (oldest first)
        const auto maxBacklog = static_cast<std::size_t>(inRate * owner_.maxBacklogMs() / 1000.0);
        const std::size_t avail = ring.readable();
        if (avail > maxBacklog) {
            ring.release(avail - maxBacklog);
            owner_.dropped_.fetch_add(avail - maxBacklog);
        }
        const double step = inRate / static_cast<double>(outRate_);
        const float gain = owner_.muted_.load() ? 0.0f : owner_.volume_.load() * 32767.0f / owner_.fullScaleUv_.load();
        auto* out = reinterpret_cast<std::int16_t*>(data);
        const qint64 n = maxlen / 2;
        for (qint64 i = 0; i < n; ++i) {
            while (frac_ >= 1.0) {
                float v = 0.0f;
                if (!ring.tryPop(std::span<float>(&v, 1))) { v = cur_ * 0.98f; }   // underrun: decay to silence
                prev_ = cur_;
                cur_ = v;
                frac_ -= 1.0;
            }
            const float s = prev_ + (cur_ - prev_) * static_cast<float>(frac_);
            out[i] = static_cast<std::int16_t>(std::clamp(s * gain, -32767.0f, 32767.0f));
            frac_ += step;
        }
        owner_.pulled_.fetch_add(static_cast<std::uint64_t>(n));
        return n * 2;
    }

private:
    EmgSound& owner_;
    int outRate_ = 48000;
    double frac_ = 0.0;
    float prev_ = 0.0f, cur_ = 0.0f;
};

EmgSound::EmgSound(QObject* parent) : QObject(parent), ring_(1 << 17) {}

EmgSound::~EmgSound() { stopOutput(); }

void EmgSound::setVolume(double v) noexcept { volume_.store(static_cast<float>(std::clamp(v, 0.0, 1.0))); }
void EmgSound::setFullScaleUv(double uv) noexcept { fullScaleUv_.store(static_cast<float>(std::max(1.0, uv))); }

bool EmgSound::startOutput(double inputRateHz) {
    stopOutput();
    inputRate_.store(inputRateHz > 0 ? inputRateHz : 20000.0);
    const QAudioDevice dev = QMediaDevices::defaultAudioOutput();
    if (dev.isNull()) {
        lastError_ = "no audio output device";
        spdlog::warn("EMG sound: {}", lastError_.toStdString());
        return false;
    }
    QAudioFormat fmt;
    fmt.setSampleRate(std::clamp(dev.preferredFormat().sampleRate(), 8000, 96000));
    fmt.setChannelCount(1);
    fmt.setSampleFormat(QAudioFormat::Int16);
    if (!dev.isFormatSupported(fmt)) {
        fmt.setSampleRate(48000);
        if (!dev.isFormatSupported(fmt)) {
            lastError_ = "audio output refuses 16-bit mono";
            spdlog::warn("EMG sound: {}", lastError_.toStdString());
            return false;
        }
    }
    sinkRate_ = fmt.sampleRate();
    sink_ = std::make_unique<QAudioSink>(dev, fmt);
    sink_->setBufferSize(static_cast<qsizetype>(sinkRate_ * 2 * 0.045));   // 45 ms
    source_ = new Source(*this);
    source_->setParent(this);
    source_->begin(sinkRate_);
    // push mode: every 5 ms as much resampled audio as the sink's buffer has room for
    QIODevice* out = sink_->start();
    if (!out) {
        lastError_ = "audio output did not start";
        sink_.reset();
        return false;
    }
    pushTimer_ = new QTimer(this);
    connect(pushTimer_, &QTimer::timeout, this, [this, out] {
        if (!sink_) return;
        // the sink may take less than offered: the rest waits for the next tick, nothing is lost
        if (pending_.isEmpty()) {
            const qsizetype room = sink_->bytesFree() & ~qsizetype(1);
            if (room <= 0) return;
            pending_.resize(room);
            const qint64 got = source_->read(pending_.data(), room);
            pending_.resize(got > 0 ? static_cast<qsizetype>(got) : 0);
        }
        if (pending_.isEmpty()) return;
        const qint64 written = out->write(pending_.constData(), pending_.size());
        if (written > 0) pending_.remove(0, static_cast<qsizetype>(written));
    });
    pushTimer_->start(5);
    spdlog::info("EMG sound: {} at {} Hz, buffer {:.1f} ms", dev.description().toStdString(), sinkRate_, bufferLatencyMs());
    return true;
}

void EmgSound::stopOutput() {
    if (pushTimer_) {
        pushTimer_->stop();
        pushTimer_->deleteLater();
        pushTimer_ = nullptr;
    }
    pending_.clear();
    if (sink_) {
        sink_->stop();
        sink_.reset();
    }
    if (source_) {
        source_->close();
        source_->deleteLater();
        source_ = nullptr;
    }
}

QString EmgSound::debugState() const {
    if (!sink_) return "not playing" + (lastError_.isEmpty() ? QString() : ": " + lastError_);
    return QString("state %1 error %2 pulled %3 samples, dropped %4, processed %5 ms")
        .arg(static_cast<int>(sink_->state()))
        .arg(static_cast<int>(sink_->error()))
        .arg(pulled_.load())
        .arg(dropped_.load())
        .arg(sink_->processedUSecs() / 1000);
}

double EmgSound::bufferLatencyMs() const noexcept {
    if (!sink_ || sinkRate_ <= 0) return 0.0;
    return 1000.0 * static_cast<double>(sink_->bufferSize()) / (2.0 * sinkRate_);
}

double EmgSound::queuedMs() noexcept {
    const std::size_t queued = ring_.capacity() - ring_.writable();
    return 1000.0 * static_cast<double>(queued) / inputRate_.load();
}

void EmgSound::push(std::span<const float> uv) noexcept {
    if (!ring_.tryPush(uv)) dropped_.fetch_add(uv.size());
}

void EmgSound::onStart(const AcquisitionConfig& config) {
    inputRate_.store(config.sampleRateHz);
    scratch_.assign(static_cast<std::size_t>(config.sampleRateHz), 0.0f);   // up to 1 s per block
}

void EmgSound::onBlock(const SampleBlockView& block) {
    const int ch = channel_.load();
    if (ch < 0 || ch >= block.channelCount || !block.microvolts) return;
    const std::size_t n = std::min<std::size_t>(block.frames, scratch_.size());
    for (std::size_t f = 0; f < n; ++f) scratch_[f] = block.uv(static_cast<std::uint32_t>(f), static_cast<std::uint16_t>(ch));
    push(std::span<const float>(scratch_.data(), n));
}

}  // namespace emg::ui
