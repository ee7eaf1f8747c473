#include <emg/review/paged_recording.h>

#include <algorithm>
#include <limits>

namespace emg::review {

void PagedRecording::readDigitalMinMax(const std::vector<DigitalColumns>& spans) {
    constexpr std::size_t kChunk = std::size_t{1} << 16;   // samples decoded at a time
    std::vector<std::int32_t> values;
    for (const auto& s : spans) {
        std::fill(s.min, s.min + s.columns, std::numeric_limits<std::int32_t>::max());
        std::fill(s.max, s.max + s.columns, std::numeric_limits<std::int32_t>::min());
        if (s.columns == 0) continue;
        const std::int64_t first = s.edges[0], last = s.edges[s.columns];
        std::size_t j = 0;
        for (std::int64_t at = first; at < last;) {
            const auto n = static_cast<std::size_t>(std::min<std::int64_t>(last - at, static_cast<std::int64_t>(kChunk)));
            values.resize(n);
            readDigital({DigitalSpan{s.channel, at, n, values.data()}});
            for (std::size_t i = 0; i < n; ++i) {
                const std::int64_t k = at + static_cast<std::int64_t>(i);
                while (j < s.columns && s.edges[j + 1] <= k) ++j;
                if (j >= s.columns) break;
                s.min[j] = std::min(s.min[j], values[i]);
                s.max[j] = std::max(s.max[j], values[i]);
            }
            at += static_cast<std::int64_t>(n);
        }
    }
}

}  // namespace emg::review
