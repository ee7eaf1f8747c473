#pragma once
// The main spike of a motor-unit potential: its peak-to-peak amplitude and its rise time, the
// measures a clinical QEMG accepts a MUP by (a MUP recorded near the needle rises within 0.5 ms:
// Stalberg et al. 1986).

#include <cstddef>
#include <span>

namespace emg::needle {

struct MainSpike {
    double amplitudeUv = 0.0;   ///< peak to peak: the larger of the two flanks' excursions
    double riseMs = 0.0;        ///< the major flank's 10-90 % time / 0.8 (below)
};

/// The main spike at `peakIndex`: walking out on each side to the nearest opposite extreme (the
/// walk stops where the signal turns back by more than a tenth of |x[peak]|, or after 1 ms); the
/// larger excursion is the peak-to-peak amplitude. The rise time is a flank's time from 10 % to 90 %
/// of its excursion / 0.8 (a straight flank's extreme-to-extreme time; a flat stretch or a slow
/// tail at the flank's far end does not lengthen it), of the larger flank, or the faster of the two
/// when both reach half the larger excursion (a slow terminal phase that happens to be the larger
/// excursion does not make a sharp spike blunt).
MainSpike mainSpike(std::span<const double> x, std::size_t peakIndex, double sampleRateHz);
MainSpike mainSpike(std::span<const float> x, std::size_t peakIndex, double sampleRateHz);

}  // namespace emg::needle
