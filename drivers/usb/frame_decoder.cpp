#include "frame_decoder.h"

#include <algorithm>
#include <cstring>

namespace emg::usb {

using namespace proto;

namespace {
constexpr std::uint8_t kMagicBytes[4] = {0x45, 0x47, 0x4D, 0x46};
inline void bump(std::atomic<std::uint64_t>& a, std::uint64_t n = 1) noexcept {
    a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}
}  // namespace

FrameDecoder::FrameDecoder(std::uint16_t channels, std::size_t maxChunkBytes)
    : channels_(channels), buf_(maxChunkBytes + frameBytes(kMaxChannels, 4096)) {}

void FrameDecoder::reset() noexcept {
    len_ = 0;
    inSync_ = true;
    haveSequence_ = false;
    markNextMissing_ = false;
}

void FrameDecoder::setStimulusContext(const StimulusContext& c) noexcept {
    stimIntensityMa_.store(c.intensityMa, std::memory_order_relaxed);
    stimWidthMs_.store(c.pulseWidthMs, std::memory_order_relaxed);
    stimSite_.store(c.siteId, std::memory_order_relaxed);
    stimGeneration_.fetch_add(1, std::memory_order_release);
}

DecoderCounters FrameDecoder::counters() const noexcept {
    DecoderCounters c;
    c.frames = frames_.load(std::memory_order_relaxed);
    c.samplesFrames = samplesFrames_.load(std::memory_order_relaxed);
    c.badFrames = badFrames_.load(std::memory_order_relaxed);
    c.bytesSkipped = bytesSkipped_.load(std::memory_order_relaxed);
    c.sequenceGaps = sequenceGaps_.load(std::memory_order_relaxed);
    c.framesLost = framesLost_.load(std::memory_order_relaxed);
    c.blocksDroppedRingFull = blocksDropped_.load(std::memory_order_relaxed);
    c.framesDroppedRingFull = framesDropped_.load(std::memory_order_relaxed);
    c.stimuli = stimuli_.load(std::memory_order_relaxed);
    return c;
}

void FrameDecoder::feed(std::span<const std::uint8_t> bytes) noexcept {
    while (!bytes.empty()) {
        const std::size_t n = std::min(bytes.size(), buf_.size() - len_);
        std::memcpy(buf_.data() + len_, bytes.data(), n);
        len_ += n;
        bytes = bytes.subspan(n);
        parse();
        if (len_ == buf_.size()) {  // cannot happen with valid sizes; never wedge
            loseSync(len_);
            len_ = 0;
        }
    }
}

void FrameDecoder::loseSync(std::size_t skipped) noexcept {
    if (inSync_) bump(badFrames_);
    inSync_ = false;
    bump(bytesSkipped_, skipped);
}

void FrameDecoder::parse() noexcept {
    std::size_t pos = 0;
    const std::uint8_t* b = buf_.data();
    while (len_ - pos >= kFrameHeaderBytes) {
        if (std::memcmp(b + pos, kMagicBytes, 4) != 0) {
            const auto* found = std::search(b + pos + 1, b + len_, kMagicBytes, kMagicBytes + 4);
            // keep a possible partial magic at the end
            const std::size_t next = found == b + len_ ? std::max(pos + 1, len_ - 3) : static_cast<std::size_t>(found - b);
            loseSync(next - pos);
            pos = next;
            continue;
        }
        FrameHeader h;
        if (!parseHeader(b + pos, h) || h.channelCount != channels_) {
            loseSync(1);
            ++pos;
            continue;
        }
        const std::size_t size = frameBytes(h.channelCount, h.sampleFrames);
        if (len_ - pos < size) break;  // wait for the rest
        const std::size_t body = size - kFrameCrcBytes;
        const std::uint8_t* c = b + pos + body;
        const std::uint32_t wireCrc = std::uint32_t{c[0]} | (std::uint32_t{c[1]} << 8) | (std::uint32_t{c[2]} << 16) |
                                      (std::uint32_t{c[3]} << 24);
        if (crc32({b + pos, body}) != wireCrc) {
            loseSync(1);
            ++pos;
            continue;
        }
        inSync_ = true;
        deliver(h, b + pos + kFrameHeaderBytes);
        pos += size;
    }
    if (pos > 0) {
        std::memmove(buf_.data(), buf_.data() + pos, len_ - pos);
        len_ -= pos;
    }
}

void FrameDecoder::deliver(const FrameHeader& h, const std::uint8_t* samples) noexcept {
    // unwrap the 32-bit sequence number
    std::uint64_t seq = h.sequence;
    if (haveSequence_) {
        const auto delta = static_cast<std::uint32_t>(h.sequence - static_cast<std::uint32_t>(expectedSequence_));
        seq = expectedSequence_ + delta;
        if (h.firstSampleIndex < expectedSample_) {  // replayed or out-of-order frame: never pass it on
            loseSync(0);
            inSync_ = true;
            return;
        }
        if (delta != 0 || h.firstSampleIndex != expectedSample_) {
            bump(sequenceGaps_);
            bump(framesLost_, static_cast<std::uint64_t>(h.firstSampleIndex - expectedSample_));
            markNextMissing_ = true;
        }
    }
    haveSequence_ = true;
    expectedSequence_ = seq + 1;
    expectedSample_ = h.firstSampleIndex + h.sampleFrames;
    bump(frames_);

    BlockHeader bh;
    bh.sequence = seq;
    bh.firstSampleIndex = h.firstSampleIndex;
    bh.sampleFrames = h.sampleFrames;
    bh.channelCount = h.channelCount;
    if (h.flags & kFrameClipping) bh.flags |= kBlockClipped;
    if (h.flags & kFrameLeadsOff) bh.flags |= kBlockLeadsOff;
    if ((h.flags & kFrameOverrun) || markNextMissing_) bh.flags |= kBlockSamplesMissing;

    if (!ring_) return;
    const std::size_t n = std::size_t{h.sampleFrames} * h.channelCount;
    auto spans = ring_->reserveSamples(n);
    if (spans.size() < n) {
        ring_->dropBlock(bh);
        bump(blocksDropped_);
        bump(framesDropped_, h.sampleFrames);
        markNextMissing_ = true;
        return;
    }
    if (h.flags & kFrameStimulus) {
        const std::uint32_t gen = stimGeneration_.load(std::memory_order_acquire);
        if (gen != seenGeneration_) {
            seenGeneration_ = gen;
            trainIndex_ = 0;
        }
        StimulusEvent ev;
        ev.sampleIndex = h.firstSampleIndex + h.stimOffset;
        ev.intensityMa = stimIntensityMa_.load(std::memory_order_relaxed);
        ev.deliveredMa = h.stimDeliveredUa / 1000.0;
        ev.pulseWidthMs = stimWidthMs_.load(std::memory_order_relaxed);
        ev.siteId = static_cast<std::uint16_t>(stimSite_.load(std::memory_order_relaxed));
        ev.trainIndex = trainIndex_++;
        ring_->pushStimulus(ev);  // before the block that contains it
        bump(stimuli_);
    }
    const std::uint8_t* p = samples;
    for (auto& v : spans.first) v = get24(p), p += 3;
    for (auto& v : spans.second) v = get24(p), p += 3;
    ring_->commitBlock(bh);
    markNextMissing_ = false;
    bump(samplesFrames_, h.sampleFrames);
}

}  // namespace emg::usb
