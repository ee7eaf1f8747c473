#include <emg/review/envelope.h>

#include <emg/review/minmax_summary.h>
#include <emg/review/paged_edf_reader.h>

#include <algorithm>
#include <stdexcept>

namespace emg::review {

int levelForColumn(const std::vector<std::int64_t>& samplesPerBin, double samplesPerColumn) noexcept {
    int best = -1;
    for (std::size_t l = 0; l < samplesPerBin.size(); ++l)
        if (static_cast<double>(samplesPerBin[l]) <= samplesPerColumn) best = static_cast<int>(l);
    return best;
}

Envelope envelope(PagedEdfReader& reader, const MinMaxSummary* summary, std::size_t channel, double startSec,
                  double durationSec, std::size_t columns) {
    if (channel >= reader.channels().size())
        throw std::out_of_range("envelope: channel " + std::to_string(channel) + " of " + std::to_string(reader.channels().size()));
    Envelope env;
    env.columns.assign(columns, MinMax{});
    if (columns == 0 || !(durationSec > 0)) return env;
    const auto& ch = reader.channels()[channel];
    const double width = durationSec / static_cast<double>(columns);
    std::vector<std::int64_t> edge(columns + 1);
    for (std::size_t j = 0; j <= columns; ++j) edge[j] = reader.storedSampleAt(channel, startSec + static_cast<double>(j) * width);
    for (std::size_t j = 1; j <= columns; ++j) edge[j] = std::max(edge[j], edge[j - 1]);
    const std::int64_t first = edge.front(), last = edge.back();
    if (last <= first) return env;

    const bool ready = summary && summary->state() == SummaryState::Ready;
    const int level = ready ? levelForColumn(summary->samplesPerBin(), width * ch.sampleRateHz) : -1;
    if (level >= 0) {
        const std::int64_t per = summary->samplesPerBin()[static_cast<std::size_t>(level)];
        const std::int64_t b0 = first / per, b1 = (last + per - 1) / per;
        const auto bins = summary->bins(channel, static_cast<std::size_t>(level), b0, static_cast<std::size_t>(b1 - b0));
        for (std::size_t j = 0; j < columns; ++j) {
            if (edge[j + 1] <= edge[j]) continue;
            const std::int64_t lo = edge[j] / per - b0, hi = (edge[j + 1] + per - 1) / per - b0;
            MinMax m{bins[static_cast<std::size_t>(lo)].min, bins[static_cast<std::size_t>(lo)].max, false};
            for (std::int64_t k = lo + 1; k < hi; ++k) {
                m.min = std::min(m.min, bins[static_cast<std::size_t>(k)].min);
                m.max = std::max(m.max, bins[static_cast<std::size_t>(k)].max);
            }
            env.columns[j] = m;
        }
        env.samplesPerBin = per;
        return env;
    }
    if (last - first > kMaxRawEnvelopeSamples) {
        env.pending = true;
        return env;
    }
    std::vector<std::int32_t> digital(static_cast<std::size_t>(last - first));
    reader.readDigital(channel, first, digital.size(), digital.data());
    for (std::size_t j = 0; j < columns; ++j) {
        if (edge[j + 1] <= edge[j]) continue;
        const auto b = digital.begin() + (edge[j] - first), e = digital.begin() + (edge[j + 1] - first);
        const auto [mn, mx] = std::minmax_element(b, e);
        const double p = ch.physical(*mn), q = ch.physical(*mx);
        env.columns[j] = {std::min(p, q), std::max(p, q), false};
    }
    return env;
}

}  // namespace emg::review
