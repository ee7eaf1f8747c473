#include <emg/acq/display_buffer.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>

namespace emg {

namespace {
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();
// Summary level: min/max of every kSummaryFrames consecutive samples, kept by the writer so
// that wide columns (slow sweeps) read 8x fewer values, sequentially.
constexpr std::int64_t kSummaryFrames = DisplayBuffer::kSummaryFrames;

std::int64_t roundToBlock(std::int64_t i) noexcept {
    const std::int64_t shifted = i + kSummaryFrames / 2;
    const std::int64_t q = shifted >= 0 ? shifted / kSummaryFrames : -((-shifted + kSummaryFrames - 1) / kSummaryFrames);
    return q * kSummaryFrames;
}

struct Range {
    float mn = kInf;
    float mx = -kInf;
    void add(float v) noexcept {
        mn = v < mn ? v : mn;  // NaN (gap) compares false and is skipped
        mx = v > mx ? v : mx;
    }
};
}  // namespace

struct DisplayBuffer::Storage {
    std::size_t channels = 0;
    std::size_t capacity = 0;  ///< frames per channel, power of two
    std::size_t mask = 0;
    double sampleRateHz = 0.0;
    std::vector<ChannelInfo> info;
    std::unique_ptr<std::atomic<float>[]> data;  ///< channel-major: [c * capacity + (index & mask)]
    std::size_t summaries = 0;                   ///< capacity / kSummaryFrames per channel
    std::unique_ptr<std::atomic<float>[]> summaryMin, summaryMax;  ///< [c * summaries + (block & (summaries-1))]

    std::atomic<float>* channel(std::size_t c) const noexcept { return data.get() + c * capacity; }

    /// min/max over samples [a, b) of one channel, using the summary level for whole blocks
    Range reduce(std::size_t c, std::int64_t a, std::int64_t b) const noexcept {
        Range r;
        const std::atomic<float>* ring = channel(c);
        auto raw = [&](std::int64_t from, std::int64_t to) {
            for (std::int64_t i = from; i < to; ++i) r.add(ring[static_cast<std::size_t>(i) & mask].load(std::memory_order_relaxed));
        };
        const std::int64_t firstBlock = (a + kSummaryFrames - 1) / kSummaryFrames;  // a >= 0 here
        const std::int64_t endBlock = b / kSummaryFrames;
        if (endBlock - firstBlock < 2) {
            raw(a, b);
            return r;
        }
        raw(a, firstBlock * kSummaryFrames);
        const std::atomic<float>* smin = summaryMin.get() + c * summaries;
        const std::atomic<float>* smax = summaryMax.get() + c * summaries;
        const std::size_t smask = summaries - 1;
        for (std::int64_t blk = firstBlock; blk < endBlock; ++blk) {
            const std::size_t slot = static_cast<std::size_t>(blk) & smask;
            const float lo = smin[slot].load(std::memory_order_relaxed);
            const float hi = smax[slot].load(std::memory_order_relaxed);
            r.mn = lo < r.mn ? lo : r.mn;
            r.mx = hi > r.mx ? hi : r.mx;
        }
        raw(endBlock * kSummaryFrames, b);
        return r;
    }
};

DisplayBuffer::DisplayBuffer(double seconds) : seconds_(seconds), stimuli_(kMaxStimuli) {
    if (!(seconds > 0.0 && seconds <= 600.0))
        throw std::invalid_argument("DisplayBuffer: length must be between 0 and 600 s");
}

DisplayBuffer::~DisplayBuffer() = default;

void DisplayBuffer::onStart(const AcquisitionConfig& config) {
    auto s = std::make_unique<Storage>();
    s->channels = config.channels.size();
    s->sampleRateHz = config.sampleRateHz;
    s->info = config.channels;
    const double frames = std::max(2.0 * kSummaryFrames, std::ceil(seconds_ * config.sampleRateHz));
    s->capacity = std::bit_ceil(static_cast<std::size_t>(frames));
    s->mask = s->capacity - 1;
    const std::size_t total = s->capacity * s->channels;
    s->data = std::make_unique<std::atomic<float>[]>(total);
    for (std::size_t i = 0; i < total; ++i) s->data[i].store(kNaN, std::memory_order_relaxed);
    s->summaries = s->capacity / kSummaryFrames;
    const std::size_t summaryTotal = s->summaries * s->channels;
    s->summaryMin = std::make_unique<std::atomic<float>[]>(summaryTotal);
    s->summaryMax = std::make_unique<std::atomic<float>[]>(summaryTotal);
    for (std::size_t i = 0; i < summaryTotal; ++i) {
        s->summaryMin[i].store(kNaN, std::memory_order_relaxed);
        s->summaryMax[i].store(kNaN, std::memory_order_relaxed);
    }
    {
        std::lock_guard lock(configMutex_);
        storage_ = std::move(s);
        end_.store(-1, std::memory_order_release);
        reserved_.store(-1, std::memory_order_release);
        firstIndex_.store(-1, std::memory_order_release);
    }
    {
        std::lock_guard lock(stimMutex_);
        stimNext_ = 0;
        stimCount_ = 0;
    }
    generation_.fetch_add(1, std::memory_order_acq_rel);
}

void DisplayBuffer::onGap(std::int64_t /*firstSampleIndex*/, std::int64_t /*frames*/) {
    // Nothing to do here: the next block finds its start beyond end_ and marks the hole empty.
}

void DisplayBuffer::onBlock(const SampleBlockView& block) {
    if (frozen_.load(std::memory_order_acquire) || !storage_) return;
    const Storage& s = *storage_;
    if (block.channelCount != s.channels || block.frames == 0) return;

    std::int64_t end = end_.load(std::memory_order_relaxed);  // only this thread writes it
    const std::int64_t first = block.firstSampleIndex;
    if (end < 0) {
        end = first;
        firstIndex_.store(first, std::memory_order_release);
    }
    const std::int64_t newEnd = first + block.frames;
    if (newEnd <= end) return;  // a block from the past: nothing new
    const auto cap = static_cast<std::int64_t>(s.capacity);

    // announce what is about to be overwritten, then write, then publish
    reserved_.store(newEnd, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);

    const std::int64_t writeFrom = std::max(end, newEnd - cap);
    for (std::size_t c = 0; c < s.channels; ++c) {
        std::atomic<float>* ring = s.channel(c);
        std::int64_t i = writeFrom;
        for (; i < first; ++i) ring[static_cast<std::size_t>(i) & s.mask].store(kNaN, std::memory_order_relaxed);
        const float* in = block.microvolts + static_cast<std::size_t>(i - first) * s.channels + c;
        for (; i < newEnd; ++i, in += s.channels)
            ring[static_cast<std::size_t>(i) & s.mask].store(*in, std::memory_order_relaxed);
        // summary blocks touched by this write (a partial last block is completed by later writes)
        std::atomic<float>* smin = s.summaryMin.get() + c * s.summaries;
        std::atomic<float>* smax = s.summaryMax.get() + c * s.summaries;
        const std::int64_t heldFrom = newEnd - cap;  // older slots are being reused
        for (std::int64_t blk = writeFrom / kSummaryFrames; blk * kSummaryFrames < newEnd; ++blk) {
            Range r;
            const std::int64_t a = std::max(blk * kSummaryFrames, heldFrom);
            const std::int64_t b = std::min((blk + 1) * kSummaryFrames, newEnd);
            for (std::int64_t j = a; j < b; ++j) r.add(ring[static_cast<std::size_t>(j) & s.mask].load(std::memory_order_relaxed));
            const bool any = r.mn <= r.mx;
            const std::size_t slot = static_cast<std::size_t>(blk) & (s.summaries - 1);
            smin[slot].store(any ? r.mn : kNaN, std::memory_order_relaxed);
            smax[slot].store(any ? r.mx : kNaN, std::memory_order_relaxed);
        }
    }
    end_.store(newEnd, std::memory_order_release);
    if (block.stimulusCount > 0) keepStimuli(block);
    tellListeners();
}

void DisplayBuffer::tellListeners() const noexcept {
    // seq_cst on both sides (here and in removeArrivalListener): either the remover sees telling_
    // raised and waits, or this load sees the slot emptied
    telling_.fetch_add(1, std::memory_order_seq_cst);
    for (auto& slot : listeners_)
        if (ArrivalListener* l = slot.load(std::memory_order_seq_cst)) l->samplesArrived();
    telling_.fetch_sub(1, std::memory_order_release);
}

bool DisplayBuffer::addArrivalListener(ArrivalListener* listener) const noexcept {
    for (auto& slot : listeners_) {
        ArrivalListener* empty = nullptr;
        if (slot.compare_exchange_strong(empty, listener, std::memory_order_seq_cst)) return true;
    }
    return false;
}

void DisplayBuffer::removeArrivalListener(ArrivalListener* listener) const noexcept {
    for (auto& slot : listeners_) {
        ArrivalListener* held = listener;
        slot.compare_exchange_strong(held, nullptr, std::memory_order_seq_cst);
    }
    while (telling_.load(std::memory_order_seq_cst) != 0) std::this_thread::yield();
}

void DisplayBuffer::keepStimuli(const SampleBlockView& block) {
    std::lock_guard lock(stimMutex_);
    for (std::uint32_t i = 0; i < block.stimulusCount; ++i) {
        stimuli_[stimNext_] = block.stimuli[i];
        stimNext_ = (stimNext_ + 1) % kMaxStimuli;
        stimCount_ = std::min(stimCount_ + 1, kMaxStimuli);
    }
}

std::size_t DisplayBuffer::channelCount() const {
    std::lock_guard lock(configMutex_);
    return storage_ ? storage_->channels : 0;
}

std::vector<ChannelInfo> DisplayBuffer::channels() const {
    std::lock_guard lock(configMutex_);
    return storage_ ? storage_->info : std::vector<ChannelInfo>{};
}

double DisplayBuffer::sampleRateHz() const {
    std::lock_guard lock(configMutex_);
    return storage_ ? storage_->sampleRateHz : 0.0;
}

std::size_t DisplayBuffer::capacityFrames() const {
    std::lock_guard lock(configMutex_);
    return storage_ ? storage_->capacity : 0;
}

std::int64_t DisplayBuffer::oldestSampleIndex() const {
    std::lock_guard lock(configMutex_);
    const std::int64_t end = end_.load(std::memory_order_acquire);
    if (!storage_ || end < 0) return -1;
    return std::max(firstIndex_.load(std::memory_order_acquire), end - static_cast<std::int64_t>(storage_->capacity));
}

std::pair<std::int64_t, std::int64_t> DisplayBuffer::columnRange(std::int64_t start, double spc,
                                                                std::size_t k) noexcept {
    std::int64_t a = start + static_cast<std::int64_t>(std::floor(static_cast<double>(k) * spc));
    std::int64_t b = start + static_cast<std::int64_t>(std::floor(static_cast<double>(k + 1) * spc));
    if (spc >= kSnapSamplesPerColumn) {
        a = roundToBlock(a);
        b = roundToBlock(b);
    }
    return {a, std::max(b, a + 1)};
}

std::size_t DisplayBuffer::minMaxColumns(std::size_t channel, std::int64_t start, double samplesPerColumn,
                                         std::size_t columns, std::span<ColumnMinMax> out) const {
    if (out.size() < columns) throw std::invalid_argument("DisplayBuffer::minMaxColumns: output too small");
    if (!(samplesPerColumn > 0.0)) throw std::invalid_argument("DisplayBuffer::minMaxColumns: samples per column must be > 0");
    std::fill_n(out.begin(), columns, ColumnMinMax{kNaN, kNaN});
    std::lock_guard lock(configMutex_);
    if (!storage_) return 0;
    const Storage& s = *storage_;
    if (channel >= s.channels)
        throw std::out_of_range("DisplayBuffer: channel " + std::to_string(channel) + " of " + std::to_string(s.channels));
    const std::int64_t end = end_.load(std::memory_order_acquire);
    if (end < 0) return 0;
    const auto cap = static_cast<std::int64_t>(s.capacity);
    const std::int64_t lo = end - cap;
    auto columnStart = [&](std::size_t k) { return columnRange(start, samplesPerColumn, k).first; };
    for (std::size_t k = 0; k < columns; ++k) {
        const auto [a, b] = columnRange(start, samplesPerColumn, k);
        const std::int64_t ca = std::max({a, lo, std::int64_t{0}}), cb = std::min(b, end);
        if (ca >= cb) continue;
        const Range r = s.reduce(channel, ca, cb);
        if (r.mn <= r.mx) out[k] = {r.mn, r.mx};
    }
    // anything the writer may have overwritten while we read is reported empty; column starts
    // only grow, so those columns are a prefix
    std::atomic_thread_fence(std::memory_order_acquire);
    const std::int64_t safeFrom = reserved_.load(std::memory_order_relaxed) - cap;
    for (std::size_t k = 0; k < columns && std::max(columnStart(k), lo) < safeFrom; ++k) out[k] = {kNaN, kNaN};
    std::size_t valid = 0;
    for (std::size_t k = 0; k < columns; ++k) valid += !out[k].empty();
    return valid;
}

std::size_t DisplayBuffer::readSamples(std::size_t channel, std::int64_t start, std::span<float> out) const {
    std::fill(out.begin(), out.end(), kNaN);
    std::lock_guard lock(configMutex_);
    if (!storage_) return 0;
    const Storage& s = *storage_;
    if (channel >= s.channels)
        throw std::out_of_range("DisplayBuffer: channel " + std::to_string(channel) + " of " + std::to_string(s.channels));
    const std::int64_t end = end_.load(std::memory_order_acquire);
    if (end < 0) return 0;
    const auto cap = static_cast<std::int64_t>(s.capacity);
    const std::atomic<float>* ring = s.channel(channel);
    const auto n = static_cast<std::int64_t>(out.size());
    const std::int64_t a = std::max(start, end - cap), b = std::min(start + n, end);
    for (std::int64_t i = a; i < b; ++i)
        out[static_cast<std::size_t>(i - start)] = ring[static_cast<std::size_t>(i) & s.mask].load(std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_acquire);
    const std::int64_t safeFrom = reserved_.load(std::memory_order_relaxed) - cap;
    for (std::int64_t i = a; i < std::min(b, safeFrom); ++i) out[static_cast<std::size_t>(i - start)] = kNaN;
    std::size_t valid = 0;
    for (float v : out) valid += !std::isnan(v);
    return valid;
}

std::vector<StimulusEvent> DisplayBuffer::recentStimuli(std::size_t maxCount) const {
    std::lock_guard lock(stimMutex_);
    const std::size_t n = std::min(maxCount, stimCount_);
    std::vector<StimulusEvent> result;
    result.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        result.push_back(stimuli_[(stimNext_ + kMaxStimuli - n + i) % kMaxStimuli]);
    return result;
}

}  // namespace emg
