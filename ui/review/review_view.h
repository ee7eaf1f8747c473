#pragma once
// The review view (issue 13): a recording opened for reading, not replayed. Pages come from the
// paged reader, the overview from the background summary; first paint waits for neither the
// SHA-256 nor the summary. Pages forward and back, goes to a time, jumps between annotations and
// stimuli, ms/div and µV/div per row, channel selection, bipolar rows, display filters applied
// to the page in memory, two cursors with Δt and ΔV, and the reviewer's annotations kept in a
// ReviewerAnnotationSource (never in the raw file). Keys come from the keymap (ui/keymap.h,
// context "review").

#include "display_filter.h"
#include "review_document.h"
#include "review_montage.h"
#include "review_page.h"

#include <emg/core/recording.h>
#include <emg/review/annotated_copy.h>
#include <emg/review/reviewer_annotations.h>
#include <emg/review/span_provenance.h>

#include <QString>
#include <QWidget>

#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

class QComboBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QScrollBar;
class QToolButton;

namespace emg::ui {

class OverviewStrip;
class ReviewTraceArea;
class PageWorker;

/// A span of the recording read for measuring, with where it came from.
struct SpanMeasurement {
    std::shared_ptr<const Recording> recording;   ///< times start at 0 at the span's first sample
    review::SpanProvenance provenance;
};

/// Where "Measure span…" can send a span (the panels' registry ids are the main window's business).
namespace span_targets {
inline const QString kNcsReview = QStringLiteral("ncs-review");
inline const QString kLateResponses = QStringLiteral("late-responses");
inline const QString kNeedle = QStringLiteral("needle");
}  // namespace span_targets

/// The ms/div steps the review view offers (up to a 10-minute page).
inline constexpr double kReviewMsPerDiv[] = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000, 60000};

struct ReviewViewOptions {
    ReviewDocumentOptions document;
    double msPerDiv = 1000.0;        ///< 10 s pages
    double uvPerDiv = 100.0;
    /// Where the reviewer's annotations are kept; null: an in-memory source owned by the view.
    review::ReviewerAnnotationSource* annotations = nullptr;
    QString author;                  ///< empty: QSettings "review/author", else the login name
    /// Start on the last page (scroll back while live opens at "now").
    bool startAtEnd = false;
    /// Read pages on a worker thread (page_worker.h): the GUI thread only draws. The scroll-back
    /// pane uses it so that a page flip never delays the live view's next frame.
    bool pagesOnWorker = false;
    /// The display filter of the first page.
    DisplayFilter filter;
    /// `emgws FILE` and every review the main window opens (File > Open, a stored recording)
    /// (issue 13, first paint): nothing is read before the trace area first paints;
    /// then, at the width it really has, a quick frame of min/max per pixel column folded from the
    /// raw samples (ReviewPage::showQuickEnvelope; envelopes as usual when the page is drawn from
    /// envelopes anyway), replaced on the next turn of the event loop by the page read as values
    /// (filter and lead-in). page() always gives the page read as values. A resize of the shown
    /// view reads again once, at the next paint, not once per resize event. The SHA-256/summary
    /// and annotation scan start after the first paint (or 3 s after opening, never painted).
    bool quickFirstFrame = false;
};

class ReviewView : public QWidget {
    Q_OBJECT
public:
    /// Opens `path` (header only; throws with the reason when it is not a readable EDF/BDF(+)).
    explicit ReviewView(const std::filesystem::path& path, ReviewViewOptions options = {}, QWidget* parent = nullptr);
    ~ReviewView() override;

    ReviewDocument& document() noexcept { return *document_; }
    ReviewTraceArea& traceArea() noexcept { return *traceArea_; }
    OverviewStrip& overview() noexcept { return *overview_; }
    /// The page as update() reads it (a quick frame or a width change not painted yet is
    /// replaced by it first).
    const ReviewPage& page() const;
    /// The trace area shows the quick first frame (quickFirstFrame), not yet the page read as values.
    bool quickFrameShown() const noexcept { return quickShown_; }
    /// The page shown is the one asked for (always, unless pages are read on a worker and the
    /// newest one is not shown yet).
    bool pageCurrent() const;

    // ---- the page on screen ---------------------------------------------------------------
    double startSec() const noexcept { return startSec_; }
    double windowSec() const noexcept { return msPerDiv_ * 10.0 / 1000.0; }
    double msPerDiv() const noexcept { return msPerDiv_; }
    /// Moves the page to start at `tSec` (clamped to the recording).
    void setStart(double tSec);
    void setMsPerDiv(double msPerDiv);
    /// Go to a time typed as seconds, "mm:ss(.s)" or "hh:mm:ss(.s)"; false when unreadable.
    bool goToTime(const QString& text);

    // ---- rows ------------------------------------------------------------------------------
    const std::vector<ReviewRow>& rows() const noexcept { return rows_; }
    /// Shows these channels, one row each (bipolar rows are kept).
    void setVisibleChannels(const std::vector<std::size_t>& channels);
    /// Adds a row A−B (throws std::invalid_argument with the reason).
    void addBipolar(std::size_t a, std::size_t b);
    void setRowSensitivity(std::size_t row, double uvPerDiv);

    // ---- display filter --------------------------------------------------------------------
    const DisplayFilter& displayFilter() const noexcept { return filter_; }
    void setDisplayFilter(const DisplayFilter& filter);

    // ---- annotations -----------------------------------------------------------------------
    /// The reviewer's annotations of this recording (empty until its SHA-256 is known).
    const std::vector<review::ReviewerAnnotation>& reviewerAnnotations() const noexcept { return reviewer_; }
    /// Keeps the reviewer's annotations in `source` from now on (not owned; null: in memory). The
    /// ones added to the view's own in-memory source meanwhile are moved into it. The main window
    /// opens its store after the first paint and hands it over here.
    void setReviewerAnnotationSource(review::ReviewerAnnotationSource* source);
    /// Adds one at `onsetSec` (throws std::runtime_error before the SHA-256 is known, and
    /// std::invalid_argument for an empty text).
    review::ReviewerAnnotation addReviewerAnnotation(double onsetSec, const QString& text);

    /// Removes reviewer annotation `id` through the source, with the OS login as who removed it;
    /// false when there is no such annotation (or the source refused: the status line says why).
    bool removeReviewerAnnotation(std::int64_t id);
    /// The reviewer annotation nearest `tSec` (none when there is none).
    std::optional<review::ReviewerAnnotation> nearestReviewerAnnotation(double tSec) const;

    // ---- measure where it is ---------------------------------------------------------------
    /// The span between the two cursors (shift+drag on the traces sets both), ordered; none
    /// unless both cursors are set and apart.
    std::optional<std::pair<double, double>> selectedSpan() const;
    /// Sets the two cursors to [fromSec, toSec] (the page moves to show the start).
    void selectSpan(double fromSec, double toSec);
    /// Reads the selected span through the paged reader (only its records). Throws
    /// std::invalid_argument without a span, and what readRecordingSpan throws.
    SpanMeasurement readSelectedSpan();
    /// Reads the selected span and emits measureSpanRequested(target, …); false (status line says
    /// why) without a span or when it cannot be read.
    bool measureSpan(const QString& target);

    // ---- export ----------------------------------------------------------------------------
    /// Writes an EDF+/BDF+ copy of the recording with the reviewer's annotations added (the raw
    /// file only read). Throws what writeAnnotatedCopy throws, std::runtime_error before the
    /// SHA-256 is known.
    review::AnnotatedCopyResult exportAnnotatedCopy(const std::filesystem::path& out);

    /// Runs a keymap action of the review context (what its keys do); false for an unknown id.
    bool performAction(const QString& actionId);

signals:
    /// The user asked to replay the recording at 1× through the live display (for EMG sound).
    void replayRequested(const QString& path);
    /// "Measure span…": the span read from the file, for the panel `target` (span_targets).
    void measureSpanRequested(const QString& target, const emg::ui::SpanMeasurement& span);
    /// A page read on the worker was drawn (pagesOnWorker only).
    void pageShown();

protected:
    void keyPressEvent(QKeyEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void buildControls();
    void buildDerivationAndFilterControls(QHBoxLayout* top);
    /// Reads the page again now, unless nothing is painted yet (quickFirstFrame: the paint reads).
    void refresh();
    void refreshNow();
    /// Before each paint of the trace area: the first frame, or the page at a new width.
    void beforeTracePaint();
    /// What page() needs: the page read as values, whatever the trace area shows.
    void ensurePage();
    void updateScrollAndStatus(const QString& error = {});
    /// Draws what page_ holds (the clock, annotations met, scroll bar and status with it).
    void showPage(QString error);
    void onPageRead();
    void onDocumentGrew();
    void refreshReviewer();
    void updateRowControls();
    void jumpToMark(bool stimulus, bool forward);
    void promptAnnotation();
    void promptGoToTime();
    void promptMeasureSpan();
    /// The "Measure span" button: a menu of the panels a span can be measured in.
    void buildMeasureButton(QHBoxLayout* top);
    void promptExportCopy();
    void removeNearestAnnotation();

    std::unique_ptr<review::InMemoryReviewerAnnotations> ownAnnotations_;
    review::ReviewerAnnotationSource* annotations_ = nullptr;
    QString author_;
    ReviewTraceArea* traceArea_ = nullptr;
    std::unique_ptr<ReviewDocument> document_;
    std::unique_ptr<ReviewPage> page_;
    std::unique_ptr<PageWorker> worker_;   ///< after document_ and page_: stopped before they go
    OverviewStrip* overview_ = nullptr;
    QScrollBar* scroll_ = nullptr;
    QLabel* status_ = nullptr;
    QLineEdit* goTo_ = nullptr;
    QComboBox* msPerDivBox_ = nullptr;
    QComboBox* rowBox_ = nullptr;
    QComboBox* uvPerDivBox_ = nullptr;
    QToolButton* channelsButton_ = nullptr;
    QComboBox* bipolarA_ = nullptr;
    QComboBox* bipolarB_ = nullptr;
    QComboBox* highPassBox_ = nullptr;
    QComboBox* lowPassBox_ = nullptr;
    QComboBox* notchBox_ = nullptr;

    double startSec_ = 0.0;
    double msPerDiv_ = 1000.0;
    double shownUpToSec_ = 0.0;   ///< the document's length when the page was last read
    std::vector<ReviewRow> rows_;
    DisplayFilter filter_;
    std::vector<review::ReviewerAnnotation> reviewer_;
    bool updatingControls_ = false;
    bool firstPagePending_ = false;   ///< quickFirstFrame: nothing read yet, the first paint reads
    bool quickShown_ = false;         ///< the quick first frame is on screen
    bool widthPending_ = false;       ///< resized since the page was read: read at the next paint
};

}  // namespace emg::ui
