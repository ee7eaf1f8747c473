#pragma once
// Private to src/report: one painting of a document's pages onto a target that is either a PDF
// (QPdfWriter) or page images (the GUI's preview), so what is shown before export is what the
// PDF holds, drawn by the same code in the same layout units (the report's 300 dots per inch).
#include <emg/report/pdf_report_writer.h>

#include <QImage>
#include <QPainter>

#include <functional>
#include <string>
#include <vector>

namespace emg::report::detail {

constexpr double kReportDpi = 300.0;
constexpr double kReportDotsPerMm = kReportDpi / 25.4;
constexpr double kPageWidthMm = 210.0, kPageHeightMm = 297.0;   // A4
constexpr double kLeftMarginMm = 15.0, kTopMarginMm = 12.0, kRightMarginMm = 15.0, kBottomMarginMm = 12.0;
constexpr double kPaintWidthMm = kPageWidthMm - kLeftMarginMm - kRightMarginMm;
constexpr double kPaintHeightMm = kPageHeightMm - kTopMarginMm - kBottomMarginMm;

/// Where pages are painted: the painter's origin is the top-left corner of the area inside the
/// margins, one unit is 1/300 inch on every target.
class PageTarget {
public:
    virtual ~PageTarget() = default;
    virtual QPainter& painter() = 0;
    virtual void newPage() = 0;
};

/// Paints a whole document on the target; `totalPages` is 0 on the first drawing (not known yet);
/// returns the number of pages painted.
using DocumentPainter = std::function<int(PageTarget& target, int totalPages)>;

/// Draws `text` (no line breaks) wrapped to `widthMm` in `font`, line by line: each line is drawn
/// at the y (mm, from the top of the paint area) that `place(lineMm, keepMm)` returns. `keepMm` is
/// the room to keep together from that line on (the first line asks for its second too, the
/// second-to-last for its last: neither end of a paragraph is a single line alone on a page);
/// `place` starts a new page first when keepMm does not fit, then advances its cursor by `lineMm`.
/// Lines break between words, inside a word only when it is wider than the width. Returns the
/// number of lines.
int drawWrappedLines(QPainter& p, const QString& text, const QFont& font, double widthMm,
                     const std::function<double(double lineMm, double keepMm)>& place);

/// Draws the document twice (the count, then "page n of m") to PDF bytes; throws
/// std::runtime_error when Qt cannot draw the PDF or the count changes between the drawings.
std::string paintToPdf(const std::string& title, const DocumentPainter& paint);
/// The same drawing as page images at `dpi` (A4, white paper).
std::vector<QImage> paintToImages(double dpi, const DocumentPainter& paint);

/// The clinician's report on a target (pdf_report_writer.cpp).
void paintReport(PageTarget& target, const ReportModel& model, int totalPages, PdfReportStats& stats);
/// The model with generatedAt filled (now) when it is empty.
ReportModel withGenerationTime(const ReportModel& model);

}  // namespace emg::report::detail
