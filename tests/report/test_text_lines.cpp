// The report's text setter (detail::drawWrappedLines): wherever a page break falls in a
// paragraph, neither of its ends is a single line alone on a page, and every line is placed once.
#include "pdf_tools.h"
#include "report_painting.h"

#include <QFont>
#include <QImage>
#include <QPainter>

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

using namespace emg::report::detail;


TEST_CASE("a paragraph broken across pages never leaves its first or last line alone on a page", "[report][pdf]") {
    emg::test::pdfApp();
    QImage device(static_cast<int>(kPaintWidthMm * kReportDotsPerMm), 400, QImage::Format_RGB32);
    device.setDotsPerMeterX(static_cast<int>(kReportDotsPerMm * 1000.0));
    device.setDotsPerMeterY(static_cast<int>(kReportDotsPerMm * 1000.0));
    QPainter p(&device);
    const QFont font("DejaVu Sans", 9);
    QString text;
    for (int i = 1; i <= 120; ++i) text += QString("word%1 ").arg(i);   // about 8 lines at 180 mm
    constexpr double kPageMm = 40.0;
    int paragraphLines = 0;
    // the paragraph starts at every 0.5 mm of a page: the break falls after each of its lines in turn
    for (double startMm = 0.0; startMm < kPageMm; startMm += 0.5) {
        INFO("paragraph starting " << startMm << " mm down a " << kPageMm << " mm page");
        int page = 0;
        double y = startMm;
        std::map<int, int> linesOnPage;
        const int lines = drawWrappedLines(p, text, font, kPaintWidthMm, [&](double lineMm, double keepMm) {
            REQUIRE(keepMm >= lineMm);
            if (y + keepMm > kPageMm) {   // a new page
                ++page;
                y = 0.0;
            }
            const double at = y;
            y += lineMm;
            CHECK(y <= kPageMm + 1e-9);   // never under the page's foot
            ++linesOnPage[page];
            return at;
        });
        REQUIRE(lines >= 4);
        paragraphLines = lines;
        int placed = 0;
        for (const auto& [pg, n] : linesOnPage) {
            INFO("page " << pg << " holds " << n << " of its lines");
            CHECK(n >= 2);
            placed += n;
        }
        CHECK(placed == lines);   // every line placed once
    }
    CHECK(paragraphLines >= 4);
}
