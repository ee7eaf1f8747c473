#pragma once
// The traces of the page on screen, row by row. Short pages (up to kMaxRawPageSamples over the
// channels read) come from the raw samples: one PagedRecording::readPage over the page plus the
// display filter's lead-in, kept in memory so that a new filter, sensitivity or derivation
// re-computes the rows without reading the file again. Longer pages are drawn from the min/max
// envelopes (summary levels; unfiltered, no derivation).

#include "display_filter.h"
#include "review_montage.h"

#include <emg/acq/display_buffer.h>
#include <emg/review/review_types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace emg::review {
class PagedRecording;
class MinMaxSummary;
}  // namespace emg::review

namespace emg::ui {

/// Above this many samples (over the channels read) a page is drawn from envelopes.
inline constexpr std::int64_t kMaxRawPageSamples = std::int64_t{1} << 22;

struct RowTrace {
    double sampleRateHz = 0.0;
    /// Raw mode: values[i] is at page start + i / sampleRateHz (µV, filtered; NaN in holes).
    std::vector<float> values;
    /// Envelope mode: one min/max per pixel column.
    std::vector<ColumnMinMax> columns;
    /// Raw mode with at least one sample per pixel: `values` reduced to one min/max per pixel
    /// column of the plot width the page was asked for (page_columns.h), so that drawing it is
    /// only writing spans. Empty when there are fewer samples than columns.
    std::vector<ColumnMinMax> pixelColumns;
    /// Why the row is empty ("summary pending", "A−B needs a shorter page").
    QString note;
};

class ReviewPage {
public:
    explicit ReviewPage(review::PagedRecording& reader) : reader_(reader) {}

    /// Makes rows() show [startSec, startSec + windowSec) for `rows` with `filter`. Reads the file
    /// only when the span or the channels are not held already. `columns` = plot width (envelopes).
    void update(double startSec, double windowSec, const std::vector<ReviewRow>& rows, const DisplayFilter& filter,
                const review::MinMaxSummary* summary, std::size_t columns);

    /// The quick first frame (issue 13: first paint of `emgws FILE`): when update() would read
    /// the page as values (filter lead-in, one value per sample), shows instead each row's min/max
    /// per pixel column folded straight from the file's digital samples (no lead-in, no filter,
    /// no buffer of values; bipolar rows left empty) and returns true; the next update() reads the
    /// page as values and replaces it. Returns false (nothing done) when update() would draw
    /// envelopes anyway or a row has fewer samples than columns: call update() then.
    bool showQuickEnvelope(double startSec, double windowSec, const std::vector<ReviewRow>& rows, const DisplayFilter& filter,
                           std::size_t columns);

    /// Reads the filter's lead-in only while a display filter is on (the scroll-back pane: a page
    /// flip there must not hold the live view up); by default the longest lead-in is always read,
    /// so a filter switched on later needs no new read.
    void setLeadInOnlyWhenFiltered(bool on) noexcept { leadInOnlyWhenFiltered_ = on; }

    /// Forgets what it holds, so the next update() reads again (a file being written grew under
    /// the page).
    void forget() noexcept {
        rawDuration_ = -1.0;
        envStart_ = -1.0;
    }

    /// Shows what `read` (another page, read on a worker thread: page_worker.h) holds: its rows
    /// (shared, not copied), holes, start and length. What this page held is forgotten (it no
    /// longer matches).
    void adoptShown(const ReviewPage& read);

    bool envelopeMode() const noexcept { return envelopeMode_; }
    double startSec() const noexcept { return startSec_; }
    double windowSec() const noexcept { return windowSec_; }
    const std::vector<RowTrace>& rows() const noexcept { return *traces_; }
    /// Holes (EDF+D) inside the page.
    const std::vector<review::GapSpan>& gaps() const noexcept { return raw_.gaps; }
    /// How many times the file was read for a page (raw pages and envelopes).
    std::uint64_t fileReads() const noexcept { return fileReads_; }

    /// Row value (µV, as drawn) at the sample nearest `tSec`; empty outside the page or in a hole.
    std::optional<double> valueAt(std::size_t row, double tSec) const;

private:
    /// Envelope mode for the span (or the quick frame): one read of min/max per column.
    void computeEnvelopeRows(double startSec, double windowSec, const std::vector<ReviewRow>& rows, const DisplayFilter& filter,
                             const review::MinMaxSummary* summary, std::size_t columns);
    /// Would update() draw this span from envelopes (too many samples to hold as values)?
    bool wantsEnvelopes(double windowSec, const std::vector<ReviewRow>& rows, const DisplayFilter& filter) const;
    void computeRawRows(const std::vector<ReviewRow>& rows, const DisplayFilter& filter, std::size_t columns);
    /// Channel `c` of the held raw page on a uniform grid from rawStart_ (NaN in holes).
    std::vector<double> gridOf(std::size_t channel) const;

    review::PagedRecording& reader_;
    review::Page raw_;
    double rawStart_ = 0.0, rawDuration_ = -1.0;
    std::vector<std::size_t> rawChannels_;
    bool envelopeMode_ = false;
    bool leadInOnlyWhenFiltered_ = false;
    double startSec_ = 0.0, windowSec_ = 0.0;
    /// Never written once made (a new page makes a new one): adoptShown shares it, not copies it.
    std::shared_ptr<const std::vector<RowTrace>> traces_ = std::make_shared<const std::vector<RowTrace>>();
    std::uint64_t fileReads_ = 0;
    // the last envelope request, so an unchanged one is not read again
    double envStart_ = -1, envWindow_ = -1;
    std::size_t envColumns_ = 0;
    std::vector<ReviewRow> envRows_;
    bool envHadSummary_ = false;
};

}  // namespace emg::ui
