#include "trace_renderer.h"

#include "display_scales.h"
#include "trace_columns.h"

#include <QFontMetrics>
#include <QObject>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace emg::ui {

bool TraceRenderer::computeLayout(const QSize& size, const DisplayBuffer& buffer, const TraceSettings& settings,
                                  const TraceStyle& style) {
    layout_.plot = QRectF(QPointF(0, 0), QSizeF(size)).adjusted(style.leftMargin, style.topMargin, -style.rightMargin, -style.bottomMargin);
    const std::size_t channels = buffer.channelCount();
    layout_.sampleRateHz = buffer.sampleRateHz();
    layout_.bands.clear();
    layout_.uvPerDiv.clear();
    if (channels == 0 || layout_.plot.width() < 4 || layout_.plot.height() < 4 || layout_.sampleRateHz <= 0)
        return false;
    const double bandHeight = layout_.plot.height() / static_cast<double>(channels);
    for (std::size_t c = 0; c < channels; ++c) {
        layout_.bands.emplace_back(layout_.plot.left(), layout_.plot.top() + bandHeight * static_cast<double>(c),
                                   layout_.plot.width(), bandHeight);
        layout_.uvPerDiv.push_back(settings.sensitivityUvPerDiv(c));
    }
    layout_.divisionHeightPx = bandHeight / kVerticalDivisionsPerTrace;
    const double windowSamples = settings.msPerDiv * kHorizontalDivisions * layout_.sampleRateHz / 1000.0;
    layout_.samplesPerPixel = windowSamples / std::floor(layout_.plot.width());
    return true;
}

void TraceRenderer::paint(QPainter& painter, const QRect& area, const DisplayBuffer& buffer,
                          const TraceSettings& settings, const TraceStyle& style) {
    const bool haveLayout = computeLayout(area.size(), buffer, settings, style);
    // the background (grid, labels) is redrawn only when something it shows changes
    QString key = QStringLiteral("%1x%2|%3|%4|%5|%6|%7|%8")
                      .arg(area.width())
                      .arg(area.height())
                      .arg(buffer.generation())
                      .arg(settings.msPerDiv)
                      .arg(static_cast<int>(settings.mode))
                      .arg(buffer.frozen())
                      .arg(haveLayout)
                      .arg(settings.defaultUvPerDiv);
    for (double v : layout_.uvPerDiv) key += QLatin1Char(',') + QString::number(v);
    if (key != backgroundKey_ || background_.size() != area.size()) {
        background_ = QImage(area.size(), QImage::Format_RGB32);
        renderBackground(buffer, settings, style, haveLayout);
        backgroundKey_ = key;
    }
    if (haveLayout && settings.mode == TraceMode::Scrolling && layout_.samplesPerPixel >= 1.0) {
        paintScrolling(painter, area, buffer, settings, style);
        return;
    }
    canvas_.reset();
    if (frame_.size() != area.size()) frame_ = QImage(area.size(), QImage::Format_RGB32);
    std::copy_n(background_.constBits(), background_.sizeInBytes(), frame_.bits());
    if (haveLayout) {
        QPainter fp(&frame_);
        fp.setRenderHint(QPainter::Antialiasing, false);
        fp.setClipRect(layout_.plot);
        if (settings.mode == TraceMode::StimulusLocked)
            drawStimulusLocked(fp, buffer, settings, style);
        else
            drawFreeRunning(fp, buffer, settings, style);
        if (overlay_) overlay_(fp, layout_);
    }
    painter.drawImage(area.topLeft(), frame_);
}

void TraceRenderer::paintScrolling(QPainter& painter, const QRect& area, const DisplayBuffer& buffer,
                                   const TraceSettings& settings, const TraceStyle& style) {
    painter.save();
    painter.translate(area.topLeft());
    painter.setRenderHint(QPainter::Antialiasing, false);
    // the margins (labels, scales) around the plot, straight from the background
    const QRect plot(static_cast<int>(std::floor(layout_.plot.left())), static_cast<int>(std::ceil(layout_.plot.top())),
                     static_cast<int>(std::floor(layout_.plot.width())),
                     static_cast<int>(std::floor(layout_.plot.bottom())) - static_cast<int>(std::ceil(layout_.plot.top())));
    const QRect all(QPoint(0, 0), area.size());
    for (const QRect& r : {QRect(0, 0, all.width(), plot.top()), QRect(0, plot.bottom() + 1, all.width(), all.height() - plot.bottom() - 1),
                           QRect(0, plot.top(), plot.left(), plot.height()),
                           QRect(plot.right() + 1, plot.top(), all.width() - plot.right() - 1, plot.height())})
        if (!r.isEmpty()) painter.drawImage(r.topLeft(), background_, r);
    canvas_.draw(painter, layout_, buffer, background_, backgroundKey_, style.trace.rgb());
    painter.setClipRect(layout_.plot);
    drawStimulusMarks(painter, buffer, settings, style, static_cast<std::int64_t>(std::llround(layout_.samplesPerPixel * plot.width())));
    if (overlay_) overlay_(painter, layout_);
    painter.restore();
}

void TraceRenderer::renderBackground(const DisplayBuffer& buffer, const TraceSettings& settings,
                                     const TraceStyle& style, bool haveLayout) {
    QPainter p(&background_);
    p.setRenderHint(QPainter::Antialiasing, false);
    p.fillRect(background_.rect(), style.background);
    if (!haveLayout) {
        p.setPen(style.label);
        p.drawText(background_.rect(), Qt::AlignCenter, QObject::tr("No signal"));
        return;
    }
    drawGrid(p, style);
    drawLabels(p, buffer, settings, style);
}

void TraceRenderer::drawGrid(QPainter& painter, const TraceStyle& style) { drawTraceGrid(painter, layout_, style); }

void TraceRenderer::drawLabels(QPainter& painter, const DisplayBuffer& buffer, const TraceSettings& settings,
                               const TraceStyle& style) const {
    const auto channels = buffer.channels();
    QFont font = painter.font();
    font.setPixelSize(std::clamp(static_cast<int>(layout_.bands.front().height() * 0.28), 8, 13));
    painter.setFont(font);
    painter.setPen(style.label);
    const bool roomForScale = layout_.bands.front().height() >= 2.6 * font.pixelSize();
    for (std::size_t c = 0; c < layout_.bands.size() && c < channels.size(); ++c) {
        const QRectF& band = layout_.bands[c];
        QRectF labelRect(2, band.top(), style.leftMargin - 6, band.height());
        QString text = QString::fromStdString(channels[c].label);
        if (roomForScale) text += QLatin1Char('\n') + sensitivityLabel(layout_.uvPerDiv[c]);
        painter.drawText(labelRect, Qt::AlignVCenter | Qt::AlignRight, text);
    }
    const QRectF bottom(layout_.plot.left(), layout_.plot.bottom() + 2, layout_.plot.width(), style.bottomMargin - 2);
    QString mode;
    switch (settings.mode) {
    case TraceMode::Scrolling: mode = QObject::tr("free-running"); break;
    case TraceMode::Sweeping: mode = QObject::tr("free-running (sweep)"); break;
    case TraceMode::StimulusLocked: mode = QObject::tr("stimulus-locked"); break;
    }
    painter.drawText(bottom, Qt::AlignLeft | Qt::AlignVCenter,
                     sweepLabel(settings.msPerDiv) + QStringLiteral("   ") +
                         (settings.uvPerDiv.empty() ? sensitivityLabel(settings.defaultUvPerDiv) + QStringLiteral("   ")
                                                    : QString()) +
                         mode);
    if (buffer.frozen()) {
        painter.setPen(style.frozen);
        painter.drawText(bottom, Qt::AlignRight | Qt::AlignVCenter, QObject::tr("FROZEN"));
    }
}

void TraceRenderer::drawSegment(QPainter& painter, const DisplayBuffer& buffer, std::size_t channel,
                                std::int64_t startSample, int firstColumn, int columns, double baseline,
                                QRgb color) {
    if (columns <= 0) return;
    const double spp = layout_.samplesPerPixel;
    const double x0 = layout_.plot.left() + firstColumn;
    if (spp < 1.0) {  // fewer samples than pixels: draw the samples as a polyline
        const auto n = static_cast<std::size_t>(std::ceil(columns * spp)) + 1;
        samples_.resize(n);
        buffer.readSamples(channel, startSample, samples_);
        drawSamplePolyline(painter, layout_, channel, x0, samples_, 1.0 / spp, baseline, color, points_);
        return;
    }
    const auto cols = static_cast<std::size_t>(columns);
    columns_.resize(cols);
    buffer.minMaxColumns(channel, startSample, spp, cols, columns_);
    // the painter targets frame_: the spans go straight into its scan lines
    writeColumnSpans(frame_, layout_, channel, static_cast<int>(x0), columns_, baseline, color);
}

void TraceRenderer::drawFreeRunning(QPainter& painter, const DisplayBuffer& buffer, const TraceSettings& settings,
                                    const TraceStyle& style) {
    const std::int64_t end = buffer.endSampleIndex();
    if (end < 0) return;
    const int width = static_cast<int>(std::floor(layout_.plot.width()));
    const auto window = static_cast<std::int64_t>(std::llround(layout_.samplesPerPixel * width));
    if (settings.mode == TraceMode::Scrolling || window <= 0) {
        layout_.startSample = end - window;
        for (std::size_t c = 0; c < layout_.bands.size(); ++c)
            drawSegment(painter, buffer, c, layout_.startSample, 0, width, layout_.baselineY(c), style.trace.rgb());
    } else {
        // the current sweep from the left edge up to the newest sample, the previous one after a gap
        const std::int64_t sweepStart = (end / window) * window;
        const int done = static_cast<int>(static_cast<double>(end - sweepStart) / layout_.samplesPerPixel);
        const int resume = std::min(width, done + std::max(4, width / 100));
        const std::int64_t oldStart =
            sweepStart - window + static_cast<std::int64_t>(std::llround(resume * layout_.samplesPerPixel));
        layout_.startSample = sweepStart;
        for (std::size_t c = 0; c < layout_.bands.size(); ++c) {
            drawSegment(painter, buffer, c, sweepStart, 0, done, layout_.baselineY(c), style.trace.rgb());
            drawSegment(painter, buffer, c, oldStart, resume, width - resume, layout_.baselineY(c), style.trace.rgb());
        }
    }
    drawStimulusMarks(painter, buffer, settings, style, window);
}

void TraceRenderer::drawStimulusMarks(QPainter& painter, const DisplayBuffer& buffer, const TraceSettings& settings,
                                      const TraceStyle& style, std::int64_t window) {
    // stimulus marks along the top of the plot
    painter.setPen(QPen(style.stimulus, 0));
    for (const auto& s : buffer.recentStimuli(64)) {
        std::int64_t idx = s.sampleIndex;
        if (settings.mode == TraceMode::Sweeping && idx < layout_.startSample) idx += window;
        const double x = layout_.xForSample(idx);
        if (x < layout_.plot.left() || x > layout_.plot.right()) continue;
        painter.drawLine(QLineF(x, layout_.plot.top(), x, layout_.plot.top() + 8));
    }
}

void TraceRenderer::drawStimulusLocked(QPainter& painter, const DisplayBuffer& buffer, const TraceSettings& settings,
                                       const TraceStyle& style) {
    const int width = static_cast<int>(std::floor(layout_.plot.width()));
    const auto window = layout_.samplesPerPixel * width;
    const auto pre = static_cast<std::int64_t>(std::llround(window * settings.preTriggerFraction));
    const auto stimuli = buffer.recentStimuli(static_cast<std::size_t>(std::max(1, settings.lockedSweeps)));
    const double stimX = layout_.plot.left() + static_cast<double>(pre) / layout_.samplesPerPixel;
    painter.setPen(QPen(style.stimulus, 0, Qt::DashLine));
    painter.drawLine(QLineF(stimX, layout_.plot.top(), stimX, layout_.plot.bottom()));
    if (stimuli.empty()) {
        painter.setPen(style.label);
        painter.drawText(layout_.plot, Qt::AlignCenter, QObject::tr("Waiting for a stimulus"));
        return;
    }
    const auto n = static_cast<double>(stimuli.size());
    for (std::size_t j = 0; j < stimuli.size(); ++j) {
        const bool newest = j + 1 == stimuli.size();
        const std::int64_t start = stimuli[j].sampleIndex - pre;
        layout_.startSample = start;  // ends on the newest sweep, which the overlay sees
        const QRgb color = (newest || settings.stacking == SweepStacking::Stacked ? style.trace : style.olderSweep).rgb();
        for (std::size_t c = 0; c < layout_.bands.size(); ++c) {
            const QRectF& band = layout_.bands[c];
            const double baseline = settings.stacking == SweepStacking::Stacked
                                        ? band.top() + band.height() * (static_cast<double>(j) + 0.5) / n
                                        : layout_.baselineY(c);
            drawSegment(painter, buffer, c, start, 0, width, baseline, color);
        }
    }
}

}  // namespace emg::ui
