#pragma once
// The summary cache file: a fixed header naming what it summarizes (the recording's SHA-256 and
// size, the levels, each channel's stored samples), then for each level and each channel its
// bins as pairs of int32 digital (min, max), little-endian. Every offset follows from the header,
// so the layout is known before the first bin is computed.
//   "EMGWSSUM" | u32 version | u32 levels | u32 channels | u32 0 | u64 file size | 64 hex chars |
//   u64 samplesPerBin[levels] | u64 storedSamples[channels] | bins...
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace emg::review::detail {

struct SummaryLayout {
    std::string sha256;                        ///< 64 lower-case hex digits
    std::uint64_t fileSize = 0;
    std::vector<std::int64_t> samplesPerBin;   ///< per level
    std::vector<std::int64_t> storedSamples;   ///< per channel

    std::uint64_t headerBytes() const noexcept;
    std::uint64_t binCount(std::size_t level, std::size_t channel) const noexcept;
    std::uint64_t dataOffset(std::size_t level, std::size_t channel) const noexcept;
    std::uint64_t totalBytes() const noexcept;
    std::string header() const;
};

/// The cache file's name for a recording's SHA-256.
std::filesystem::path summaryFileName(const std::string& sha256);

/// Opens `file` read-only if it is a summary of exactly `expected` (header equal, size right);
/// else returns -1 and says why in `whyNot` ("" when the file does not exist).
int openSummaryFile(const std::filesystem::path& file, const SummaryLayout& expected, std::string& whyNot);

}  // namespace emg::review::detail
