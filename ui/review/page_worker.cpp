#include "page_worker.h"

#include "review_page.h"

#include <emg/review/paged_recording.h>

#include <spdlog/spdlog.h>

#include <chrono>

namespace emg::ui {

PageWorker::PageWorker(const std::filesystem::path& path, std::shared_ptr<const io::RecordIndex> writerIndex, bool leadInOnlyWhenFiltered,
                       QObject* parent)
    : QObject(parent), reader_(review::openPagedRecording(path)), page_(std::make_unique<ReviewPage>(*reader_)),
      writerIndex_(std::move(writerIndex)) {
    page_->setLeadInOnlyWhenFiltered(leadInOnlyWhenFiltered);
    thread_ = std::thread([this] { run(); });
}

PageWorker::~PageWorker() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void PageWorker::request(PageRequest request) {
    {
        std::lock_guard lock(mutex_);
        next_ = std::move(request);
    }
    wake_.notify_all();
}

bool PageWorker::take(ReviewPage& shown, QString& error) {
    std::lock_guard lock(mutex_);
    if (!ready_) return false;
    shown.adoptShown(*page_);
    error = error_;
    ready_ = false;
    wake_.notify_all();   // the worker may read the next page into its own again
    return true;
}

bool PageWorker::pending() const {
    std::lock_guard lock(mutex_);
    return next_.has_value() || busy_ || ready_;
}

double PageWorker::lastReadMs() const {
    std::lock_guard lock(mutex_);
    return lastReadMs_;
}

void PageWorker::run() {
    for (;;) {
        PageRequest r;
        {
            std::unique_lock lock(mutex_);
            // a page read but not taken yet is never written over: the GUI thread may be copying it
            wake_.wait(lock, [&] { return stop_ || (next_.has_value() && !ready_); });
            if (stop_) return;
            r = std::move(*next_);
            next_.reset();
            busy_ = true;
        }
        const auto t0 = std::chrono::steady_clock::now();
        QString error;
        try {
            if (writerIndex_) {   // the file being written: as many records as the writer says are complete
                const std::int64_t complete = writerIndex_->completeRecords.load(std::memory_order_acquire);
                if (complete != followedRecords_) {
                    reader_->setCompleteRecords(complete);
                    followedRecords_ = complete;
                    page_->forget();
                }
            }
            page_->update(r.startSec, r.windowSec, r.rows, r.filter, r.summary, r.columns);
        } catch (const std::exception& e) {
            error = QObject::tr("Cannot read this page: %1").arg(QString::fromStdString(e.what()));
            spdlog::warn("review page worker: {}", e.what());
        }
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        {
            std::lock_guard lock(mutex_);
            busy_ = false;
            ready_ = true;
            error_ = error;
            lastReadMs_ = ms;
        }
        QMetaObject::invokeMethod(this, [this] { emit pageReady(); }, Qt::QueuedConnection);
    }
}

}  // namespace emg::ui
