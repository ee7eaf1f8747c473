#pragma once
// What the trace view shows (mode, scales) and how it looks (colours, margins).

#include <QColor>

#include <cstddef>
#include <vector>

namespace emg::ui {

enum class TraceMode {
    Scrolling,       ///< free-running, newest sample at the right edge
    Sweeping,        ///< free-running, a sweep writes left to right over the previous one
    StimulusLocked,  ///< each stimulus starts a sweep (pre-trigger baseline first)
};

enum class SweepStacking { Superimposed, Stacked };

struct TraceSettings {
    TraceMode mode = TraceMode::Scrolling;
    double msPerDiv = 20.0;
    double defaultUvPerDiv = 100.0;
    std::vector<double> uvPerDiv;   ///< per channel; channels beyond its size use defaultUvPerDiv
    int lockedSweeps = 4;           ///< stimulus-locked: how many recent sweeps are shown
    SweepStacking stacking = SweepStacking::Superimposed;
    double preTriggerFraction = 0.1;  ///< share of the sweep shown before the stimulus

    [[nodiscard]] double sensitivityUvPerDiv(std::size_t channel) const {
        return channel < uvPerDiv.size() && uvPerDiv[channel] > 0 ? uvPerDiv[channel] : defaultUvPerDiv;
    }
};

struct TraceStyle {
    QColor background{14, 18, 22};
    QColor grid{44, 54, 62};
    QColor baseline{70, 84, 96};
    QColor trace{90, 235, 120};
    QColor olderSweep{60, 140, 80};
    QColor stimulus{255, 196, 0};
    QColor label{205, 212, 220};
    QColor frozen{255, 90, 80};
    int leftMargin = 96;
    int bottomMargin = 22;
    int topMargin = 6;
    int rightMargin = 6;
};

}  // namespace emg::ui
