#include "fwave_raster_view.h"

#include <QCategoryAxis>
#include <QChart>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <vector>

namespace emg::ui {

double fwaveRasterStepUv(const dsp::FWaveResult& result) {
    double largestUv = 0.0;
    for (const auto& t : result.traces)
        if (t.present) largestUv = std::max(largestUv, t.peakToPeakUv);
    return std::max(100.0, 2.0 * largestUv);
}

FWaveRasterView::FWaveRasterView(QWidget* parent) : QChartView(parent) {
    setRenderHint(QPainter::Antialiasing);
    chart()->legend()->hide();
    chart()->setTitle(tr("F-wave raster"));
    setMinimumHeight(300);
}

void FWaveRasterView::clear() {
    chart()->removeAllSeries();
    for (auto* axis : chart()->axes()) {
        chart()->removeAxis(axis);   // the chart gives up ownership of a removed axis
        delete axis;
    }
}

void FWaveRasterView::setData(std::span<const dsp::Sweep> sweeps, const dsp::FWaveResult& result) {
    clear();
    if (sweeps.empty()) return;
    stepUv_ = fwaveRasterStepUv(result);
    // M (before the F search window) is drawn at a lower gain so that its largest deflection
    // over the train fits 0.45 of the step; F-waves keep the full gain
    const double mEndMs = result.searchFromMs;
    double mLargestUv = 0.0;
    std::vector<double> baselinesUv;   // each sweep's, found once for the gain and the drawing
    for (const auto& s : sweeps) {
        // the pre-stimulus mean; a sweep with nothing before its stimulus (records that start at it,
        // each with its own DC): the median after M
        const double baseUv = baselinesUv.emplace_back(
            dsp::lacksPreStimulus(s) ? dsp::stretchStats(s, static_cast<std::size_t>(std::max(0.0, std::ceil(s.sampleAt(mEndMs)))), s.uv.size()).meanUv
                                     : dsp::baselineStats(s).meanUv);
        for (std::size_t i = s.preSamples; i < s.uv.size() && s.timeMs(static_cast<double>(i)) < mEndMs; ++i)
            mLargestUv = std::max(mLargestUv, std::abs(s.uv[i] - baseUv));
    }
    mGain_ = mLargestUv > 0.45 * stepUv_ ? 0.45 * stepUv_ / mLargestUv : 1.0;
    const double firstMs = sweeps.front().timeMs(0);
    const double lastMs = sweeps.front().timeMs(static_cast<double>(sweeps.front().uv.size() - 1));

    auto* onsets = new QScatterSeries;
    onsets->setName(tr("F onset"));
    onsets->setMarkerShape(QScatterSeries::MarkerShapeTriangle);
    onsets->setMarkerSize(9);
    onsets->setColor(QColor(200, 30, 30));
    onsets->setBorderColor(QColor(200, 30, 30));
    auto* yAxis = new QCategoryAxis;
    yAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    const std::size_t labelEvery = sweeps.size() > 12 ? 2 : 1;

    for (std::size_t k = 0; k < sweeps.size(); ++k) {
        const auto& s = sweeps[k];
        const double offsetUv = -static_cast<double>(k) * stepUv_;
        const double baseUv = baselinesUv[k];
        auto* line = new QLineSeries;
        line->setPen(QPen(QColor(20, 60, 140), 1.0));
        QList<QPointF> points;
        points.reserve(static_cast<qsizetype>(s.uv.size()));
        for (std::size_t i = 0; i < s.uv.size(); ++i) {
            const double tMs = s.timeMs(static_cast<double>(i));
            const double v = (s.uv[i] - baseUv) * (tMs < mEndMs ? mGain_ : 1.0);
            points.append(QPointF(tMs, offsetUv - v));              // negative up, as NCS traces are drawn
        }
        line->replace(points);
        chart()->addSeries(line);
        if (k < result.traces.size() && result.traces[k].present) onsets->append(result.traces[k].latencyMs, offsetUv);
    }
    chart()->addSeries(onsets);
    // category end values must rise: label the bottom trace first
    for (std::size_t k = sweeps.size(); k-- > 0;)
        if (k % labelEvery == 0) yAxis->append(QString::number(sweeps[k].index + 1), -static_cast<double>(k) * stepUv_);

    auto* xAxis = new QValueAxis;
    xAxis->setRange(firstMs, lastMs);
    xAxis->setTitleText(tr("ms after the stimulus"));
    xAxis->setLabelFormat("%.0f");
    xAxis->setTickType(QValueAxis::TicksDynamic);
    xAxis->setTickAnchor(0.0);
    xAxis->setTickInterval(lastMs - firstMs > 60.0 ? 10.0 : 5.0);
    yAxis->setRange(-(static_cast<double>(sweeps.size()) - 0.5) * stepUv_, 0.5 * stepUv_);
    yAxis->setTitleText(mGain_ < 1.0 ? tr("sweep (step %1 µV; M ×%2)").arg(stepUv_, 0, 'f', 0).arg(mGain_, 0, 'g', 2)
                                     : tr("sweep (step %1 µV)").arg(stepUv_, 0, 'f', 0));
    chart()->addAxis(xAxis, Qt::AlignBottom);
    chart()->addAxis(yAxis, Qt::AlignLeft);
    for (auto* series : chart()->series()) {
        series->attachAxis(xAxis);
        series->attachAxis(yAxis);
    }
}

}  // namespace emg::ui
