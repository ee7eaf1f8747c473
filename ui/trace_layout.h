#pragma once
// Where things are on the trace view: the plot rectangle, one band per channel, and the
// mapping from sample index and µV to pixels (negative up: y grows with µV).

#include <QRectF>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace emg::ui {

struct TraceLayout {
    QRectF plot;                     ///< area holding the grid and traces
    std::vector<QRectF> bands;       ///< one per channel, top to bottom
    std::vector<double> uvPerDiv;    ///< sensitivity per channel
    double divisionHeightPx = 0.0;   ///< one vertical division
    std::int64_t startSample = 0;    ///< sample index at the plot's left edge
    double samplesPerPixel = 1.0;
    double sampleRateHz = 0.0;

    [[nodiscard]] double baselineY(std::size_t channel) const { return bands[channel].center().y(); }
    [[nodiscard]] double xForSample(std::int64_t sampleIndex) const {
        return plot.left() + static_cast<double>(sampleIndex - startSample) / samplesPerPixel;
    }
    /// Negative-up: a negative voltage is drawn above the baseline (clinical convention).
    [[nodiscard]] double yForUv(std::size_t channel, double microvolts, double baseline) const {
        return baseline + microvolts / uvPerDiv[channel] * divisionHeightPx;
    }
    [[nodiscard]] double yForUv(std::size_t channel, double microvolts) const {
        return yForUv(channel, microvolts, baselineY(channel));
    }
};

}  // namespace emg::ui
