// GrowingOverview (growing_overview.h): one worker reading each complete record once.
#include <emg/review/growing_overview.h>
#include <emg/review/paged_recording.h>

#include "background_priority.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <thread>

namespace emg::review {

namespace {
constexpr std::int64_t kRecordsPerRead = 8;
constexpr auto kPollPeriod = std::chrono::milliseconds(100);
}  // namespace

struct GrowingOverview::Impl {
    std::filesystem::path path;
    std::shared_ptr<const io::RecordIndex> index;
    mutable std::mutex mutex;
    std::condition_variable wake;
    bool stopping = false;
    std::vector<std::vector<MinMax>> perChannel;   ///< [channel][record]
    std::vector<TimedAnnotation> annotations;
    std::string error;
    std::atomic<std::int64_t> records{0};
    std::atomic<double> recordSec{0.0};
    std::atomic<std::uint64_t> version{0};
    std::thread worker;

    /// Reads records [first, last) of every channel: min/max per record (physical values).
    void readRecords(PagedRecording& reader, std::int64_t first, std::int64_t last, std::vector<std::int32_t>& digital) {
        const auto& channels = reader.channels();
        std::vector<std::vector<MinMax>> found(channels.size());
        std::vector<PagedRecording::DigitalSpan> spans;
        std::size_t total = 0;
        for (const auto& ch : channels) total += static_cast<std::size_t>(ch.samplesPerRecord * (last - first));
        digital.resize(total);
        std::size_t at = 0;
        for (std::size_t c = 0; c < channels.size(); ++c) {
            const auto n = static_cast<std::size_t>(channels[c].samplesPerRecord * (last - first));
            spans.push_back({c, first * channels[c].samplesPerRecord, n, digital.data() + at});
            at += n;
        }
        reader.readDigital(spans);
        for (std::size_t c = 0; c < channels.size(); ++c) {
            const auto per = static_cast<std::size_t>(channels[c].samplesPerRecord);
            for (std::int64_t r = 0; r < last - first; ++r) {
                MinMax m;
                if (per > 0) {
                    const std::int32_t* d = spans[c].out + static_cast<std::size_t>(r) * per;
                    const auto [lo, hi] = std::minmax_element(d, d + per);
                    const double a = channels[c].physical(*lo), b = channels[c].physical(*hi);
                    m = {std::min(a, b), std::max(a, b), false};
                }
                found[c].push_back(m);
            }
        }
        std::vector<TimedAnnotation> notes;
        if (reader.isPlus()) notes = reader.annotationsInRecords(first, last - 1);
        std::lock_guard lock(mutex);
        if (perChannel.size() != channels.size()) perChannel.resize(channels.size());
        for (std::size_t c = 0; c < channels.size(); ++c) {
            perChannel[c].resize(static_cast<std::size_t>(first));   // records below first (a ring's lost ones) stay empty
            perChannel[c].insert(perChannel[c].end(), found[c].begin(), found[c].end());
        }
        annotations.insert(annotations.end(), notes.begin(), notes.end());
    }

    void run() {
        detail::lowerThisThreadPriority();
        std::unique_ptr<PagedRecording> reader;
        std::vector<std::int32_t> digital;
        std::int64_t next = 0;
        try {
            reader = openPagedRecording(path);
            recordSec.store(reader->recordDurationSec());
            for (;;) {
                const bool closed = index->closed.load(std::memory_order_acquire);
                const std::int64_t complete = index->completeRecords.load(std::memory_order_acquire);
                // a ring drops its oldest records: start past them (one record of margin)
                const std::int64_t oldest = index->oldestRecord.load(std::memory_order_acquire);
                if (oldest > 0) next = std::max(next, oldest + 1);
                if (complete > next) {
                    reader->setCompleteRecords(complete);
                    while (next < complete) {
                        const std::int64_t last = std::min(complete, next + kRecordsPerRead);
                        readRecords(*reader, next, last, digital);
                        next = last;
                        records.store(next, std::memory_order_release);
                        version.fetch_add(1, std::memory_order_acq_rel);
                        std::lock_guard lock(mutex);
                        if (stopping) return;
                    }
                }
                if (closed && next >= complete) return;
                std::unique_lock lock(mutex);
                if (wake.wait_for(lock, kPollPeriod, [&] { return stopping; })) return;
            }
        } catch (const std::exception& e) {
            spdlog::warn("overview of the growing file {}: {}", path.string(), e.what());
            std::lock_guard lock(mutex);
            error = e.what();
        }
    }
};

GrowingOverview::GrowingOverview(std::filesystem::path path, std::shared_ptr<const io::RecordIndex> index)
    : impl_(std::make_shared<Impl>()) {
    impl_->path = std::move(path);
    impl_->index = std::move(index);
    impl_->worker = std::thread([impl = impl_] { impl->run(); });
}

GrowingOverview::~GrowingOverview() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->wake.notify_all();
    impl_->worker.join();
}

std::int64_t GrowingOverview::recordsRead() const noexcept { return impl_->records.load(std::memory_order_acquire); }
double GrowingOverview::recordDurationSec() const noexcept { return impl_->recordSec.load(); }
std::uint64_t GrowingOverview::version() const noexcept { return impl_->version.load(std::memory_order_acquire); }

Envelope GrowingOverview::envelope(std::size_t channel, double startSec, double durationSec, std::size_t columns) const {
    Envelope env;
    env.columns.assign(columns, MinMax{});
    const double recordSec = impl_->recordSec.load();
    if (columns == 0 || !(durationSec > 0.0) || !(recordSec > 0.0)) return env;
    std::lock_guard lock(impl_->mutex);
    if (channel >= impl_->perChannel.size()) return env;
    const auto& records = impl_->perChannel[channel];
    const double columnSec = durationSec / static_cast<double>(columns);
    for (std::size_t r = 0; r < records.size(); ++r) {
        if (records[r].empty) continue;
        const double onset = static_cast<double>(r) * recordSec;
        // a record wider than a column fills every column it overlaps
        const double firstCol = std::floor((onset - startSec) / columnSec);
        const double lastCol = std::ceil((onset + recordSec - startSec) / columnSec) - 1.0;
        for (double j = std::max(0.0, firstCol); j <= std::min(lastCol, static_cast<double>(columns) - 1.0); ++j) {
            MinMax& m = env.columns[static_cast<std::size_t>(j)];
            m.min = m.empty ? records[r].min : std::min(m.min, records[r].min);
            m.max = m.empty ? records[r].max : std::max(m.max, records[r].max);
            m.empty = false;
        }
    }
    return env;
}

std::vector<TimedAnnotation> GrowingOverview::annotations() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->annotations;
}

std::string GrowingOverview::error() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->error;
}

}  // namespace emg::review
