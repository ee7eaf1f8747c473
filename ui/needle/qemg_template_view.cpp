#include "qemg_template_view.h"

#include <QChart>
#include <QGuiApplication>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMouseEvent>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace emg::ui {

namespace {
constexpr double kHitPx = 8.0;
const QColor kOnsetColor(0, 110, 230), kEndColor(0, 150, 80);

bool openGlPossible() { return QGuiApplication::platformName() == QLatin1String("xcb"); }
}  // namespace

QemgTemplateView::QemgTemplateView(QWidget* parent) : QChartView(new QChart, parent) {
    // the chart goes to the base's constructor: setChart() would release the view's default
    // chart without deleting it (a leak LeakSanitizer reports at exit)
    auto* chart = this->chart();
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    x_ = new QValueAxis(chart);
    x_->setTitleText(tr("ms from the main peak"));
    y_ = new QValueAxis(chart);
    y_->setTitleText(tr("µV (negative up)"));
    y_->setReverse(true);
    y_->setLabelFormat("%.0f");
    x_->setLabelFormat("%.0f");
    chart->addAxis(x_, Qt::AlignBottom);
    chart->addAxis(y_, Qt::AlignLeft);
    average_ = new QLineSeries(chart);
    average_->setName(tr("average"));
    average_->setPen(QPen(QColor(10, 10, 10), 2.0));
    const QColor colors[] = {kOnsetColor, kEndColor};
    for (std::size_t i = 0; i < 2; ++i) {
        markerLines_[i] = new QLineSeries(chart);
        markerLines_[i]->setPen(QPen(colors[i], 1.6, Qt::DashLine));
    }
    setRenderHint(QPainter::Antialiasing);
    setMouseTracking(true);
    setMinimumSize(360, 260);
    clearUnit();
}

void QemgTemplateView::clearUnit() {
    auto* chart = this->chart();
    for (auto* s : firings_) {
        chart->removeSeries(s);
        delete s;
    }
    firings_.clear();
    // the average and the markers stay this view's (removeSeries hands a series back parentless)
    for (auto* s : chart->series()) {
        chart->removeSeries(s);
        s->setParent(this);
    }
    average_->clear();
    unitId_ = -1;
    firingsDrawn_ = 0;
    chart->setTitle(tr("no unit selected"));
}

void QemgTemplateView::setUnit(int unitId, const std::vector<double>& templateUv, int peakIndex, double fs,
                               const std::vector<std::vector<double>>& firingsUv) {
    clearUnit();
    if (templateUv.empty() || fs <= 0.0) return;
    unitId_ = unitId;
    const double dtMs = 1000.0 / fs;
    const auto msOf = [&](std::size_t i) { return (static_cast<double>(i) - peakIndex) * dtMs; };
    firstMs_ = msOf(0);
    lastMs_ = msOf(templateUv.size() - 1);
    double lo = 0.0, hi = 0.0;
    auto* chart = this->chart();
    // spread the drawn firings over the whole train, not only its start
    const std::size_t n = firingsUv.size(), drawn = std::min<std::size_t>(n, kMaxFirings);
    for (std::size_t k = 0; k < drawn; ++k) {
        const auto& w = firingsUv[k * n / drawn];
        QList<QPointF> pts;
        pts.reserve(static_cast<qsizetype>(w.size()));
        for (std::size_t i = 0; i < w.size(); ++i) {
            pts.append(QPointF(msOf(i), w[i]));
            lo = std::min(lo, w[i]);
            hi = std::max(hi, w[i]);
        }
        auto* s = new QLineSeries(chart);
        s->setPen(QPen(QColor(175, 175, 175), 0.8));
        s->setUseOpenGL(openGlPossible());
        s->replace(pts);
        chart->addSeries(s);
        s->attachAxis(x_);
        s->attachAxis(y_);
        firings_.push_back(s);
    }
    firingsDrawn_ = static_cast<int>(drawn);
    QList<QPointF> avg;
    for (std::size_t i = 0; i < templateUv.size(); ++i) {
        avg.append(QPointF(msOf(i), templateUv[i]));
        lo = std::min(lo, templateUv[i]);
        hi = std::max(hi, templateUv[i]);
    }
    average_->replace(avg);
    chart->addSeries(average_);
    average_->attachAxis(x_);
    average_->attachAxis(y_);
    for (auto* m : markerLines_) {
        chart->addSeries(m);
        m->attachAxis(x_);
        m->attachAxis(y_);
    }
    // only the average and the markers in the legend
    for (auto* s : firings_)
        for (auto* marker : chart->legend()->markers(s)) marker->setVisible(false);
    // the scale follows the average: firings carrying other units' potentials are clipped, not shrinking it
    const auto [tLo, tHi] = std::minmax_element(templateUv.begin(), templateUv.end());
    const double pad = std::max(10.0, 0.35 * (*tHi - *tLo));
    x_->setRange(firstMs_, lastMs_);
    y_->setRange(std::max(lo, *tLo - pad), std::min(hi, *tHi + pad));
    y_->applyNiceNumbers();
    yLow_ = y_->min();
    yHigh_ = y_->max();
    chart->setTitle(tr("Unit %1: average over %2 firings (%3 drawn in grey)").arg(unitId).arg(n).arg(drawn));
    drawMarkers();
}

void QemgTemplateView::setMarkers(double onsetMs, double endMs, needle::MarkerProvenance onset, needle::MarkerProvenance end) {
    markersMs_ = {onsetMs, endMs};
    provenance_ = {onset, end};
    drawMarkers();
}

void QemgTemplateView::drawMarkers() {
    const char* names[] = {"onset", "end"};
    for (std::size_t i = 0; i < 2; ++i) {
        markerLines_[i]->replace({QPointF(markersMs_[i], yLow_), QPointF(markersMs_[i], yHigh_)});
        markerLines_[i]->setName(tr("%1 %2 ms, %3").arg(tr(names[i])).arg(markersMs_[i], 0, 'f', 2).arg(needle::toString(provenance_[i])));
    }
}

void QemgTemplateView::moveMarker(QemgMarker m, double ms) {
    const auto i = static_cast<std::size_t>(m);
    markersMs_[i] = std::clamp(ms, firstMs_, lastMs_);
    provenance_[i] = needle::MarkerProvenance::Clinician;
    drawMarkers();
    emit markerMoved(unitId_, m, markersMs_[i]);
}

double QemgTemplateView::markerX(QemgMarker m) const {
    const QPointF scene = chart()->mapToPosition(QPointF(markerMs(m), 0.5 * (yLow_ + yHigh_)), average_);
    return mapFromScene(scene).x();
}

double QemgTemplateView::msAtX(double widgetX) const {
    const QPointF scene = mapToScene(QPoint(static_cast<int>(std::lround(widgetX)), height() / 2));
    return chart()->mapToValue(scene, average_).x();
}

int QemgTemplateView::markerNear(double widgetX) const {
    if (unitId_ < 0) return -1;
    int best = -1;
    double bestPx = kHitPx;
    for (int i = 0; i < 2; ++i) {
        const double d = std::abs(markerX(static_cast<QemgMarker>(i)) - widgetX);
        if (d <= bestPx) {
            bestPx = d;
            best = i;
        }
    }
    return best;
}

void QemgTemplateView::mousePressEvent(QMouseEvent* event) {
    dragged_ = markerNear(event->position().x());
    if (dragged_ >= 0) {
        event->accept();
        return;
    }
    QChartView::mousePressEvent(event);
}

void QemgTemplateView::mouseMoveEvent(QMouseEvent* event) {
    if (dragged_ >= 0) {   // the line follows; values are recomputed on release
        markersMs_[static_cast<std::size_t>(dragged_)] = std::clamp(msAtX(event->position().x()), firstMs_, lastMs_);
        drawMarkers();
        event->accept();
        return;
    }
    setCursor(markerNear(event->position().x()) >= 0 ? Qt::SizeHorCursor : Qt::ArrowCursor);
    QChartView::mouseMoveEvent(event);
}

void QemgTemplateView::mouseReleaseEvent(QMouseEvent* event) {
    if (dragged_ >= 0) {
        const int m = dragged_;
        dragged_ = -1;
        moveMarker(static_cast<QemgMarker>(m), msAtX(event->position().x()));
        event->accept();
        return;
    }
    QChartView::mouseReleaseEvent(event);
}

void QemgTemplateView::resizeEvent(QResizeEvent* event) {
    QChartView::resizeEvent(event);
    drawMarkers();
}

}  // namespace emg::ui
