#include "marker_chart_view.h"

#include <QChart>
#include <QGuiApplication>
#include <QLineSeries>
#include <QMouseEvent>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace emg::ui {

namespace {
constexpr double kGrabPx = 8.0;
const char* kMarkerNames[] = {"onset", "negative peak", "negative end", "positive peak"};
const QColor kMarkerColors[] = {QColor(0, 120, 255), QColor(220, 40, 40), QColor(0, 150, 90), QColor(170, 90, 200)};
}  // namespace

MarkerChartView::MarkerChartView(QWidget* parent) : QChartView(new QChart, parent) {
    // the chart goes to the base's constructor: setChart() would release the view's default
    // chart without deleting it (a leak LeakSanitizer reports at exit)
    auto* chart = this->chart();
    chart->legend()->setVisible(true);
    chart->legend()->setAlignment(Qt::AlignBottom);
    trace_ = new QLineSeries(chart);
    trace_->setName(tr("response"));
    trace_->setPen(QPen(QColor(20, 20, 20), 1.2));
    // OpenGL series crash on the offscreen and minimal platforms
    trace_->setUseOpenGL(QGuiApplication::platformName() == QLatin1String("xcb"));
    chart->addSeries(trace_);
    x_ = new QValueAxis(chart);
    x_->setTitleText(tr("ms after the stimulus"));
    y_ = new QValueAxis(chart);
    y_->setTitleText(tr("µV (negative up)"));
    y_->setReverse(true);  // clinical convention: negative up
    chart->addAxis(x_, Qt::AlignBottom);
    chart->addAxis(y_, Qt::AlignLeft);
    trace_->attachAxis(x_);
    trace_->attachAxis(y_);
    for (int i = 0; i < 4; ++i) {
        auto* line = new QLineSeries(chart);
        line->setName(tr(kMarkerNames[i]));
        line->setPen(QPen(kMarkerColors[i], 1.5, Qt::DashLine));
        chart->addSeries(line);
        line->attachAxis(x_);
        line->attachAxis(y_);
        lines_[static_cast<std::size_t>(i)] = line;
    }
    setRenderHint(QPainter::Antialiasing);
    setMouseTracking(true);
}

void MarkerChartView::setSweep(const dsp::Sweep& sweep) {
    QList<QPointF> points;
    points.reserve(static_cast<qsizetype>(sweep.uv.size()));
    double lo = 0.0, hi = 0.0;
    for (std::size_t i = 0; i < sweep.uv.size(); ++i) {
        points.append(QPointF(sweep.timeMs(static_cast<double>(i)), sweep.uv[i]));
        lo = std::min(lo, sweep.uv[i]);
        hi = std::max(hi, sweep.uv[i]);
    }
    trace_->replace(points);
    const double pad = std::max(1.0, (hi - lo) * 0.08);
    yMin_ = lo - pad;
    yMax_ = hi + pad;
    x_->setRange(sweep.timeMs(0.0), sweep.timeMs(static_cast<double>(sweep.uv.size() - 1)));
    y_->setRange(yMin_, yMax_);
    y_->applyNiceNumbers();  // round tick values
    x_->applyNiceNumbers();
    yMin_ = y_->min();
    yMax_ = y_->max();
    updateMarkerLines();
}

void MarkerChartView::setMarkers(const dsp::Markers& markers) {
    markers_ = markers;
    updateMarkerLines();
}

double& MarkerChartView::markerMs(MarkerKind kind) {
    switch (kind) {
    case MarkerKind::Onset: return markers_.onsetMs;
    case MarkerKind::NegativePeak: return markers_.negativePeakMs;
    case MarkerKind::NegativeEnd: return markers_.negativeEndMs;
    case MarkerKind::PositivePeak: break;
    }
    return markers_.positivePeakMs;
}

double MarkerChartView::markerMs(MarkerKind kind) const { return const_cast<MarkerChartView*>(this)->markerMs(kind); }

void MarkerChartView::moveMarker(MarkerKind kind, double ms) {
    markerMs(kind) = ms;
    markers_.origin = dsp::MarkerOrigin::Clinician;
    updateMarkerLines();
    emit markersMoved(markers_);
}

double MarkerChartView::markerX(MarkerKind kind) const {
    const QPointF scene = chart()->mapToPosition(QPointF(markerMs(kind), (yMin_ + yMax_) / 2), trace_);
    return mapFromScene(scene).x();
}

double MarkerChartView::msAt(double widgetX) const {
    const QPointF scene = mapToScene(QPoint(static_cast<int>(std::lround(widgetX)), height() / 2));
    return chart()->mapToValue(scene, trace_).x();
}

void MarkerChartView::updateMarkerLines() {
    for (int i = 0; i < 4; ++i) {
        const double ms = markerMs(static_cast<MarkerKind>(i));
        lines_[static_cast<std::size_t>(i)]->replace({QPointF(ms, yMin_), QPointF(ms, yMax_)});
    }
}

void MarkerChartView::mousePressEvent(QMouseEvent* event) {
    dragging_ = -1;
    double best = kGrabPx;
    for (int i = 0; i < 4; ++i) {
        const double d = std::abs(markerX(static_cast<MarkerKind>(i)) - event->position().x());
        if (d <= best) best = d, dragging_ = i;
    }
    if (dragging_ >= 0) {
        event->accept();
        return;
    }
    QChartView::mousePressEvent(event);
}

void MarkerChartView::mouseMoveEvent(QMouseEvent* event) {
    if (dragging_ >= 0) {
        markerMs(static_cast<MarkerKind>(dragging_)) = msAt(event->position().x());
        updateMarkerLines();
        event->accept();
        return;
    }
    bool near = false;
    for (int i = 0; i < 4 && !near; ++i) near = std::abs(markerX(static_cast<MarkerKind>(i)) - event->position().x()) <= kGrabPx;
    setCursor(near ? Qt::SizeHorCursor : Qt::ArrowCursor);
    QChartView::mouseMoveEvent(event);
}

void MarkerChartView::mouseReleaseEvent(QMouseEvent* event) {
    if (dragging_ >= 0) {
        moveMarker(static_cast<MarkerKind>(dragging_), msAt(event->position().x()));
        dragging_ = -1;
        event->accept();
        return;
    }
    QChartView::mouseReleaseEvent(event);
}

void MarkerChartView::resizeEvent(QResizeEvent* event) {
    QChartView::resizeEvent(event);
    updateMarkerLines();
}

}  // namespace emg::ui
