#pragma once
// A test amplifier with known output: every channel rests at 0 µV and shows a negative
// rectangular pulse of `pulseUv` (e.g. -300 µV) for `pulseMs` every `periodMs`, paced on the
// wall clock in 10 ms blocks. Optionally every `clipEvery`-th sample of channel 0 sits at the
// ADC bound. stimulate() is checked with validateStimulus and puts the event on the sample clock.
// unplug()/plugBack() imitate a disconnect and the device's return (reopen()).

#include <emg/acq/device.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace emg::test {

class PulseDevice : public Device {
public:
    double pulseUv = -300.0;
    double pulseMs = 20.0;
    double periodMs = 100.0;
    std::int64_t clipEvery = 0;
    static constexpr double kMicrovoltsPerCount = 0.1;

    DeviceInfo info() const override {
        DeviceInfo i;
        i.driver = "test";
        i.name = "pulse test amplifier";
        i.maxChannels = 32;
        i.sampleRatesHz = {4000, 20000, 48000};
        i.gainsMicrovoltsPerCount = {kMicrovoltsPerCount};
        return i;
    }
    void open() override { state_ = DeviceState::Open; }
    void close() override { state_ = DeviceState::Closed; }
    void configure(const AcquisitionConfig& c) override {
        if (c.channels.empty()) throw std::invalid_argument("no channels");
        config_ = c;
        for (auto& ch : config_.channels) ch.microvoltsPerCount = kMicrovoltsPerCount;
        state_ = DeviceState::Configured;
    }
    AcquisitionConfig configuration() const override { return config_; }
    void start(AcquisitionRing& ring) override {
        stop_ = false;
        state_ = DeviceState::Running;
        thread_ = std::thread([this, &ring] { run(ring); });
    }
    void stop() override {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
        if (state_ == DeviceState::Running) state_ = DeviceState::Configured;
    }
    void stimulate(const StimulusCommand& cmd) override {
        if (auto why = validateStimulus(cmd, info().stimulator)) throw std::invalid_argument(*why);
        std::lock_guard lock(mutex_);
        pending_.push_back(cmd);
    }
    DeviceStatus status() const override {
        DeviceStatus s;
        s.state = state_;
        if (s.state == DeviceState::Disconnected) s.lastError = "pulse test amplifier unplugged";
        return s;
    }
    /// Simulate a cable pulled mid-run, and the device coming back.
    void unplug() {
        unplugged_ = true;
        state_ = DeviceState::Disconnected;
    }
    void plugBack() { unplugged_ = false; }
    bool reopen() override {
        if (unplugged_) return false;
        state_ = DeviceState::Configured;
        return true;
    }

private:
    void run(AcquisitionRing& ring) {
        const std::size_t ch = config_.channels.size();
        const auto frames = static_cast<std::uint32_t>(config_.sampleRateHz / 100.0);
        std::vector<std::int32_t> buf(frames * ch);
        const auto pulseFrames = static_cast<std::int64_t>(pulseMs * config_.sampleRateHz / 1000.0);
        const auto periodFrames = static_cast<std::int64_t>(periodMs * config_.sampleRateHz / 1000.0);
        const auto pulseCounts = static_cast<std::int32_t>(std::lround(pulseUv / kMicrovoltsPerCount));
        std::int64_t index = 0;
        std::uint64_t seq = 0;
        auto next = std::chrono::steady_clock::now();
        while (!stop_ && !unplugged_) {
            for (std::uint32_t f = 0; f < frames; ++f) {
                const std::int64_t i = index + f;
                const std::int32_t v = (i % periodFrames) < pulseFrames ? pulseCounts : 0;
                for (std::size_t c = 0; c < ch; ++c) buf[f * ch + c] = v;
                if (clipEvery && i % clipEvery == 0) buf[f * ch] = config_.channels[0].digitalMax;
            }
            {
                std::lock_guard lock(mutex_);
                for (const auto& cmd : pending_) {
                    StimulusEvent ev;
                    ev.sampleIndex = index;
                    ev.intensityMa = cmd.intensityMa;
                    ev.deliveredMa = cmd.intensityMa;
                    ev.pulseWidthMs = cmd.pulseWidthMs;
                    ev.siteId = cmd.siteId;
                    ring.pushStimulus(ev);
                }
                pending_.clear();
            }
            ring.pushBlock(BlockHeader{seq++, index, frames, static_cast<std::uint16_t>(ch), 0},
                           std::span<const std::int32_t>(buf.data(), buf.size()));
            index += frames;
            next += std::chrono::milliseconds(10);
            std::this_thread::sleep_until(next);
        }
    }

    AcquisitionConfig config_;
    std::atomic<DeviceState> state_{DeviceState::Closed};
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> unplugged_{false};
    std::mutex mutex_;
    std::vector<StimulusCommand> pending_;
};

}  // namespace emg::test
