#pragma once
// The range checks both paged readers (EDF/BDF and WFDB) make before reading stored samples: one
// helper, one wording of the out_of_range messages.
#include <emg/review/paged_recording.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace emg::review::detail {

/// Throws std::out_of_range (naming `name`, the channel and the span) unless `channel` exists and
/// stored samples [first, first + count) lie within it.
void checkSpan(const std::string& name, const std::vector<ChannelInfo>& channels, std::size_t channel, std::int64_t first, std::size_t count);

/// The records (EDF data records, WFDB blocks) spans touch, each span checked as above;
/// first > last when every span is empty.
struct RecordRange {
    std::int64_t first = 0, last = -1;
};
RecordRange recordsOfSpans(const std::string& name, const std::vector<ChannelInfo>& channels,
                           const std::vector<PagedRecording::DigitalSpan>& spans, std::int64_t records);

/// Throws std::out_of_range unless `index` is a stored sample of `ch`.
void checkStoredSample(const std::string& name, const ChannelInfo& ch, std::int64_t index);

}  // namespace emg::review::detail
