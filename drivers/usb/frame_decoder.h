#pragma once
// Turns the bulk IN byte stream into AcquisitionRing blocks, without allocating after
// construction and without libusb (so it is unit-tested and benchmarked on its own).
// A frame with a bad magic, header or CRC is dropped and the decoder resynchronises on the next
// magic; a jump in the device's sequence number or sample index is counted and the next block
// is flagged kBlockSamplesMissing (the engine sees the gap through firstSampleIndex).

#include "usb_protocol.h"

#include <emg/acq/acquisition_ring.h>

#include <atomic>
#include <cstdint>
#include <span>
#include <vector>

namespace emg::usb {

struct DecoderCounters {
    std::uint64_t frames = 0;                 ///< good frames decoded
    std::uint64_t samplesFrames = 0;          ///< time points pushed to the ring
    std::uint64_t badFrames = 0;              ///< losses of synchronisation (bad magic/header/CRC)
    std::uint64_t bytesSkipped = 0;           ///< bytes discarded while resynchronising
    std::uint64_t sequenceGaps = 0;           ///< discontinuities between good frames
    std::uint64_t framesLost = 0;             ///< time points missing in those discontinuities
    std::uint64_t blocksDroppedRingFull = 0;
    std::uint64_t framesDroppedRingFull = 0;
    std::uint64_t stimuli = 0;
};

/// What the host asked for, attached to the device's stimulus reports.
struct StimulusContext {
    double intensityMa = 0.0;
    double pulseWidthMs = 0.0;
    std::uint16_t siteId = 0;
};

class FrameDecoder {
public:
    /// maxChunkBytes: the largest piece ever passed to feed() (one bulk transfer).
    FrameDecoder(std::uint16_t channels, std::size_t maxChunkBytes);

    void setRing(AcquisitionRing* ring) noexcept { ring_ = ring; }
    /// Forget partial data and the expected sequence (call at each start).
    void reset() noexcept;
    /// Decode as many whole frames as `bytes` completes. Never allocates.
    void feed(std::span<const std::uint8_t> bytes) noexcept;

    /// Called from any thread before the command goes out; read on the decoding thread.
    void setStimulusContext(const StimulusContext& c) noexcept;

    DecoderCounters counters() const noexcept;

private:
    void parse() noexcept;
    void deliver(const proto::FrameHeader& h, const std::uint8_t* samples) noexcept;
    void loseSync(std::size_t skipped) noexcept;

    std::uint16_t channels_;
    AcquisitionRing* ring_ = nullptr;
    std::vector<std::uint8_t> buf_;
    std::size_t len_ = 0;
    bool inSync_ = true;
    bool haveSequence_ = false;
    std::uint64_t expectedSequence_ = 0;
    std::int64_t expectedSample_ = 0;
    bool markNextMissing_ = false;
    std::uint16_t trainIndex_ = 0;

    std::atomic<double> stimIntensityMa_{0.0};
    std::atomic<double> stimWidthMs_{0.0};
    std::atomic<std::uint32_t> stimSite_{0};
    std::atomic<std::uint32_t> stimGeneration_{0};
    std::uint32_t seenGeneration_ = 0;

    // counters: written by the decoding thread only, read by anyone
    std::atomic<std::uint64_t> frames_{0}, samplesFrames_{0}, badFrames_{0}, bytesSkipped_{0}, sequenceGaps_{0},
        framesLost_{0}, blocksDropped_{0}, framesDropped_{0}, stimuli_{0};
};

}  // namespace emg::usb
