#pragma once
// detectPeaks (signal_tools.h) over any indexable signal: a span of double or float, or a view
// computing its values on the fly (the sorter's gated residual), so no full-length copy is made.
#include <emg/needle/signal_tools.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace emg::needle {

/// `Signal`: x.size() and x[i] (convertible to double).
template <class Signal>
std::vector<Peak> detectPeaksIn(const Signal& x, double sampleRateHz, double thresholdUv, double deadTimeMs,
                                double minSlopeUvPerMs, double slopeWindowMs) {
    std::vector<Peak> peaks;
    const auto dead = static_cast<std::size_t>(std::lround(deadTimeMs * 1e-3 * sampleRateHz));
    const auto half = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(0.5e-3 * sampleRateHz)));
    const auto sw = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(slopeWindowMs * 1e-3 * sampleRateHz)));
    const auto at = [&](std::size_t k) { return static_cast<double>(x[k]); };
    std::size_t i = 0;
    const std::size_t n = x.size();
    while (i < n) {
        if (std::abs(at(i)) < thresholdUv) { ++i; continue; }
        // region: from the crossing until dead time after the last supra-threshold sample
        std::size_t best = i;
        std::size_t j = i;
        std::size_t lastAbove = i;
        while (j < n && j <= lastAbove + dead) {
            if (std::abs(at(j)) >= thresholdUv) {
                lastAbove = j;
                if (std::abs(at(j)) > std::abs(at(best))) best = j;
            }
            ++j;
        }
        bool slopeOk = minSlopeUvPerMs <= 0.0;
        if (!slopeOk) {
            const std::size_t a = best > half ? best - half : 0;
            const std::size_t b = std::min(n - 1, best + half);
            double maxChange = 0.0;
            for (std::size_t k = a; k + sw <= b; ++k) maxChange = std::max(maxChange, std::abs(at(k + sw) - at(k)));
            const double slope = maxChange / (static_cast<double>(sw) / sampleRateHz * 1e3);
            slopeOk = slope >= minSlopeUvPerMs;
        }
        if (slopeOk) {
            if (!peaks.empty() && best - peaks.back().index < dead) {
                if (std::abs(at(best)) > std::abs(peaks.back().valueUv)) peaks.back() = {best, at(best)};
            } else {
                peaks.push_back({best, at(best)});
            }
        }
        i = std::max(j, best + 1);
    }
    return peaks;
}

}  // namespace emg::needle
