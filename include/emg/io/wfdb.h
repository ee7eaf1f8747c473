#pragma once
// WFDB (PhysioNet) record import: the .hea header and the signal files (formats 8, 16, 24, 32,
// 61, 80, 160, 212, 310, 311). Used by readRecording() for .hea files; exposed for tests and
// fuzzing. Errors throw emg::io::FormatError.

#include <emg/core/recording.h>
#include <emg/io/recording_io.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emg::io {

struct WfdbSignalSpec {
    std::string fileName;
    int format = 16;
    int samplesPerFrame = 1;
    int skew = 0;
    long long byteOffset = 0;
    double adcGain = 200.0;          ///< ADC units per physical unit (0 in the file -> 200, as WFDB; negative: inverted)
    bool gainDefaulted = false;
    long long baseline = 0;          ///< ADC value of 0 physical units (defaults to adcZero)
    std::string units = "mV";
    int adcResolution = 0;
    long long adcZero = 0;
    long long initialValue = 0;      ///< first sample (format 8 starts its differences here)
    std::optional<long long> checksum;
    long long blockSize = 0;
    std::string description;
};

struct WfdbHeader {
    std::string recordName;
    int signalCount = 0;
    double samplingFrequencyHz = 250.0;   ///< frames per second (WFDB default 250)
    double counterFrequencyHz = 0.0;
    double baseCounter = 0.0;
    long long samplesPerSignal = -1;      ///< frames; -1 = unknown (from the file size)
    std::string baseTime;                 ///< hh:mm:ss[.sss]
    std::string baseDate;                 ///< dd/mm/yyyy
    std::vector<WfdbSignalSpec> signals;
    std::vector<std::string> comments;
};

/// Parse a .hea text (LF, CRLF or lone-CR line endings, fields separated by spaces or tabs, '#'
/// comments). nsamp 0 or absent gives samplesPerSignal -1 (from the file size). A multi-segment
/// record's header (parseWfdbMultiSegmentHeader) and absurd numbers are refused with a clear FormatError.
WfdbHeader parseWfdbHeader(std::string_view text, const std::string& context = "<wfdb header>");

/// One segment of a multi-segment record: a single-segment record in the same folder, or "~"
/// (a null segment: that many frames with no signal recorded). A first segment of 0 frames is the
/// layout segment of a variable-layout record: its header names the record's signals.
struct WfdbSegmentSpec {
    std::string recordName;
    long long frames = 0;
};

/// A multi-segment record's header: the record line `name/segments signals [rate [samples [time
/// [date]]]]`, then one line per segment; no signal lines.
struct WfdbMultiSegmentHeader {
    std::string recordName;
    int signalCount = 0;
    double samplingFrequencyHz = 250.0;
    double counterFrequencyHz = 0.0;
    double baseCounter = 0.0;
    long long samplesPerSignal = -1;      ///< frames of the whole record; -1 = not given
    std::string baseTime;
    std::string baseDate;
    std::vector<WfdbSegmentSpec> segments;
    std::vector<std::string> comments;
};

/// More segments than any record plausibly has (a day of MIMIC waveforms has a few thousand).
inline constexpr long long kMaxWfdbSegments = 100000;

/// True when the header's record line names a multi-segment record ("name/segments").
bool isWfdbMultiSegmentHeader(std::string_view text);

/// The segments of the multi-segment record whose header is at `headerPath`; nullopt when the
/// file is no multi-segment header (a single-segment one, not a header, too large, unreadable).
std::optional<WfdbMultiSegmentHeader> readWfdbMultiSegmentHeader(const std::filesystem::path& headerPath);

/// True when a null segment ("~") of some frames lies between two segments with samples: the
/// record has a hole, as an EDF+D file can (segments read short add holes the header cannot show).
bool hasHoleBetweenSegments(const WfdbMultiSegmentHeader& header);

/// Parse a multi-segment header (same line and field rules as parseWfdbHeader).
WfdbMultiSegmentHeader parseWfdbMultiSegmentHeader(std::string_view text, const std::string& context = "<wfdb header>");

/// Decode the raw ADC samples of the signals stored in one file. `signalIndices` are the header
/// indices of the signals in that file, in order. Returns one vector per signal; samples the
/// format marks as invalid (e.g. -32768 in format 16) are counted in `invalidSamples` and set
/// to the signal's baseline. `maxFrames` < 0: as many as the data holds. `storedSums`, when given
/// (one per signal in the file), gets the values of the first `sumFrames` decoded frames (all when
/// < 0) added as the WFDB checksum counts them: as stored (an invalid code before it becomes the
/// baseline; format 8 the reconstructed value), modulo 2^16.
std::vector<std::vector<std::int32_t>> decodeWfdbSignalFile(const WfdbHeader& header, const std::vector<int>& signalIndices,
                                                            const std::uint8_t* data, std::size_t size, long long maxFrames,
                                                            std::size_t& invalidSamples, const std::string& context,
                                                            std::vector<std::uint16_t>* storedSums = nullptr, long long sumFrames = -1);

/// Parse an annotation file in MIT format (e.g. `<record>.atr`): onsets from the sample counts
/// at `frameRateHz`; text is the auxiliary string when present (e.g. "Stim wrist", "(AFIB"),
/// else the standard mnemonic of the code ("N", "V", "~", ...). A malformed tail ends the list
/// with a warning appended to `warnings`.
std::vector<Annotation> parseMitAnnotations(const std::uint8_t* data, std::size_t size, double frameRateHz,
                                            std::vector<std::string>& warnings);

/// Read a record from its header path (the signal files beside it). Samples in µV for voltages
/// (unit symbols in any case and words such as "microvolt"); skew applied. A signal file holding
/// less than half the frames nsamp announces is refused; only the bytes nsamp needs are read.
/// Annotations come from `<record>.atr` beside the header when it exists.
Recording readWfdbRecord(const std::filesystem::path& headerPath, ReadInfo& info);

}  // namespace emg::io
