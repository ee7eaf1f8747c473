#pragma once
// Reading a report page rendered by pdftoppm: where the traces (blue), markers (red) are drawn
// inside a figure's box, in pixels. The colours are the report's (src/report/figure_painter.cpp).
#include <QColor>
#include <QImage>
#include <QRect>

#include <algorithm>

#include <vector>

namespace emg::test {

inline bool isTracePixel(QRgb c) { return qBlue(c) > 120 && qBlue(c) - qRed(c) >= 35 && qBlue(c) - qGreen(c) >= 15; }
inline bool isMarkerPixel(QRgb c) { return qRed(c) > 120 && qRed(c) - qGreen(c) > 70 && qRed(c) - qBlue(c) > 70; }

/// A box given in mm on the page, in pixels at `dpi`.
inline QRect pixelBox(double leftMm, double topMm, double widthMm, double heightMm, double dpi) {
    const double k = dpi / 25.4;
    return QRect(static_cast<int>(leftMm * k), static_cast<int>(topMm * k), static_cast<int>(widthMm * k), static_cast<int>(heightMm * k));
}

/// Share of the box's columns that hold at least one trace pixel.
inline double traceColumnShare(const QImage& img, const QRect& box) {
    int with = 0;
    for (int x = box.left(); x <= box.right(); ++x) {
        for (int y = box.top(); y <= box.bottom(); ++y)
            if (isTracePixel(img.pixel(x, y))) {
                ++with;
                break;
            }
    }
    return box.width() > 0 ? static_cast<double>(with) / box.width() : 0.0;
}

/// Separate runs of trace pixels down column x (runs closer than `gapPx` are one).
inline int traceRunsInColumn(const QImage& img, int x, int top, int bottom, int gapPx = 2) {
    int runs = 0, lastY = -1000;
    for (int y = top; y <= bottom; ++y) {
        if (!isTracePixel(img.pixel(x, y))) continue;
        if (y - lastY > gapPx) ++runs;
        lastY = y;
    }
    return runs;
}

/// Vertical extent (px) of the trace pixels inside `r` (0 when none).
inline int traceExtent(const QImage& img, const QRect& r) {
    int lo = r.bottom() + 1, hi = r.top() - 1;
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x)
            if (isTracePixel(img.pixel(x, y))) {
                lo = std::min(lo, y);
                hi = std::max(hi, y);
            }
    return hi >= lo ? hi - lo + 1 : 0;
}

inline int countPixels(const QImage& img, const QRect& r, bool (*what)(QRgb)) {
    int n = 0;
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x) n += what(img.pixel(x, y)) ? 1 : 0;
    return n;
}

}  // namespace emg::test
