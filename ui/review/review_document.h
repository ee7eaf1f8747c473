#pragma once
// One recording open for review: the paged reader (header parsed at once, pages on demand) and
// the background jobs that first paint never waits for: the SHA-256 and min/max summary
// (MinMaxSummary) and the scan of every annotation (AnnotationScan). A GUI-thread timer polls
// them and signals when each is ready.

#include <emg/review/annotation_scan.h>
#include <emg/review/minmax_summary.h>
#include <emg/review/paged_edf_reader.h>

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
};

class ReviewDocument : public QObject {
    Q_OBJECT
public:
    /// Parses the header only; throws (emg::io::FormatError, std::exception) when the file is not
    /// a readable EDF/BDF(+). Starts the background jobs.
    explicit ReviewDocument(const std::filesystem::path& path, ReviewDocumentOptions options = {},
                            QObject* parent = nullptr);
    ~ReviewDocument() override;

    review::PagedEdfReader& reader() noexcept { return *reader_; }
    const std::filesystem::path& path() const noexcept { return path_; }
    QString fileName() const;
    double durationSec() const noexcept { return durationSec_; }

    /// The summary once Ready, else null (draw from raw pages or say "pending").
    const review::MinMaxSummary* readySummary() const noexcept;
    /// State of the background summary ("hashing 40 %", "ready", "failed: ...").
    QString summaryStatus() const;
    /// Lower-case hex SHA-256 of the file; empty until the background hash is done.
    const QString& sha256() const noexcept { return sha256_; }

    /// The file's annotations by onset: complete once annotationsComplete(); before that the
    /// ones met on the pages read so far.
    const std::vector<review::TimedAnnotation>& annotations() const noexcept { return annotations_; }
    bool annotationsComplete() const noexcept { return annotationsComplete_; }
    /// Adds the annotations of records [first, last] (read now; a few bytes a record) until the
    /// scan is complete.
    void noteRecords(std::int64_t firstRecord, std::int64_t lastRecord);

signals:
    void sha256Known(const QString& sha256);
    void summaryReady();
    void annotationsChanged();
    void backgroundProgress();

private:
    void poll();

    std::filesystem::path path_;
    std::unique_ptr<review::PagedEdfReader> reader_;
    std::unique_ptr<review::MinMaxSummary> summary_;
    std::unique_ptr<review::AnnotationScan> scan_;
    double durationSec_ = 0.0;
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
