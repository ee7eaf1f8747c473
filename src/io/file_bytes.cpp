#include "file_bytes.h"

#include <emg/io/recording_io.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace emg::io::detail {

std::string fileTypeName(unsigned mode) {
    switch (mode & S_IFMT) {
        case S_IFREG: return "a regular file";
        case S_IFDIR: return "a directory";
        case S_IFIFO: return "a FIFO (named pipe)";
        case S_IFCHR: return "a character device";
        case S_IFBLK: return "a block device";
        case S_IFSOCK: return "a socket";
        case S_IFLNK: return "a symbolic link";
        default: return "not a regular file";
    }
}

namespace {
[[noreturn]] void refuseType(const std::filesystem::path& path, unsigned mode) {
    throw FormatError(path.string() + ": is " + fileTypeName(mode) + ", not a file this program reads");
}
}  // namespace

void requireRegularFile(const std::filesystem::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) throw FormatError(path.string() + ": cannot open: no such file");
        throw FormatError(path.string() + ": cannot open: " + std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) refuseType(path, st.st_mode);
}

int openRegularFile(const std::filesystem::path& path) {
    // O_NONBLOCK: opening a FIFO without a writer (or a tty) must not wait; regular files ignore it
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENOENT) throw FormatError(path.string() + ": cannot open: no such file");
        throw FormatError(path.string() + ": cannot open: " + std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int e = errno;
        ::close(fd);
        throw FormatError(path.string() + ": cannot stat: " + std::strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        refuseType(path, st.st_mode);
    }
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    return fd;
}

std::vector<std::uint8_t> readFileBytes(const std::filesystem::path& path, std::uintmax_t maxBytes) {
    const int fd = openRegularFile(path);
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    ::fstat(fd, &st);
    const auto size = static_cast<std::uintmax_t>(st.st_size);
    if (size > maxBytes)
        throw FormatError(path.string() + ": " + std::to_string(size) + " bytes, more than the " + std::to_string(maxBytes) +
                          " this kind of file can hold");
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw FormatError(path.string() + ": read error: " + std::strerror(errno));
        if (n == 0) break;   // the file shrank while read: what is there
        done += static_cast<std::size_t>(n);
    }
    bytes.resize(done);
    return bytes;
}

std::filesystem::path fileInFolderAnyCase(const std::filesystem::path& dir, const std::string& name) {
    const auto written = dir / name;
    std::error_code ec;
    if (std::filesystem::is_regular_file(written, ec)) return written;
    const auto lower = [](std::string v) {
        std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return v;
    };
    const std::string wanted = lower(name);
    std::filesystem::path found;
    int matches = 0;
    // increment(ec), not ++: an unreadable entry ends the search instead of throwing
    std::filesystem::directory_iterator it(dir.empty() ? std::filesystem::path(".") : dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        std::error_code entry;   // a broken link or an unreadable entry is not the file, and ends nothing
        if (!it->is_regular_file(entry) || lower(it->path().filename().string()) != wanted) continue;
        found = dir / it->path().filename();
        ++matches;
    }
    return matches == 1 ? found : written;
}

}  // namespace emg::io::detail
