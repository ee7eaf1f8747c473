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
    double sampleRateHz = 0.0;                 ///< > 0; for ASCII 0 = what the file states (an error if nothing)
    std::optional<double> gainUvPerCount;      ///< physical value = count x gain; ASCII default 1 (values are µV)
    int channels = 1;                          ///< interleaved binary channels; ASCII: taken from the columns
};

/// Reads the file as `o` says. ASCII: numbers separated by spaces, tabs, commas or semicolons
/// (a comma is the decimal mark when the first row of numbers is cut by ';' and has no '.', or by
/// tabs with every comma between digits), any line ending (LF, CRLF, CR); leading lines that are
/// not numbers (a header) are skipped and named in a warning, and read for what they state
/// (src/io/ascii_header.h): column names become channel labels, a column unit (V, mV, µV, nV)
/// scales it to µV unless `gainUvPerCount` is given, a first column that is the time or a sample
/// number is not a channel (a time column's steps give the rate), and a stated rate ("Interval=",
/// "Sampling rate: 10 kHz") is used when `sampleRateHz` is 0 (ASCII only; given, it wins and a
/// disagreeing file is named in a warning). A later non-numeric line is an error naming it. Binary: the file size must
/// be a whole number of frames (a trailing partial frame is dropped with a warning). A binary file
/// read without --gain is taken as 1 µV per count and `info.warnings` says amplitudes are not µV.
/// Throws FormatError (bad content) or std::invalid_argument (bad options).
Recording readRawSignal(const std::filesystem::path& path, const RawSignalOptions& o, ReadInfo& info);

/// The sample rate an ASCII signal file states, from its first 64 KiB: a "sampling rate" or
/// LabChart "Interval=" line, else the steps of a first time column (in s unless its heading
/// names ms); nullopt when it states none (or the file cannot be read). For a dialog's default:
/// readRawSignal decides on the whole file.
std::optional<double> asciiStatedRateHz(const std::filesystem::path& path);

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
