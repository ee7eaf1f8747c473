#include "span_checks.h"

#include <algorithm>
#include <stdexcept>

namespace emg::review::detail {

void checkSpan(const std::string& name, const std::vector<ChannelInfo>& channels, std::size_t channel, std::int64_t first, std::size_t count) {
    if (channel >= channels.size())
        throw std::out_of_range(name + ": channel " + std::to_string(channel) + " of " + std::to_string(channels.size()));
    const auto& ch = channels[channel];
    if (first < 0 || static_cast<std::uint64_t>(first) + count > static_cast<std::uint64_t>(ch.storedSamples))
        throw std::out_of_range(name + ": samples " + std::to_string(first) + "+" + std::to_string(count) + " outside the " +
                                std::to_string(ch.storedSamples) + " of channel '" + ch.label + "'");
}

RecordRange recordsOfSpans(const std::string& name, const std::vector<ChannelInfo>& channels,
                           const std::vector<PagedRecording::DigitalSpan>& spans, std::int64_t records) {
    RecordRange range{records, -1};
    for (const auto& s : spans) {
        checkSpan(name, channels, s.channel, s.first, s.count);
        if (s.count == 0) continue;
        const auto perRecord = channels[s.channel].samplesPerRecord;
        range.first = std::min(range.first, s.first / perRecord);
        range.last = std::max(range.last, (s.first + static_cast<std::int64_t>(s.count) - 1) / perRecord);
    }
    return range;
}

void checkStoredSample(const std::string& name, const ChannelInfo& ch, std::int64_t index) {
    if (index < 0 || index >= ch.storedSamples)
        throw std::out_of_range(name + ": sample " + std::to_string(index) + " outside 0.." + std::to_string(ch.storedSamples - 1));
}

}  // namespace emg::review::detail
