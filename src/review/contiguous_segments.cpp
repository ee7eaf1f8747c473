// EDF+D segments and their continuous copies (see contiguous_segments.h).
#include <emg/review/contiguous_segments.h>

#include <emg/core/scratch_file.h>

#include "pread_exact.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace emg::review {

std::vector<ContiguousSegment> contiguousSegments(PagedEdfReader& reader) {
    std::vector<ContiguousSegment> out;
    const std::int64_t records = reader.records();
    if (records <= 0) return out;
    double fastestHz = 0.0;
    for (const auto& c : reader.channels()) fastestHz = std::max(fastestHz, c.sampleRateHz);
    const double halfSampleSec = fastestHz > 0.0 ? 0.5 / fastestHz : 0.0;
    const double recordSec = reader.recordDurationSec();
    ContiguousSegment current{0, 1, reader.recordOnsetSec(0), reader.recordOnsetSec(0) + recordSec};
    for (std::int64_t r = 1; r < records; ++r) {
        const double onset = reader.isDiscontinuous() ? reader.recordOnsetSec(r) : current.endSec;
        if (onset > current.endSec + halfSampleSec) {   // a hole: the next segment starts here
            out.push_back(current);
            current = ContiguousSegment{r, 0, onset, onset};
        }
        ++current.records;
        // a record starting before the previous one ended is appended, as the readers do
        current.endSec = std::max(current.endSec, onset) + recordSec;
    }
    out.push_back(current);
    return out;
}

namespace {
void writeAll(int fd, const std::uint8_t* p, std::size_t size, const std::string& what) {
    while (size > 0) {
        const ssize_t w = ::write(fd, p, size);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) throw std::runtime_error(what + ": " + std::strerror(w < 0 ? errno : ENOSPC));
        p += w;
        size -= static_cast<std::size_t>(w);
    }
}

/// The 8-character header field text of `value`, left-aligned and space-padded.
void putField(std::uint8_t* at, std::size_t width, const std::string& value) {
    std::memset(at, ' ', width);
    std::memcpy(at, value.data(), std::min(width, value.size()));
}
}  // namespace

SegmentCopy::SegmentCopy(const PagedEdfReader& reader, const ContiguousSegment& segment) {
    const std::string name = reader.path().string();
    const std::string folder = emg::scratchFolder();
    const std::string what = "cannot copy a segment of " + name + " to a scratch file in " + folder;
    if (segment.firstRecord < 0 || segment.records <= 0 || segment.firstRecord + segment.records > reader.records())
        throw std::runtime_error(what + ": records " + std::to_string(segment.firstRecord) + "+" + std::to_string(segment.records) +
                                 " outside the file's " + std::to_string(reader.records()));
    const int in = ::open(reader.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) throw std::runtime_error(what + ": " + std::strerror(errno));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closeIn{in};
    std::uint8_t fixed[256];
    detail::preadExact(in, fixed, sizeof fixed, 0, name);
    const std::size_t signals = static_cast<std::size_t>(std::strtoul(std::string(reinterpret_cast<char*>(fixed) + 252, 4).c_str(), nullptr, 10));
    std::vector<std::uint8_t> header(256 * (signals + 1));
    detail::preadExact(in, header.data(), header.size(), 0, name);
    putField(header.data() + 236, 8, std::to_string(segment.records));
    if (header[192 + 1] == 'D' && header[192 + 2] == 'F' && header[192 + 3] == '+' && header[192 + 4] == 'D') header[192 + 4] = 'C';

    fd_ = openUnnamedScratchFile(folder, "emgws-segment");
    if (fd_ < 0) throw std::runtime_error(what + ": " + std::strerror(errno));
    try {
        writeAll(fd_, header.data(), header.size(), what);
        const std::size_t recordBytes = reader.recordBytes();
        const std::size_t perChunk = std::max<std::size_t>(1, (std::size_t{4} << 20) / std::max<std::size_t>(1, recordBytes));
        std::vector<std::uint8_t> chunk;
        for (std::int64_t r = segment.firstRecord; r < segment.firstRecord + segment.records;) {
            const auto n = static_cast<std::size_t>(std::min<std::int64_t>(static_cast<std::int64_t>(perChunk), segment.firstRecord + segment.records - r));
            chunk.resize(n * recordBytes);
            detail::preadExact(in, chunk.data(), chunk.size(), header.size() + static_cast<std::uint64_t>(r) * recordBytes, name);
            writeAll(fd_, chunk.data(), chunk.size(), what);
            r += static_cast<std::int64_t>(n);
        }
    } catch (...) {
        ::close(fd_);
        throw;
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
}

SegmentCopy::~SegmentCopy() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace emg::review
