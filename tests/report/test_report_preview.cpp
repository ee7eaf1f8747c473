// The preview the Study tab shows before export is the PDF: the report's pages painted as images
// by the same code are compared with the exported PDF's pages rendered by poppler (pdftoppm).
#include "pdf_tools.h"
#include "wave_study_fixture.h"

#include <emg/report/report_pages.h>
#include <emg/report/study_signing.h>
#include <emg/study/myotomes.h>
#include <emg/study/normative.h>

#include <catch2/catch.hpp>

using namespace emg;
namespace fs = std::filesystem;

namespace {

report::ReportModel waveReport(test::WaveStudy& w) {
    const auto norms = study::NormativeTable::loadDirectory(fs::path(EMGWS_SOURCE_DIR) / "resources" / "normative");
    const auto myotomes = study::MyotomeMap::load(fs::path(EMGWS_SOURCE_DIR) / "resources" / "myotomes.json");
    auto model = report::storedStudyReport(*w.store, w.studyId, norms, myotomes);
    model.generatedAt = "2026-12-03T08:00:00";   // one footer for both drawings
    return model;
}

}  // namespace

TEST_CASE("the report preview pages equal the exported PDF's pages", "[report][preview][pdf]") {
    test::pdfApp();
    if (!test::havePoppler()) {
        WARN("poppler-utils not installed: preview not compared");
        return;
    }
    auto w = test::makeWaveStudy("preview");
    const auto model = waveReport(w);
    constexpr int kDpi = 150;
    const auto preview = report::renderReportPages(model, kDpi);
    const fs::path pdf = w.dir / "report.pdf";
    const auto stats = report::writePdfReport(model, pdf);
    const auto printed = test::pdfPageImages(pdf, fs::current_path(), "report-preview-pdf", kDpi);
    for (std::size_t i = 0; i < preview.pages.size(); ++i)
        preview.pages[i].save(QString::fromStdString((fs::current_path() / ("report-preview-" + std::to_string(i + 1) + ".png")).string()));

    // the same pages: count, and where each figure landed (page, mm)
    REQUIRE(stats.pages >= 2);
    REQUIRE(preview.stats.pages == stats.pages);
    REQUIRE(static_cast<int>(preview.pages.size()) == stats.pages);
    REQUIRE(printed.size() == preview.pages.size());
    REQUIRE(preview.stats.figures.size() == stats.figures.size());
    for (std::size_t k = 0; k < stats.figures.size(); ++k) {
        CHECK(preview.stats.figures[k].page == stats.figures[k].page);
        CHECK(preview.stats.figures[k].topMm == Approx(stats.figures[k].topMm).margin(1e-9));
    }
    // the same drawing: an A4 page at 150 dpi is 1240 x 1754 px (poppler: 1755); over blocks of
    // 1.3 mm the grey levels differ by under 1 % of black-on-white on average (glyph and line
    // antialiasing of two renderers), while any two different pages of this report differ by
    // more than three times the worst same-page difference
    double worstSame = 0.0, leastOther = 1.0;
    for (std::size_t i = 0; i < printed.size(); ++i) {
        INFO("page " << i + 1);
        CHECK(preview.pages[i].size() == QSize(1240, 1754));
        CHECK(test::samePageSize(printed[i], preview.pages[i]));
        CHECK(test::inkShare(printed[i]) > 0.002);   // not blank paper compared with blank paper (a last page may hold a few lines)
        const double same = test::pageDifference(preview.pages[i], printed[i], kDpi);
        CHECK(same < 0.01);
        worstSame = std::max(worstSame, same);
        for (std::size_t j = 0; j < printed.size(); ++j)
            if (j != i) leastOther = std::min(leastOther, test::pageDifference(preview.pages[i], printed[j], kDpi));
    }
    CHECK(leastOther > 3.0 * worstSame);
    WARN("preview vs PDF: worst same-page difference " << worstSame << ", least different-page " << leastOther);

    SECTION("a report that changed after the preview no longer matches it") {
        auto changed = model;
        changed.impression = "A different impression, long enough to move the lines below it: " + std::string(300, 'x');
        changed.tables.erase(changed.tables.begin());   // and one table less: everything moves up
        const auto other = report::renderReportPages(changed, kDpi);
        CHECK(test::pageDifference(other.pages.front(), printed.front(), kDpi) > 3.0 * worstSame);
    }
}
