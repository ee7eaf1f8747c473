#pragma once
// The page for the patient drawn to PDF or to page images by one painting (report_painting.h):
// large type, headings, patient ID and "page n of m" at the foot. Needs a QGuiApplication.
#include <emg/report/patient_page.h>

#include <QImage>

#include <filesystem>
#include <string>
#include <vector>

namespace emg::report {

/// The PDF's bytes. Throws std::runtime_error when Qt cannot draw it.
std::string renderPatientPagePdf(const PatientPage& page);
/// Written through io::SafeFileWriter (a refused target throws io::SafeWriteRefused); returns the page count.
int writePatientPagePdf(const PatientPage& page, const std::filesystem::path& path);
/// The same pages as images at `dpi` (the GUI's review before printing).
std::vector<QImage> renderPatientPageImages(const PatientPage& page, double dpi = 100.0);

}  // namespace emg::report
