#include "glued_records.h"

#include <algorithm>
#include <cmath>

namespace emg::dsp::detail {

std::vector<std::pair<std::size_t, std::size_t>> gluedSearchRanges(std::span<const std::int64_t> stimulusSamples, std::size_t totalSamples,
                                                                   double fs, double windowMs, double searchToMs) {
    const auto ms = [&](double v) { return static_cast<std::int64_t>(std::llround(v * 1e-3 * fs)); };
    std::vector<std::pair<std::size_t, std::size_t>> ranges(stimulusSamples.size(), {0, 0});
    for (std::size_t k = 1; k < stimulusSamples.size(); ++k) {
        const std::int64_t prev = stimulusSamples[k - 1], stim = stimulusSamples[k];
        const std::int64_t from = std::max<std::int64_t>(0, prev + ms(windowMs));
        const std::int64_t to = std::min({stim - ms(1.0), prev + ms(searchToMs), static_cast<std::int64_t>(totalSamples)});
        if (prev >= 0 && to - from >= std::max<std::int64_t>(16, ms(2.0))) ranges[k] = {static_cast<std::size_t>(from), static_cast<std::size_t>(to)};
    }
    return ranges;
}

std::vector<std::int64_t> gluedRecordStarts(std::span<const std::int64_t> stimulusSamples, double fs,
                                            const std::vector<std::optional<std::int64_t>>& steps, std::size_t looked) {
    std::vector<std::int64_t> distance;   // stimulus - step, per stimulus where one was found
    for (std::size_t k = 0; k < steps.size() && k < stimulusSamples.size(); ++k)
        if (steps[k]) distance.push_back(stimulusSamples[k] - *steps[k]);
    if (looked < 2 || distance.size() < 2) return {};
    std::vector<double> sorted(distance.begin(), distance.end());
    const auto d = static_cast<std::int64_t>(std::llround(medianInPlace(sorted)));
    const std::int64_t tolerance = std::max<std::int64_t>(2, std::llround(0.2e-3 * fs));
    const auto agreeing =
        static_cast<std::size_t>(std::count_if(distance.begin(), distance.end(), [&](std::int64_t v) { return std::abs(v - d) <= tolerance; }));
    if (agreeing < 2 || 2 * agreeing < looked) return {};
    std::vector<std::int64_t> starts;
    for (std::size_t k = 0; k < stimulusSamples.size(); ++k) {
        const std::int64_t s = stimulusSamples[k] - d;
        if (k > 0 && s <= stimulusSamples[k - 1]) return {};   // a record would start before the previous stimulus: no such layout
        if (s > 0) starts.push_back(s);
    }
    return starts;
}

}  // namespace emg::dsp::detail
