#include "summary_file.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace emg::review::detail {

namespace {
constexpr char kMagic[8] = {'E', 'M', 'G', 'W', 'S', 'S', 'U', 'M'};
constexpr std::uint32_t kVersion = 1;
constexpr std::uint64_t kBinBytes = 8;

void putU32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}
void putU64(std::string& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}
}  // namespace

std::uint64_t SummaryLayout::headerBytes() const noexcept {
    return 8 + 4 * 4 + 8 + 64 + 8 * (samplesPerBin.size() + storedSamples.size());
}

std::uint64_t SummaryLayout::binCount(std::size_t level, std::size_t channel) const noexcept {
    const auto n = static_cast<std::uint64_t>(storedSamples[channel]);
    const auto per = static_cast<std::uint64_t>(samplesPerBin[level]);
    return (n + per - 1) / per;
}

std::uint64_t SummaryLayout::dataOffset(std::size_t level, std::size_t channel) const noexcept {
    std::uint64_t off = headerBytes();
    for (std::size_t l = 0; l < samplesPerBin.size(); ++l)
        for (std::size_t c = 0; c < storedSamples.size(); ++c) {
            if (l == level && c == channel) return off;
            off += binCount(l, c) * kBinBytes;
        }
    return off;
}

std::uint64_t SummaryLayout::totalBytes() const noexcept { return dataOffset(samplesPerBin.size(), 0); }

std::string SummaryLayout::header() const {
    std::string h(kMagic, sizeof kMagic);
    putU32(h, kVersion);
    putU32(h, static_cast<std::uint32_t>(samplesPerBin.size()));
    putU32(h, static_cast<std::uint32_t>(storedSamples.size()));
    putU32(h, 0);
    putU64(h, fileSize);
    std::string sha = sha256;
    sha.resize(64, ' ');
    h += sha;
    for (auto v : samplesPerBin) putU64(h, static_cast<std::uint64_t>(v));
    for (auto v : storedSamples) putU64(h, static_cast<std::uint64_t>(v));
    return h;
}

std::filesystem::path summaryFileName(const std::string& sha256) { return sha256 + ".emgsum"; }

int openSummaryFile(const std::filesystem::path& file, const SummaryLayout& expected, std::string& whyNot) {
    whyNot.clear();
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        if (errno != ENOENT) whyNot = file.string() + ": cannot open: " + std::strerror(errno);
        return -1;
    }
    auto refuse = [&](const std::string& why) {
        ::close(fd);
        whyNot = file.string() + ": " + why;
        return -1;
    };
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return refuse("not a regular file");
    if (static_cast<std::uint64_t>(st.st_size) != expected.totalBytes())
        return refuse("size " + std::to_string(st.st_size) + " bytes, a summary of this recording has " +
                      std::to_string(expected.totalBytes()));
    const std::string want = expected.header();
    std::string have(want.size(), '\0');
    if (::pread(fd, have.data(), have.size(), 0) != static_cast<ssize_t>(have.size())) return refuse("cannot read its header");
    if (have != want) return refuse("its header does not describe this recording (other file, levels or version)");
    return fd;
}

}  // namespace emg::review::detail
