#pragma once
// The plot area of the scrolling live trace, drawn incrementally: a ring of pixel columns (one
// image column per min/max column, the newest at the right edge) where each frame reduces and
// writes only the columns that came in since the last frame, then blits the ring in two pieces.
// The older columns are neither reduced again nor rewritten, so a frame costs one blit of the
// plot plus the new columns, whatever the sweep speed: the live view can paint every block as it
// arrives. Vertical grid lines stay fixed on screen: the columns under them are recomposed from
// the background each frame (the traces stay on top of the grid).

#include "trace_layout.h"

#include <emg/acq/display_buffer.h>

#include <QImage>
#include <QPoint>
#include <QString>

#include <cstdint>
#include <vector>

class QPainter;

namespace emg::ui {

class ScrollingCanvas {
public:
    /// Draws the plot area of `layout` (area coordinates; the painter is translated to the area)
    /// from `buffer`, the newest sample at the right edge. `background` is the frame's
    /// background (grid and labels) and `key` names what it shows: a new key starts over.
    /// Sets layout.startSample to the sample at the left edge. Needs samplesPerPixel ≥ 1.
    void draw(QPainter& painter, TraceLayout& layout, const DisplayBuffer& buffer, const QImage& background,
              const QString& key, QRgb color);
    /// Forgets every column (the next frame reduces the whole window again).
    void reset() { key_.clear(); }
    /// Columns reduced by the last draw() (a full window after a reset, a few otherwise).
    std::size_t columnsReducedLastFrame() const noexcept { return reducedLastFrame_; }

private:
    void restart(const TraceLayout& layout, const QImage& background, std::int64_t end);
    void reduceNewColumns(const TraceLayout& layout, const DisplayBuffer& buffer, std::int64_t end, QRgb color);
    /// Writes `count` columns from column `first` (blank background, then each channel's span).
    void writeColumns(const TraceLayout& layout, std::int64_t first, std::size_t count, QRgb color);
    void drawGridColumns(QPainter& painter, const TraceLayout& layout, const QImage& background, QRgb color);

    QString key_;
    QImage ring_;                          ///< width = plot columns, height = the area's
    std::vector<QRgb> blankColumn_;        ///< the background of a column without a vertical grid line
    std::vector<ColumnMinMax> minMax_;     ///< per ring slot, per channel
    std::vector<ColumnMinMax> scratch_;
    QImage gridColumns_;                   ///< recomposed columns under the vertical grid lines
    std::size_t channels_ = 0;
    int width_ = 0;                        ///< plot columns
    std::int64_t doneColumns_ = 0;         ///< complete columns written since the restart
    std::int64_t doneEnd_ = 0;             ///< sample index where the next column starts
    std::int64_t shownColumns_ = 0;        ///< columns on screen since the restart (complete + partial)
    std::int64_t shownEnd_ = 0;            ///< one past the newest sample drawn
    std::size_t reducedLastFrame_ = 0;
};

}  // namespace emg::ui
