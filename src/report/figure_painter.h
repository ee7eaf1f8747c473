#pragma once
// Draws one ReportFigure (a cascade of NCS sites, an F-wave raster, motor-unit templates, or the
// note that stands in place of a figure whose recording is missing or changed) with its grid,
// markers and scale bar, negative up. Private to src/report (Qt).
#include <emg/report/report_model.h>

#include <QPainter>
#include <QRectF>

namespace emg::report::detail {

/// Height (mm) the figure takes `widthMm` wide, title, scale line and source (all its lines, up to nine) included.
double figureHeightMm(const ReportFigure& figure, double widthMm);

/// The scales a figure is drawn at (chosen from the data when the figure leaves them 0).
struct FigureScale {
    double msPerDiv = 0.0;
    double uvPerDiv = 0.0;
};
FigureScale figureScale(const ReportFigure& figure);

/// "5 ms/div   2 mV/div" (mV from 1000 µV/div on).
QString scaleText(const FigureScale& scale);

/// Draws the figure with its top-left corner at (xMm, yMm), `widthMm` wide; `dotsPerMm` converts
/// to the painter's device units. Returns the trace area (the grid box) in mm, in the same frame.
QRectF drawFigure(QPainter& p, double dotsPerMm, const ReportFigure& figure, double xMm, double yMm, double widthMm);

}  // namespace emg::report::detail
