#pragma once
// Draws a ReportModel to a PDF file (A4, vector text with embedded fonts, negative-up waveforms).
// Uses Qt's QPdfWriter: a QGuiApplication must exist (the CLI creates an offscreen one).

#include <emg/report/report_model.h>

#include <filesystem>
#include <string>
#include <vector>

namespace emg::report {

/// Where a figure's trace area (its grid box) landed: the page (1-based) and the rectangle in mm
/// from the top-left corner of the A4 sheet; `drawn` false when the figure says why it is missing.
struct PdfFigurePlacement {
    int page = 0;
    std::string title;
    bool drawn = false;
    double leftMm = 0, topMm = 0, widthMm = 0, heightMm = 0;
};

struct PdfReportStats {
    int pages = 0;
    std::vector<PdfFigurePlacement> figures;
    std::size_t tables = 0;
    std::size_t waveforms = 0;
    std::size_t abnormalCells = 0;
};

/// Writes the PDF through io::SafeFileWriter: a symlink, FIFO, device or directory at `path` is
/// refused before drawing (io::SafeWriteRefused); the PDF is drawn in memory, written to a random
/// temporary name beside the target, synced and renamed, so a failure (full disk) throws
/// std::runtime_error ("cannot write PATH: REASON") and leaves an existing report as it was.
PdfReportStats writePdfReport(const ReportModel& model, const std::filesystem::path& path);

/// The PDF's bytes, drawn in memory (what writePdfReport writes; signing stores them). A signed
/// model prints the electronic signature; its addenda follow on pages of their own.
/// Throws std::runtime_error when Qt cannot draw the PDF.
std::string renderPdfReport(const ReportModel& model, PdfReportStats* stats = nullptr);

}  // namespace emg::report
