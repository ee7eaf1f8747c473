// The Study tab shows the report before export and the page for the patient before printing
// (offscreen): the preview's pages are painted by the PDF's own code, so they match the exported
// PDF rendered by poppler page for page; the patient page is refused until the localization is
// confirmed, then shown with Print… and Save PDF…. Screenshots kept for a look.
#include "ui_test_support.h"

#include "../report/pdf_tools.h"
#include "../report/wave_study_fixture.h"

#include "main_window.h"
#include "page_preview_dialog.h"
#include "study_panel.h"

#include <catch2/catch.hpp>

#include <QLabel>
#include <QPushButton>

using emg::ui::MainWindow;
using emg::ui::PagePreviewDialog;
using emg::ui::StudyPanel;
namespace fs = std::filesystem;

TEST_CASE("Study tab: the report preview equals the exported PDF, the patient page waits for a confirmed impression",
          "[ui][study][preview]") {
    emg::test::qtApp();
    if (!emg::test::havePoppler()) {
        WARN("poppler-utils not installed: preview not compared");
        return;
    }
    auto waves = emg::test::makeWaveStudy("ui-preview");
    waves.store.reset();   // the window opens the store itself
    emg::ui::MainWindowOptions o;
    o.watchUsb = false;
    o.autoStart = false;
    o.dataDirectory = QString::fromStdString(waves.dir.string());
    o.storeUrl = waves.dbUrl();
    MainWindow w(o);
    w.show();
    auto* panel = w.findChild<StudyPanel*>("panel-study");
    REQUIRE(panel != nullptr);
    w.tabs().setCurrentWidget(panel);
    REQUIRE(panel->activateStudy(QString::fromStdString(waves.studyId)));
    auto* reportButton = panel->findChild<QPushButton*>("study-report");
    auto* patientButton = panel->findChild<QPushButton*>("study-patient-page");
    REQUIRE(reportButton);
    REQUIRE(patientButton);
    CHECK(reportButton->isEnabled());
    CHECK(patientButton->isEnabled());

    PagePreviewDialog* preview = panel->previewReport();
    REQUIRE(preview != nullptr);
    CHECK(preview->isVisible());
    const auto& shown = preview->pages();
    REQUIRE(shown.size() >= 2);
    CHECK(preview->findChild<QLabel*>("page-preview-page-1") != nullptr);
    CHECK(preview->findChild<QPushButton*>("page-preview-export") != nullptr);
    preview->grab().save("study-report-preview.png");

    const fs::path pdf = waves.dir / "exported.pdf";
    REQUIRE(preview->saveTo(QString::fromStdString(pdf.string())));
    const auto printed = emg::test::pdfPageImages(pdf, fs::current_path(), "study-report-exported", 100);
    REQUIRE(printed.size() == shown.size());
    double worst = 0.0;
    for (std::size_t i = 0; i < shown.size(); ++i) {
        INFO("page " << i + 1);
        REQUIRE(emg::test::samePageSize(shown[i], printed[i]));   // A4 at 100 dpi: 827 x 1169 px (poppler: 1170)
        CHECK(emg::test::inkShare(printed[i]) > 0.002);
        const double d = emg::test::pageDifference(shown[i], printed[i], 100);
        CHECK(d < 0.012);   // as in test_report_pages (1 % at 150 dpi): antialiasing only
        worst = std::max(worst, d);
        if (i + 1 < shown.size()) CHECK(emg::test::pageDifference(shown[i], printed[i + 1], 100) > 3.0 * d);
    }
    WARN("Study tab preview vs exported PDF: worst page difference " << worst);
    preview->close();

    // the patient page: refused while no impression is confirmed
    CHECK(panel->previewPatientPage() == nullptr);
    CHECK(panel->message().contains("no confirmed impression"));
    REQUIRE(panel->confirmLocalization("Left L5 radiculopathy"));
    PagePreviewDialog* page = panel->previewPatientPage();
    REQUIRE(page != nullptr);
    CHECK(page->isVisible());
    CHECK(page->pages().size() == 1);
    CHECK(page->findChild<QPushButton*>("patient-page-print") != nullptr);
    CHECK(page->findChild<QPushButton*>("patient-page-save") != nullptr);
    page->grab().save("study-patient-page-review.png");
    const fs::path patientPdf = waves.dir / "patient.pdf";
    REQUIRE(page->saveTo(QString::fromStdString(patientPdf.string())));
    const std::string text = emg::test::pdfText(patientPdf);
    CHECK(text.find("left leg") != std::string::npos);
    CHECK(text.find("right leg") != std::string::npos);   // the right peroneal was tested too
    CHECK(text.find("L5 root") != std::string::npos);
    page->close();
}
