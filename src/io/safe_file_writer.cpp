// SafeFileWriter: lstat check, mkostemp beside the target, checked writes, fsync, rename, fsync
// of the folder (see safe_file_writer.h).
#include <emg/io/safe_file_writer.h>

#include "write_fault_injection.h"

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace emg::io {

namespace {

std::string errnoText(int err) { return std::strerror(err); }

constexpr std::uint64_t kWritebackBytes = 8u << 20;

// ---- fault injection -------------------------------------------------------------------------
std::atomic<long> gFailAtWrite{0};     // 0 = off; else the write number that fails
std::atomic<long> gWritesCounted{0};
std::atomic<int> gFailErrno{ENOSPC};

void readInjectionFromEnvironment() {
    static std::once_flag once;
    std::call_once(once, [] {
        const char* spec = std::getenv("EMGWS_FAIL_WRITE");
        if (!spec || !*spec) return;
        char* end = nullptr;
        const long n = std::strtol(spec, &end, 10);
        if (n <= 0) return;
        int err = ENOSPC;
        if (end && *end == ':') {
            const std::string name = end + 1;
            if (name == "EIO") err = EIO;
            else if (name == "EFBIG") err = EFBIG;
            else if (name == "EDQUOT") err = EDQUOT;
        }
        failNthWriteForTesting(n, err);
    });
}

}  // namespace

/// The errno to fail this write with, or 0 to write for real (also asked by EdfRecorder).
int detail::injectedWriteFailure() {
    readInjectionFromEnvironment();
    const long at = gFailAtWrite.load(std::memory_order_acquire);
    if (at <= 0) return 0;
    return gWritesCounted.fetch_add(1) + 1 == at ? gFailErrno.load() : 0;
}

namespace {
int injectedFailure() { return detail::injectedWriteFailure(); }

// ---- helpers ---------------------------------------------------------------------------------
std::string kindOf(mode_t mode) {
    if (S_ISLNK(mode)) return "a symbolic link (neither followed nor replaced)";
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO (named pipe), not a regular file";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device, not a regular file";
    if (S_ISSOCK(mode)) return "a socket, not a regular file";
    return "not a regular file";
}

/// lstat of the target: false when absent; throws when it is not a regular file.
bool checkTarget(const std::filesystem::path& target, struct stat* st) {
    if (::lstat(target.c_str(), st) != 0) {
        if (errno == ENOENT) return false;
        throw std::runtime_error("cannot write " + target.string() + ": " + errnoText(errno));
    }
    if (!S_ISREG(st->st_mode)) throw SafeWriteRefused("cannot write " + target.string() + ": it is " + kindOf(st->st_mode));
    return true;
}

/// The process's umask without changing it (Linux: /proc/self/status), else the common 022.
mode_t currentUmask() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("Umask:", 0) == 0) return static_cast<mode_t>(std::strtol(line.c_str() + 6, nullptr, 8));
    return 022;
}

std::filesystem::path folderOf(const std::filesystem::path& target) {
    return target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
}

}  // namespace

void failNthWriteForTesting(long nth, int errorNumber) {
    gWritesCounted.store(0);
    gFailErrno.store(errorNumber);
    gFailAtWrite.store(nth > 0 ? nth : 0, std::memory_order_release);
}

void refuseUnsafeTarget(const std::filesystem::path& target) {
    struct stat st {};
    checkTarget(target, &st);
}

SafeFileWriter::SafeFileWriter(const std::filesystem::path& target) : target_(target) {
    if (target_.filename().empty() || target_.filename() == "." || target_.filename() == "..")
        throw SafeWriteRefused("cannot write " + target_.string() + ": not a file name");
    struct stat st {};
    targetExisted_ = checkTarget(target_, &st);
    const mode_t mode = targetExisted_ ? (st.st_mode & 07777) : (0666 & ~currentUmask());

    const std::filesystem::path dir = folderOf(target_);
    std::string pattern = (dir / ("." + target_.filename().string() + ".XXXXXX")).string();
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    fd_ = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd_ < 0)
        throw std::runtime_error("cannot write " + target_.string() + ": cannot create a file in " + dir.string() + ": " +
                                 errnoText(errno));
    tmp_ = std::filesystem::path(name.data());
    ::fchmod(fd_, mode);   // best effort: mkostemp made it 0600
}

SafeFileWriter::~SafeFileWriter() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_ && !tmp_.empty()) ::unlink(tmp_.c_str());
}

void SafeFileWriter::failWith(const std::string& what, int err) {
    // free the space at once; the destructor would do it too
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    if (!tmp_.empty()) ::unlink(tmp_.c_str());
    tmp_.clear();
    throw std::runtime_error("cannot write " + target_.string() + ": " + what + (what.empty() ? "" : ": ") + errnoText(err) +
                             (targetExisted_ ? " (the existing file is unchanged)" : " (nothing was written)"));
}

bool SafeFileWriter::preferDirectWrites() {
    if (fd_ < 0 || direct_) return direct_;
#if defined(__linux__) && defined(O_DIRECT)
    if (size_ % kDirectBlockBytes != 0) return false;
    const int flags = ::fcntl(fd_, F_GETFL);
    direct_ = flags >= 0 && ::fcntl(fd_, F_SETFL, flags | O_DIRECT) == 0;   // EINVAL where the file system has no O_DIRECT
#endif
    return direct_;
}

void SafeFileWriter::stopDirectWrites() {
#if defined(__linux__) && defined(O_DIRECT)
    const int flags = ::fcntl(fd_, F_GETFL);
    if (flags >= 0) (void)::fcntl(fd_, F_SETFL, flags & ~O_DIRECT);
#endif
    direct_ = false;
}

void SafeFileWriter::write(const void* data, std::size_t size) {
    if (fd_ < 0) throw std::logic_error("cannot write " + target_.string() + ": the file is already closed");
    const auto* p = static_cast<const char*>(data);
    if (direct_ && (reinterpret_cast<std::uintptr_t>(p) % kDirectBlockBytes != 0 || size % kDirectBlockBytes != 0 ||
                    size_ % kDirectBlockBytes != 0))
        stopDirectWrites();   // an unaligned piece (the end of the file): buffered from here on
    while (size > 0) {
        if (const int err = injectedFailure()) failWith("", err);
        const ssize_t n = ::write(fd_, p, size);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EINVAL && direct_) {   // the kernel refuses O_DIRECT here after all: buffered
            stopDirectWrites();
            continue;
        }
        if (n < 0) failWith("", errno);
        if (n == 0) failWith("", EIO);
        p += n;
        size -= static_cast<std::size_t>(n);
        size_ += static_cast<std::uint64_t>(n);
        if (direct_ && size_ % kDirectBlockBytes != 0) stopDirectWrites();   // a short direct write: the rest buffered
    }
    if (!direct_ && size_ - writebackFrom_ >= kWritebackBytes) startWriteback();
}

void SafeFileWriter::startWriteback() {
#if defined(__linux__)
    // Only a hint to the kernel: an error here shows again at the fsync of commit(), which decides.
    (void)::sync_file_range(fd_, static_cast<off_t>(writebackFrom_), static_cast<off_t>(size_ - writebackFrom_), SYNC_FILE_RANGE_WRITE);
#endif
    writebackFrom_ = size_;
}

void SafeFileWriter::writeAt(std::uint64_t offset, const void* data, std::size_t size) {
    if (fd_ < 0) throw std::logic_error("cannot write " + target_.string() + ": the file is already closed");
    if (offset + size > size_) throw std::logic_error("cannot write " + target_.string() + ": rewriting beyond the bytes written");
    if (direct_) stopDirectWrites();
    const auto* p = static_cast<const char*>(data);
    while (size > 0) {
        if (const int err = injectedFailure()) failWith("", err);
        const ssize_t n = ::pwrite(fd_, p, size, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) failWith("", errno);
        if (n == 0) failWith("", EIO);
        p += n;
        size -= static_cast<std::size_t>(n);
        offset += static_cast<std::uint64_t>(n);
    }
}

void SafeFileWriter::extendTo(std::uint64_t bytes) {
    if (fd_ < 0) throw std::logic_error("cannot write " + target_.string() + ": the file is already closed");
    if (bytes <= size_) return;
    if (const int err = injectedFailure()) failWith("", err);
    if (::ftruncate(fd_, static_cast<off_t>(bytes)) != 0) failWith("", errno);
    if (::lseek(fd_, 0, SEEK_END) < 0) failWith("", errno);
    size_ = bytes;
}

void SafeFileWriter::commit() {
    if (fd_ < 0) throw std::logic_error("cannot write " + target_.string() + ": already committed");
    if (::fsync(fd_) != 0) failWith("saving to disk failed", errno);
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) failWith("closing failed", errno);
    struct stat st {};
    try {
        checkTarget(target_, &st);   // something put there meanwhile is refused too
    } catch (...) {
        ::unlink(tmp_.c_str());
        tmp_.clear();
        throw;
    }
    if (::rename(tmp_.c_str(), target_.c_str()) != 0) failWith("replacing it failed", errno);
    committed_ = true;
    const int dirFd = ::open(folderOf(target_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd >= 0) {
        const int rc = ::fsync(dirFd);
        const int err = errno;
        ::close(dirFd);
        // a folder that cannot be synced (some network file systems) is not an error; a failing disk is
        if (rc != 0 && err != EINVAL && err != ENOTSUP)
            throw std::runtime_error("cannot write " + target_.string() + ": the file is in place but saving its folder to disk failed: " +
                                     errnoText(err));
    }
}

void writeFileSafely(const std::filesystem::path& target, std::string_view bytes) {
    SafeFileWriter out(target);
    out.write(bytes);
    out.commit();
}

}  // namespace emg::io
