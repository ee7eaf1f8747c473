// Text set line by line on report pages (report_painting.h): a paragraph continues on the next page
// instead of being drawn as one block past the footer.
#include "report_painting.h"

#include <QTextLayout>
#include <QTextOption>

namespace emg::report::detail {

int drawWrappedLines(QPainter& p, const QString& text, const QFont& font, double widthMm,
                     const std::function<double(double lineMm, double keepMm)>& place) {
    QTextLayout layout(text.isEmpty() ? QStringLiteral(" ") : text, font, p.device());
    QTextOption wrap;
    wrap.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    layout.setTextOption(wrap);
    layout.beginLayout();
    double yDots = 0.0;
    for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
        line.setLineWidth(widthMm * kReportDotsPerMm);
        line.setPosition(QPointF(0.0, yDots));
        yDots += line.height();
    }
    layout.endLayout();
    p.setFont(font);
    const int lines = layout.lineCount();
    for (int i = 0; i < lines; ++i) {
        const QTextLine line = layout.lineAt(i);
        const double lineMm = line.height() / kReportDotsPerMm;
        // the first line keeps its second with it, the second-to-last its last: neither end of a
        // paragraph is a single line alone on a page
        const bool keepNext = lines > 1 && (i == 0 || i == lines - 2);
        const double keepMm = keepNext ? lineMm + layout.lineAt(i + 1).height() / kReportDotsPerMm : lineMm;
        const double yMm = place(lineMm, keepMm);
        line.draw(&p, QPointF(0.0, yMm * kReportDotsPerMm - line.y()));
    }
    return lines;
}

}  // namespace emg::report::detail
