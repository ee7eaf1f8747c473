#include "encapsulated_pdf_file.h"

#include "dicom_values.h"

#include <limits>
#include <stdexcept>
#include <vector>

namespace emg::report::dicom {

std::string encapsulatedPdfFile(const ExportIdentity& id, const EncapsulatedPdfInput& in) {
    if (in.pdf.rfind("%PDF-", 0) != 0) throw std::invalid_argument("the signed report is not a PDF");
    if (in.pdf.size() >= std::numeric_limits<std::uint32_t>::max() - 2) throw std::length_error("the report PDF is too large for DICOM");
    DcmFileFormat file;
    DcmDataset& ds = *file.getDataset();
    putSopCommonModule(ds, UID_EncapsulatedPDFStorage, in.sopInstanceUid);
    putPatientModule(ds, id);
    putGeneralStudyModule(ds, id);
    // Encapsulated Document Series
    putText(ds, DCM_Modality, "DOC");
    putText(ds, DCM_SeriesInstanceUID, in.seriesInstanceUid);
    putText(ds, DCM_SeriesNumber, "2");
    putText(ds, DCM_SeriesDescription, "Signed report");
    putGeneralEquipmentModule(ds, id);
    // SC Equipment: made on this workstation
    putText(ds, DCM_ConversionType, "WSD");
    // Encapsulated Document
    const auto when = dicomDateTime(in.createdIso);
    putText(ds, DCM_InstanceNumber, "1");
    putText(ds, DCM_ContentDate, when.date);
    putText(ds, DCM_ContentTime, when.time);
    putText(ds, DCM_AcquisitionDateTime, when.date.empty() || when.time.empty() ? std::string() : when.date + when.time);
    putText(ds, DCM_BurnedInAnnotation, "YES");   // the pages carry the patient's name and ID
    putText(ds, DCM_DocumentTitle, limitText(in.title, 64));
    check(ds.insertEmptyElement(DCM_ConceptNameCodeSequence), "Concept Name Code Sequence");
    putText(ds, DCM_MIMETypeOfEncapsulatedDocument, "application/pdf");
    std::vector<Uint8> bytes(in.pdf.begin(), in.pdf.end());
    if (bytes.size() % 2) bytes.push_back(0);
    check(ds.putAndInsertUint8Array(DCM_EncapsulatedDocument, bytes.data(), static_cast<unsigned long>(bytes.size())), "Encapsulated Document");
    putUl(ds, DCM_EncapsulatedDocumentLength, static_cast<std::uint32_t>(in.pdf.size()));
    return part10Bytes(file);
}

}  // namespace emg::report::dicom
