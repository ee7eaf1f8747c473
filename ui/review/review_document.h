#pragma once
// One recording open for review: the paged reader (header parsed at once, pages on demand) and
// the background jobs that first paint never waits for: the SHA-256 and min/max summary
// (MinMaxSummary) and the scan of every annotation (AnnotationScan). A GUI-thread timer polls
// them and signals when each is ready.

#include <emg/io/record_index.h>
#include <emg/review/annotation_scan.h>
#include <emg/review/growing_overview.h>
#include <emg/review/minmax_summary.h>
#include <emg/review/paged_recording.h>

#include <QObject>
#include <QString>
#include <QTimer>

#include <filesystem>
#include <memory>
#include <vector>

namespace emg::ui {

struct ReviewDocumentOptions {
    std::filesystem::path summaryCacheDir;   ///< empty: the engine's default cache folder
    bool startBackgroundJobs = true;         ///< false: no summary and no scan (tests of first paint)
    /// The summary and scan wait for startBackgroundJobs() (`emgws FILE`: after the first paint,
    /// so that their threads do not share the cores with the first page's read).
    bool deferBackgroundJobs = false;
    /// A file still being written (scroll back while live): its records are those the writer's
    /// index says are complete (never the header's count), re-read on every poll; no summary, no
    /// checksum and no scan run on it (annotations are read from the pages shown); a
    /// GrowingOverview reads each complete record once on a worker for the overview strip.
    std::shared_ptr<const io::RecordIndex> writerIndex;
    std::shared_ptr<void> keepAlive;         ///< held while the document lives (the ring's memory file)
    QString title;                           ///< shown instead of the file name (e.g. the ring)
};

class ReviewDocument : public QObject {
    Q_OBJECT
public:
    /// Parses the header only; throws (emg::io::FormatError, std::exception) when the file is not
    /// a readable EDF/BDF(+) or WFDB record (its .hea). Starts the background jobs.
    explicit ReviewDocument(const std::filesystem::path& path, ReviewDocumentOptions options = {},
                            QObject* parent = nullptr);
    ~ReviewDocument() override;

    review::PagedRecording& reader() noexcept { return *reader_; }
    const std::filesystem::path& path() const noexcept { return path_; }
    QString fileName() const;
    double durationSec() const noexcept { return durationSec_; }
    /// Being written (a writer index was given) and not yet closed.
    bool live() const noexcept { return writerIndex_ && !writerIndex_->closed.load(std::memory_order_acquire); }
    bool followsWriter() const noexcept { return writerIndex_ != nullptr; }
    /// The earliest time a page may start at: 0, or in a ring the first record still kept plus
    /// one record of margin (the writer may drop the oldest while it is read).
    double earliestSec() const noexcept { return earliestSec_; }
    /// Sample-clock index of the file's first sample (writer index), -1 when not known.
    std::int64_t firstSampleIndex() const noexcept;

    /// The summary once Ready, else null (draw from raw pages or say "pending").
    const review::MinMaxSummary* readySummary() const noexcept;
    /// State of the background summary ("hashing 40 %", "ready", "failed: ...").
    QString summaryStatus() const;
    /// The overview of a file being written (envelope and annotations of the records read so
    /// far), else null.
    const review::GrowingOverview* growingOverview() const noexcept { return growing_.get(); }
    /// Lower-case hex SHA-256 of the file; empty until the background hash is done.
    const QString& sha256() const noexcept { return sha256_; }

    /// The file's annotations by onset: complete once annotationsComplete(); before that the
    /// ones met on the pages read so far.
    const std::vector<review::TimedAnnotation>& annotations() const noexcept { return annotations_; }
    bool annotationsComplete() const noexcept { return annotationsComplete_; }
    /// Starts the summary and the annotation scan when the options deferred them (once; nothing
    /// when they run already or were not asked for).
    void startBackgroundJobs();

    /// Adds the annotations of records [first, last] (read now; a few bytes a record) until the
    /// scan is complete.
    void noteRecords(std::int64_t firstRecord, std::int64_t lastRecord);

signals:
    void sha256Known(const QString& sha256);
    void summaryReady();
    void annotationsChanged();
    void backgroundProgress();
    /// The file being written grew (durationSec() is longer) or was closed.
    void grew();
    /// The growing file's overview read more records (its envelope reaches further).
    void overviewGrew();

private:
    void poll();
    void followWriter();

    std::filesystem::path path_;
    std::filesystem::path summaryCacheDir_;
    bool jobsWanted_ = false;   ///< summary and scan asked for and not started yet
    std::unique_ptr<review::PagedRecording> reader_;
    std::unique_ptr<review::MinMaxSummary> summary_;
    std::unique_ptr<review::AnnotationScan> scan_;
    std::unique_ptr<review::GrowingOverview> growing_;
    std::uint64_t growingVersion_ = 0;
    void takeGrowingOverview();
    double durationSec_ = 0.0;
    double earliestSec_ = 0.0;
    std::shared_ptr<const io::RecordIndex> writerIndex_;
    std::shared_ptr<void> keepAlive_;
    QString title_;
    QString sha256_;
    bool summaryDone_ = false;
    std::vector<review::TimedAnnotation> annotations_;
    bool annotationsComplete_ = false;
    std::int64_t notedFirst_ = -1, notedLast_ = -1;
    QTimer poll_;
};

/// Is this annotation a stimulus mark ("Stim <site>", as the recorder writes them)?
bool isStimulusAnnotation(const std::string& text);

}  // namespace emg::ui
