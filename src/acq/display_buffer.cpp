#include <emg/acq/display_buffer.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace emg {

namespace {
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
}

struct DisplayBuffer::Storage {
    std::size_t channels = 0;
    std::size_t capacity = 0;  ///< frames per channel, power of two
    std::size_t mask = 0;
    double sampleRateHz = 0.0;
    std::vector<ChannelInfo> info;
    std::unique_ptr<std::atomic<float>[]> data;  ///< channel-major: [c * capacity + (index & mask)]

    std::atomic<float>* channel(std::size_t c) const noexcept { return data.get() + c * capacity; }
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
    const double frames = std::max(16.0, std::ceil(seconds_ * config.sampleRateHz));
    s->capacity = std::bit_ceil(static_cast<std::size_t>(frames));
    s->mask = s->capacity - 1;
    const std::size_t total = s->capacity * s->channels;
    s->data = std::make_unique<std::atomic<float>[]>(total);
    for (std::size_t i = 0; i < total; ++i) s->data[i].store(kNaN, std::memory_order_relaxed);
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
    }
    end_.store(newEnd, std::memory_order_release);
    if (block.stimulusCount > 0) keepStimuli(block);
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
    const std::atomic<float>* ring = s.channel(channel);

    std::vector<std::int64_t> from(columns);  // first sample read per column (for validation)
    for (std::size_t k = 0; k < columns; ++k) {
        const std::int64_t a = start + static_cast<std::int64_t>(std::floor(static_cast<double>(k) * samplesPerColumn));
        std::int64_t b = start + static_cast<std::int64_t>(std::floor(static_cast<double>(k + 1) * samplesPerColumn));
        b = std::max(b, a + 1);
        const std::int64_t ca = std::max(a, lo), cb = std::min(b, end);
        from[k] = ca;
        if (ca >= cb) continue;
        float mn = std::numeric_limits<float>::infinity();
        float mx = -std::numeric_limits<float>::infinity();
        for (std::int64_t i = ca; i < cb; ++i) {
            const float v = ring[static_cast<std::size_t>(i) & s.mask].load(std::memory_order_relaxed);
            mn = v < mn ? v : mn;  // NaN (gap) compares false and is skipped
            mx = v > mx ? v : mx;
        }
        if (mn <= mx) out[k] = {mn, mx};
    }
    // anything the writer may have overwritten while we read is reported empty
    std::atomic_thread_fence(std::memory_order_acquire);
    const std::int64_t safeFrom = reserved_.load(std::memory_order_relaxed) - cap;
    std::size_t valid = 0;
    for (std::size_t k = 0; k < columns; ++k) {
        if (from[k] < safeFrom) out[k] = {kNaN, kNaN};
        if (!out[k].empty()) ++valid;
    }
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
