#pragma once
// The EDF/BDF header: 256 bytes, then 256 bytes per signal. Parsing checks every field and
// throws FormatError with the field's name; formatting produces the exact layout.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace emg::io::detail {

struct EdfSignalHeader {
    std::string label;
    std::string transducer;
    std::string physicalDimension;
    double physicalMin = 0.0;
    double physicalMax = 0.0;
    std::int32_t digitalMin = 0;
    std::int32_t digitalMax = 0;
    std::string prefilter;
    std::int64_t samplesPerRecord = 0;
    bool isAnnotation() const noexcept { return label == "EDF Annotations" || label == "BDF Annotations"; }
    /// physical = digital * gain + offset
    double gain() const noexcept { return (physicalMax - physicalMin) / (static_cast<double>(digitalMax) - digitalMin); }
    double offset() const noexcept { return physicalMin - gain() * digitalMin; }
};

struct EdfHeader {
    bool bdf = false;                   ///< 3 bytes per sample
    std::string patient;
    std::string recording;
    std::string startDate;              ///< dd.mm.yy as in the file
    std::string startTime;              ///< hh.mm.ss
    std::string reserved;               ///< "EDF+C", "EDF+D", "BDF+C", "24BIT", ...
    std::int64_t dataRecords = -1;      ///< -1 = unknown (recording not finished)
    double recordDurationSec = 0.0;
    std::vector<EdfSignalHeader> signals;

    bool isPlus() const noexcept { return reserved.rfind("EDF+", 0) == 0 || reserved.rfind("BDF+", 0) == 0; }
    bool isDiscontinuous() const noexcept { return reserved.rfind("EDF+D", 0) == 0 || reserved.rfind("BDF+D", 0) == 0; }
    std::size_t headerBytes() const noexcept { return 256 * (signals.size() + 1); }
    std::size_t bytesPerSample() const noexcept { return bdf ? 3 : 2; }
    std::size_t recordBytes() const noexcept;
};

/// Parse and validate the header from the first bytes of a file. `context` names the file.
EdfHeader parseEdfHeader(const std::uint8_t* data, std::size_t size, const std::string& context);

/// The exact header bytes (256 * (ns + 1)).
std::string formatEdfHeader(const EdfHeader& header);

/// Convert "yyyy-mm-ddThh:mm:ss" (or empty = now, UTC) to EDF's dd.mm.yy / hh.mm.ss and the
/// EDF+ "dd-MMM-yyyy" start date; returns false if the text cannot be read (then "now" is used).
struct EdfDateTime {
    std::string date;      ///< dd.mm.yy
    std::string time;      ///< hh.mm.ss
    std::string plusDate;  ///< dd-MMM-yyyy
    std::string iso;       ///< yyyy-mm-ddThh:mm:ss
};
EdfDateTime edfDateTimeFrom(const std::string& iso);
/// ISO 8601 from the header fields (the EDF+ recording field's 4-digit year when present).
std::string isoFromEdfHeader(const EdfHeader& header);

/// EDF+ patient field: kept if it already has the 4 subfields, else "<code> X X X".
std::string edfPlusPatientField(const std::string& patientId);
/// EDF+ recording field: kept if it starts with "Startdate ", else built from the parts.
std::string edfPlusRecordingField(const std::string& recordingId, const EdfDateTime& when);

}  // namespace emg::io::detail
