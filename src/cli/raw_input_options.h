#pragma once
// `--format FMT --rate HZ --gain UV_PER_COUNT` for headerless input files (one ASCII column at a
// given rate, raw int16 with rate and gain), shared by `analyze` and `convert`.

#include <emg/core/recording.h>
#include <emg/io/raw_signal.h>
#include <emg/io/recording_io.h>

#include <filesystem>
#include <optional>
#include <string>

namespace emg::cli {

struct RawInputOptions {
    std::optional<std::string> format;
    std::optional<double> rateHz;
    std::optional<double> gainUvPerCount;
    /// Takes `name` (--format, --rate, --gain) with its value; false when the name is not one of them.
    /// Throws std::invalid_argument for a bad value.
    bool take(const std::string& name, const std::string& value);
    /// A binary format without --gain: the samples are counts of unknown size.
    [[nodiscard]] bool gainUnknown() const;
};

/// True when `path` is read as a headerless signal (--format given or an .asc/.txt/.csv name).
bool isHeaderless(const std::filesystem::path& path, const RawInputOptions& o);

/// The reader's options for a headerless binary file given with --format and --rate (which can
/// be read channel by channel); nullopt otherwise (ASCII, or options readInput refuses).
std::optional<io::RawSignalOptions> binaryRawOptions(const std::filesystem::path& path, const RawInputOptions& o);

/// Reads `path`: as a headerless signal when --format is given or the file ends in .asc/.txt/.csv
/// (then --rate is required), else as EDF/BDF/WFDB (and --rate/--gain are refused: the header says).
Recording readInput(const std::filesystem::path& path, const RawInputOptions& o, io::ReadInfo& info);

/// A whole finite number, else std::invalid_argument naming `what` ("--rate: 'x' is not a number").
double parseNumber(const std::string& text, const std::string& what);

/// The options' help lines.
const char* rawInputHelp() noexcept;

}  // namespace emg::cli
