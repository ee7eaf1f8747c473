#pragma once
// The hand-over between a device thread (single producer) and the acquisition thread (single
// consumer): three SPSC rings — block headers, interleaved int32 samples, stimulus events.
// The producer writes samples, then events, then the header; the consumer reads the header,
// then the samples. A block that does not fit is dropped whole and counted; the producer never
// blocks unless it asked to (free-running simulator).

#include <emg/core/sample_types.h>
#include <emg/core/spsc_ring.h>

#include <atomic>
#include <cstdint>
#include <span>

namespace emg {

class AcquisitionRing {
public:
    /// sampleCapacity in int32 values (channels × frames), e.g. 32 ch × 48 kHz × 2 s.
    explicit AcquisitionRing(std::size_t sampleCapacity, std::size_t headerCapacity = 4096,
                             std::size_t eventCapacity = 1024)
        : samples_(sampleCapacity), headers_(headerCapacity), events_(eventCapacity) {}

    // ------------------------------------------------------------------ producer
    /// Push one block: header + interleaved counts (header.sampleFrames * header.channelCount).
    /// Returns false and counts the drop if there is no room. Never blocks, never allocates.
    bool pushBlock(const BlockHeader& header, std::span<const std::int32_t> interleaved) noexcept {
        if (samples_.writable() < interleaved.size() || headers_.writable() < 1) {
            droppedBlocks_.fetch_add(1, std::memory_order_relaxed);
            droppedFrames_.fetch_add(header.sampleFrames, std::memory_order_relaxed);
            return false;
        }
        samples_.tryPush(interleaved);
        headers_.tryPush(header);
        return true;
    }
    /// Reserve space for a block's samples to fill in place (zero-copy decode); then call
    /// commitBlock(). Returns empty spans if there is no room (then count with dropBlock()).
    TwoSpans<std::int32_t> reserveSamples(std::size_t count) noexcept {
        if (samples_.writable() < count || headers_.writable() < 1) return {};
        return samples_.reserve(count);
    }
    void commitBlock(const BlockHeader& header) noexcept {
        samples_.commit(static_cast<std::size_t>(header.sampleFrames) * header.channelCount);
        headers_.tryPush(header);
    }
    void dropBlock(const BlockHeader& header) noexcept {
        droppedBlocks_.fetch_add(1, std::memory_order_relaxed);
        droppedFrames_.fetch_add(header.sampleFrames, std::memory_order_relaxed);
    }
    /// Push a stimulus event; must be pushed before the block containing its sample is committed.
    bool pushStimulus(const StimulusEvent& ev) noexcept {
        if (!events_.tryPush(ev)) {
            droppedEvents_.fetch_add(1, std::memory_order_relaxed);
            return false;
        }
        return true;
    }
    /// True if a block of `count` samples would fit now (used by free-running sources to wait).
    bool hasRoomFor(std::size_t count) noexcept { return samples_.writable() >= count && headers_.writable() >= 1; }

    // ------------------------------------------------------------------ consumer
    bool popHeader(BlockHeader& header) noexcept { return headers_.tryPop(header); }
    TwoSpans<const std::int32_t> peekSamples(std::size_t count) noexcept { return samples_.peek(count); }
    void releaseSamples(std::size_t count) noexcept { samples_.release(count); }
    bool popStimulus(StimulusEvent& ev) noexcept { return events_.tryPop(ev); }

    // ------------------------------------------------------------------ either side
    std::uint64_t droppedBlocks() const noexcept { return droppedBlocks_.load(std::memory_order_relaxed); }
    std::uint64_t droppedFrames() const noexcept { return droppedFrames_.load(std::memory_order_relaxed); }
    std::uint64_t droppedEvents() const noexcept { return droppedEvents_.load(std::memory_order_relaxed); }
    std::size_t sampleCapacity() const noexcept { return samples_.capacity(); }
    std::size_t samplesQueued() const noexcept { return samples_.sizeApprox(); }

private:
    SpscRing<std::int32_t> samples_;
    SpscRing<BlockHeader> headers_;
    SpscRing<StimulusEvent> events_;
    std::atomic<std::uint64_t> droppedBlocks_{0};
    std::atomic<std::uint64_t> droppedFrames_{0};
    std::atomic<std::uint64_t> droppedEvents_{0};
};

}  // namespace emg
