#include "needle_sweep_view.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace emg::ui {

namespace {
constexpr int kDivX = 10;
constexpr int kDivY = 8;
}

const std::vector<double>& NeedleSweepView::sweepSpeedsMsPerDiv() {
    static const std::vector<double> v{1, 2, 5, 10, 20, 50, 100, 200};
    return v;
}
const std::vector<double>& NeedleSweepView::sensitivitiesUvPerDiv() {
    static const std::vector<double> v{20, 50, 100, 200, 500, 1000, 2000, 5000};
    return v;
}

NeedleSweepView::NeedleSweepView(QWidget* parent) : QWidget(parent) {
    setMinimumSize(320, 200);
    setAttribute(Qt::WA_OpaquePaintEvent);
    resize_();
}

void NeedleSweepView::resize_() {
    const auto n = std::max<std::size_t>(10, static_cast<std::size_t>(std::lround(kDivX * msPerDiv_ * 1e-3 * fs_)));
    sweep_.assign(n, std::nanf(""));
    write_ = 0;
}

void NeedleSweepView::setSampleRate(double hz) {
    if (hz > 0 && hz != fs_) { fs_ = hz; resize_(); update(); }
}
void NeedleSweepView::setSweepMsPerDiv(double v) {
    if (v > 0 && v != msPerDiv_) { msPerDiv_ = v; resize_(); update(); }
}
void NeedleSweepView::setSensitivityUvPerDiv(double v) {
    if (v > 0) { uvPerDiv_ = v; update(); }
}
void NeedleSweepView::setTrigger(double levelUv, double delayMs, bool enabled) {
    triggerUv_ = levelUv;
    delayMs_ = delayMs;
    triggerOn_ = enabled;
    update();
}
void NeedleSweepView::clear() { std::fill(sweep_.begin(), sweep_.end(), std::nanf("")); write_ = 0; update(); }

void NeedleSweepView::append(const float* uv, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        sweep_[write_] = uv[i];
        write_ = (write_ + 1) % sweep_.size();
    }
    // a short blank ahead of the write position shows where the sweep is
    const std::size_t gap = std::max<std::size_t>(1, sweep_.size() / 100);
    for (std::size_t k = 0; k < gap; ++k) sweep_[(write_ + k) % sweep_.size()] = std::nanf("");
}

void NeedleSweepView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), QColor(12, 16, 20));
    const double w = width(), h = height();
    p.setPen(QColor(45, 55, 65));
    for (int i = 1; i < kDivX; ++i) p.drawLine(QPointF(w * i / kDivX, 0), QPointF(w * i / kDivX, h));
    for (int i = 1; i < kDivY; ++i) p.drawLine(QPointF(0, h * i / kDivY), QPointF(w, h * i / kDivY));
    const double mid = h / 2.0, pxPerUv = (h / kDivY) / uvPerDiv_;
    // negative up: y grows with voltage
    const auto y = [&](double uv) { return std::clamp(mid + uv * pxPerUv, 0.0, h - 1.0); };
    if (triggerOn_) {
        p.setPen(QPen(QColor(230, 160, 40), 1, Qt::DashLine));
        p.drawLine(QPointF(0, y(triggerUv_)), QPointF(w, y(triggerUv_)));
        const double xd = delayMs_ / (kDivX * msPerDiv_) * w;
        p.drawLine(QPointF(xd, 0), QPointF(xd, h));
    }
    p.setPen(QColor(90, 230, 120));
    const auto cols = static_cast<int>(w);
    const double perCol = static_cast<double>(sweep_.size()) / std::max(1, cols);
    float last = std::nanf("");   // joins each column to the previous one, so steep phases stay continuous
    for (int c = 0; c < cols; ++c) {
        const auto a = static_cast<std::size_t>(c * perCol);
        const auto b = std::min(sweep_.size(), std::max(a + 1, static_cast<std::size_t>((c + 1) * perCol)));
        float mn = INFINITY, mx = -INFINITY;
        if (!std::isnan(last) && a < sweep_.size() && !std::isnan(sweep_[a])) { mn = mx = last; }
        for (std::size_t i = a; i < b; ++i)
            if (!std::isnan(sweep_[i])) { mn = std::min(mn, sweep_[i]); mx = std::max(mx, sweep_[i]); }
        last = b > a && b <= sweep_.size() ? sweep_[b - 1] : std::nanf("");
        if (mn > mx) continue;
        p.drawLine(QPointF(c, y(mn)), QPointF(c, std::max(y(mx), y(mn) + 1.0)));
    }
    p.setPen(QColor(200, 200, 200));
    p.drawText(QPointF(6, 14), QString("%1 ms/div   %2 uV/div   negative up").arg(msPerDiv_).arg(uvPerDiv_));
}

}  // namespace emg::ui
