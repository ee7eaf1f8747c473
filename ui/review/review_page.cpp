#include "review_page.h"

#include "page_columns.h"

#include <emg/review/envelope.h>
#include <emg/review/paged_edf_reader.h>

#include <QObject>

#include <algorithm>
#include <cmath>
#include <limits>

namespace emg::ui {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool sameRows(const std::vector<ReviewRow>& x, const std::vector<ReviewRow>& y) {
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
        if (x[i].a != y[i].a || x[i].b != y[i].b) return false;
    return true;
}
}  // namespace

bool ReviewPage::wantsEnvelopes(double windowSec, const std::vector<ReviewRow>& rows, const DisplayFilter& filter) const {
    const auto& info = reader_.channels();
    double rateSum = 0.0;
    for (std::size_t c : channelsOf(rows)) rateSum += info[c].sampleRateHz;
    // the lead-in is read whatever the filter (unless told otherwise), so a filter switched on later needs no new read
    const double leadIn = leadInOnlyWhenFiltered_ ? leadInSec(filter) : std::max(kMaxLeadInSec, leadInSec(filter));
    return (windowSec + leadIn) * rateSum > static_cast<double>(kMaxRawPageSamples);
}

bool ReviewPage::showQuickEnvelope(double startSec, double windowSec, const std::vector<ReviewRow>& rows, const DisplayFilter& filter,
                                   std::size_t columns) {
    if (columns == 0 || rows.empty() || wantsEnvelopes(windowSec, rows, filter)) return false;
    for (const auto& r : rows)
        if (windowSec * reader_.channels()[r.a].sampleRateHz < static_cast<double>(columns)) return false;   // drawn as a polyline
    startSec_ = startSec;
    windowSec_ = windowSec;
    raw_.gaps.clear();
    computeEnvelopeRows(startSec, windowSec, rows, DisplayFilter{}, nullptr, columns);
    envelopeMode_ = true;
    envStart_ = -1.0;   // the next update() reads (values, or envelopes with the summary) whatever it asks
    rawDuration_ = -1.0;
    return true;
}

void ReviewPage::update(double startSec, double windowSec, const std::vector<ReviewRow>& rows,
                        const DisplayFilter& filter, const review::MinMaxSummary* summary, std::size_t columns) {
    startSec_ = startSec;
    windowSec_ = windowSec;
    const std::vector<std::size_t> channels = channelsOf(rows);
    const double leadIn = leadInOnlyWhenFiltered_ ? leadInSec(filter) : std::max(kMaxLeadInSec, leadInSec(filter));
    envelopeMode_ = wantsEnvelopes(windowSec, rows, filter);
    if (!envelopeMode_) {
        const double wantStart = std::max(0.0, startSec - leadIn);
        const double wantEnd = startSec + windowSec;
        const bool held = rawDuration_ >= 0 && rawStart_ <= wantStart + 1e-9 &&
                          rawStart_ + rawDuration_ >= wantEnd - 1e-9 &&
                          std::includes(rawChannels_.begin(), rawChannels_.end(), channels.begin(), channels.end());
        if (!held) {
            reader_.readPage(wantStart, wantEnd - wantStart, channels, raw_);
            rawStart_ = wantStart;
            rawDuration_ = wantEnd - wantStart;
            rawChannels_ = channels;
            ++fileReads_;
        }
        computeRawRows(rows, filter, columns);
        return;
    }
    // envelopes: the same request is not read again
    const bool same = envStart_ == startSec && envWindow_ == windowSec && envColumns_ == columns &&
                      sameRows(envRows_, rows) && envHadSummary_ == (summary != nullptr);
    if (same && traces_->size() == rows.size()) return;
    computeEnvelopeRows(startSec, windowSec, rows, filter, summary, columns);
}

void ReviewPage::computeEnvelopeRows(double startSec, double windowSec, const std::vector<ReviewRow>& rows, const DisplayFilter& filter,
                                     const review::MinMaxSummary* summary, std::size_t columns) {
    const auto& info = reader_.channels();
    envStart_ = startSec;
    envWindow_ = windowSec;
    envColumns_ = columns;
    envRows_ = rows;
    envHadSummary_ = summary != nullptr;
    std::vector<std::size_t> plain;
    for (const auto& r : rows)
        if (!r.bipolar()) plain.push_back(r.a);
    std::sort(plain.begin(), plain.end());
    plain.erase(std::unique(plain.begin(), plain.end()), plain.end());
    std::vector<review::Envelope> env;
    if (!plain.empty() && columns > 0) {
        env = review::envelopes(reader_, summary, plain, startSec, windowSec, columns);
        ++fileReads_;
    }
    auto traces = std::make_shared<std::vector<RowTrace>>(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        RowTrace& t = (*traces)[i];
        t.sampleRateHz = info[rows[i].a].sampleRateHz;
        if (rows[i].bipolar()) {
            t.note = QObject::tr("A−B: shorten the page to see it");
            continue;
        }
        const auto at = static_cast<std::size_t>(std::lower_bound(plain.begin(), plain.end(), rows[i].a) - plain.begin());
        if (at >= env.size()) continue;
        const review::Envelope& e = env[at];
        if (e.pending) {
            t.note = QObject::tr("overview being built…");
            continue;
        }
        t.columns.resize(e.columns.size());
        for (std::size_t k = 0; k < e.columns.size(); ++k) {
            const auto& m = e.columns[k];
            t.columns[k] = m.empty ? ColumnMinMax{std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::quiet_NaN()}
                                   : ColumnMinMax{static_cast<float>(m.min), static_cast<float>(m.max)};
        }
        if (!filter.active()) continue;
        t.note = QObject::tr("unfiltered at this page length");
    }
    traces_ = std::move(traces);
}

std::vector<double> ReviewPage::gridOf(std::size_t channel) const {
    const auto it = std::find_if(raw_.channels.begin(), raw_.channels.end(),
                                 [&](const review::ChannelPage& p) { return p.channel == channel; });
    if (it == raw_.channels.end()) return {};
    const double rate = it->sampleRateHz;
    const auto n = static_cast<std::size_t>(std::ceil(rawDuration_ * rate)) + 1;
    std::vector<double> grid(n, kNaN);
    for (const auto& run : it->runs) {
        const auto first = std::llround((run.startSec - rawStart_) * rate);
        for (std::size_t j = 0; j < run.count; ++j) {
            const auto k = first + static_cast<long long>(j);
            if (k >= 0 && static_cast<std::size_t>(k) < n) grid[static_cast<std::size_t>(k)] = it->values[run.offset + j];
        }
    }
    return grid;
}

void ReviewPage::computeRawRows(const std::vector<ReviewRow>& rows, const DisplayFilter& filter, std::size_t columns) {
    const auto& info = reader_.channels();
    auto traces = std::make_shared<std::vector<RowTrace>>(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        RowTrace& t = (*traces)[i];
        const double rate = info[rows[i].a].sampleRateHz;
        t.sampleRateHz = rate;
        std::vector<double> grid = gridOf(rows[i].a);
        if (rows[i].bipolar()) {
            const std::vector<double> b = gridOf(static_cast<std::size_t>(rows[i].b));
            for (std::size_t k = 0; k < grid.size(); ++k) grid[k] = k < b.size() ? grid[k] - b[k] : kNaN;
        }
        if (filter.active()) {
            try {
                // each contiguous stretch on its own (a hole restarts the filter)
                std::size_t k = 0;
                while (k < grid.size()) {
                    while (k < grid.size() && std::isnan(grid[k])) ++k;
                    std::size_t e = k;
                    while (e < grid.size() && !std::isnan(grid[e])) ++e;
                    if (e > k) applyDisplayFilter(filter, rate, grid, k, e - k);
                    k = e;
                }
            } catch (const std::exception& ex) {
                t.note = QObject::tr("filter not applied: %1").arg(QString::fromStdString(ex.what()));
            }
        }
        const auto skip = static_cast<std::size_t>(std::max<long long>(0, std::llround((startSec_ - rawStart_) * rate)));
        const auto n = static_cast<std::size_t>(std::ceil(windowSec_ * rate));
        t.values.resize(n);
        for (std::size_t k = 0; k < n; ++k) {
            const std::size_t g = skip + k;
            t.values[k] = g < grid.size() ? static_cast<float>(grid[g]) : std::numeric_limits<float>::quiet_NaN();
        }
        reduceToColumns(t.values, columns, t.pixelColumns);
    }
    traces_ = std::move(traces);
}

void ReviewPage::adoptShown(const ReviewPage& read) {
    startSec_ = read.startSec_;
    windowSec_ = read.windowSec_;
    envelopeMode_ = read.envelopeMode_;
    traces_ = read.traces_;
    raw_.gaps = read.raw_.gaps;
    forget();
}

std::optional<double> ReviewPage::valueAt(std::size_t row, double tSec) const {
    if (envelopeMode_ || row >= traces_->size()) return std::nullopt;
    const RowTrace& t = (*traces_)[row];
    const auto k = std::llround((tSec - startSec_) * t.sampleRateHz);
    if (k < 0 || static_cast<std::size_t>(k) >= t.values.size() || std::isnan(t.values[static_cast<std::size_t>(k)]))
        return std::nullopt;
    return t.values[static_cast<std::size_t>(k)];
}

}  // namespace emg::ui
