#include "biosemi_decoder.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace emg::biosemi {

namespace {
inline void bump(std::atomic<std::uint64_t>& a, std::uint64_t n = 1) noexcept {
    a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}
constexpr std::size_t kStatusOffset = kWordBytes;
}  // namespace

Decoder::Decoder(const Layout& layout, std::vector<ChannelSource> channels, std::size_t maxChunkBytes,
                 std::uint32_t blockFrames)
    : layout_(layout),
      channels_(std::move(channels)),
      frameBytes_(layout.frameBytes()),
      blockFrames_(blockFrames),
      buf_(maxChunkBytes + 3 * layout.frameBytes() + 4 * kWordBytes),
      staged_(std::size_t{blockFrames} * channels_.size()) {
    if (channels_.empty()) throw std::invalid_argument("BioSemi decoder: no channels");
    if (blockFrames == 0) throw std::invalid_argument("BioSemi decoder: a block needs at least one frame");
    if (layout.frameWords < 3) throw std::invalid_argument("BioSemi decoder: invalid layout");
    for (const auto& c : channels_)
        if (c.word >= layout.frameWords || c.minusWord >= layout.frameWords)
            throw std::invalid_argument("BioSemi decoder: channel word outside the frame");
}

void Decoder::reset() noexcept {
    len_ = 0;
    inSync_ = false;
    everSynced_ = false;
    skippedRun_ = 0;
    stagedFrames_ = 0;
    nextSample_ = 0;
    nextSequence_ = 0;
    markMissing_ = false;
    if (trigger_) trigger_->reset();
}

DecoderCounters Decoder::counters() const noexcept {
    DecoderCounters c;
    c.frames = frames_.load(std::memory_order_relaxed);
    c.syncLosses = syncLosses_.load(std::memory_order_relaxed);
    c.bytesSkipped = bytesSkipped_.load(std::memory_order_relaxed);
    c.framesLost = framesLost_.load(std::memory_order_relaxed);
    c.layoutChanges = layoutChanges_.load(std::memory_order_relaxed);
    c.blocks = blocks_.load(std::memory_order_relaxed);
    c.blocksDroppedRingFull = blocksDropped_.load(std::memory_order_relaxed);
    c.framesDroppedRingFull = framesDropped_.load(std::memory_order_relaxed);
    c.stimuli = stimuli_.load(std::memory_order_relaxed);
    c.framesCmsOutOfRange = cmsOut_.load(std::memory_order_relaxed);
    c.framesBatteryLow = batteryLow_.load(std::memory_order_relaxed);
    c.lastStatus = lastStatus_.load(std::memory_order_relaxed);
    return c;
}

void Decoder::feed(std::span<const std::uint8_t> bytes) noexcept {
    while (!bytes.empty()) {
        const std::size_t n = std::min(bytes.size(), buf_.size() - len_);
        std::memcpy(buf_.data() + len_, bytes.data(), n);
        len_ += n;
        bytes = bytes.subspan(n);
        const std::size_t used = parse();
        if (used > 0) {
            std::memmove(buf_.data(), buf_.data() + used, len_ - used);
            len_ -= used;
        }
    }
    flush();
}

bool Decoder::frameStartsAt(std::size_t pos) const noexcept {
    const std::uint8_t* p = buf_.data() + pos;
    if (loadWord(p) != kSyncWord) return false;
    const Status s = decodeStatus(statusValue(loadWord(p + kStatusOffset)));
    return s.mk2 == layout_.mk2 && s.speedMode == layout_.speedMode;
}

bool Decoder::announcesOtherLayout(std::size_t pos) const noexcept {
    const std::uint8_t* p = buf_.data() + pos;
    if (loadWord(p) != kSyncWord) return false;
    const Status s = decodeStatus(statusValue(loadWord(p + kStatusOffset)));
    return layoutFor(s).has_value() && (s.mk2 != layout_.mk2 || s.speedMode != layout_.speedMode);
}

std::size_t Decoder::parse() noexcept {
    const std::size_t f = frameBytes_;
    const std::size_t head = 2 * kWordBytes;  // sync + Status: enough to recognise a frame's start
    std::size_t pos = 0;
    while (true) {
        if (inSync_) {
            if (pos + f + head > len_) break;  // the next frame's start confirms this one
            const bool here = frameStartsAt(pos);
            if (here && frameStartsAt(pos + f)) {
                deliver(buf_.data() + pos);
                pos += f;
                continue;
            }
            if (here) {  // the next boundary is damaged: the one after it may still confirm this frame
                if (pos + 2 * f + head > len_) break;
                if (frameStartsAt(pos + 2 * f)) {
                    deliver(buf_.data() + pos);
                    pos += f;
                    continue;
                }
            }
            if (announcesOtherLayout(pos) || announcesOtherLayout(pos + f)) bump(layoutChanges_);
            bump(syncLosses_);
            inSync_ = false;
            skippedRun_ = 0;
            continue;
        }
        // search for a confirmed frame: a start here and another one frame later
        const std::size_t from = pos;
        bool found = false;
        for (; pos + f + head <= len_; ++pos)
            if (frameStartsAt(pos) && frameStartsAt(pos + f)) {
                found = true;
                break;
            }
        skippedRun_ += pos - from;
        bump(bytesSkipped_, pos - from);
        if (!found) break;
        if (everSynced_) loseSamples((skippedRun_ + f - 1) / f);
        inSync_ = true;
        everSynced_ = true;
        skippedRun_ = 0;
    }
    return pos;
}

void Decoder::deliver(const std::uint8_t* frame) noexcept {
    const std::uint32_t statusWord = loadWord(frame + kStatusOffset);
    const std::uint32_t st = statusValue(statusWord);
    lastStatus_.store(st, std::memory_order_relaxed);
    if (!(st & status_bits::kCmsInRange)) bump(cmsOut_);
    if (st & status_bits::kBatteryLow) bump(batteryLow_);

    if (stagedFrames_ == 0) stagedFirst_ = nextSample_;
    std::int32_t* out = staged_.data() + std::size_t{stagedFrames_} * channels_.size();
    for (const auto& c : channels_) {
        switch (c.kind) {
        case ChannelSource::Kind::Monopolar: *out++ = sampleOf(loadWord(frame + c.word * kWordBytes)); break;
        case ChannelSource::Kind::Bipolar:
            *out++ = sampleOf(loadWord(frame + c.word * kWordBytes)) - sampleOf(loadWord(frame + c.minusWord * kWordBytes));
            break;
        case ChannelSource::Kind::Status: *out++ = sampleOf(statusWord); break;
        }
    }
    StimulusEvent ev;
    if (trigger_ && trigger_->feed(nextSample_, static_cast<std::uint16_t>(st & status_bits::kTriggerMask), ev)) {
        if (ring_) ring_->pushStimulus(ev);  // before the block that holds its sample
        bump(stimuli_);
    }
    bump(frames_);
    ++nextSample_;
    if (++stagedFrames_ == blockFrames_) flush();
}

void Decoder::loseSamples(std::uint64_t lost) noexcept {
    flush();
    nextSample_ += static_cast<std::int64_t>(lost);
    bump(framesLost_, lost);
    markMissing_ = true;
    if (trigger_) trigger_->reset();  // an edge inside the gap is missed, never misplaced
}

void Decoder::flush() noexcept {
    if (stagedFrames_ == 0) return;
    BlockHeader h;
    h.sequence = nextSequence_++;
    h.firstSampleIndex = stagedFirst_;
    h.sampleFrames = stagedFrames_;
    h.channelCount = static_cast<std::uint16_t>(channels_.size());
    if (markMissing_) h.flags |= kBlockSamplesMissing;
    const std::size_t n = std::size_t{stagedFrames_} * channels_.size();
    stagedFrames_ = 0;
    if (!ring_) return;
    if (ring_->pushBlock(h, {staged_.data(), n})) {
        bump(blocks_);
        markMissing_ = false;
    } else {
        bump(blocksDropped_);
        bump(framesDropped_, h.sampleFrames);
        markMissing_ = true;
    }
}

}  // namespace emg::biosemi
