#pragma once
// The modules both exported objects share (PS3.3): Patient (C.7.1.1), General Study (C.7.2.1),
// General Equipment (C.7.5.1), SOP Common (C.12.1), and the checked DCMTK calls that fill them.
// Strings are UTF-8 (Specific Character Set ISO_IR 192).
#include <emg/study/study.h>

#include <dcmtk/dcmdata/dctk.h>

#include <cstdint>
#include <string>
#include <vector>

namespace emg::report::dicom {

/// Who and what an export is about; the same for every file of the export.
struct ExportIdentity {
    study::Patient patient;
    study::Study study;
    std::string studyInstanceUid;
    std::string studyTime;        ///< HHMMSS of the first recording, "" when unknown (type 2)
    std::string softwareVersion;  ///< emgws version
    std::string institution;      ///< "" when not configured
};

/// Throws std::runtime_error naming `what` when DCMTK refused a call.
void check(const OFCondition& c, const std::string& what);
void putText(DcmItem& item, const DcmTagKey& tag, const std::string& value);
void putUs(DcmItem& item, const DcmTagKey& tag, std::uint16_t value);
void putUl(DcmItem& item, const DcmTagKey& tag, std::uint32_t value);
void putUsArray(DcmItem& item, const DcmTagKey& tag, const std::vector<std::uint16_t>& values);
/// A new item appended to the sequence `tag` of `item` (the sequence is created when absent).
DcmItem& appendItem(DcmItem& item, const DcmTagKey& tag);
/// A code sequence item (Code Value, Coding Scheme Designator, Code Meaning).
void putCode(DcmItem& item, const DcmTagKey& sequence, const std::string& value, const std::string& scheme, const std::string& meaning);

void putPatientModule(DcmItem& ds, const ExportIdentity& id);
void putGeneralStudyModule(DcmItem& ds, const ExportIdentity& id);
void putGeneralEquipmentModule(DcmItem& ds, const ExportIdentity& id);
void putSopCommonModule(DcmItem& ds, const std::string& sopClassUid, const std::string& sopInstanceUid);

/// The whole Part 10 file (preamble, meta header, data set in explicit VR little endian) as bytes.
std::string part10Bytes(DcmFileFormat& file);

}  // namespace emg::report::dicom
