#pragma once
// What the WFDB record reader (wfdb_reader.cpp) and the streaming WFDB -> EDF+/BDF+ conversion
// (wfdb_stream_convert.cpp) share: sizes of a format's sample stream, the unit words and limits.
#include <emg/core/recording.h>
#include <emg/io/wfdb.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace emg::io::detail {

inline constexpr std::uintmax_t kMaxWfdbHeaderBytes = 16u << 20;   ///< a .hea is text of a few lines per signal
inline constexpr double kMaxWfdbSampleRateHz = 1e7;
/// Samples of null signals (stored in no file, filled with the baseline) the reader fills in at
/// most per record: their memory is not bounded by the input's size.
inline constexpr long long kMaxWfdbSynthesizedSamples = 1LL << 22;
/// An .atr holds 2 bytes per mark; above this it is not read (a warning says so).
inline constexpr std::uintmax_t kMaxWfdbAnnotationFileBytes = 2u << 20;

/// Number of whole samples a stream of `bytes` bytes holds in `format` (0 for unknown formats).
std::size_t wfdbStreamSamples(int format, std::size_t bytes);

/// Bytes holding `samples` consecutive samples of `format` (packed formats rounded up to whole samples).
double wfdbBytesForSamples(int format, double samples);

/// How much of a signal file the header lets a reader use: the frames wanted (nsamp plus the
/// largest skew; -1 when nsamp is unspecified) and the bytes they take from the file's start
/// (byte offset + the samples + 4 bytes of slack; UINTMAX_MAX when unbounded). The one bound
/// readWfdbRecord and WfdbSignalStreams both apply.
struct WfdbFileBound {
    long long wantFrames = -1;
    std::uintmax_t maxBytes = UINTMAX_MAX;
};
WfdbFileBound wfdbSignalFileBound(const WfdbSignalSpec& first, long long nsamp, long long maxSkew, long long samplesPerFrame);

/// The record's header read and checked as readWfdbRecord does (its size, each signal's rate);
/// throws FormatError naming the file.
WfdbHeader readCheckedWfdbHeader(const std::filesystem::path& headerPath);
/// recordingId, patientId (first comment) and startDateTime from the header.
void describeWfdbRecord(const WfdbHeader& h, Recording& rec);
/// The value of a header comment "key: value" or "<key>: value" (key in any case; EMGLAB writes
/// "# electrode: monopolar needle", PhysioNet "<age>: 44"); empty when no comment starts so.
std::string wfdbCommentValue(const WfdbHeader& h, std::string_view key);
/// Label, rate and unit of signal `idx` (the transducer from an "electrode:" comment); returns the physical value (µV for voltages) of one ADC
/// unit: sample = (adc - baseline) x the returned scale.
double describeWfdbChannel(const WfdbHeader& h, std::size_t idx, RecordedChannel& ch);
/// The .atr beside the header, if any and not too large (else a warning), onsets checked
/// against `durationSec`; warnings appended.
void readWfdbAnnotationsBeside(const std::filesystem::path& headerPath, double frameRateHz, double durationSec, Recording& rec,
                               std::vector<std::string>& warnings);

/// True when the file is a WFDB header naming a multi-segment record (false for anything else,
/// including a header too large or unreadable: the reader names those).
bool isWfdbMultiSegmentFile(const std::filesystem::path& headerPath);

/// How readWfdbSingleSegmentRecord reads a record: a segment of a multi-segment record has its
/// annotations in the whole record's .atr and its warnings reported by the whole record's reader.
struct WfdbSegmentRead {
    bool annotations = true;
    bool logWarnings = true;
};
/// A single-segment record (readWfdbRecord for a header that is not multi-segment).
Recording readWfdbSingleSegmentRecord(const std::filesystem::path& headerPath, ReadInfo& info, const WfdbSegmentRead& how);
/// A multi-segment record (wfdb_multisegment.cpp): its segments' samples back to back, null
/// segments as holes (Recording::segments, ReadInfo::gaps).
Recording readWfdbMultiSegmentRecord(const std::filesystem::path& headerPath, ReadInfo& info);

/// µV per unit for WFDB unit strings (symbols in any case and words such as "millivolts"); 0 when not a voltage.
double microvoltsPerWfdbUnit(std::string_view units);

}  // namespace emg::io::detail
