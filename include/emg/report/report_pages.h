#pragma once
// The report's pages as images, painted by the same code and in the same layout as its PDF
// (src/report/report_painting.h): what the Study tab shows before export is what the PDF holds.
// Qt (QImage); a QGuiApplication must exist.
#include <emg/report/pdf_report_writer.h>

#include <QImage>

#include <vector>

namespace emg::report {

struct ReportPageImages {
    std::vector<QImage> pages;   ///< A4 at the dpi asked for, white paper
    PdfReportStats stats;        ///< as renderPdfReport gives for the same model
};

/// Throws std::invalid_argument for a dpi outside 10..600, std::runtime_error when a page cannot be painted.
ReportPageImages renderReportPages(const ReportModel& model, double dpi = 100.0);

}  // namespace emg::report
