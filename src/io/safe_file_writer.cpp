#include <emg/io/safe_file_writer.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <stdexcept>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace emg::io {

namespace {
std::string errnoText() { return std::strerror(errno); }

std::string randomSuffix() {
    static thread_local std::mt19937_64 rng{std::random_device{}() ^ static_cast<std::uint64_t>(::getpid())};
    static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string s;
    for (int i = 0; i < 10; ++i) s += kDigits[rng() % 36];
    return s;
}
}  // namespace

SafeFileWriter::SafeFileWriter(const std::filesystem::path& target) : target_(target) {
    if (target_.filename().empty()) throw std::runtime_error(target_.string() + ": not a file name");
    std::error_code ec;
    if (std::filesystem::is_directory(target_, ec)) throw std::runtime_error(target_.string() + ": is a directory");
    const std::filesystem::path dir = target_.has_parent_path() ? target_.parent_path() : std::filesystem::path(".");
    for (int attempt = 0; attempt < 100 && fd_ < 0; ++attempt) {
        tmp_ = dir / ("." + target_.filename().string() + "." + randomSuffix() + ".tmp");
        fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd_ < 0 && errno != EEXIST)
            throw std::runtime_error(target_.string() + ": cannot create the temporary file " + tmp_.string() + ": " + errnoText());
    }
    if (fd_ < 0) throw std::runtime_error(target_.string() + ": no free temporary file name beside it");
}

SafeFileWriter::~SafeFileWriter() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_ && !tmp_.empty()) ::unlink(tmp_.c_str());
}

void SafeFileWriter::write(const void* data, std::size_t size) {
    if (fd_ < 0) throw std::runtime_error(target_.string() + ": write after commit");
    const auto* p = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = ::write(fd_, p, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error(target_.string() + ": write failed: " + (n < 0 ? errnoText() : std::string("no progress")));
        p += n;
        size -= static_cast<std::size_t>(n);
        size_ += static_cast<std::uint64_t>(n);
    }
}

void SafeFileWriter::writeAt(std::uint64_t offset, const void* data, std::size_t size) {
    if (fd_ < 0) throw std::runtime_error(target_.string() + ": write after commit");
    if (offset + size > size_) throw std::runtime_error(target_.string() + ": writeAt beyond the bytes written");
    const auto* p = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = ::pwrite(fd_, p, size, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error(target_.string() + ": write failed: " + (n < 0 ? errnoText() : std::string("no progress")));
        p += n;
        size -= static_cast<std::size_t>(n);
        offset += static_cast<std::uint64_t>(n);
    }
}

void SafeFileWriter::commit(bool syncToDisk) {
    if (fd_ < 0) throw std::runtime_error(target_.string() + ": already committed");
    if (syncToDisk && ::fsync(fd_) != 0) throw std::runtime_error(target_.string() + ": fsync failed: " + errnoText());
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throw std::runtime_error(target_.string() + ": close failed: " + errnoText());
    if (::rename(tmp_.c_str(), target_.c_str()) != 0)
        throw std::runtime_error(target_.string() + ": cannot replace it with " + tmp_.string() + ": " + errnoText());
    committed_ = true;
}

}  // namespace emg::io
