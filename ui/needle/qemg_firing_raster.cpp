#include "qemg_firing_raster.h"

#include <QFontMetrics>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace emg::ui {

namespace {
constexpr int kLabelPx = 90, kTitlePx = 18, kAxisPx = 18, kRowPx = 16;
}

QemgFiringRaster::QemgFiringRaster(QWidget* parent) : QWidget(parent) {
    setMinimumHeight(kTitlePx + kAxisPx + 2 * kRowPx);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void QemgFiringRaster::setTitle(const QString& title) {
    title_ = title;
    update();
}

void QemgFiringRaster::setRows(std::vector<RasterRow> rows) {
    rows_ = std::move(rows);
    setMinimumHeight(kTitlePx + kAxisPx + kRowPx * std::max(2, rowCount()));
    updateGeometry();
    update();
}

void QemgFiringRaster::setSpan(double fromSec, double toSec) {
    fromSec_ = fromSec;
    toSec_ = toSec;
    update();
}

std::size_t QemgFiringRaster::ticksDrawn() const noexcept {
    std::size_t n = 0;
    for (const auto& r : rows_)
        for (double t : r.timesSec) n += (fromSec_ >= toSec_) || (t >= fromSec_ && t <= toSec_);
    return n;
}

QSize QemgFiringRaster::sizeHint() const { return {600, kTitlePx + kAxisPx + kRowPx * std::max(2, rowCount())}; }

void QemgFiringRaster::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), Qt::white);
    p.setPen(QColor(30, 30, 30));
    p.drawText(QRect(4, 0, width() - 8, kTitlePx), Qt::AlignLeft | Qt::AlignVCenter, title_);
    double from = fromSec_, to = toSec_;
    if (from >= to) {   // fit the firings
        from = 1e300;
        to = -1e300;
        for (const auto& r : rows_)
            for (double t : r.timesSec) from = std::min(from, t), to = std::max(to, t);
        if (from > to) from = 0.0, to = 1.0;
        if (to - from < 0.1) to = from + 0.1;
    }
    const QRectF plot(kLabelPx, kTitlePx, std::max(10, width() - kLabelPx - 8), std::max(10, height() - kTitlePx - kAxisPx));
    p.setPen(QColor(200, 200, 200));
    p.drawRect(plot);
    const double rowH = rows_.empty() ? plot.height() : plot.height() / static_cast<double>(rows_.size());
    const auto xOf = [&](double t) { return plot.left() + plot.width() * (t - from) / (to - from); };
    for (std::size_t k = 0; k < rows_.size(); ++k) {
        const auto& r = rows_[k];
        const double top = plot.top() + rowH * static_cast<double>(k);
        p.setPen(QColor(30, 30, 30));
        p.drawText(QRectF(2, top, kLabelPx - 6, rowH), Qt::AlignRight | Qt::AlignVCenter, r.label);
        p.setPen(QPen(r.color, 1.2));
        for (std::size_t i = 0; i < r.timesSec.size(); ++i) {
            const double t = r.timesSec[i];
            if (t < from || t > to) continue;
            const bool predicted = i < r.predicted.size() && r.predicted[i];
            p.drawLine(QPointF(xOf(t), top + (predicted ? 0.40 : 0.15) * rowH), QPointF(xOf(t), top + (predicted ? 0.60 : 0.85) * rowH));
        }
    }
    // time axis: about 8 ticks at a round step
    const double raw = (to - from) / 8.0;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double step = raw / mag < 2 ? 2 * mag : raw / mag < 5 ? 5 * mag : 10 * mag;
    p.setPen(QColor(80, 80, 80));
    for (double t = std::ceil(from / step) * step; t <= to + 1e-9; t += step) {
        p.drawLine(QPointF(xOf(t), plot.bottom()), QPointF(xOf(t), plot.bottom() + 4));
        p.drawText(QRectF(xOf(t) - 30, plot.bottom() + 3, 60, kAxisPx - 3), Qt::AlignHCenter | Qt::AlignTop,
                   QString::number(t, 'g', 4) + " s");
    }
}

}  // namespace emg::ui
