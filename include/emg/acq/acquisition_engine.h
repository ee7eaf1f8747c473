#pragma once
// The acquisition thread: pops blocks from the device ring, checks sample-clock continuity,
// counts clipped samples, scales counts to µV and hands each block to the consumers
// (display buffers, recorder, DSP, audio). Consumers run on this thread and must keep up.

#include <emg/acq/acquisition_ring.h>
#include <emg/acq/device.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace emg {

class AcquisitionConsumer {
public:
    virtual ~AcquisitionConsumer() = default;
    /// Called on the acquisition thread before the first block of a run.
    virtual void onStart(const AcquisitionConfig& config) = 0;
    /// Called on the acquisition thread for every block, in sample order.
    virtual void onBlock(const SampleBlockView& block) = 0;
    /// Called when `frames` samples starting at `firstSampleIndex` were lost (gap or overflow).
    virtual void onGap(std::int64_t /*firstSampleIndex*/, std::int64_t /*frames*/) {}
    /// Called on the acquisition thread after the last block of a run.
    virtual void onStop() {}
};

/// Snapshot of everything lost or clipped, for the status bar and the logs.
struct EngineStats {
    std::uint64_t blocks = 0;
    std::uint64_t frames = 0;                 ///< frames delivered to consumers
    std::uint64_t framesLostGap = 0;          ///< frames missing between consecutive blocks
    std::uint64_t gaps = 0;                   ///< number of discontinuities
    std::uint64_t sequenceGaps = 0;           ///< device block counter jumps
    std::uint64_t framesDroppedRingFull = 0;  ///< dropped by the producer on overflow
    std::uint64_t clippedSamples = 0;         ///< samples at the ADC bounds (all channels)
    std::uint64_t stimuli = 0;
    std::uint64_t stimuliDropped = 0;
    double sampleRateHz = 0.0;
    std::uint16_t channelCount = 0;
    std::int64_t lastSampleIndex = -1;
};

class AcquisitionEngine {
public:
    /// ringSeconds: ring size in seconds of data at the configured rate (default 2 s).
    explicit AcquisitionEngine(double ringSeconds = 2.0);
    ~AcquisitionEngine();
    AcquisitionEngine(const AcquisitionEngine&) = delete;
    AcquisitionEngine& operator=(const AcquisitionEngine&) = delete;

    /// Consumers must be added before start(); the engine does not own them.
    void addConsumer(AcquisitionConsumer* consumer);
    void removeConsumer(AcquisitionConsumer* consumer);

    /// Open (if needed), configure and start the device; starts the acquisition thread.
    void start(Device& device, const AcquisitionConfig& config);
    /// Stops the device, drains the ring, stops the thread. Safe to call twice.
    void stop();
    bool running() const noexcept { return running_.load(std::memory_order_acquire); }

    EngineStats stats() const;
    const AcquisitionConfig& config() const noexcept { return config_; }
    Device* device() const noexcept { return device_; }

private:
    void threadMain();
    bool drainOnce();
    void deliver(const BlockHeader& header, TwoSpans<const std::int32_t> samples);

    double ringSeconds_;
    AcquisitionConfig config_;
    Device* device_ = nullptr;
    std::unique_ptr<AcquisitionRing> ring_;
    std::vector<AcquisitionConsumer*> consumers_;
    std::thread thread_;
    std::atomic<bool> running_{false};
    std::atomic<bool> stopRequested_{false};

    // acquisition-thread state (preallocated at start)
    std::vector<std::int32_t> countsScratch_;
    std::vector<float> uvScratch_;
    std::vector<StimulusEvent> pendingStimuli_;
    std::vector<StimulusEvent> blockStimuli_;
    std::vector<float> scale_;
    std::vector<std::int32_t> clipLow_, clipHigh_;
    std::int64_t expectedSampleIndex_ = -1;
    std::uint64_t expectedSequence_ = 0;
    bool haveSequence_ = false;

    mutable std::mutex statsMutex_;
    EngineStats stats_;
};

}  // namespace emg
