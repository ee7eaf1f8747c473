#pragma once
// Reads the review view's pages on a worker thread (issue 13, scroll back while live): a page flip
// in the scroll-back pane must not hold up the live view's next frame on the GUI thread. The
// worker has its own paged reader of the same file (readers are not shared between threads) and
// follows the writer's index of complete records itself. Requests coalesce: while one page is
// read, only the newest request waits; the finished page is handed to the GUI thread's ReviewPage
// (ReviewPage::adoptShown) when pageReady() is signalled.

#include "display_filter.h"
#include "review_montage.h"

#include <emg/io/record_index.h>

#include <QObject>
#include <QString>

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace emg::review {
class MinMaxSummary;
class PagedRecording;
}  // namespace emg::review

namespace emg::ui {

class ReviewPage;

struct PageRequest {
    double startSec = 0.0, windowSec = 0.0;
    std::vector<ReviewRow> rows;
    DisplayFilter filter;
    const review::MinMaxSummary* summary = nullptr;   ///< must outlive the worker (the document's)
    std::size_t columns = 0;
};

class PageWorker : public QObject {
    Q_OBJECT
public:
    /// Opens its own reader of `path` (throws as openPagedRecording does) and starts the thread.
    PageWorker(const std::filesystem::path& path, std::shared_ptr<const io::RecordIndex> writerIndex, bool leadInOnlyWhenFiltered,
               QObject* parent = nullptr);
    ~PageWorker() override;

    /// Reads this page next (an older request not started yet is dropped).
    void request(PageRequest request);
    /// GUI thread: moves the last page read into `shown`; false when none is waiting. `error`
    /// gets why the read failed (empty when it did not).
    bool take(ReviewPage& shown, QString& error);
    /// A request is waiting or being read, or a page read is not taken yet.
    bool pending() const;
    /// Milliseconds the last page took to read and compute on the worker.
    double lastReadMs() const;

signals:
    void pageReady();

private:
    void run();

    std::unique_ptr<review::PagedRecording> reader_;
    std::unique_ptr<ReviewPage> page_;       ///< the worker's: read and computed there
    std::shared_ptr<const io::RecordIndex> writerIndex_;
    std::int64_t followedRecords_ = -1;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::optional<PageRequest> next_;
    bool busy_ = false, ready_ = false, stop_ = false;
    QString error_;
    double lastReadMs_ = 0.0;
    std::thread thread_;
};

}  // namespace emg::ui
