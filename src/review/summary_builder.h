#pragma once
// Computing the bins of a summary from one sequential read of the data records.
#include "summary_file.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace emg::io { class SafeFileWriter; }
namespace emg::review { class PagedRecording; }
namespace emg::io::detail { class EdfStreamReader; }

namespace emg::review::detail {

struct SummaryChannelSlot {
    std::size_t byteOffset = 0;        ///< of the channel's samples within a data record
    std::int64_t samplesPerRecord = 0;
};

/// Reads the remaining records of `stream` and writes every bin of `layout` into `writer` (which
/// already holds the header and has been extended to layout.totalBytes()). `progress` gets the
/// fraction of records done. Returns false when `cancel` was set (the writer is then abandoned).
bool buildSummaryBins(io::detail::EdfStreamReader& stream, const std::vector<SummaryChannelSlot>& channels,
                      const SummaryLayout& layout, io::SafeFileWriter& writer, std::size_t chunkBytes,
                      const std::atomic<bool>& cancel, const std::function<void(double)>& progress);

/// The same from any paged recording (a WFDB record): its records read in order through
/// readDigital, every channel's digital values scanned into the bins.
bool buildSummaryBinsPaged(PagedRecording& reader, const SummaryLayout& layout, io::SafeFileWriter& writer,
                           const std::atomic<bool>& cancel, const std::function<void(double)>& progress);

}  // namespace emg::review::detail
