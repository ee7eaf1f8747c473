#pragma once
// DICOM export of a stored study for the hospital archive (PACS), with DCMTK:
//  - the waveforms of every test that links a recording, as one Electromyogram Waveform Storage
//    object (one multiplex group per test: the whole linked span, samples exactly as stored,
//    markers as waveform annotations);
//  - the signed report as an Encapsulated PDF Storage object, when the study is signed.
// Both carry the same Study Instance UID, derived from the study's id (studyInstanceUid), so
// every export of a study lands in the same PACS study. Every file goes through the safe-write
// helper; everything is read and built before the first file is written, so an export that fails
// (a recording missing or changed since it was stored) writes nothing.
// Qt-free (the CLI and the GUI take the study, patient and signed PDF from the store).
#include <emg/study/study.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace emg::report::dicom {

struct SignedReport {
    std::string pdf;          ///< the bytes as signed (SessionStore::signedPdf)
    std::string signedAt;     ///< ISO 8601 UTC
    std::string examiner;
};

struct DicomExportRequest {
    study::Patient patient;
    study::Study study;
    std::optional<SignedReport> signedReport;   ///< absent: the study is not signed (no PDF object)
    std::filesystem::path outDir;
    std::string softwareVersion;
    std::string institution;
};

struct ExportedGroup {
    std::string testId, description;
    std::string recording, sha256;
    double fromSec = 0.0, toSec = 0.0;
    std::size_t channels = 0, samplesPerChannel = 0;
    double sampleRateHz = 0.0;
    std::string sampleInterpretation;   ///< SS or SL
    std::size_t markers = 0;
};

struct ExportedFile {
    std::filesystem::path path;
    std::string kind;                   ///< "emg-waveform" or "encapsulated-pdf"
    std::string sopClassUid, sopInstanceUid, seriesInstanceUid;
    std::size_t bytes = 0;
};

struct DicomExportResult {
    std::string studyInstanceUid;
    std::vector<ExportedFile> files;
    std::vector<ExportedGroup> groups;
    std::vector<std::string> notes;     ///< tests without a recording, unsigned study, markers not placed, ...
};

/// The Study Instance UID of a study: "2.25." + the decimal of a name-based UUID made from the
/// SHA-256 of "emgws study <id>" (the same for every export of the study, nothing stored).
std::string studyInstanceUid(const std::string& studyId);

/// Writes OUTDIR/<study id>-emg.dcm (when a test links a recording) and
/// OUTDIR/<study id>-report.dcm (when signed). Throws std::runtime_error with the reason (a
/// linked recording missing or changed, OUTDIR not a folder, a write refused); then nothing is written.
DicomExportResult exportStudyDicom(const DicomExportRequest& request);

}  // namespace emg::report::dicom
