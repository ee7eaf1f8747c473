#include "file_bytes.h"

#include <emg/io/recording_io.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace emg::io::detail {

std::vector<std::uint8_t> readFileBytes(const std::filesystem::path& path) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!f) throw FormatError(path.string() + ": cannot open: " + std::strerror(errno));
    std::vector<std::uint8_t> bytes;
    std::uint8_t buf[1 << 16];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) bytes.insert(bytes.end(), buf, buf + n);
    if (std::ferror(f.get())) throw FormatError(path.string() + ": read error");
    return bytes;
}

}  // namespace emg::io::detail
