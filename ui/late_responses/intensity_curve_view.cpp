#include "intensity_curve_view.h"

#include <QChart>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>

#include <algorithm>
#include <numeric>

namespace emg::ui {

IntensityCurveView::IntensityCurveView(const QString& title, QWidget* parent) : QChartView(parent) {
    setRenderHint(QPainter::Antialiasing);
    chart()->setTitle(title);
    chart()->legend()->setAlignment(Qt::AlignBottom);
    setMinimumHeight(300);
}

void IntensityCurveView::clear() {
    chart()->removeAllSeries();
    for (auto* axis : chart()->axes()) {
        chart()->removeAxis(axis);   // the chart gives up ownership of a removed axis
        delete axis;
    }
}

void IntensityCurveView::setCurves(const std::vector<IntensityCurve>& curves, const std::vector<IntensityMarker>& markers, const QString& xTitle) {
    clear();
    double loMa = 1e300, hiMa = -1e300, topUv = 0.0;
    for (const auto& c : curves) {
        std::vector<std::size_t> order(c.intensityMa.size());
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return c.intensityMa[a] < c.intensityMa[b]; });
        auto* line = new QLineSeries;
        line->setName(c.name);
        line->setPen(QPen(c.color, 1.5));
        auto* dots = new QScatterSeries;
        dots->setColor(c.color);
        dots->setBorderColor(c.color);
        dots->setMarkerSize(7);
        for (std::size_t i : order) {
            line->append(c.intensityMa[i], c.amplitudeUv[i]);
            dots->append(c.intensityMa[i], c.amplitudeUv[i]);
            loMa = std::min(loMa, c.intensityMa[i]);
            hiMa = std::max(hiMa, c.intensityMa[i]);
            topUv = std::max(topUv, c.amplitudeUv[i]);
        }
        chart()->addSeries(line);
        chart()->addSeries(dots);
        chart()->legend()->markers(dots).front()->setVisible(false);
    }
    if (loMa > hiMa) return;
    for (const auto& m : markers) {
        loMa = std::min(loMa, m.intensityMa);
        hiMa = std::max(hiMa, m.intensityMa);
    }
    const double padMa = std::max(0.5, 0.05 * (hiMa - loMa));
    const double headUv = std::max(10.0, 1.1 * topUv);
    for (const auto& m : markers) {
        auto* line = new QLineSeries;
        line->setName(m.name);
        QPen pen(m.color, 1.5);
        pen.setStyle(Qt::DashLine);
        line->setPen(pen);
        line->append(m.intensityMa, 0.0);
        line->append(m.intensityMa, headUv);
        chart()->addSeries(line);
    }
    auto* x = new QValueAxis;
    x->setRange(std::max(0.0, loMa - padMa), hiMa + padMa);
    x->setTitleText(xTitle.isEmpty() ? tr("stimulus intensity (mA)") : xTitle);
    x->setLabelFormat("%.0f");
    auto* y = new QValueAxis;
    y->setRange(0.0, headUv);
    y->setTitleText(tr("amplitude (µV)"));
    y->setLabelFormat("%.0f");
    x->applyNiceNumbers();
    y->applyNiceNumbers();
    chart()->addAxis(x, Qt::AlignBottom);
    chart()->addAxis(y, Qt::AlignLeft);
    for (auto* s : chart()->series()) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
}

}  // namespace emg::ui
