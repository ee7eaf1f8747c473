#include "scrolling_canvas.h"

#include "trace_columns.h"
#include "display_scales.h"

#include <QPainter>

#include <algorithm>
#include <cmath>
#include <limits>

namespace emg::ui {

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

struct PlotPixels {
    int left, top, height;
};

PlotPixels plotPixels(const TraceLayout& layout, int imageHeight) {
    const int top = static_cast<int>(std::ceil(layout.plot.top()));
    const int bottom = std::min(imageHeight, static_cast<int>(std::floor(layout.plot.bottom())));
    return {static_cast<int>(std::floor(layout.plot.left())), top, std::max(0, bottom - top)};
}

}  // namespace

void ScrollingCanvas::restart(const TraceLayout& layout, const QImage& background, std::int64_t end) {
    width_ = static_cast<int>(std::floor(layout.plot.width()));
    channels_ = layout.bands.size();
    ring_ = QImage(width_, background.height(), QImage::Format_RGB32);
    // a column between two vertical grid lines: the background every column starts from
    const int blankX = std::clamp(plotPixels(layout, background.height()).left + width_ / (2 * kHorizontalDivisions),
                                  0, background.width() - 1);
    blankColumn_.resize(static_cast<std::size_t>(background.height()));
    for (int y = 0; y < background.height(); ++y) {
        blankColumn_[static_cast<std::size_t>(y)] = reinterpret_cast<const QRgb*>(background.constScanLine(y))[blankX];
        auto* row = reinterpret_cast<QRgb*>(ring_.scanLine(y));
        std::fill_n(row, width_, blankColumn_[static_cast<std::size_t>(y)]);
    }
    minMax_.assign(static_cast<std::size_t>(width_) * channels_, ColumnMinMax{kNaN, kNaN});
    gridColumns_ = QImage(kHorizontalDivisions + 1, background.height(), QImage::Format_RGB32);
    const auto window = static_cast<std::int64_t>(std::llround(layout.samplesPerPixel * width_));
    doneColumns_ = 0;
    doneEnd_ = end - window;
    shownColumns_ = 0;
    shownEnd_ = doneEnd_;
}

void ScrollingCanvas::writeColumns(const TraceLayout& layout, std::int64_t first, std::size_t count, QRgb color) {
    const PlotPixels px = plotPixels(layout, ring_.height());
    const PixelTarget target = PixelTarget::of(ring_);
    const auto w = static_cast<std::size_t>(width_);
    const auto firstSlot = static_cast<std::size_t>(first % width_);
    const std::size_t run1 = std::min(count, w - firstSlot), run2 = std::min(count - run1, firstSlot);
    // row by row: the new columns are (at most two) contiguous runs of each scan line
    for (int y = px.top; y < px.top + px.height; ++y) {
        auto* row = reinterpret_cast<QRgb*>(target.bits + y * target.stride);
        const QRgb blank = blankColumn_[static_cast<std::size_t>(y)];
        std::fill_n(row + firstSlot, run1, blank);
        std::fill_n(row, run2, blank);
    }
    for (std::size_t j = 0; j < count; ++j) {
        const std::size_t slot = (firstSlot + j) % w, prevSlot = (slot + w - 1) % w;
        for (std::size_t c = 0; c < channels_; ++c)
            writeColumnSpan(target, layout, c, static_cast<int>(slot), minMax_[slot * channels_ + c],
                            &minMax_[prevSlot * channels_ + c], layout.baselineY(c), color);
    }
}

void ScrollingCanvas::reduceNewColumns(const TraceLayout& layout, const DisplayBuffer& buffer, std::int64_t end,
                                       QRgb color) {
    const double spp = layout.samplesPerPixel;
    const auto window = static_cast<std::int64_t>(std::llround(spp * width_));
    if (end - doneEnd_ > window) {
        // away longer than the window (hidden, frozen): the whole window is new; the column
        // before it is not its neighbour
        doneEnd_ = end - window;
        const auto prev = static_cast<std::size_t>((doneColumns_ + width_ - 1) % width_);
        std::fill_n(minMax_.begin() + static_cast<std::ptrdiff_t>(prev * channels_), channels_, ColumnMinMax{kNaN, kNaN});
    }
    std::size_t n = 0, complete = 0;
    std::int64_t lastEnd = doneEnd_;
    for (;; ++n) {
        const auto [a, b] = DisplayBuffer::columnRange(doneEnd_, spp, n);
        if (a >= end || n > static_cast<std::size_t>(width_)) break;
        if (b <= end) complete = n + 1;
        lastEnd = std::min(b, end);
    }
    reducedLastFrame_ = n;
    if (n == 0) return;
    scratch_.resize(n);
    for (std::size_t c = 0; c < channels_; ++c) {
        buffer.minMaxColumns(c, doneEnd_, spp, n, scratch_);
        for (std::size_t j = 0; j < n; ++j) {
            const auto slot = static_cast<std::size_t>((doneColumns_ + static_cast<std::int64_t>(j)) % width_);
            minMax_[slot * channels_ + c] = scratch_[j];
        }
    }
    writeColumns(layout, doneColumns_, std::min(n, static_cast<std::size_t>(width_)), color);
    shownColumns_ = doneColumns_ + static_cast<std::int64_t>(n);
    shownEnd_ = lastEnd;
    if (complete > 0) {
        doneEnd_ = DisplayBuffer::columnRange(doneEnd_, spp, complete).first;
        doneColumns_ += static_cast<std::int64_t>(complete);
    }
}

void ScrollingCanvas::drawGridColumns(QPainter& painter, const TraceLayout& layout, const QImage& background,
                                      QRgb color) {
    const PlotPixels px = plotPixels(layout, background.height());
    const auto leftSlot = static_cast<std::size_t>(shownColumns_ % width_);
    for (int d = 0; d <= kHorizontalDivisions; ++d) {
        const int x = static_cast<int>(std::round(layout.plot.left() + layout.plot.width() * d / kHorizontalDivisions));
        const int i = x - px.left;
        if (i < 0 || i >= width_ || x >= background.width()) continue;
        const std::size_t slot = (leftSlot + static_cast<std::size_t>(i)) % static_cast<std::size_t>(width_);
        const std::size_t prevSlot = (slot + static_cast<std::size_t>(width_) - 1) % static_cast<std::size_t>(width_);
        const PixelTarget target = PixelTarget::of(gridColumns_);
        const uchar* from = background.constBits();
        for (int y = px.top; y < px.top + px.height; ++y)
            reinterpret_cast<QRgb*>(target.bits + y * target.stride)[d] =
                reinterpret_cast<const QRgb*>(from + y * background.bytesPerLine())[x];
        for (std::size_t c = 0; c < channels_; ++c)
            writeColumnSpan(target, layout, c, d, minMax_[slot * channels_ + c],
                            i > 0 ? &minMax_[prevSlot * channels_ + c] : nullptr, layout.baselineY(c), color);
        painter.drawImage(QPoint(x, px.top), gridColumns_, QRect(d, px.top, 1, px.height));
    }
}

void ScrollingCanvas::draw(QPainter& painter, TraceLayout& layout, const DisplayBuffer& buffer, const QImage& background,
                           const QString& key, QRgb color) {
    const std::int64_t end = buffer.endSampleIndex();
    const PlotPixels px = plotPixels(layout, background.height());
    if (end < 0) {
        painter.drawImage(QPoint(px.left, px.top), background, QRect(px.left, px.top, static_cast<int>(layout.plot.width()), px.height));
        return;
    }
    if (key != key_ || width_ != static_cast<int>(std::floor(layout.plot.width())) || ring_.height() != background.height() ||
        end < shownEnd_) {
        restart(layout, background, end);
        key_ = key;
    }
    reduceNewColumns(layout, buffer, end, color);
    const auto leftSlot = static_cast<int>(shownColumns_ % width_);
    painter.drawImage(QPoint(px.left, px.top), ring_, QRect(leftSlot, px.top, width_ - leftSlot, px.height));
    if (leftSlot > 0) painter.drawImage(QPoint(px.left + width_ - leftSlot, px.top), ring_, QRect(0, px.top, leftSlot, px.height));
    layout.startSample = shownEnd_ - static_cast<std::int64_t>(std::llround(layout.samplesPerPixel * width_));
    drawGridColumns(painter, layout, background, color);
}

}  // namespace emg::ui
