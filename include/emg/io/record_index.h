#pragma once
// The recorder's own index of what its file holds (issue 13, scroll back while live): how many
// data records are complete on disk, the oldest one still kept (a ring drops older records), and
// the sample-clock index of the file's first sample. Written by the recorder on the acquisition
// thread after each record's write returned, read by any thread (a reader of the growing file
// uses it instead of the header's record count, which lags and is rewritten in place).
// Shared (std::shared_ptr) so a reader keeps it after the recorder is gone.
#include <atomic>
#include <cstdint>

namespace emg::io {

struct RecordIndex {
    /// Data records whose bytes were written in full (complete records only, in file order).
    std::atomic<std::int64_t> completeRecords{0};
    /// The first record still in the file (0 unless a ring drops old records; a reader must not
    /// read below it: those bytes are gone).
    std::atomic<std::int64_t> oldestRecord{0};
    /// Sample-clock index (AcquisitionEngine) of the file's first sample; -1 before the first block.
    std::atomic<std::int64_t> firstSampleIndex{-1};
    /// The recorder closed the file (stopped, failed): it grows no more.
    std::atomic<bool> closed{false};
};

}  // namespace emg::io
