#include "dicom_modules.h"

#include "dicom_values.h"

#include <dcmtk/dcmdata/dcostrmb.h>

#include <stdexcept>

namespace emg::report::dicom {

void check(const OFCondition& c, const std::string& what) {
    if (c.bad()) throw std::runtime_error("DICOM: cannot set " + what + ": " + c.text());
}

void putText(DcmItem& item, const DcmTagKey& tag, const std::string& value) {
    check(item.putAndInsertString(tag, value.c_str()), DcmTag(tag).getTagName());
}

void putUs(DcmItem& item, const DcmTagKey& tag, std::uint16_t value) { check(item.putAndInsertUint16(tag, value), DcmTag(tag).getTagName()); }
void putUl(DcmItem& item, const DcmTagKey& tag, std::uint32_t value) { check(item.putAndInsertUint32(tag, value), DcmTag(tag).getTagName()); }

void putUsArray(DcmItem& item, const DcmTagKey& tag, const std::vector<std::uint16_t>& values) {
    check(item.putAndInsertUint16Array(tag, values.data(), static_cast<unsigned long>(values.size())), DcmTag(tag).getTagName());
}

DcmItem& appendItem(DcmItem& item, const DcmTagKey& tag) {
    DcmItem* added = nullptr;
    check(item.findOrCreateSequenceItem(tag, added, -2), DcmTag(tag).getTagName());
    if (!added) throw std::runtime_error(std::string("DICOM: no item added to ") + DcmTag(tag).getTagName());
    return *added;
}

void putCode(DcmItem& item, const DcmTagKey& sequence, const std::string& value, const std::string& scheme, const std::string& meaning) {
    DcmItem& code = appendItem(item, sequence);
    putText(code, DCM_CodeValue, value);
    putText(code, DCM_CodingSchemeDesignator, scheme);
    putText(code, DCM_CodeMeaning, limitText(meaning, 64));
}

void putPatientModule(DcmItem& ds, const ExportIdentity& id) {
    putText(ds, DCM_PatientName, personName(id.patient.name));
    putText(ds, DCM_PatientID, limitText(id.patient.id, 64));
    putText(ds, DCM_PatientBirthDate, dicomDate(id.patient.birthDate));
    putText(ds, DCM_PatientSex, sexCode(id.patient.sex));
}

void putGeneralStudyModule(DcmItem& ds, const ExportIdentity& id) {
    putText(ds, DCM_StudyInstanceUID, id.studyInstanceUid);
    putText(ds, DCM_StudyDate, dicomDate(id.study.date));
    putText(ds, DCM_StudyTime, id.studyTime);
    putText(ds, DCM_ReferringPhysicianName, personName(id.study.referringPhysician));
    std::string studyId;   // SH: the store's id without hyphens, first 16 characters
    for (char c : id.study.id)
        if (c != '-' && studyId.size() < 16) studyId += c;
    putText(ds, DCM_StudyID, studyId);
    putText(ds, DCM_AccessionNumber, "");
    const std::string what = !id.study.indication.empty() ? id.study.indication : id.study.protocolId;
    putText(ds, DCM_StudyDescription, limitText("EMG/NCS" + (what.empty() ? std::string() : ": " + what), 64));
    if (!id.study.examiner.empty()) putText(ds, DCM_NameOfPhysiciansReadingStudy, personName(id.study.examiner));
}

void putGeneralEquipmentModule(DcmItem& ds, const ExportIdentity& id) {
    putText(ds, DCM_Manufacturer, "emgws");
    if (!id.institution.empty()) putText(ds, DCM_InstitutionName, limitText(id.institution, 64));
    putText(ds, DCM_ManufacturerModelName, "emgws EMG/NCS workstation");
    if (!id.softwareVersion.empty()) putText(ds, DCM_SoftwareVersions, limitText(id.softwareVersion, 64));
}

void putSopCommonModule(DcmItem& ds, const std::string& sopClassUid, const std::string& sopInstanceUid) {
    putText(ds, DCM_SpecificCharacterSet, "ISO_IR 192");
    putText(ds, DCM_SOPClassUID, sopClassUid);
    putText(ds, DCM_SOPInstanceUID, sopInstanceUid);
}

std::string part10Bytes(DcmFileFormat& file) {
    const E_TransferSyntax xfer = EXS_LittleEndianExplicit;
    check(file.validateMetaInfo(xfer), "the file meta information");
    std::vector<char> chunk(std::size_t{1} << 20);
    DcmOutputBufferStream out(chunk.data(), chunk.size());
    std::string bytes;
    file.transferInit();
    OFCondition status = EC_StreamNotifyClient;
    while (status == EC_StreamNotifyClient) {
        status = file.write(out, xfer, EET_ExplicitLength, nullptr);
        void* filled = nullptr;
        offile_off_t length = 0;
        out.flushBuffer(filled, length);
        bytes.append(static_cast<const char*>(filled), static_cast<std::size_t>(length));
    }
    file.transferEnd();
    check(status, "the file's bytes");
    return bytes;
}

}  // namespace emg::report::dicom
