#include "qemg_cloud_plot.h"

#include <QChart>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>

#include <algorithm>

namespace emg::ui {

QemgCloudPlot::QemgCloudPlot(QWidget* parent) : QChartView(new QChart, parent) {
    // the chart goes to the base's constructor: setChart() would release the view's default
    // chart without deleting it (a leak LeakSanitizer reports at exit)
    auto* chart = this->chart();
    chart->setTitle(tr("Turns / amplitude cloud"));
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    x_ = new QValueAxis(chart);
    x_->setTitleText(tr("turns per second"));
    y_ = new QValueAxis(chart);
    y_->setTitleText(tr("µV per turn"));
    y_->setLabelFormat("%.0f");
    x_->setLabelFormat("%.0f");
    chart->addAxis(x_, Qt::AlignBottom);
    chart->addAxis(y_, Qt::AlignLeft);
    const auto scatter = [&](const QString& name, QColor color) {
        auto* s = new QScatterSeries(chart);
        s->setName(name);
        s->setMarkerSize(8.0);
        s->setColor(color);
        s->setBorderColor(color.darker(130));
        return s;
    };
    inside_ = scatter(tr("inside"), QColor(40, 120, 220));
    above_ = scatter(tr("above"), QColor(220, 60, 40));
    below_ = scatter(tr("below"), QColor(230, 160, 0));
    low_ = new QLineSeries(chart);
    low_->setPen(QPen(QColor(90, 90, 90), 1.5, Qt::DashLine));
    high_ = new QLineSeries(chart);
    high_->setPen(QPen(QColor(90, 90, 90), 1.5));
    for (auto* s : std::initializer_list<QXYSeries*>{low_, high_, inside_, above_, below_}) {
        chart->addSeries(s);
        s->attachAxis(x_);
        s->attachAxis(y_);
    }
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(320, 240);
}

void QemgCloudPlot::setInterference(const needle::InterferenceResult& r) {
    QList<QPointF> in, up, down;
    double maxT = 0.0, maxA = 0.0;
    for (const auto& e : r.epochs) {
        const QPointF pt(e.turnsPerSec, e.meanAmplitudePerTurnUv);
        (e.cloudPosition > 0 ? up : e.cloudPosition < 0 ? down : in).append(pt);
        maxT = std::max(maxT, e.turnsPerSec);
        maxA = std::max(maxA, e.meanAmplitudePerTurnUv);
    }
    inside_->replace(in);
    above_->replace(up);
    below_->replace(down);
    const auto& c = r.cloud;
    const double xMax = std::max(100.0, 1.15 * maxT);
    const auto line = [&](double a0, double a1) {
        return QList<QPointF>{QPointF(0.0, a0), QPointF(xMax, a0 + a1 * xMax)};
    };
    low_->replace(line(c.lowInterceptUv, c.lowSlopeUvPerTurnPerSec));
    high_->replace(line(c.highInterceptUv, c.highSlopeUvPerTurnPerSec));
    const QString cloud = c.name.empty() ? tr("cloud") : QString::fromStdString(c.name);
    low_->setName(tr("lower limit"));
    high_->setName(tr("upper limit"));
    const double yMax = std::max({1.15 * maxA, c.highInterceptUv + c.highSlopeUvPerTurnPerSec * xMax, 100.0});
    x_->setRange(0.0, xMax);
    y_->setRange(0.0, yMax);
    x_->applyNiceNumbers();
    y_->applyNiceNumbers();
    chart()->setTitle(r.epochs.empty() ? tr("Cloud (%1): no strong-effort epochs").arg(cloud)
                                       : tr("Cloud (%1): %2 epochs, %3 % above, %4 % below")
                                             .arg(cloud)
                                             .arg(r.epochs.size())
                                             .arg(r.pointsAbovePercent, 0, 'f', 0)
                                             .arg(r.pointsBelowPercent, 0, 'f', 0));
}

int QemgCloudPlot::pointCount() const {
    return static_cast<int>(inside_->count() + above_->count() + below_->count());
}

QList<QPointF> QemgCloudPlot::lowLine() const { return low_->points(); }
QList<QPointF> QemgCloudPlot::highLine() const { return high_->points(); }

}  // namespace emg::ui
