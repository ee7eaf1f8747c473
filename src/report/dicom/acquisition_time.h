#pragma once
// When each multiplex group starts: the recording's start (EDF header, local time as written)
// plus the span's start, as a DICOM DT, and the offsets of the groups from the earliest.
#include <optional>
#include <string>

namespace emg::report::dicom {

/// Microseconds since 1970-01-01T00:00:00 of an ISO "YYYY-MM-DDThh:mm:ss" (no zone: the
/// clock as written); nullopt when unreadable.
std::optional<long long> isoToMicroseconds(const std::string& iso);
/// "YYYYMMDDhhmmss.ffffff" of microseconds since 1970-01-01 (the inverse of the above).
std::string dicomDateTimeOf(long long microseconds);

}  // namespace emg::report::dicom
