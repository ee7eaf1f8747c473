#include <emg/review/annotation_scan.h>

#include <emg/review/paged_edf_reader.h>

#include "background_priority.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace emg::review {

namespace {
constexpr std::size_t kMaxAnnotations = std::size_t{1} << 20;   // as the whole-file reader
constexpr std::int64_t kRecordsPerStep = 256;
}  // namespace

struct AnnotationScan::Impl {
    std::filesystem::path recording;
    std::atomic<bool> cancel{false}, finished{false};
    std::atomic<double> progress{0.0};
    mutable std::mutex mutex;
    mutable std::condition_variable doneSignal;
    std::vector<TimedAnnotation> annotations;
    std::vector<GapSpan> gaps;
    std::string error;
    std::thread worker;

    void run() {
        detail::lowerThisThreadPriority();
        std::vector<TimedAnnotation> found;
        std::vector<GapSpan> holes;
        std::string why;
        try {
            PagedEdfReader reader(recording, PagedReaderOptions{0});
            const std::int64_t n = reader.records();
            double fastest = 0.0;
            for (const auto& c : reader.channels()) fastest = std::max(fastest, c.sampleRateHz);
            const double halfSample = fastest > 0 ? 0.5 / fastest : 0.0;
            std::size_t dropped = 0;
            for (std::int64_t r0 = 0; r0 < n && !cancel.load(); r0 += kRecordsPerStep) {
                const std::int64_t r1 = std::min(n, r0 + kRecordsPerStep) - 1;
                for (auto& a : reader.annotationsInRecords(r0, r1)) {
                    if (found.size() < kMaxAnnotations) found.push_back(std::move(a));
                    else ++dropped;
                }
                if (reader.isDiscontinuous())
                    for (std::int64_t r = r0; r <= r1 && r + 1 < n; ++r) {
                        const double end = reader.recordOnsetSec(r) + reader.recordDurationSec();
                        const double next = reader.recordOnsetSec(r + 1);
                        if (next > end + halfSample) holes.push_back({end, next - end});
                    }
                progress.store(static_cast<double>(r1 + 1) / static_cast<double>(n), std::memory_order_relaxed);
            }
            if (cancel.load()) why = "cancelled";
            else if (dropped) why = std::to_string(dropped) + " annotation(s) beyond the first " + std::to_string(kMaxAnnotations) + " ignored";
            std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.onsetSec < b.onsetSec; });
        } catch (const std::exception& e) {
            why = e.what();
        }
        {
            std::lock_guard lock(mutex);
            annotations = std::move(found);
            gaps = std::move(holes);
            error = std::move(why);
            finished.store(true);
        }
        doneSignal.notify_all();
    }
};

AnnotationScan::AnnotationScan(const std::filesystem::path& recording) : impl_(std::make_shared<Impl>()) {
    impl_->recording = recording;
    impl_->worker = std::thread([impl = impl_] { impl->run(); });
}

AnnotationScan::~AnnotationScan() {
    cancel();
    if (impl_->worker.joinable()) impl_->worker.join();
}

void AnnotationScan::cancel() noexcept { impl_->cancel.store(true); }
bool AnnotationScan::done() const noexcept { return impl_->finished.load(); }
double AnnotationScan::progress() const noexcept { return impl_->progress.load(std::memory_order_relaxed); }

bool AnnotationScan::waitUntilDone(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(impl_->mutex);
    return impl_->doneSignal.wait_for(lock, timeout, [&] { return impl_->finished.load(); });
}

std::vector<TimedAnnotation> AnnotationScan::annotations() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->annotations;
}
std::vector<GapSpan> AnnotationScan::gaps() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->gaps;
}
std::string AnnotationScan::error() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->error;
}

}  // namespace emg::review
