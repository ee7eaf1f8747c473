#pragma once
// The DICOM export of a study kept in the session store: the study, its patient and, when it is
// signed, the PDF exactly as signed (its SHA-256 checked against the signature) go to
// exportStudyDicom (study_dicom_export.h). Used by `emgws-cli export dicom` and the Study tab.
#include <emg/report/dicom/study_dicom_export.h>
#include <emg/study/session_store.h>

#include <filesystem>
#include <string>

namespace emg::report::dicom {

/// Throws study::StoreError for an unknown study or patient, or a stored PDF that no longer has
/// its signed SHA-256; otherwise as exportStudyDicom.
DicomExportResult exportStoredStudyDicom(study::SessionStore& store, const std::string& studyId, const std::filesystem::path& outDir,
                                         const std::string& softwareVersion, const std::string& institution = {});

}  // namespace emg::report::dicom
