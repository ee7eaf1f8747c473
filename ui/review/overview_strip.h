#pragma once
// A strip under the review traces showing the whole recording: the min/max envelope of the
// first row's channel (once the background summary is ready, until then its progress; for a file
// being written, from its GrowingOverview up to the records read so far, redrawn as it grows), the
// file's annotations and stimulus marks, the reviewer's annotations, and the page on screen.
// A click or drag moves the page there.

#include "review_document.h"

#include <emg/review/reviewer_annotations.h>

#include <QImage>
#include <QWidget>

namespace emg::ui {

class OverviewStrip : public QWidget {
    Q_OBJECT
public:
    explicit OverviewStrip(QWidget* parent = nullptr);

    void setDocument(ReviewDocument* document, std::size_t channel);
    void setChannel(std::size_t channel);
    void setWindow(double startSec, double windowSec);
    void setReviewerAnnotations(std::vector<review::ReviewerAnnotation> annotations);
    /// Drops the drawn envelope (the summary became ready, or the channel changed).
    void invalidate();
    /// True once the envelope came from the summary.
    bool hasEnvelope() const noexcept { return envelopeReady_; }

    QSize sizeHint() const override { return {800, 56}; }
    QSize minimumSizeHint() const override { return {200, 40}; }

signals:
    /// The user asked for the page centred on `tSec`.
    void seekRequested(double tSec);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    double timeAtX(double x) const;
    double xAtTime(double t) const;
    void renderEnvelope();

    ReviewDocument* document_ = nullptr;
    std::size_t channel_ = 0;
    double startSec_ = 0.0, windowSec_ = 0.0;
    std::vector<review::ReviewerAnnotation> reviewer_;
    QImage envelope_;
    bool envelopeReady_ = false;
    std::uint64_t growingVersion_ = 0;   ///< the growing overview's version drawn
};

}  // namespace emg::ui
