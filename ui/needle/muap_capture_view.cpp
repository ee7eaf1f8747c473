#include "muap_capture_view.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace emg::ui {

MuapCaptureView::MuapCaptureView(QWidget* parent) : QWidget(parent) { setMinimumSize(240, 200); }

void MuapCaptureView::addCapture(std::vector<float> sweep) {
    sweeps_.push_back(std::move(sweep));
    while (sweeps_.size() > 200) sweeps_.pop_front();
    update();
}

void MuapCaptureView::clear() {
    sweeps_.clear();
    update();
}

void MuapCaptureView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), QColor(12, 16, 20));
    const double w = width() / 2.0, h = height();
    p.setPen(QColor(60, 70, 80));
    p.drawLine(QPointF(w, 0), QPointF(w, h));
    const auto trace = [&](const std::vector<float>& s, double x0, double width, double yMid, double pxPerUv) {
        QPainterPath path;
        for (std::size_t i = 0; i < s.size(); ++i) {
            const QPointF pt(x0 + width * static_cast<double>(i) / static_cast<double>(std::max<std::size_t>(1, s.size() - 1)),
                             yMid + s[i] * pxPerUv);   // negative up
            if (i == 0) path.moveTo(pt); else path.lineTo(pt);
        }
        p.drawPath(path);
    };
    // superimposed
    const double pxPerUv = (h / 8.0) / uvPerDiv_;
    p.setPen(QPen(QColor(90, 230, 120, 70), 1));
    for (const auto& s : sweeps_) trace(s, 4, w - 8, h / 2, pxPerUv);
    if (!sweeps_.empty()) {
        const double len = static_cast<double>(sweeps_.front().size());
        const double xd = 4 + (w - 8) * (delayMs_ * 1e-3 * fs_) / std::max(1.0, len);
        p.setPen(QPen(QColor(230, 160, 40), 1, Qt::DashLine));
        p.drawLine(QPointF(xd, 0), QPointF(xd, h));
    }
    // raster: the last kMaxRaster captures, one per row
    const std::size_t n = std::min(kMaxRaster, sweeps_.size());
    const double row = h / static_cast<double>(kMaxRaster + 1);
    p.setPen(QPen(QColor(120, 200, 255), 1));
    for (std::size_t k = 0; k < n; ++k) {
        const auto& s = sweeps_[sweeps_.size() - n + k];
        trace(s, w + 4, w - 8, row * static_cast<double>(k + 1), pxPerUv * 0.2);
    }
    p.setPen(QColor(200, 200, 200));
    p.drawText(QPointF(6, 14), QString("superimposed (%1)").arg(sweeps_.size()));
    p.drawText(QPointF(w + 6, 14), QString("raster (last %1)").arg(n));
}

}  // namespace emg::ui
