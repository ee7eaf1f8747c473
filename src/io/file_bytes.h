#pragma once
#include <cstdint>
#include <filesystem>
#include <vector>

namespace emg::io::detail {
/// The whole file; throws FormatError naming the file if it cannot be opened or read.
std::vector<std::uint8_t> readFileBytes(const std::filesystem::path& path);
}  // namespace emg::io::detail
