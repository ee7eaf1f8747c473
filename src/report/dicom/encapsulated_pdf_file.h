#pragma once
// The signed report as Encapsulated PDF Storage (SOP class 1.2.840.10008.5.1.4.1.1.104.1, IOD
// PS3.3 A.45.1): Patient, General Study, Encapsulated Document Series (modality DOC), General
// Equipment, SC Equipment (conversion WSD), Encapsulated Document, SOP Common.
#include "dicom_modules.h"

#include <string>

namespace emg::report::dicom {

struct EncapsulatedPdfInput {
    std::string pdf;                 ///< the document's bytes, as signed
    std::string title;               ///< Document Title
    std::string createdIso;          ///< when the document was made (the signing time, ISO 8601 UTC)
    std::string seriesInstanceUid, sopInstanceUid;
};

/// The object as Part 10 bytes (the PDF padded to an even length, its true length in
/// Encapsulated Document Length).
std::string encapsulatedPdfFile(const ExportIdentity& id, const EncapsulatedPdfInput& in);

}  // namespace emg::report::dicom
