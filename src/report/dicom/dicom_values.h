#pragma once
// The study's values in DICOM's text forms (PS3.5 6.2): person names, sex, dates, decimal
// strings, and the UIDs of an export. Qt-free, no DCMTK.
#include <emg/study/types.h>

#include <string>

namespace emg::report::dicom {

/// "Family, Given" -> "Family^Given"; a name without a comma is all family name. Each component
/// is cut to 64 characters (PN).
std::string personName(const std::string& name);
/// M / F / O; "" for an unknown sex (Patient's Sex is type 2: present, may be empty).
std::string sexCode(study::Sex sex);
/// "2026-11-24" -> "20261124"; "" for an empty or malformed date.
std::string dicomDate(const std::string& isoDate);
/// "2026-11-24T09:05:03[.xxx][Z]" -> {"20261124", "090503"}; empty parts when unreadable.
struct DateTimeParts {
    std::string date, time;
};
DateTimeParts dicomDateTime(const std::string& isoDateTime);
/// A decimal string (DS, at most 16 characters) as close to `value` as 16 characters allow
/// (up to 15 significant digits); throws std::invalid_argument for NaN or infinity.
std::string decimalString(double value);
/// Cuts `text` to `maxChars` (a DICOM value's length limit), never inside a UTF-8 character.
std::string limitText(const std::string& text, std::size_t maxChars);

/// "2.25.<decimal>" from the first 128 bits of SHA-256(`name`), marked as a name-based UUID
/// (version 8, RFC 9562 variant): the same name always gives the same UID.
std::string uidFromName(const std::string& name);
/// "2.25.<decimal>" of a random (version 4) UUID: a new UID on every call.
std::string randomUid();

/// The Study Instance UID of a stored study: uidFromName("emgws study " + studyId), so every
/// export of the study (EMG waveforms, report) carries the same one, without storing it.
std::string studyInstanceUid(const std::string& studyId);

}  // namespace emg::report::dicom
