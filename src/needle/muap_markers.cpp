#include <emg/needle/muap_markers.h>
#include <emg/needle/signal_tools.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace emg::needle {

int countPhases(std::span<const double> v, double criterionUv) {
    int phases = 0, previousSign = 0;
    std::size_t start = 0;
    while (start < v.size()) {
        const bool positive = v[start] >= 0.0;
        double largest = 0.0;
        std::size_t stop = start;
        for (; stop < v.size() && (v[stop] >= 0.0) == positive; ++stop) largest = std::max(largest, std::abs(v[stop]));
        const int sign = positive ? 1 : -1;
        if (largest >= criterionUv && sign != previousSign) {
            ++phases;
            previousSign = sign;
        }
        start = stop;
    }
    return std::max(phases, 1);
}

MuapParameters measureMuapBetween(std::span<const double> t, std::size_t peakIndex, double fs, std::size_t onsetIndex,
                                  std::size_t endIndex, double templateNoiseUv, const MuapCriteria& c) {
    const std::size_t n = t.size();
    if (!(fs > 0.0)) throw std::invalid_argument("measureMuapBetween: sample rate must be > 0");
    if (n < 8) throw std::invalid_argument("measureMuapBetween: template of " + std::to_string(n) + " samples (at least 8)");
    if (onsetIndex > endIndex) std::swap(onsetIndex, endIndex);
    if (peakIndex >= n || endIndex >= n)
        throw std::invalid_argument("measureMuapBetween: peak " + std::to_string(peakIndex) + " or marker " +
                                    std::to_string(endIndex) + " outside the template of " + std::to_string(n) + " samples");
    const double dtMs = 1000.0 / fs;
    // baseline and noise from the edges (the first and last 3 ms, at most a sixth of the template each)
    const auto edge = std::max<std::size_t>(2, std::min(n / 6, static_cast<std::size_t>(std::lround(3.0 / dtMs))));
    std::vector<double> edges;
    edges.reserve(2 * edge);
    for (std::size_t i = 0; i < edge; ++i) edges.push_back(t[i]);
    for (std::size_t i = n - edge; i < n; ++i) edges.push_back(t[i]);
    const double base = median(edges);
    double noise = templateNoiseUv;
    if (noise <= 0.0) {
        double ss = 0.0;
        for (double v : edges) ss += (v - base) * (v - base);
        noise = std::sqrt(ss / static_cast<double>(edges.size()));
    }

    MuapParameters p;
    const auto rel = [&](std::size_t i) { return (static_cast<double>(i) - static_cast<double>(peakIndex)) * dtMs; };
    p.onsetMs = rel(onsetIndex);
    p.endMs = rel(endIndex);
    p.durationMs = static_cast<double>(endIndex - onsetIndex + 1) * dtMs;
    std::vector<double> corrected;
    corrected.reserve(endIndex - onsetIndex + 1);
    double hi = t[onsetIndex], lo = t[onsetIndex];
    for (std::size_t i = onsetIndex; i <= endIndex; ++i) {
        hi = std::max(hi, t[i]);
        lo = std::min(lo, t[i]);
        corrected.push_back(t[i] - base);
        p.areaUvMs += std::abs(t[i] - base) * dtMs;
    }
    p.amplitudeUv = hi - lo;
    p.thicknessMs = p.amplitudeUv > 0.0 ? p.areaUvMs / p.amplitudeUv : 0.0;
    p.turns = countTurns(corrected, c.turnUv);
    p.phases = countPhases(corrected, std::max(c.amplitudeUv, 4.0 * noise));
    return p;
}

}  // namespace emg::needle
