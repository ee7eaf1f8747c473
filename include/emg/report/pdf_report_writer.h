#pragma once
// Draws a ReportModel to a PDF file (A4, vector text with embedded fonts, negative-up waveforms).
// Uses Qt's QPdfWriter: a QGuiApplication must exist (the CLI creates an offscreen one).

#include <emg/report/report_model.h>

#include <filesystem>

namespace emg::report {

struct PdfReportStats {
    int pages = 0;
    std::size_t tables = 0;
    std::size_t waveforms = 0;
    std::size_t abnormalCells = 0;
};

/// Writes the PDF; throws std::runtime_error if the file cannot be written. The file is written
/// to a temporary name beside the target and renamed, so an existing report is never left half-written.
PdfReportStats writePdfReport(const ReportModel& model, const std::filesystem::path& path);

}  // namespace emg::report
