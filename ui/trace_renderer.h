#pragma once
// Paints the live traces from a DisplayBuffer: each pixel column reduced to min/max (or the
// samples themselves when a pixel holds less than one), grid, labels and stimulus marks.
// Used by TraceView on its repaint timer and by the benchmark on a QImage.
// Speed: grid and labels are rendered once into a cached background (until size, scales or
// channels change). Scrolling (the default, ≥ 1 sample a pixel): the plot is a ring of columns
// where a frame reduces and writes only the columns new since the last one (ScrollingCanvas), so
// a frame costs about one blit. Other modes: each frame copies the background and writes every
// min/max column span straight into the frame's scan lines, then blits the frame. Coordinates in layout() are relative to the area.

#include "scrolling_canvas.h"
#include "trace_layout.h"
#include "trace_settings.h"

#include <emg/acq/display_buffer.h>

#include <QImage>
#include <QLineF>
#include <QPointF>
#include <QRect>
#include <QString>
#include <QVector>

#include <functional>
#include <vector>

class QPainter;

namespace emg::ui {

/// Extra drawing on top of the traces (markers, cursors), given the layout just used.
using TraceOverlay = std::function<void(QPainter&, const TraceLayout&)>;

class TraceRenderer {
public:
    void paint(QPainter& painter, const QRect& area, const DisplayBuffer& buffer, const TraceSettings& settings,
               const TraceStyle& style);
    const TraceLayout& layout() const noexcept { return layout_; }
    void setOverlay(TraceOverlay overlay) { overlay_ = std::move(overlay); }
    /// Pixel columns reduced from the buffer by the last scrolling frame (all of them after a
    /// change of size or scales, the new ones otherwise).
    std::size_t columnsReducedLastFrame() const noexcept { return canvas_.columnsReducedLastFrame(); }

private:
    bool computeLayout(const QSize& size, const DisplayBuffer& buffer, const TraceSettings& settings,
                       const TraceStyle& style);
    void renderBackground(const DisplayBuffer& buffer, const TraceSettings& settings, const TraceStyle& style,
                          bool haveLayout);
    void drawGrid(QPainter& painter, const TraceStyle& style);
    void drawLabels(QPainter& painter, const DisplayBuffer& buffer, const TraceSettings& settings,
                    const TraceStyle& style) const;
    void drawFreeRunning(QPainter& painter, const DisplayBuffer& buffer, const TraceSettings& settings,
                         const TraceStyle& style);
    void drawStimulusLocked(QPainter& painter, const DisplayBuffer& buffer, const TraceSettings& settings,
                            const TraceStyle& style);
    /// The scrolling mode's fast path: margins from the background, the plot from the canvas.
    void paintScrolling(QPainter& painter, const QRect& area, const DisplayBuffer& buffer, const TraceSettings& settings,
                        const TraceStyle& style);
    void drawStimulusMarks(QPainter& painter, const DisplayBuffer& buffer, const TraceSettings& settings,
                           const TraceStyle& style, std::int64_t window);
    /// One channel's trace for columns [firstColumn, firstColumn + columns) starting at `startSample`.
    void drawSegment(QPainter& painter, const DisplayBuffer& buffer, std::size_t channel, std::int64_t startSample,
                     int firstColumn, int columns, double baseline, QRgb color);

    ScrollingCanvas canvas_;
    QImage background_;
    QImage frame_;
    QString backgroundKey_;
    TraceLayout layout_;
    TraceOverlay overlay_;
    std::vector<ColumnMinMax> columns_;
    std::vector<float> samples_;
    QVector<QPointF> points_;
};

}  // namespace emg::ui
