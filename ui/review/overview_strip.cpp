#include "overview_strip.h"

#include <emg/review/envelope.h>

#include <spdlog/spdlog.h>

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace emg::ui {

namespace {
constexpr int kSide = 4;
const QColor kBackground(22, 28, 34);
const QColor kEnvelope(60, 150, 90);
const QColor kWindow(255, 255, 255, 60);
}  // namespace

OverviewStrip::OverviewStrip(QWidget* parent) : QWidget(parent) {
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMouseTracking(false);
}

void OverviewStrip::setDocument(ReviewDocument* document, std::size_t channel) {
    document_ = document;
    channel_ = channel;
    invalidate();
}

void OverviewStrip::setChannel(std::size_t channel) {
    if (channel == channel_) return;
    channel_ = channel;
    invalidate();
}

void OverviewStrip::setWindow(double startSec, double windowSec) {
    startSec_ = startSec;
    windowSec_ = windowSec;
    update();
}

void OverviewStrip::setReviewerAnnotations(std::vector<review::ReviewerAnnotation> annotations) {
    reviewer_ = std::move(annotations);
    update();
}

void OverviewStrip::invalidate() {
    envelope_ = QImage();
    envelopeReady_ = false;
    update();
}

double OverviewStrip::timeAtX(double x) const {
    const double w = std::max(1, width() - 2 * kSide);
    return document_ ? (x - kSide) / w * document_->durationSec() : 0.0;
}

double OverviewStrip::xAtTime(double t) const {
    const double w = std::max(1, width() - 2 * kSide);
    return document_ && document_->durationSec() > 0 ? kSide + t / document_->durationSec() * w : kSide;
}

void OverviewStrip::renderEnvelope() {
    envelope_ = QImage(size(), QImage::Format_RGB32);
    envelope_.fill(kBackground);
    const review::MinMaxSummary* summary = document_->readySummary();
    const review::GrowingOverview* growing = document_->growingOverview();
    const int columns = width() - 2 * kSide;
    if ((!summary && !growing) || columns < 2 || channel_ >= document_->reader().channels().size()) return;
    review::Envelope env;
    try {
        if (growing) {
            growingVersion_ = growing->version();
            env = growing->envelope(channel_, 0.0, document_->durationSec(), static_cast<std::size_t>(columns));
        } else {
            env = review::envelope(document_->reader(), summary, channel_, 0.0, document_->durationSec(),
                                   static_cast<std::size_t>(columns));
        }
    } catch (const std::exception& e) {
        spdlog::warn("review overview: {}", e.what());
        return;
    }
    if (env.pending) {
        spdlog::warn("review overview: envelope pending");
        return;
    }
    double lo = 0, hi = 0;
    bool any = false;
    for (const auto& c : env.columns)
        if (!c.empty) {
            lo = any ? std::min(lo, c.min) : c.min;
            hi = any ? std::max(hi, c.max) : c.max;
            any = true;
        }
    envelopeReady_ = true;
    if (!any) return;
    const double span = std::max(hi - lo, 1e-9);
    const double top = 4, h = height() - 8;
    QPainter p(&envelope_);
    p.setPen(QPen(kEnvelope, 0));
    for (int k = 0; k < columns; ++k) {
        const auto& c = env.columns[static_cast<std::size_t>(k)];
        if (c.empty) continue;
        // negative up, as on the traces
        const double y0 = top + (c.min - lo) / span * h, y1 = top + (c.max - lo) / span * h;
        p.drawLine(QLineF(kSide + k, y0, kSide + k, std::max(y1, y0 + 1)));
    }
}

void OverviewStrip::paintEvent(QPaintEvent* /*event*/) {
    QPainter p(this);
    if (!document_) {
        p.fillRect(rect(), kBackground);
        return;
    }
    const review::GrowingOverview* growing = document_->growingOverview();
    if (envelope_.size() != size() || (!envelopeReady_ && document_->readySummary()) ||
        (growing && growing->version() != growingVersion_))
        renderEnvelope();
    p.drawImage(0, 0, envelope_);
    if (!envelopeReady_) {
        p.setPen(QColor(170, 180, 190));
        p.drawText(rect(), Qt::AlignCenter,
                   growing ? tr("Recording so far: reading") : tr("Whole recording: %1").arg(document_->summaryStatus()));
    }
    // the page on screen, then the marks over it: file annotations (violet, upper half), stimuli
    // (amber, lower half), the reviewer's (orange, full height)
    const double x0 = xAtTime(startSec_), x1 = std::max(x0 + 2, xAtTime(startSec_ + windowSec_));
    p.fillRect(QRectF(x0, 0, x1 - x0, height()), kWindow);
    p.setPen(QPen(QColor(255, 255, 255), 0));
    p.drawRect(QRectF(x0, 0, x1 - x0, height() - 1));
    const double mid = height() / 2.0;
    for (const auto& a : document_->annotations()) {
        const bool stim = isStimulusAnnotation(a.text);
        p.setPen(QPen(stim ? QColor(255, 196, 0) : QColor(230, 140, 255), 2));
        const double x = std::round(xAtTime(a.onsetSec));
        p.drawLine(QLineF(x, stim ? mid : 0, x, stim ? height() : mid));
    }
    p.setPen(QPen(QColor(255, 140, 60), 2));
    for (const auto& a : reviewer_) {
        const double x = std::round(xAtTime(a.onsetSec));
        p.drawLine(QLineF(x, 0, x, height()));
    }
}

void OverviewStrip::mousePressEvent(QMouseEvent* event) {
    if (document_ && event->button() == Qt::LeftButton) emit seekRequested(timeAtX(event->position().x()));
}

void OverviewStrip::mouseMoveEvent(QMouseEvent* event) {
    if (document_ && (event->buttons() & Qt::LeftButton)) emit seekRequested(timeAtX(event->position().x()));
}

}  // namespace emg::ui
