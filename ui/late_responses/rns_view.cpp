#include "rns_view.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QHBoxLayout>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace emg::ui {

std::vector<double> rnsAmplitudePercents(const dsp::RnsResult& result) {
    std::vector<double> out;
    if (result.responses.empty() || !result.responses.front().found) return out;
    const double firstUv = result.responses.front().measures.amplitudeUv;
    if (!(firstUv > 0)) return out;
    for (const auto& r : result.responses) out.push_back(r.found ? 100.0 * r.measures.amplitudeUv / firstUv : 0.0);
    return out;
}

namespace {
void resetChart(QChart* chart) {
    chart->removeAllSeries();
    for (auto* axis : chart->axes()) {
        chart->removeAxis(axis);   // the chart gives up ownership of a removed axis
        delete axis;
    }
}
}  // namespace

RnsView::RnsView(QWidget* parent) : QWidget(parent) {
    traces_ = new QChartView(this);
    bars_ = new QChartView(this);
    for (auto* v : {traces_, bars_}) {
        v->setRenderHint(QPainter::Antialiasing);
        v->setMinimumHeight(300);
    }
    traces_->chart()->setTitle(tr("Train, superimposed"));
    traces_->chart()->legend()->hide();
    bars_->chart()->setTitle(tr("Amplitude, % of the 1st response"));
    bars_->chart()->legend()->hide();
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(traces_, 3);
    layout->addWidget(bars_, 2);
}

void RnsView::clear() {
    resetChart(traces_->chart());
    resetChart(bars_->chart());
}

void RnsView::setData(std::span<const dsp::Sweep> train, const dsp::RnsResult& result) {
    clear();
    if (train.empty()) return;
    auto* tc = traces_->chart();
    double lowUv = 0.0, highUv = 0.0;
    for (std::size_t k = 0; k < train.size(); ++k) {
        const auto& s = train[k];
        // (a record that starts at its stimulus: drawn from the median of its last 40 %, after the response)
        const double baseUv = dsp::sweepLevel(s).meanUv;
        auto* line = new QLineSeries;
        // first response darkest, later ones lighter
        const int shade = static_cast<int>(std::lround(160.0 * static_cast<double>(k) / std::max<std::size_t>(1, train.size() - 1)));
        line->setPen(QPen(QColor(20 + shade / 2, 60 + shade / 2, 140 + shade / 3), k == 0 ? 2.0 : 1.0));
        QList<QPointF> points;
        points.reserve(static_cast<qsizetype>(s.uv.size()));
        for (std::size_t i = 0; i < s.uv.size(); ++i) {
            const double v = s.uv[i] - baseUv;
            lowUv = std::min(lowUv, v);
            highUv = std::max(highUv, v);
            points.append(QPointF(s.timeMs(static_cast<double>(i)), v));
        }
        line->replace(points);
        tc->addSeries(line);
    }
    auto* tx = new QValueAxis;
    tx->setRange(train.front().timeMs(0), train.front().timeMs(static_cast<double>(train.front().uv.size() - 1)));
    tx->setTitleText(tr("ms after the stimulus"));
    tx->setTickType(QValueAxis::TicksDynamic);
    tx->setTickAnchor(0.0);
    tx->setTickInterval(5.0);
    tx->setLabelFormat("%.0f");
    auto* ty = new QValueAxis;
    const double marginUv = 0.05 * (highUv - lowUv) + 1.0;
    ty->setRange(lowUv - marginUv, highUv + marginUv);
    ty->applyNiceNumbers();
    ty->setReverse(true);   // negative up
    ty->setTitleText(tr("µV"));
    ty->setLabelFormat("%.0f");
    tc->addAxis(tx, Qt::AlignBottom);
    tc->addAxis(ty, Qt::AlignLeft);
    for (auto* series : tc->series()) {
        series->attachAxis(tx);
        series->attachAxis(ty);
    }

    const auto percents = rnsAmplitudePercents(result);
    if (percents.empty()) return;
    auto* set = new QBarSet(tr("amplitude %"));
    set->setColor(QColor(40, 110, 180));
    QStringList labels;
    for (std::size_t k = 0; k < percents.size(); ++k) {
        set->append(percents[k]);
        labels << QString::number(k + 1);
    }
    auto* bars = new QBarSeries;
    bars->append(set);
    auto* bc = bars_->chart();
    bc->addSeries(bars);
    auto* bx = new QBarCategoryAxis;
    bx->append(labels);
    bx->setTitleText(tr("response in the train"));
    auto* by = new QValueAxis;
    by->setRange(0.0, std::max(120.0, 20.0 * std::ceil(*std::max_element(percents.begin(), percents.end()) / 20.0)));
    by->setTickType(QValueAxis::TicksDynamic);
    by->setTickAnchor(0.0);
    by->setTickInterval(20.0);
    by->setLabelFormat("%.0f");
    by->setTitleText(tr("% of the 1st"));
    bc->addAxis(bx, Qt::AlignBottom);
    bc->addAxis(by, Qt::AlignLeft);
    bars->attachAxis(bx);
    bars->attachAxis(by);
}

}  // namespace emg::ui
