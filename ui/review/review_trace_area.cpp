#include "review_trace_area.h"

#include <spdlog/spdlog.h>

#include <ctime>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include <unistd.h>

#include "display_scales.h"
#include "mark_labels.h"
#include "page_columns.h"
#include "review_document.h"
#include "trace_columns.h"

#include <emg/review/review_types.h>

#include <QMouseEvent>
#include <QFontMetrics>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace emg::ui {

namespace {
/// Milliseconds since this process was started (the kernel's start time, 10 ms steps); -1 unknown.
double processAgeMs() {
    std::ifstream in("/proc/self/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')');   // the command name may hold spaces
    if (close == std::string::npos) return -1.0;
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    for (int i = 3; i <= 22 && fields >> field; ++i) {
        if (i < 22) continue;
        timespec now{};
        ::clock_gettime(CLOCK_BOOTTIME, &now);
        const double startSec = std::stod(field) / static_cast<double>(::sysconf(_SC_CLK_TCK));
        return (static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9 - startSec) * 1e3;
    }
    return -1.0;
}
}  // namespace

ReviewTraceArea::ReviewTraceArea(QWidget* parent) : QWidget(parent) {
    sinceCreated_.start();
    setAttribute(Qt::WA_OpaquePaintEvent);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(320, 200);
}

void ReviewTraceArea::setScene(Scene scene) {
    const auto sensitivities = [](const std::vector<ReviewRow>& rows) {
        std::vector<double> v;
        for (const auto& r : rows) v.push_back(r.uvPerDiv);
        return v;
    };
    if (scene.labels != scene_.labels || sensitivities(scene.rows) != sensitivities(scene_.rows) || (scene.page == nullptr) != (scene_.page == nullptr))
        backgroundStale_ = true;
    scene_ = std::move(scene);
    computeLayout();
    frameStale_ = true;
    update();
}

int ReviewTraceArea::plotColumns() const {
    const QRectF plot = QRectF(rect()).adjusted(style_.leftMargin, style_.topMargin, -style_.rightMargin, -style_.bottomMargin);
    return std::max(0, static_cast<int>(std::floor(plot.width())));
}

void ReviewTraceArea::computeLayout() {
    layout_.plot = QRectF(rect()).adjusted(style_.leftMargin, style_.topMargin + 14, -style_.rightMargin, -style_.bottomMargin);
    layout_.bands.clear();
    layout_.uvPerDiv.clear();
    const std::size_t n = scene_.rows.size();
    if (n == 0 || layout_.plot.height() < 4) return;
    const double bandHeight = layout_.plot.height() / static_cast<double>(n);
    for (std::size_t r = 0; r < n; ++r) {
        layout_.bands.emplace_back(layout_.plot.left(), layout_.plot.top() + bandHeight * static_cast<double>(r),
                                   layout_.plot.width(), bandHeight);
        layout_.uvPerDiv.push_back(scene_.rows[r].uvPerDiv);
    }
    layout_.divisionHeightPx = bandHeight / kVerticalDivisionsPerTrace;
    layout_.sampleRateHz = 0.0;
}

double ReviewTraceArea::timeAtX(double x) const {
    if (!scene_.page || layout_.plot.width() < 1) return 0.0;
    const double secPerPx = scene_.page->windowSec() / std::floor(layout_.plot.width());
    return scene_.page->startSec() + (x - layout_.plot.left()) * secPerPx;
}

double ReviewTraceArea::xAtTime(double tSec) const {
    if (!scene_.page || scene_.page->windowSec() <= 0) return layout_.plot.left();
    return layout_.plot.left() + (tSec - scene_.page->startSec()) / scene_.page->windowSec() * std::floor(layout_.plot.width());
}

void ReviewTraceArea::setCursors(std::optional<double> t1Sec, std::optional<double> t2Sec, std::size_t row) {
    cursor1_ = t1Sec;
    cursor2_ = t2Sec;
    cursorRow_ = row;
    frameStale_ = true;
    update();
    emit cursorsChanged();
}

std::optional<CursorReadout> ReviewTraceArea::readout() const {
    if (!cursor1_ || !cursor2_) return std::nullopt;
    CursorReadout r;
    r.t1Sec = *cursor1_;
    r.t2Sec = *cursor2_;
    r.deltaMs = (*cursor2_ - *cursor1_) * 1000.0;
    r.row = cursorRow_;
    if (scene_.page) {
        const auto v1 = scene_.page->valueAt(cursorRow_, *cursor1_);
        const auto v2 = scene_.page->valueAt(cursorRow_, *cursor2_);
        if (v1 && v2) r.deltaUv = *v2 - *v1;
    }
    return r;
}

std::size_t ReviewTraceArea::rowAtY(double y) const {
    for (std::size_t r = 0; r < layout_.bands.size(); ++r)
        if (y >= layout_.bands[r].top() && y < layout_.bands[r].bottom()) return r;
    return layout_.bands.empty() ? 0 : (y < layout_.plot.top() ? 0 : layout_.bands.size() - 1);
}

void ReviewTraceArea::mousePressEvent(QMouseEvent* event) {
    setFocus(Qt::MouseFocusReason);
    if (!scene_.page || !layout_.plot.contains(event->position())) return;
    const double t = timeAtX(event->position().x());
    const std::size_t row = rowAtY(event->position().y());
    if (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ShiftModifier)) {
        spanDrag_ = true;   // a span: cursor 1 here, cursor 2 follows the drag
        setCursors(t, std::nullopt, row);
    } else if (event->button() == Qt::LeftButton)
        setCursors(t, cursor2_, row);
    else if (event->button() == Qt::RightButton) {
        if (const auto id = reviewerMarkAt(event->position().x())) {
            emit reviewerMarkMenuRequested(*id, event->globalPosition().toPoint());
            return;
        }
        setCursors(cursor1_, t, row);
    }
}

std::optional<std::int64_t> ReviewTraceArea::reviewerMarkAt(double x) const {
    if (!scene_.page) return std::nullopt;
    constexpr double kGrabPx = 4.0;
    std::optional<std::int64_t> best;
    double bestPx = kGrabPx + 1.0;
    for (const auto& a : scene_.reviewerAnnotations) {
        const double px = std::fabs(xAtTime(a.onsetSec) - x);
        if (px <= kGrabPx && px < bestPx) {
            best = a.id;
            bestPx = px;
        }
    }
    return best;
}

void ReviewTraceArea::mouseMoveEvent(QMouseEvent* event) {
    if (!spanDrag_ || !scene_.page) return;
    const double x = std::clamp(event->position().x(), layout_.plot.left(), layout_.plot.right());
    setCursors(cursor1_, timeAtX(x), cursorRow_);
}

void ReviewTraceArea::mouseReleaseEvent(QMouseEvent* event) {
    if (spanDrag_ && event->button() == Qt::LeftButton) {
        spanDrag_ = false;
        if (scene_.page) {
            const double x = std::clamp(event->position().x(), layout_.plot.left(), layout_.plot.right());
            setCursors(cursor1_, timeAtX(x), cursorRow_);
        }
    }
}

void ReviewTraceArea::renderBackground() {
    background_ = QImage(size(), QImage::Format_RGB32);
    background_.fill(style_.background);
    QPainter p(&background_);
    p.setRenderHint(QPainter::Antialiasing, false);
    if (!scene_.page || layout_.bands.empty()) {
        p.setPen(style_.label);
        p.drawText(background_.rect(), Qt::AlignCenter, scene_.page ? tr("No channel to draw") : tr("No recording"));
    } else {
        drawTraceGrid(p, layout_, style_);
        // labels: row name and its sensitivity
        QFont font = p.font();
        font.setPixelSize(std::clamp(static_cast<int>(layout_.bands.front().height() * 0.25), 8, 13));
        p.setFont(font);
        p.setPen(style_.label);
        const bool roomForScale = layout_.bands.front().height() >= 2.6 * font.pixelSize();
        for (std::size_t r = 0; r < layout_.bands.size(); ++r) {
            QString text = r < scene_.labels.size() ? scene_.labels[r] : QString();
            if (roomForScale) text += QLatin1Char('\n') + sensitivityLabel(layout_.uvPerDiv[r]);
            p.drawText(QRectF(2, layout_.bands[r].top(), style_.leftMargin - 6, layout_.bands[r].height()),
                       Qt::AlignVCenter | Qt::AlignRight, text);
        }
    }
    backgroundStale_ = false;
}

void ReviewTraceArea::renderFrame() {
    if (layout_.plot.size() != QRectF(rect()).adjusted(style_.leftMargin, style_.topMargin + 14, -style_.rightMargin, -style_.bottomMargin).size())
        computeLayout();
    if (backgroundStale_ || background_.size() != size()) renderBackground();
    // the grid and labels are drawn once, not per page (they were most of a page's paint); the
    // frame's pixels are reused, not allocated again
    if (frame_.size() != background_.size() || frame_.format() != background_.format()) frame_ = QImage(background_.size(), background_.format());
    std::memcpy(frame_.bits(), background_.constBits(), static_cast<std::size_t>(background_.sizeInBytes()));
    if (scene_.page && !layout_.bands.empty()) {
        QPainter p(&frame_);
        p.setRenderHint(QPainter::Antialiasing, false);
        p.setPen(style_.label);
        p.drawText(QRectF(layout_.plot.left(), layout_.plot.bottom() + 2, layout_.plot.width(), style_.bottomMargin - 2),
                   Qt::AlignLeft | Qt::AlignVCenter, scene_.footer);
        drawRows(frame_, p);
        drawMarks(p);
    }
    frameStale_ = false;
}

void ReviewTraceArea::paintEvent(QPaintEvent* /*event*/) {
    emit aboutToPaint();
    // a repaint with nothing changed (an expose, a flip whose page is still being read) only blits
    if (frameStale_ || frame_.size() != size()) renderFrame();
    QPainter painter(this);
    painter.drawImage(0, 0, frame_);
    if (scene_.page && !firstPaintMs_) {
        firstPaintMs_ = static_cast<double>(sinceCreated_.nsecsElapsed()) / 1e6;
        // what an outside stopwatch compares with other viewers (bench_review_open --side-by-side)
        spdlog::info("review: first paint {:.1f} ms after the view was made, {:.0f} ms after the process started", *firstPaintMs_,
                     processAgeMs());
        emit firstPainted();
    }
}

void ReviewTraceArea::drawRows(QImage& frame, QPainter& painter) {
    const ReviewPage& page = *scene_.page;
    const int width = static_cast<int>(std::floor(layout_.plot.width()));
    const int left = static_cast<int>(layout_.plot.left());
    const QRgb color = style_.trace.rgb();
    painter.save();
    painter.setClipRect(layout_.plot);
    for (std::size_t r = 0; r < layout_.bands.size() && r < page.rows().size(); ++r) {
        const RowTrace& t = page.rows()[r];
        const double baseline = layout_.baselineY(r);
        if (!t.note.isEmpty() && t.values.empty() && t.columns.empty()) {
            painter.setPen(style_.label);
            painter.drawText(layout_.bands[r], Qt::AlignCenter, t.note);
            continue;
        }
        if (!t.columns.empty()) {
            writeColumnSpans(frame, layout_, r, left, t.columns, baseline, color);
        } else if (!t.values.empty() && width > 0) {
            const double samplesPerPx = static_cast<double>(t.values.size()) / width;
            if (samplesPerPx < 1.0) {
                drawSamplePolyline(painter, layout_, r, layout_.plot.left(), t.values, 1.0 / samplesPerPx, baseline, color, points_);
            } else if (t.pixelColumns.size() == static_cast<std::size_t>(width)) {
                writeColumnSpans(frame, layout_, r, left, t.pixelColumns, baseline, color);   // reduced where the page was read
            } else {
                reduceToColumns(t.values, static_cast<std::size_t>(width), columns_);   // the plot's width changed since
                writeColumnSpans(frame, layout_, r, left, columns_, baseline, color);
            }
        }
        if (!t.note.isEmpty()) {
            painter.setPen(style_.label);
            painter.drawText(layout_.bands[r].adjusted(4, 2, -4, -2), Qt::AlignRight | Qt::AlignTop, t.note);
        }
    }
    painter.restore();
}

void ReviewTraceArea::drawMarks(QPainter& painter) {
    const ReviewPage& page = *scene_.page;
    const double t0 = page.startSec(), t1 = page.startSec() + page.windowSec();
    const QRectF& plot = layout_.plot;
    QFont font = painter.font();
    font.setPixelSize(11);
    painter.setFont(font);
    // holes of an EDF+D file
    for (const auto& g : page.gaps()) {
        const double x0 = std::max(plot.left(), xAtTime(g.onsetSec)), x1 = std::min(plot.right(), xAtTime(g.onsetSec + g.durationSec));
        if (x1 > x0) painter.fillRect(QRectF(x0, plot.top(), x1 - x0, plot.height()), QColor(60, 60, 60, 140));
    }
    // lines now, texts after every mark is known: each text runs at most to the next one (elided)
    struct Label {
        double x;
        QString text;
        QColor color;
    };
    std::vector<Label> labels;
    auto mark = [&](double t, const QString& text, const QColor& color, Qt::PenStyle style) {
        if (t < t0 || t > t1) return;
        const double x = std::round(xAtTime(t));
        painter.setPen(QPen(color, 0, style));
        painter.drawLine(QLineF(x, plot.top(), x, plot.bottom()));
        if (!text.isEmpty()) labels.push_back({x + 3, text, color});
    };
    if (scene_.fileAnnotations)
        for (const auto& a : *scene_.fileAnnotations) {
            const bool stim = isStimulusAnnotation(a.text);
            mark(a.onsetSec, QString::fromStdString(a.text), stim ? style_.stimulus : annotationColor(), stim ? Qt::DotLine : Qt::DashLine);
        }
    for (const auto& a : scene_.reviewerAnnotations)
        mark(a.onsetSec, QString::fromStdString(a.text) + QStringLiteral(" (") + QString::fromStdString(a.author) + QLatin1Char(')'),
             reviewerColor(), Qt::SolidLine);
    {
        std::vector<double> xs;
        for (const auto& l : labels) xs.push_back(l.x);
        const auto widths = markLabelWidths(xs, static_cast<double>(width()));
        const QFontMetrics metrics(font);
        for (std::size_t k = 0; k < labels.size(); ++k) {
            if (widths[k] <= 0.0) continue;
            painter.setPen(labels[k].color);
            painter.drawText(QPointF(labels[k].x, plot.top() - 3), metrics.elidedText(labels[k].text, Qt::ElideRight, static_cast<int>(widths[k])));
        }
    }
    // the span between the cursors (what "Measure span…" sends), shaded where it is on the page
    if (cursor1_ && cursor2_ && *cursor1_ != *cursor2_) {
        const double a = std::clamp(std::min(*cursor1_, *cursor2_), t0, t1), b = std::clamp(std::max(*cursor1_, *cursor2_), t0, t1);
        if (b > a) painter.fillRect(QRectF(QPointF(xAtTime(a), plot.top()), QPointF(xAtTime(b), plot.bottom())), spanColor());
    }
    // cursors
    painter.setPen(QPen(cursorColor(), 0));
    int i = 1;
    for (const auto& c : {cursor1_, cursor2_}) {
        if (c && *c >= t0 && *c <= t1) {
            const double x = std::round(xAtTime(*c));
            painter.drawLine(QLineF(x, plot.top(), x, plot.bottom()));
            painter.drawText(QPointF(x + 3, plot.bottom() - 4), QString::number(i));
        }
        ++i;
    }
    if (const auto r = readout()) {
        QString text = QStringLiteral("Δt %1 ms").arg(r->deltaMs, 0, 'f', 2);
        if (r->deltaUv) text += QStringLiteral("   ΔV %1 µV").arg(*r->deltaUv, 0, 'f', 1);
        if (r->row < scene_.labels.size()) text += QStringLiteral("   (%1)").arg(scene_.labels[r->row]);
        painter.setPen(cursorColor());
        painter.drawText(QRectF(plot.left(), plot.bottom() + 2, plot.width(), style_.bottomMargin - 2),
                         Qt::AlignRight | Qt::AlignVCenter, text);
    }
}

}  // namespace emg::ui
