#pragma once
// Drawing pieces shared by the live trace renderer and the review view: the grid of a layout,
// one channel's min/max pixel columns written straight into an RGB32 frame, and a polyline of
// samples when a pixel holds less than one sample.

#include "trace_layout.h"
#include "trace_settings.h"

#include <emg/acq/display_buffer.h>

#include <QImage>
#include <QPointF>
#include <QVector>

#include <span>

class QPainter;

namespace emg::ui {

/// Vertical division lines, horizontal lines of every band and the channels' baselines.
void drawTraceGrid(QPainter& painter, const TraceLayout& layout, const TraceStyle& style);

/// Writes columns[k]'s span (µV, negative up) at x = left + k into `frame` (RGB32), clipped to
/// layout.plot; neighbouring columns are joined so the trace stays continuous; empty columns
/// break it.
void writeColumnSpans(QImage& frame, const TraceLayout& layout, std::size_t channel, int left,
                      std::span<const ColumnMinMax> columns, double baseline, QRgb color);

/// Raw RGB32 pixels to write spans into (an image's bits taken once, not per pixel).
struct PixelTarget {
    uchar* bits;
    qsizetype stride;
    int width, height;
    static PixelTarget of(QImage& image) { return {image.bits(), image.bytesPerLine(), image.width(), image.height()}; }
};
void writeColumnSpan(const PixelTarget& target, const TraceLayout& layout, std::size_t channel, int x, ColumnMinMax column,
                     const ColumnMinMax* prev, double baseline, QRgb color);
/// Writes one column's span at x (µV, negative up) into `frame` (RGB32), clipped to the plot's rows;
/// `prev` (the column to its left, or null) widens it so the trace stays continuous.
void writeColumnSpan(QImage& frame, const TraceLayout& layout, std::size_t channel, int x, ColumnMinMax column,
                     const ColumnMinMax* prev, double baseline, QRgb color);
/// Draws samples (µV; NaN breaks the line) as a polyline from x0, one sample every
/// `pixelsPerSample` pixels. `scratch` is reused between calls.
void drawSamplePolyline(QPainter& painter, const TraceLayout& layout, std::size_t channel, double x0,
                        std::span<const float> samples, double pixelsPerSample, double baseline, QRgb color,
                        QVector<QPointF>& scratch);

}  // namespace emg::ui
