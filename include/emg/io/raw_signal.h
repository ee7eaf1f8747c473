#pragma once
// Headerless signal files other labs publish: one or more ASCII columns of numbers, or raw binary
// samples (int16/int32/float32, little- or big-endian, channels interleaved). Nothing in such a
// file says its rate or scale, so the caller gives them (`emgws-cli analyze --format ascii --rate
// 32768`, `--format int16le --rate 23437.5 --gain 0.5`). Qt-free.

#include <emg/core/recording.h>
#include <emg/io/recording_io.h>

#include <filesystem>
#include <optional>
#include <string>

namespace emg::io {

enum class RawSampleFormat { Ascii, Int16Le, Int16Be, Int32Le, Int32Be, Float32Le, Float32Be };

/// "ascii" | "int16le" | "int16be" | "int32le" | "int32be" | "float32le" | "float32be" (also
/// "int16" = int16le, "txt"/"asc"/"csv" = ascii); nullopt for anything else.
std::optional<RawSampleFormat> parseRawSampleFormat(const std::string& name);
const char* toString(RawSampleFormat f) noexcept;

struct RawSignalOptions {
    RawSampleFormat format = RawSampleFormat::Ascii;
    double sampleRateHz = 0.0;                 ///< required, > 0
    std::optional<double> gainUvPerCount;      ///< physical value = count x gain; ASCII default 1 (values are µV)
    int channels = 1;                          ///< interleaved binary channels; ASCII: taken from the columns
};

/// Reads the file as `o` says. ASCII: numbers separated by spaces, tabs, commas or semicolons,
/// any line ending (LF, CRLF, CR); leading lines that are not numbers (a header) are skipped and
/// named in a warning; a later non-numeric line is an error naming it. Binary: the file size must
/// be a whole number of frames (a trailing partial frame is dropped with a warning). A binary file
/// read without --gain is taken as 1 µV per count and `info.warnings` says amplitudes are not µV.
/// Throws FormatError (bad content) or std::invalid_argument (bad options).
Recording readRawSignal(const std::filesystem::path& path, const RawSignalOptions& o, ReadInfo& info);

/// A binary headerless file described without its samples (what readRawSignal gives, channels
/// with empty `samples`; `frames` samples per channel), after reading it through once for the
/// checks readRawSignal makes. nullopt for ASCII. Throws as readRawSignal does.
struct RawSignalOutline {
    Recording recording;
    ReadInfo info;
    std::size_t frames = 0;
};
std::optional<RawSignalOutline> readRawSignalOutline(const std::filesystem::path& path, const RawSignalOptions& o);

/// One channel of a binary headerless file as float physical values (count x gain), read a
/// block at a time: 4 bytes a sample. Throws std::invalid_argument for ASCII.
std::vector<float> readRawChannelAsFloat(const std::filesystem::path& path, const RawSignalOptions& o, std::size_t channel);

}  // namespace emg::io
