#include "edf_stream_reader.h"

#include "edf_fields.h"
#include "file_bytes.h"

#include <emg/io/recording_io.h>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace emg::io::detail {

namespace {
// Reads exactly `size` bytes unless the file ends; returns the count read.
std::size_t readFully(int fd, void* out, std::size_t size, const std::string& name) {
    auto* p = static_cast<char*>(out);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::read(fd, p + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw FormatError(name + ": read error: " + std::strerror(errno));
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    return done;
}
}  // namespace

EdfStreamReader::EdfStreamReader(const std::filesystem::path& path) : name_(path.string()) {
    fd_ = openRegularFile(path);   // a FIFO or device is refused without blocking
    struct stat st {};
    if (::fstat(fd_, &st) != 0) throw FormatError(name_ + ": cannot stat: " + std::strerror(errno));
    const auto fileSize = static_cast<std::uint64_t>(st.st_size);
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);

    raw_.resize(256);
    const std::size_t got = readFully(fd_, raw_.data(), 256, name_);
    raw_.resize(got);
    std::size_t headerBytes = 256;
    if (got == 256) {
        // the number of signals decides how much header follows; parseEdfHeader checks it again
        const long long ns = parseIntegerField(std::string_view(raw_).substr(252, 4), "number of signals", name_);
        if (ns >= 1 && ns <= 4096) headerBytes = 256 * static_cast<std::size_t>(ns + 1);
    }
    if (headerBytes > 256 && fileSize >= headerBytes) {
        raw_.resize(headerBytes);
        raw_.resize(256 + readFully(fd_, raw_.data() + 256, headerBytes - 256, name_));
    }
    // the size passed on is the file's, so a short file gets parseEdfHeader's "truncated" message
    const std::size_t sizeForParse = static_cast<std::size_t>(std::min<std::uint64_t>(fileSize, raw_.size()));
    header_ = parseEdfHeader(reinterpret_cast<const std::uint8_t*>(raw_.data()), sizeForParse, name_);

    recordBytes_ = header_.recordBytes();
    if (recordBytes_ == 0) throw FormatError(name_ + ": data records of 0 bytes");
    const std::uint64_t dataBytes = fileSize - header_.headerBytes();
    const auto whole = static_cast<std::int64_t>(dataBytes / recordBytes_);
    const std::uint64_t partial = dataBytes % recordBytes_;
    records_ = header_.dataRecords;
    if (records_ == -1) {
        records_ = whole;
        warnings_.push_back("record count -1 (unfinished recording): " + std::to_string(whole) + " records taken from the file size");
        if (partial)
            warnings_.push_back("truncated: the last data record is incomplete (" + std::to_string(partial) + " of " +
                                std::to_string(recordBytes_) + " bytes) and was skipped");
    } else if (whole >= records_) {
        const std::uint64_t used = static_cast<std::uint64_t>(records_) * recordBytes_;
        if (dataBytes > used) warnings_.push_back(std::to_string(dataBytes - used) + " bytes after the last data record ignored");
    } else if (records_ - whole == 1) {
        warnings_.push_back("truncated: the header announces " + std::to_string(records_) + " data records, the file holds " +
                            std::to_string(whole) + " whole ones (" + std::to_string(partial) + " bytes of the last)");
        records_ = whole;
    } else {
        throw FormatError(name_ + ": inconsistent record count: the header announces " + std::to_string(records_) +
                          " data records of " + std::to_string(recordBytes_) + " bytes, the file holds " + std::to_string(whole) +
                          " (" + std::to_string(dataBytes) + " data bytes)");
    }
}

EdfStreamReader::~EdfStreamReader() {
    if (fd_ >= 0) ::close(fd_);
}

std::size_t EdfStreamReader::readRecords(std::uint8_t* out, std::size_t count) {
    const auto left = static_cast<std::size_t>(records_ - next_);
    const std::size_t n = std::min(count, left);
    if (n == 0) return 0;
    const std::size_t bytes = n * recordBytes_;
    if (readFully(fd_, out, bytes, name_) != bytes)
        throw FormatError(name_ + ": the file ended inside data record " + std::to_string(next_) + " (did it shrink while read?)");
    next_ += static_cast<std::int64_t>(n);
    return n;
}

}  // namespace emg::io::detail
