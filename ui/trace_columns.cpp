#include "trace_columns.h"

#include "display_scales.h"

#include <QLineF>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace emg::ui {

void drawTraceGrid(QPainter& painter, const TraceLayout& layout, const TraceStyle& style) {
    const QRectF& p = layout.plot;
    QVector<QLineF> lines;
    for (int d = 0; d <= kHorizontalDivisions; ++d) {
        const double x = std::round(p.left() + p.width() * d / kHorizontalDivisions);
        lines.append(QLineF(x, p.top(), x, p.bottom()));
    }
    for (const QRectF& band : layout.bands)
        for (int d = 0; d <= kVerticalDivisionsPerTrace; ++d) {
            if (d == kVerticalDivisionsPerTrace / 2) continue;  // baseline drawn below
            const double y = std::round(band.top() + layout.divisionHeightPx * d);
            lines.append(QLineF(p.left(), y, p.right(), y));
        }
    painter.setPen(QPen(style.grid, 0));
    painter.drawLines(lines);
    lines.clear();
    for (std::size_t c = 0; c < layout.bands.size(); ++c) {
        const double y = std::round(layout.baselineY(c));
        lines.append(QLineF(p.left(), y, p.right(), y));
    }
    painter.setPen(QPen(style.baseline, 0));
    painter.drawLines(lines);
}

void writeColumnSpan(QImage& frame, const TraceLayout& layout, std::size_t channel, int x, ColumnMinMax column,
                     const ColumnMinMax* prev, double baseline, QRgb color) {
    writeColumnSpan(PixelTarget::of(frame), layout, channel, x, column, prev, baseline, color);
}

void writeColumnSpan(const PixelTarget& frame, const TraceLayout& layout, std::size_t channel, int x, ColumnMinMax column,
                     const ColumnMinMax* prev, double baseline, QRgb color) {
    if (column.empty() || x < 0 || x >= frame.width) return;
    float lo = column.minUv, hi = column.maxUv;
    if (prev && !prev->empty()) {
        lo = std::min(lo, prev->maxUv);
        hi = std::max(hi, prev->minUv);
    }
    const int top = static_cast<int>(std::ceil(layout.plot.top()));
    const int bottom = std::min(static_cast<int>(std::floor(layout.plot.bottom())) - 1, frame.height - 1);
    // negative up: the smaller value (lo) is the upper end of the span
    const double yTop = layout.yForUv(channel, lo, baseline);
    const double yBottom = layout.yForUv(channel, hi, baseline);
    const int y0 = std::max(top, static_cast<int>(std::floor(std::max(yTop, -1e6))));
    const int y1 = std::min(bottom, static_cast<int>(std::floor(std::min(yBottom, 1e6))));
    for (int y = y0; y <= y1; ++y) reinterpret_cast<QRgb*>(frame.bits + y * frame.stride)[x] = color;
}

void writeColumnSpans(QImage& frame, const TraceLayout& layout, std::size_t channel, int left,
                      std::span<const ColumnMinMax> columns, double baseline, QRgb color) {
    const int maxX = std::min(static_cast<int>(std::floor(layout.plot.right())) - 1, frame.width() - 1);
    const PixelTarget target = PixelTarget::of(frame);
    for (std::size_t k = 0; k < columns.size(); ++k) {
        const int x = left + static_cast<int>(k);
        if (x > maxX) break;
        writeColumnSpan(target, layout, channel, x, columns[k], k > 0 ? &columns[k - 1] : nullptr, baseline, color);
    }
}

void drawSamplePolyline(QPainter& painter, const TraceLayout& layout, std::size_t channel, double x0,
                        std::span<const float> samples, double pixelsPerSample, double baseline, QRgb color,
                        QVector<QPointF>& scratch) {
    scratch.clear();
    painter.setPen(QPen(QColor::fromRgb(color), 0));
    auto flush = [&] {
        if (scratch.size() > 1) painter.drawPolyline(scratch.constData(), static_cast<int>(scratch.size()));
        scratch.clear();
    };
    for (std::size_t i = 0; i < samples.size(); ++i) {
        if (std::isnan(samples[i])) {
            flush();
            continue;
        }
        scratch.append(QPointF(x0 + static_cast<double>(i) * pixelsPerSample, layout.yForUv(channel, samples[i], baseline)));
    }
    flush();
}

}  // namespace emg::ui
