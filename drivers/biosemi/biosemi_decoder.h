#pragma once
// Turns the ActiveTwo's word stream into AcquisitionRing blocks, without libusb and without
// allocating after construction (unit-tested and benchmarked on its own).
//
// A frame is accepted only when its sync word is followed, one frame later, by the next sync
// word (or, when that one is damaged, by the one after it): a short frame or a lost sync word is
// then never read with its channels shifted. Whatever cannot be accepted is skipped up to the next
// confirmed frame and counted as ceil(skipped bytes / frame bytes) lost samples: the sample clock
// advances by that many and the next block carries kBlockSamplesMissing.

#include "biosemi_protocol.h"

#include <emg/acq/acquisition_ring.h>
#include <emg/acq/trigger_stimulus.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace emg::biosemi {

struct DecoderCounters {
    std::uint64_t frames = 0;                ///< frames accepted (time points decoded)
    std::uint64_t syncLosses = 0;            ///< times the decoder lost the frame boundary
    std::uint64_t bytesSkipped = 0;          ///< bytes discarded while resynchronising
    std::uint64_t framesLost = 0;            ///< time points missing in those gaps
    std::uint64_t layoutChanges = 0;         ///< frames whose Status announced another speed mode/model
    std::uint64_t blocks = 0;                ///< blocks committed to the ring
    std::uint64_t blocksDroppedRingFull = 0;
    std::uint64_t framesDroppedRingFull = 0;
    std::uint64_t stimuli = 0;               ///< trigger edges turned into stimulus events
    std::uint64_t framesCmsOutOfRange = 0;
    std::uint64_t framesBatteryLow = 0;
    std::uint32_t lastStatus = 0;            ///< the last accepted frame's 24-bit Status value
};

class Decoder {
public:
    /// maxChunkBytes: the largest piece ever passed to feed(); blockFrames: time points per block.
    Decoder(const Layout& layout, std::vector<ChannelSource> channels, std::size_t maxChunkBytes, std::uint32_t blockFrames);

    void setRing(AcquisitionRing* ring) noexcept { ring_ = ring; }
    /// Stimulus events from a trigger bit (nullptr: none). The detector must outlive the decoder's use.
    void setTriggerDetector(TriggerStimulusDetector* detector) noexcept { trigger_ = detector; }
    /// Forget partial data; the sample clock restarts at 0 (call at each start).
    void reset() noexcept;
    /// Decode every frame `bytes` completes, then commit what is staged. Never allocates.
    void feed(std::span<const std::uint8_t> bytes) noexcept;

    const Layout& layout() const noexcept { return layout_; }
    std::uint16_t channelCount() const noexcept { return static_cast<std::uint16_t>(channels_.size()); }
    DecoderCounters counters() const noexcept;

private:
    std::size_t parse() noexcept;
    bool frameStartsAt(std::size_t pos) const noexcept;
    bool announcesOtherLayout(std::size_t pos) const noexcept;
    void deliver(const std::uint8_t* frame) noexcept;
    void loseSamples(std::uint64_t lost) noexcept;
    void flush() noexcept;

    Layout layout_;
    std::vector<ChannelSource> channels_;
    std::size_t frameBytes_;
    std::uint32_t blockFrames_;
    AcquisitionRing* ring_ = nullptr;
    TriggerStimulusDetector* trigger_ = nullptr;

    std::vector<std::uint8_t> buf_;
    std::size_t len_ = 0;
    bool inSync_ = false;
    bool everSynced_ = false;
    std::uint64_t skippedRun_ = 0;    ///< bytes skipped in the current loss of sync

    std::vector<std::int32_t> staged_;
    std::uint32_t stagedFrames_ = 0;
    std::int64_t stagedFirst_ = 0;
    std::int64_t nextSample_ = 0;
    std::uint64_t nextSequence_ = 0;
    bool markMissing_ = false;

    // counters: written by the decoding thread only, read by anyone
    std::atomic<std::uint64_t> frames_{0}, syncLosses_{0}, bytesSkipped_{0}, framesLost_{0}, layoutChanges_{0},
        blocks_{0}, blocksDropped_{0}, framesDropped_{0}, stimuli_{0}, cmsOut_{0}, batteryLow_{0};
    std::atomic<std::uint32_t> lastStatus_{0};
};

}  // namespace emg::biosemi
