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

namespace {
struct Plan {
    std::vector<std::int64_t> edge;   // stored-sample edges of the columns
    int level = -1;
};
}  // namespace

Envelope envelope(PagedRecording& reader, const MinMaxSummary* summary, std::size_t channel, double startSec,
                  double durationSec, std::size_t columns) {
    return std::move(envelopes(reader, summary, {channel}, startSec, durationSec, columns).front());
}

std::vector<Envelope> envelopes(PagedRecording& reader, const MinMaxSummary* summary, const std::vector<std::size_t>& channels,
                                double startSec, double durationSec, std::size_t columns) {
    if (columns > kMaxEnvelopeColumns)
        throw std::invalid_argument("envelope: " + std::to_string(columns) + " columns (at most " + std::to_string(kMaxEnvelopeColumns) + ")");
    std::vector<Envelope> out(channels.size());
    std::vector<Plan> plans(channels.size());
    // columns read from the raw samples: digital min/max per column, folded from the record bytes
    std::vector<std::vector<std::int32_t>> rawMin(channels.size()), rawMax(channels.size());
    std::vector<PagedRecording::DigitalColumns> spans;
    const bool ready = summary && summary->state() == SummaryState::Ready;
    const double width = columns ? durationSec / static_cast<double>(columns) : 0.0;
    for (std::size_t w = 0; w < channels.size(); ++w) {
        const std::size_t channel = channels[w];
        if (channel >= reader.channels().size())
            throw std::out_of_range("envelope: channel " + std::to_string(channel) + " of " + std::to_string(reader.channels().size()));
        auto& env = out[w];
        env.columns.assign(columns, MinMax{});
        if (columns == 0 || !(durationSec > 0)) continue;
        auto& plan = plans[w];
        plan.edge.resize(columns + 1);
        for (std::size_t j = 0; j <= columns; ++j)
            plan.edge[j] = reader.storedSampleAt(channel, startSec + static_cast<double>(j) * width);
        for (std::size_t j = 1; j <= columns; ++j) plan.edge[j] = std::max(plan.edge[j], plan.edge[j - 1]);
        const std::int64_t first = plan.edge.front(), last = plan.edge.back();
        if (last <= first) continue;
        plan.level = ready ? levelForColumn(summary->samplesPerBin(), width * reader.channels()[channel].sampleRateHz) : -1;
        if (plan.level >= 0) {
            const std::int64_t per = summary->samplesPerBin()[static_cast<std::size_t>(plan.level)];
            const std::int64_t b0 = first / per, b1 = (last + per - 1) / per;
            const auto bins = summary->bins(channel, static_cast<std::size_t>(plan.level), b0, static_cast<std::size_t>(b1 - b0));
            for (std::size_t j = 0; j < columns; ++j) {
                if (plan.edge[j + 1] <= plan.edge[j]) continue;
                const std::int64_t lo = plan.edge[j] / per - b0, hi = (plan.edge[j + 1] + per - 1) / per - b0;
                MinMax m{bins[static_cast<std::size_t>(lo)].min, bins[static_cast<std::size_t>(lo)].max, false};
                for (std::int64_t k = lo + 1; k < hi; ++k) {
                    m.min = std::min(m.min, bins[static_cast<std::size_t>(k)].min);
                    m.max = std::max(m.max, bins[static_cast<std::size_t>(k)].max);
                }
                env.columns[j] = m;
            }
            env.samplesPerBin = per;
        } else if (last - first > kMaxRawEnvelopeSamples) {
            env.pending = true;
        } else {
            rawMin[w].resize(columns);
            rawMax[w].resize(columns);
            spans.push_back({channel, plan.edge.data(), columns, rawMin[w].data(), rawMax[w].data()});
        }
    }
    if (spans.empty()) return out;
    reader.readDigitalMinMax(spans);
    for (std::size_t w = 0; w < channels.size(); ++w) {
        if (rawMin[w].empty()) continue;
        const auto& plan = plans[w];
        const auto& ch = reader.channels()[channels[w]];
        for (std::size_t j = 0; j < columns; ++j) {
            if (plan.edge[j + 1] <= plan.edge[j]) continue;
            const double p = ch.physical(rawMin[w][j]), q = ch.physical(rawMax[w][j]);
            out[w].columns[j] = {std::min(p, q), std::max(p, q), false};
        }
    }
    return out;
}

}  // namespace emg::review
