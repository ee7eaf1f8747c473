#pragma once
// Paints the live traces from a DisplayBuffer: each pixel column reduced to min/max (or the
// samples themselves when a pixel holds less than one), grid, labels and stimulus marks.
// Used by TraceView on its repaint timer and by the benchmark on a QImage.
// Speed: grid and labels are rendered once into a cached background (until size, scales or
// channels change); each frame copies it and writes the min/max column spans straight into the
// frame's scan lines, then blits the frame. Coordinates in layout() are relative to the area.

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
    /// One channel's trace for columns [firstColumn, firstColumn + columns) starting at `startSample`.
    void drawSegment(QPainter& painter, const DisplayBuffer& buffer, std::size_t channel, std::int64_t startSample,
                     int firstColumn, int columns, double baseline, QRgb color);

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
