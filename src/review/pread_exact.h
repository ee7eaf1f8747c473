#pragma once
// pread until `size` bytes are in or the file ends; throws emg::io::FormatError on an I/O error
// or when the file ends first (it shrank after it was opened).
#include <cstddef>
#include <cstdint>
#include <string>

namespace emg::review::detail {
void preadExact(int fd, void* out, std::size_t size, std::uint64_t offset, const std::string& name);
}
