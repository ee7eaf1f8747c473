// The protocol run's cascaded traces (run_trace_view.h).
#include "run_trace_view.h"

#include <emg/study/protocol_run.h>
#include <emg/study/run_site.h>

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace emg::ui {

namespace {
constexpr double kLabelWidth = 150.0;
constexpr int kMaxRasterRows = 20;

/// The sweep as a path in `r`: time 0..msSpan across, ±uvPerRow/2 around the middle (negative up), clipped.
QPainterPath tracePath(const dsp::Sweep& s, const QRectF& r, double uvPerRow, double msSpan) {
    QPainterPath path;
    const double mid = r.center().y();
    bool first = true;
    for (std::size_t i = s.preSamples; i < s.uv.size(); ++i) {
        const double ms = s.timeMs(static_cast<double>(i));
        if (ms > msSpan) break;
        const double x = r.left() + ms / msSpan * r.width();
        const double y = std::clamp(mid + s.uv[i] / uvPerRow * r.height(), r.top(), r.bottom());
        if (first) path.moveTo(x, y);
        else path.lineTo(x, y);
        first = false;
    }
    return path;
}
}  // namespace

RunTraceView::RunTraceView(QWidget* parent) : QWidget(parent) {
    setMinimumSize(360, 150);
    setAutoFillBackground(true);
    QPalette pal = palette();
    pal.setColor(QPalette::Window, Qt::white);
    setPalette(pal);
}

void RunTraceView::show(const study::RunTest* test, std::size_t current, SiteSource sites) {
    test_ = test;
    current_ = current;
    sites_ = std::move(sites);
    update();
}

void RunTraceView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    if (!test_ || !sites_ || test_->kind == TestKind::Needle) {
        p.drawText(rect(), Qt::AlignCenter, tr("No stimulus test"));
        return;
    }
    const double msSpan = test_->presets.sweepMs > 0.0 ? test_->presets.sweepMs : 50.0;
    const double uvPerRow = test_->presets.sensitivityUvPerDiv > 0.0 ? 2.0 * test_->presets.sensitivityUvPerDiv : 10000.0;
    const QRectF area = QRectF(rect()).adjusted(4, 4, -4, -18);
    p.setPen(QColor(120, 120, 120));
    p.drawText(QRectF(area.left() + kLabelWidth, area.bottom() + 2, area.width() - kLabelWidth, 14), Qt::AlignRight,
               tr("%1 ms, %2 µV per row").arg(msSpan).arg(uvPerRow));
    if (test_->kind == TestKind::FWave || test_->kind == TestKind::HReflex) {
        if (auto* s = sites_(0)) paintRaster(p, area, *s, uvPerRow, msSpan);
        return;
    }
    const std::size_t n = test_->positionCount();
    for (std::size_t i = 0; i < n; ++i) {
        const QRectF row(area.left(), area.top() + area.height() * i / n, area.width(), area.height() / n);
        p.setPen(i == current_ ? Qt::black : QColor(110, 110, 110));
        p.drawText(QRectF(row.left(), row.top(), kLabelWidth - 6, row.height()), Qt::AlignVCenter | Qt::TextWordWrap,
                   QString::fromStdString(test_->positionName(i)));
        if (auto* s = sites_(i)) paintRow(p, row.adjusted(kLabelWidth, 0, 0, 0), *s, i == current_, uvPerRow, msSpan);
    }
}

void RunTraceView::paintRow(QPainter& p, const QRectF& row, const study::RunSite& site, bool current, double uvPerRow,
                            double msSpan) const {
    if (current) p.fillRect(row, QColor(255, 248, 225));
    p.setPen(QPen(QColor(190, 190, 190), 1.0));
    for (const auto& s : site.keptSweeps()) p.drawPath(tracePath(s, row, uvPerRow, msSpan));
    if (!site.measured()) return;
    p.setPen(QPen(Qt::black, 1.6));
    p.drawPath(tracePath(*site.measured(), row, uvPerRow, msSpan));
    if (!site.result()) return;
    const auto& m = site.result()->provenance.markers;
    for (int k = 0; k < study::kRunMarkerCount; ++k) {
        const auto which = static_cast<study::RunMarker>(k);
        const double x = row.left() + study::markerMs(m, which) / msSpan * row.width();
        const bool selected = current && which == site.selectedMarker();
        p.setPen(QPen(selected ? QColor(200, 0, 0) : QColor(0, 90, 200), selected ? 2.0 : 1.0));
        p.drawLine(QPointF(x, row.top() + 2), QPointF(x, row.bottom() - 2));
        if (selected) p.drawText(QPointF(x + 3, row.top() + 12), QString::fromLatin1(study::toString(which)));
    }
}

void RunTraceView::paintRaster(QPainter& p, const QRectF& area, const study::RunSite& site, double uvPerRow, double msSpan) const {
    auto kept = site.keptSweeps();
    if (kept.empty()) {
        p.drawText(area, Qt::AlignCenter, tr("Stimulate (F5) to add sweeps"));
        return;
    }
    if (kept.size() > static_cast<std::size_t>(kMaxRasterRows)) kept.erase(kept.begin(), kept.end() - kMaxRasterRows);
    const std::size_t n = kept.size();
    const double rowHeight = area.height() / std::max<std::size_t>(n, 4);
    const QRectF traces = area.adjusted(kLabelWidth, 0, 0, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const QRectF row(traces.left(), area.top() + rowHeight * i, traces.width(), rowHeight);
        p.setPen(QPen(i + 1 == n ? Qt::black : QColor(80, 80, 80), 1.0));
        p.drawPath(tracePath(kept[i], row, uvPerRow / 2.0, msSpan));
    }
    const auto& late = site.late();
    p.setPen(Qt::black);
    QString text = tr("%1 sweeps").arg(site.keptCount());
    if (late && late->fwave)
        text += tr("\nF min %1 ms%3\npersistence %2 %")
                    .arg(late->fwave->minLatencyMs, 0, 'f', 1)
                    .arg(late->fwave->persistencePercent, 0, 'f', 0)
                    .arg(late->fwave->minLatencyUncertain() ? QStringLiteral("?") : QString());
    if (late && late->hreflex && late->hreflex->hLatencyMs) text += tr("\nH %1 ms\nH/M %2").arg(*late->hreflex->hLatencyMs, 0, 'f', 1).arg(late->hreflex->hmRatio, 0, 'f', 2);
    p.drawText(QRectF(area.left(), area.top(), kLabelWidth - 6, area.height()), Qt::AlignTop | Qt::TextWordWrap, text);
}

}  // namespace emg::ui
