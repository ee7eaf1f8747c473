#pragma once
// The acquisition thread: pops blocks from the device ring, checks sample-clock continuity,
// counts clipped samples, scales counts to µV and hands each block to the consumers
// (display buffers, recorder, DSP, audio). Consumers run on this thread and must keep up.

#include <emg/acq/acquisition_ring.h>
#include <emg/acq/device.h>

#include <atomic>
#include <chrono>
#include <string>
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
    bool deviceLost = false;                  ///< the device went Disconnected/Error during the run
    std::string deviceMessage;                ///< the device's reason (for the status bar)
    std::uint64_t reconnects = 0;             ///< successful resumes after a loss
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
    /// True when the device was lost during this run (disconnect or device error). The run
    /// stays open: consumers keep what they have (the recorder's file stays valid) until
    /// tryResume() or stop().
    bool deviceLost() const noexcept { return deviceLost_.load(std::memory_order_acquire); }
    /// After a loss: ask the device to come back (Device::reopen) and continue the same run.
    /// The time it was away is delivered to consumers as a gap on the same sample clock.
    /// Returns false if the device is not back yet (call again later, e.g. on hotplug arrival).
    bool tryResume();
    const AcquisitionConfig& config() const noexcept { return config_; }
    Device* device() const noexcept { return device_; }

private:
    void threadMain();
    bool drainOnce();
    void superviseDevice();
    void armResume();
    StimulusEvent rebase(StimulusEvent e) const noexcept {
        if (!awaitingResumeBlock_) e.sampleIndex += indexOffset_;
        return e;
    }
    void deliver(const BlockHeader& header, TwoSpans<const std::int32_t> samples);

    double ringSeconds_;
    AcquisitionConfig config_;
    Device* device_ = nullptr;
    std::unique_ptr<AcquisitionRing> ring_;
    std::vector<AcquisitionConsumer*> consumers_;
    std::thread thread_;
    std::atomic<bool> running_{false};
    std::atomic<bool> stopRequested_{false};
    std::atomic<bool> deviceLost_{false};
    std::atomic<bool> resumePending_{false};           ///< tryResume asks the thread to arm
    std::atomic<bool> resumeArmed_{false};             ///< the thread is ready for the new clock
    std::atomic<std::int64_t> resumeLostFrames_{0};   ///< frames the device was away (set before restart)
    std::chrono::steady_clock::time_point lostAt_{};   ///< guarded by statsMutex_

    // acquisition-thread state (preallocated at start)
    std::vector<std::int32_t> countsScratch_;
    std::vector<float> uvScratch_;
    std::vector<StimulusEvent> pendingStimuli_;
    std::vector<StimulusEvent> blockStimuli_;
    std::vector<float> scale_;
    std::vector<std::int32_t> clipLow_, clipHigh_;
    std::int64_t expectedSampleIndex_ = -1;
    std::int64_t indexOffset_ = 0;            ///< added to device sample indices after a resume
    bool awaitingResumeBlock_ = false;        ///< next block re-bases the device's sample clock
    std::chrono::steady_clock::time_point nextStatusPoll_{};
    std::uint64_t expectedSequence_ = 0;
    bool haveSequence_ = false;

    mutable std::mutex statsMutex_;
    EngineStats stats_;
};

}  // namespace emg
