#pragma once
// The display's view of the acquisition: per channel a ring of the most recent samples in µV,
// written by the acquisition thread (an AcquisitionConsumer) and read by the GUI thread.
//
// Hot path: onBlock() takes no lock and never allocates. Each sample slot is a relaxed atomic;
// the writer announces the range it is about to overwrite (`reserved`) before writing and
// publishes the new end with release ordering afterwards. A reader takes the published end,
// reads, and then checks `reserved` again: columns whose samples may have been overwritten
// while it read are reported empty, never wrong (seqlock-style validation per ring slot).
// Gaps in the sample clock (and the time spent frozen) read as empty (NaN).
//
// Stimulus events are kept (the last kMaxStimuli) for stimulus-locked sweeps; they are rare
// (≤ 50 Hz), so they sit behind a mutex that the writer only takes for blocks carrying events.
//
// Arrival listeners (at most kMaxArrivalListeners) are told on the writer's thread right after a
// block is published, so that a view paints when samples arrive instead of polling. Still no lock:
// each listener sits in an atomic slot, and removing one waits for a call in progress to return.

#include <emg/acq/acquisition_engine.h>
#include <emg/core/sample_types.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <utility>
#include <vector>

namespace emg {

/// Told that new samples are published in a DisplayBuffer. samplesArrived() runs on the writer's
/// (acquisition) thread for every block: it must return at once, never block, lock or allocate
/// (ui/arrival_signal.h hands it to the GUI thread through an eventfd).
class ArrivalListener {
public:
    virtual ~ArrivalListener() = default;
    virtual void samplesArrived() noexcept = 0;
};

/// Minimum and maximum of the samples that fall in one pixel column; both NaN when the
/// column holds no (valid) sample.
struct ColumnMinMax {
    float minUv;
    float maxUv;
    [[nodiscard]] bool empty() const noexcept { return !(minUv <= maxUv); }
};

class DisplayBuffer : public AcquisitionConsumer {
public:
    static constexpr std::size_t kMaxStimuli = 256;

    /// Keeps at least `seconds` of data per channel (rounded up to a power of two of frames).
    explicit DisplayBuffer(double seconds = 10.0);
    ~DisplayBuffer() override;
    DisplayBuffer(const DisplayBuffer&) = delete;
    DisplayBuffer& operator=(const DisplayBuffer&) = delete;

    // ---------------------------------------------------------- writer (acquisition thread)
    void onStart(const AcquisitionConfig& config) override;
    void onBlock(const SampleBlockView& block) override;
    void onGap(std::int64_t firstSampleIndex, std::int64_t frames) override;

    // ---------------------------------------------------------- control (any thread)
    /// While frozen, incoming blocks are ignored, so what is on screen stays intact however
    /// long the freeze lasts; on resume the skipped time reads as a gap.
    void setFrozen(bool frozen) noexcept { frozen_.store(frozen, std::memory_order_release); }
    [[nodiscard]] bool frozen() const noexcept { return frozen_.load(std::memory_order_acquire); }

    // ---------------------------------------------------------- reader (GUI thread)
    /// Incremented by every onStart(); lets a view notice a new run.
    [[nodiscard]] std::uint64_t generation() const noexcept { return generation_.load(std::memory_order_acquire); }
    [[nodiscard]] std::size_t channelCount() const;
    [[nodiscard]] std::vector<ChannelInfo> channels() const;
    [[nodiscard]] double sampleRateHz() const;
    /// Frames each channel's ring holds (a power of two).
    [[nodiscard]] std::size_t capacityFrames() const;
    /// One past the newest sample index written; -1 before the first block of a run.
    [[nodiscard]] std::int64_t endSampleIndex() const noexcept { return end_.load(std::memory_order_acquire); }
    /// Oldest sample index still held (meaningful when endSampleIndex() >= 0).
    [[nodiscard]] std::int64_t oldestSampleIndex() const;

    /// Reduce `columns` pixel columns to min/max over the samples of columnRange(start, spc, k).
    /// Columns outside the held data, in gaps, or overwritten while reading are empty.
    /// Returns the number of non-empty columns. `out.size()` must be ≥ columns.
    std::size_t minMaxColumns(std::size_t channel, std::int64_t startSampleIndex, double samplesPerColumn,
                              std::size_t columns, std::span<ColumnMinMax> out) const;

    /// Copy samples [start, start + out.size()) of one channel; unavailable samples are NaN.
    /// Returns the number of valid samples.
    /// Sample indices [first, second) of pixel column k: [start + floor(k·spc), start + floor((k+1)·spc)),
    /// at least one sample. From kSnapSamplesPerColumn samples per column on, both ends are rounded
    /// to the nearest multiple of kSummaryFrames (≤ 4 samples, under 1/8 of a column) so that the
    /// column reads only the writer's per-block min/max summary: slow sweeps stay cheap.
    static std::pair<std::int64_t, std::int64_t> columnRange(std::int64_t start, double samplesPerColumn,
                                                             std::size_t k) noexcept;
    static constexpr std::int64_t kSummaryFrames = 8;
    static constexpr double kSnapSamplesPerColumn = 32.0;

    std::size_t readSamples(std::size_t channel, std::int64_t startSampleIndex, std::span<float> out) const;

    /// The most recent stimuli (oldest first), at most `maxCount`.
    [[nodiscard]] std::vector<StimulusEvent> recentStimuli(std::size_t maxCount = kMaxStimuli) const;

    // ---------------------------------------------------------- arrival listeners (any thread)
    static constexpr std::size_t kMaxArrivalListeners = 4;
    /// `listener` is told after every block published from now on (not while frozen); false when
    /// kMaxArrivalListeners are set already. It must stay alive until removed.
    bool addArrivalListener(ArrivalListener* listener) const noexcept;
    /// Stops telling `listener`; returns once no call to it is in progress (never call it from
    /// samplesArrived()).
    void removeArrivalListener(ArrivalListener* listener) const noexcept;

private:
    struct Storage;
    void keepStimuli(const SampleBlockView& block);
    void tellListeners() const noexcept;

    double seconds_;
    mutable std::mutex configMutex_;        ///< guards storage_ replacement (onStart) vs readers
    std::unique_ptr<Storage> storage_;
    std::atomic<std::int64_t> end_{-1};      ///< published: samples < end_ are written
    std::atomic<std::int64_t> reserved_{-1}; ///< announced: samples < reserved_ may be being written
    std::atomic<std::int64_t> firstIndex_{-1};  ///< first sample index of the run
    std::atomic<bool> frozen_{false};
    std::atomic<std::uint64_t> generation_{0};

    mutable std::mutex stimMutex_;
    std::vector<StimulusEvent> stimuli_;     ///< ring of kMaxStimuli
    std::size_t stimNext_ = 0;
    std::size_t stimCount_ = 0;

    mutable std::atomic<ArrivalListener*> listeners_[kMaxArrivalListeners] = {};
    mutable std::atomic<int> telling_{0};   ///< the writer is calling listeners (removal waits for 0)
};

}  // namespace emg
