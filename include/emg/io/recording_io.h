#pragma once
// Reading and writing recordings as files: EDF, EDF+ (continuous and discontinuous), BDF, BDF+,
// and WFDB import. Qt-free. Samples come back as physical values; voltages are converted to µV.
// Bad input throws FormatError with a message naming the file, the field and the problem.

#include <emg/core/recording.h>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace emg::io {

/// A file that cannot be read as what it claims to be (truncated, malformed, inconsistent).
struct FormatError : std::runtime_error {
    using runtime_error::runtime_error;
};

enum class FileFormat { Edf, EdfPlus, Bdf, BdfPlus, Wfdb, RawSignal, BrainVision };   ///< RawSignal: headerless (raw_signal.h), BrainVision (brainvision.h): read only

const char* toString(FileFormat format) noexcept;

/// A stretch with no recorded data (EDF+D record spacing, recorder gap), also listed as an
/// annotation "Gap <n> samples". An EDF+D hole is never filled: the Recording the readers return
/// holds the records' samples only, with Recording::segments saying where they lie. A recorder gap
/// in a continuous file is the zeros the file itself holds.
struct DataGap {
    double onsetSec = 0.0;
    double durationSec = 0.0;
};

/// What a reader found besides the samples.
struct ReadInfo {
    FileFormat format = FileFormat::EdfPlus;
    std::vector<DataGap> gaps;              ///< EDF+D gaps, recorder gaps
    std::vector<std::string> warnings;      ///< e.g. truncated last record, checksum mismatch
    std::int64_t dataRecords = 0;           ///< EDF/BDF: whole records read
    double recordDurationSec = 0.0;         ///< EDF/BDF
};

/// Read EDF(+)/BDF(+) (sniffed from the content) or a WFDB record (given by its .hea, its .dat
/// beside a .hea, or its record name without extension).
Recording readRecording(const std::filesystem::path& path);
Recording readRecording(const std::filesystem::path& path, ReadInfo& info);

/// Write EDF+ (16-bit) or BDF+ (24-bit), continuous ("EDF+C"/"BDF+C"), with the recording's
/// annotations in an "EDF Annotations"/"BDF Annotations" signal. Plain Edf/Bdf are written as
/// their "+" variants (readable by any EDF/BDF reader). Wfdb is not a write target.
/// Each channel's physical range is its data's min/max rounded outward to the 8-character
/// field, so no sample is clipped; the error is at most half an LSB of the output resolution.
void writeRecording(const Recording& rec, const std::filesystem::path& path, FileFormat format);

/// A recording with Recording::segments (an EDF+D read) is written EDF+D/BDF+D with each segment's
/// records at its times (the record duration chosen to divide every segment, so no sample is
/// added), whatever `gaps` say.
/// The same, discontinuous where `gaps` say so: data records lying entirely inside a gap are
/// left out and the file is marked "EDF+D"/"BDF+D" (records keep their true onsets in their
/// time-keeping TALs; annotations "Gap <n> samples" at a gap's onset are not repeated). Without
/// any record left out the file is continuous as above. Note: some readers (e.g. MNE 1.3)
/// ignore EDF+D timing; the continuous form (zero fill + annotation) is the portable one.
void writeRecording(const Recording& rec, const std::filesystem::path& path, FileFormat format, const std::vector<DataGap>& gaps);

/// Whose signals a Recording holds, for the labels written: our own recordings and simulations
/// are labelled in the EDF+ standard form "EMG <site>" (an untyped voltage channel gets the
/// type); signals from another system keep their labels (a type split off by the reader is put
/// back in front).
enum class SignalOrigin { Ours, Foreign };

struct WriteOptions {
    std::vector<DataGap> gaps;            ///< as in the discontinuous overload above
    SignalOrigin origin = SignalOrigin::Ours;
};

/// The general form of the two above. Every writer here writes a temporary file beside `path`
/// and renames it on success (SafeFileWriter): a failure leaves an existing file untouched.
void writeRecording(const Recording& rec, const std::filesystem::path& path, FileFormat format, const WriteOptions& options);

/// The output format for a file name: ".bdf" -> BdfPlus, ".edf" -> EdfPlus (case-insensitive);
/// throws FormatError otherwise.
FileFormat writeFormatForPath(const std::filesystem::path& path);

/// Parse from memory (used by the fuzz targets and tests; throw FormatError on bad input).
Recording parseEdf(const std::uint8_t* data, std::size_t size, ReadInfo& info, const std::string& name = "<memory>");

}  // namespace emg::io
