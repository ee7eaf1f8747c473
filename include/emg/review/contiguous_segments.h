#pragma once
// The contiguous parts of an EDF+D/BDF+D recording (issue 12: "an EDF+D gap stays a gap"). A run
// of data records each starting where the previous one ended (within half a sample of the fastest
// signal) is one segment; a hole between records starts the next. A continuous file is one
// segment. SegmentCopy holds one segment as a continuous file of its own (the header with "EDF+C"
// / "BDF+C" and the segment's record count, then the segment's data records byte for byte, their
// time-keeping TALs unchanged) in an unnamed temporary file: every reader and analysis then sees
// that segment alone, and no sample is invented for the holes. Qt-free.
#include <emg/review/paged_edf_reader.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace emg::review {

struct ContiguousSegment {
    std::int64_t firstRecord = 0;
    std::int64_t records = 0;
    double startSec = 0.0;   ///< the first record's onset, seconds from the file's first record
    double endSec = 0.0;     ///< the last record's end
};

/// The segments of `reader`'s file in record order (reads each record's time-keeping TAL once;
/// memory: the list itself, whatever the times between records). Empty for a file without records.
std::vector<ContiguousSegment> contiguousSegments(PagedEdfReader& reader);

/// One segment as a continuous EDF+/BDF+ file, unnamed (O_TMPFILE in $TMPDIR or /tmp, else a
/// unique name unlinked at once): gone when the object is, or when the process ends however it
/// ends. path() reopens it (/proc/self/fd/N). Throws std::runtime_error naming the file and the
/// reason when it cannot be made (e.g. "No space left on device").
class SegmentCopy {
public:
    SegmentCopy(const PagedEdfReader& reader, const ContiguousSegment& segment);
    ~SegmentCopy();
    SegmentCopy(const SegmentCopy&) = delete;
    SegmentCopy& operator=(const SegmentCopy&) = delete;
    const std::string& path() const noexcept { return path_; }

private:
    int fd_ = -1;
    std::string path_;
};

}  // namespace emg::review
