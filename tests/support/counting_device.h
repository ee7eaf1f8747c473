#pragma once
// A test device: produces a known ramp (value = sampleIndex * channels + channel, modulo 2^20)
// in blocks, free-running with back-pressure, optionally skipping a block to make a gap.

#include <emg/acq/device.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

namespace emg::test {

class CountingDevice : public Device {
public:
    std::uint64_t totalFrames = 100000;
    std::uint32_t framesPerBlock = 480;
    std::int64_t skipBlock = -1;     ///< this block number is not sent (a gap)
    std::int32_t clipEvery = 0;      ///< every Nth frame of channel 0 sits at digitalMax
    bool waitWhenFull = true;

    static std::int32_t valueAt(std::int64_t sampleIndex, std::size_t channel, std::size_t channels) {
        return static_cast<std::int32_t>((sampleIndex * static_cast<std::int64_t>(channels) + channel) % (1 << 20));
    }

    DeviceInfo info() const override {
        DeviceInfo i;
        i.driver = "test";
        i.name = "counting device";
        i.maxChannels = 64;
        i.sampleRatesHz = {1000, 48000};
        return i;
    }
    void open() override {}
    void close() override {}
    void configure(const AcquisitionConfig& c) override {
        if (c.channels.empty()) throw std::invalid_argument("no channels");
        config_ = c;
    }
    AcquisitionConfig configuration() const override { return config_; }
    void start(AcquisitionRing& ring) override {
        stop_ = false;
        thread_ = std::thread([this, &ring] { run(ring); });
    }
    void stop() override {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }
    void waitUntilDone() {
        while (!done_) std::this_thread::yield();
    }
    void stimulate(const StimulusCommand&) override {}
    DeviceStatus status() const override { return {}; }

private:
    void run(AcquisitionRing& ring) {
        const std::size_t ch = config_.channels.size();
        std::vector<std::int32_t> buf(framesPerBlock * ch);
        std::int64_t index = 0;
        std::uint64_t seq = 0;
        while (!stop_ && static_cast<std::uint64_t>(index) < totalFrames) {
            const auto frames = static_cast<std::uint32_t>(
                std::min<std::uint64_t>(framesPerBlock, totalFrames - static_cast<std::uint64_t>(index)));
            for (std::uint32_t f = 0; f < frames; ++f)
                for (std::size_t c = 0; c < ch; ++c) {
                    auto v = valueAt(index + f, c, ch);
                    if (clipEvery && c == 0 && (index + f) % clipEvery == 0) v = config_.channels[0].digitalMax;
                    buf[f * ch + c] = v;
                }
            BlockHeader h{seq, index, frames, static_cast<std::uint16_t>(ch), 0};
            if (static_cast<std::int64_t>(seq) != skipBlock) {
                if (waitWhenFull)
                    while (!stop_ && !ring.hasRoomFor(frames * ch)) std::this_thread::yield();
                ring.pushBlock(h, std::span<const std::int32_t>(buf.data(), frames * ch));
            }
            index += frames;
            ++seq;
        }
        done_ = true;
    }
    AcquisitionConfig config_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> done_{false};
};

}  // namespace emg::test
