#include "figure_painter.h"

#include "nice_step.h"

#include <QFont>
#include <QFontMetricsF>
#include <QImage>
#include <QPainterPath>
#include <QPen>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace emg::report::detail {
namespace {

constexpr double kTitleMm = 4.5;       // the title line above the box
constexpr double kScaleLineMm = 4.6;   // the scale line under the box, then the source text
constexpr double kSourceFontPt = 5.5;
constexpr double kMinSourceMm = 5.4;   // room for three lines of it at least ...
constexpr double kMaxSourceMm = 16.2;  // ... nine at most
constexpr double kStripMm = 14.0;      // right of the box: the scale bar
constexpr int kSweepDivs = 10;         // horizontal divisions of a cascade or raster
constexpr int kCascadeDivs = 3;        // vertical divisions per cascade band
constexpr int kTemplateHDivs = 4;      // per template cell
constexpr int kTemplateVDivs = 6;
constexpr std::size_t kMinTemplateCells = 3;
constexpr double kMaxScaleBarMm = 11.0;   // the time bar fits the strip right of the box
const QColor kTrace(0, 60, 160);
const QColor kMarker(190, 30, 30);
const QColor kGrid(215, 215, 215);

QString q(const std::string& s) { return QString::fromStdString(s); }

/// A label wrapped in a narrow cell breaks between its items, never between a number and its
/// unit ("11.6 ms") nor inside "(segment 2)": those spaces become no-break spaces.
QString unbrokenQuantities(QString s) {
    static const QRegularExpression unit(QStringLiteral(" (?=(µV|uV|mV|ms|Hz|mA)\\b)"));
    static const QRegularExpression numbered(QStringLiteral("(?<=\\((segment|insertion)) (?=\\d)"));
    s.replace(unit, QStringLiteral("\u00a0"));
    s.replace(numbered, QStringLiteral("\u00a0"));
    return s;
}

bool drawable(const ReportFigure& f) { return f.unavailable.empty() && !f.traces.empty(); }

double boxHeightMm(const ReportFigure& f) {
    if (!drawable(f)) return 14.0;
    const double n = static_cast<double>(f.traces.size());
    switch (f.layout) {
    case FigureLayout::Cascade: return 13.5 * n;
    case FigureLayout::Raster: return std::clamp(2.6 * n, 20.0, 80.0);
    case FigureLayout::Templates: return 30.0;
    }
    return 14.0;
}

struct Extent {
    double negativeUv = 0.0, positiveUv = 0.0, durationMs = 0.0;
};

Extent extentOf(const ReportFigure& f) {
    Extent e;
    for (const auto& t : f.traces) {
        if (t.sampleRateHz <= 0 || t.samplesUv.empty()) continue;
        const auto [lo, hi] = std::minmax_element(t.samplesUv.begin(), t.samplesUv.end());
        e.negativeUv = std::max(e.negativeUv, -*lo);
        e.positiveUv = std::max(e.positiveUv, *hi);
        e.durationMs = std::max(e.durationMs, t.samplesUv.size() * 1000.0 / t.sampleRateHz);
    }
    return e;
}

/// Where a figure's traces go: the band (or cell) of trace i, its baseline, and the scale.
struct Frame {
    QRectF box;            // device units
    double dots = 1.0;     // per mm
    FigureScale scale;
    int hDivs = kSweepDivs;
    double baselineFromTop = 0.5;   // fraction of the band
    const ReportFigure* f = nullptr;

    std::size_t bands() const {   // template cells: at least 3, so one unit is not stretched over the whole box
        return f->layout == FigureLayout::Templates ? std::max<std::size_t>(f->traces.size(), kMinTemplateCells) : f->traces.size();
    }
    QRectF band(std::size_t i) const {
        const double n = static_cast<double>(bands());
        if (f->layout == FigureLayout::Templates)
            return {box.left() + box.width() * i / n, box.top(), box.width() / n, box.height()};
        return {box.left(), box.top() + box.height() * i / n, box.width(), box.height() / n};
    }
    double divHeight() const {
        switch (f->layout) {
        case FigureLayout::Cascade: return band(0).height() / kCascadeDivs;
        case FigureLayout::Raster: return band(0).height();
        case FigureLayout::Templates: return box.height() / kTemplateVDivs;
        }
        return box.height();
    }
    double divWidth() const { return band(0).width() / hDivs; }
    double x(const QRectF& b, const ReportTrace& t, double tMs) const {
        return b.left() + (tMs + t.preTriggerMs) / (scale.msPerDiv * hDivs) * b.width();
    }
    double y(const QRectF& b, double uv) const {   // negative up: +µV is drawn downward
        const double yy = b.top() + b.height() * baselineFromTop + uv / scale.uvPerDiv * divHeight();
        return std::clamp(yy, b.top(), b.bottom());
    }
};

void drawGrid(QPainter& p, const Frame& fr) {
    p.setPen(QPen(kGrid, fr.dots * 0.1));
    const std::size_t cells = fr.f->layout == FigureLayout::Templates ? fr.bands() : 1;
    for (std::size_t c = 0; c < cells; ++c) {
        const QRectF b = cells > 1 ? fr.band(c) : fr.box;
        for (int i = 0; i <= fr.hDivs; ++i) {
            const double x = b.left() + b.width() * i / fr.hDivs;
            p.drawLine(QPointF(x, b.top()), QPointF(x, b.bottom()));
        }
    }
    const double dh = fr.divHeight();
    for (double y = fr.box.top(); y <= fr.box.bottom() + dh * 0.01; y += dh) p.drawLine(QPointF(fr.box.left(), y), QPointF(fr.box.right(), y));
    if (fr.f->layout == FigureLayout::Cascade) {   // band boundaries a little darker
        p.setPen(QPen(QColor(170, 170, 170), fr.dots * 0.15));
        for (std::size_t i = 1; i < fr.f->traces.size(); ++i) {
            const double y = fr.band(i).top();
            p.drawLine(QPointF(fr.box.left(), y), QPointF(fr.box.right(), y));
        }
    }
}

double sampleAt(const ReportTrace& t, double tMs) {
    const double idx = (tMs + t.preTriggerMs) * t.sampleRateHz / 1000.0;
    if (t.samplesUv.empty() || idx < 0) return 0.0;
    const auto i = std::min(static_cast<std::size_t>(idx), t.samplesUv.size() - 1);
    return t.samplesUv[i];
}

void drawTrace(QPainter& p, const Frame& fr, std::size_t index) {
    const ReportTrace& t = fr.f->traces[index];
    const QRectF b = fr.band(index);
    QPainterPath path;
    for (std::size_t i = 0; i < t.samplesUv.size(); ++i) {
        const double x = fr.x(b, t, i * 1000.0 / t.sampleRateHz - t.preTriggerMs);
        if (x > b.right()) break;
        const double y = fr.y(b, t.samplesUv[i]);
        if (i == 0) path.moveTo(x, y);
        else path.lineTo(x, y);
    }
    p.setPen(QPen(kTrace, fr.dots * (fr.f->layout == FigureLayout::Raster ? 0.15 : 0.22)));
    p.drawPath(path);
    if (fr.f->layout != FigureLayout::Raster && !t.label.empty()) {
        p.setPen(Qt::black);
        p.setFont(QFont("DejaVu Sans", 6));
        const bool cell = fr.f->layout == FigureLayout::Templates;   // a template's label may take two lines of its cell
        const QRectF room(b.left() + fr.dots * 0.8, b.top() + fr.dots * 0.3, cell ? b.width() - fr.dots * 1.6 : b.width() * 0.45,
                          fr.dots * (cell ? 5.5 : 3));
        const int flags = Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap;
        const QString text = unbrokenQuantities(q(t.label));
        // readable where a large spike reaches the label: the text on a light veil, the trace still seen
        p.fillRect(p.boundingRect(room, flags, text).intersected(room).adjusted(-fr.dots * 0.2, 0, fr.dots * 0.2, 0), QColor(255, 255, 255, 200));
        p.drawText(room, flags, text);
    }
    p.setFont(QFont("DejaVu Sans", 5.5));
    int k = 0;
    for (const auto& m : t.markers) {   // a tick through the trace; labels left of the first tick, right of the next
        const double x = fr.x(b, t, m.timeMs);
        if (x < b.left() || x > b.right()) continue;
        const double y = fr.y(b, sampleAt(t, m.timeMs));
        const double top = std::max(b.top(), y - fr.dots * 2.2), bottom = std::min(b.bottom(), y + fr.dots * 2.2);
        p.setPen(QPen(kMarker, fr.dots * 0.25));
        p.drawLine(QPointF(x, top), QPointF(x, bottom));
        const bool left = (k++ % 2) == 0;
        const double w = fr.dots * 12;
        const QRectF label(left ? x - w - fr.dots * 0.4 : x + fr.dots * 0.4, top, w, fr.dots * 2.4);
        p.drawText(label, (left ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter, q(m.label));
    }
}

void drawFigureMarkers(QPainter& p, const Frame& fr) {
    if (fr.f->traces.empty()) return;
    const ReportTrace& t0 = fr.f->traces.front();
    p.setFont(QFont("DejaVu Sans", 6));
    for (const auto& m : fr.f->markers) {
        const double x = fr.x(fr.box, t0, m.timeMs);
        if (x < fr.box.left() || x > fr.box.right()) continue;
        p.setPen(QPen(kMarker, fr.dots * 0.25, Qt::DashLine));
        p.drawLine(QPointF(x, fr.box.top()), QPointF(x, fr.box.bottom()));
        const QRectF label = p.boundingRect(QRectF(x + fr.dots * 0.6, fr.box.top() + fr.dots * 0.3, fr.dots * 30, fr.dots * 3.0),
                                            Qt::AlignLeft | Qt::AlignTop, q(m.label));
        p.fillRect(label.adjusted(-fr.dots * 0.3, 0, fr.dots * 0.3, 0), Qt::white);   // readable over the traces
        p.drawText(label, Qt::AlignLeft | Qt::AlignTop, q(m.label));
    }
}

void drawStimulusLine(QPainter& p, const Frame& fr) {
    if (fr.f->layout == FigureLayout::Templates || fr.f->traces.empty() || fr.f->traces.front().preTriggerMs <= 0) return;
    const double x = fr.x(fr.box, fr.f->traces.front(), 0.0);
    p.setPen(QPen(QColor(120, 120, 120), fr.dots * 0.15, Qt::DashLine));
    p.drawLine(QPointF(x, fr.box.top()), QPointF(x, fr.box.bottom()));
}

/// An L-shaped bar right of the box: one division each way, labelled in ms and µV/mV.
void drawScaleBar(QPainter& p, const Frame& fr) {
    const double x0 = fr.box.right() + fr.dots * 2.0, y0 = fr.box.bottom();
    double barMs = fr.scale.msPerDiv, w = fr.divWidth();
    while (w > fr.dots * kMaxScaleBarMm) {   // a wide division: half of it (still a round time)
        barMs /= 2;
        w /= 2;
    }
    const double h = fr.divHeight();
    p.setPen(QPen(Qt::black, fr.dots * 0.3));
    p.drawLine(QPointF(x0, y0), QPointF(x0, y0 - h));
    p.drawLine(QPointF(x0, y0), QPointF(x0 + w, y0));
    p.setFont(QFont("DejaVu Sans", 5.5));
    const double uv = fr.scale.uvPerDiv;
    const QString v = uv >= 1000 ? QString("%1 mV").arg(uv / 1000.0) : QString("%1 µV").arg(uv);
    p.drawText(QRectF(x0 + fr.dots * 0.6, y0 - h - fr.dots * 3.0, fr.dots * 12, fr.dots * 2.6), Qt::AlignLeft | Qt::AlignBottom, v);
    p.drawText(QRectF(x0, y0 + fr.dots * 0.3, fr.dots * 12, fr.dots * 2.6), Qt::AlignLeft | Qt::AlignTop,
               QString("%1 ms").arg(barMs));
}

void drawUnavailable(QPainter& p, double dots, const QRectF& box, const ReportFigure& f) {
    p.setPen(QPen(QColor(150, 20, 20), dots * 0.3));
    p.setBrush(QColor(253, 236, 236));
    p.drawRect(box);
    p.setBrush(Qt::NoBrush);
    p.setFont(QFont("DejaVu Sans", 7.5, QFont::Bold));
    const QString why = f.unavailable.empty() ? QStringLiteral("No traces were found in the recording: figure not drawn.") : q(f.unavailable);
    p.drawText(box.adjusted(dots * 2, dots * 1, -dots * 2, -dots * 1), Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap, why);
}

}  // namespace

/// The height (mm) the source text takes wrapped at `widthMm`, between kMinSourceMm and kMaxSourceMm
/// (measured at 1200 dpi: the text scales with the page, not with a screen).
double sourceHeightMm(const std::string& source, double widthMm) {
    if (source.empty()) return kMinSourceMm;
    constexpr double kDotsPerMm = 1200.0 / 25.4;
    QImage probe(1, 1, QImage::Format_RGB32);
    probe.setDotsPerMeterX(static_cast<int>(std::lround(kDotsPerMm * 1000.0)));
    probe.setDotsPerMeterY(static_cast<int>(std::lround(kDotsPerMm * 1000.0)));
    const QFontMetricsF fm(QFont("DejaVu Sans", kSourceFontPt), &probe);
    const QRectF r = fm.boundingRect(QRectF(0.0, 0.0, widthMm * kDotsPerMm, 1e7), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, q(source));
    return std::clamp(r.height() / kDotsPerMm + 0.3, kMinSourceMm, kMaxSourceMm);
}

double figureHeightMm(const ReportFigure& f, double widthMm) {
    return kTitleMm + boxHeightMm(f) + kScaleLineMm + sourceHeightMm(f.source, widthMm);
}

FigureScale figureScale(const ReportFigure& f) {
    const Extent e = extentOf(f);
    const int hDivs = f.layout == FigureLayout::Templates ? kTemplateHDivs : kSweepDivs;
    FigureScale s;
    s.msPerDiv = f.sweepMsPerDiv > 0 ? f.sweepMsPerDiv : niceStep(std::max(e.durationMs, 1.0) / hDivs);
    double raw = 0.0;
    switch (f.layout) {
    case FigureLayout::Cascade: raw = (e.negativeUv + e.positiveUv) / (kCascadeDivs * 0.85); break;
    case FigureLayout::Raster: raw = std::max(e.negativeUv, e.positiveUv) / 0.45; break;
    case FigureLayout::Templates: raw = (e.negativeUv + e.positiveUv) / (kTemplateVDivs * 0.85); break;
    }
    s.uvPerDiv = f.sensitivityUvPerDiv > 0 ? f.sensitivityUvPerDiv : niceStep(std::max(raw, 1.0));
    return s;
}

QString scaleText(const FigureScale& s) {
    const QString v = s.uvPerDiv >= 1000 ? QString("%1 mV/div").arg(s.uvPerDiv / 1000.0) : QString("%1 µV/div").arg(s.uvPerDiv);
    return QString("%1 ms/div   %2   negative up").arg(s.msPerDiv).arg(v);
}

QRectF drawFigure(QPainter& p, double dots, const ReportFigure& f, double xMm, double yMm, double widthMm) {
    p.save();
    p.setPen(Qt::black);
    p.setFont(QFont("DejaVu Sans", 7, QFont::Bold));
    p.drawText(QRectF(xMm * dots, yMm * dots, widthMm * dots, kTitleMm * dots), Qt::AlignLeft | Qt::AlignVCenter, q(f.title));
    const QRectF boxMm(xMm, yMm + kTitleMm, widthMm - kStripMm, boxHeightMm(f));
    const QRectF box(boxMm.left() * dots, boxMm.top() * dots, boxMm.width() * dots, boxMm.height() * dots);
    const QRectF below(box.left(), box.bottom() + dots * 0.5, box.width(), dots * 3.2);
    if (!drawable(f)) {
        drawUnavailable(p, dots, box, f);
    } else {
        Frame fr{box, dots, figureScale(f), f.layout == FigureLayout::Templates ? kTemplateHDivs : kSweepDivs, 0.5, &f};
        if (f.layout != FigureLayout::Raster) {   // the union of the traces' extents centred in each band
            const Extent e = extentOf(f);
            const double divs = f.layout == FigureLayout::Cascade ? kCascadeDivs : kTemplateVDivs;
            const double spanDivs = (e.negativeUv + e.positiveUv) / fr.scale.uvPerDiv;
            fr.baselineFromTop = (e.negativeUv / fr.scale.uvPerDiv + std::max(0.0, (divs - spanDivs) / 2)) / divs;
        }
        drawGrid(p, fr);
        drawStimulusLine(p, fr);
        p.save();
        p.setClipRect(box.adjusted(0, -dots * 0.2, 0, dots * 0.2));
        for (std::size_t i = 0; i < f.traces.size(); ++i) drawTrace(p, fr, i);
        p.restore();
        drawFigureMarkers(p, fr);
        drawScaleBar(p, fr);
        p.setPen(Qt::black);
        p.setFont(QFont("DejaVu Sans", 6.5));
        p.drawText(below, Qt::AlignRight | Qt::AlignTop, scaleText(fr.scale));
    }
    if (!f.source.empty()) {
        p.setPen(QColor(90, 90, 90));
        p.setFont(QFont("DejaVu Sans", 5.5));
        const QRectF src(box.left(), below.bottom(), widthMm * dots, dots * sourceHeightMm(f.source, widthMm));   // all of it, up to nine lines
        p.drawText(src, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, q(f.source));
    }
    p.restore();
    return boxMm;
}

}  // namespace emg::report::detail
