#pragma once
// Interference pattern at strong contraction: turns per second against mean amplitude per turn
// in epochs (turns/amplitude cloud), the envelope, and the comparison with a reference cloud.

#include <emg/needle/needle_types.h>

#include <span>

namespace emg::needle {

struct InterferenceOptions {
    double epochMs = 500.0;
    double minTurnsPerSec = 30.0;       ///< epochs with fewer turns are not an interference pattern
    double outsidePercentAbnormal = 10.0;  ///< more than this share of epochs outside the cloud is abnormal
    /// Band of the spectral mean frequency: below 1 kHz so that records sampled at 4 kHz (low-pass
    /// 1.8 kHz) give the same value as at 20-48 kHz.
    double spectrumLowHz = 20.0;
    double spectrumHighHz = 1000.0;
    /// Order of the Butterworth low-pass (zero-phase) of the turns' analysis band, when the cloud
    /// defines one (InterferenceCloud::turnsLowPassHz).
    int turnsLowPassOrder = 4;
};

/// Turn points (indices) with the given criterion (direction change with >= turnUv on both sides).
std::vector<std::size_t> turnPoints(std::span<const double> x, double turnUv);
std::vector<std::size_t> turnPoints(std::span<const float> x, double turnUv);

/// The analysis band of the turns (the cloud's turnsLowPassHz) at this rate: the low-pass corner
/// applied, or 0 when the cloud defines none or the record's own band is already narrower.
double turnsLowPassAppliedHz(double sampleRateHz, const InterferenceCloud& cloud);

/// `x`: band-filtered signal at strong effort, µV.
InterferenceResult analyzeInterference(std::span<const double> x, double sampleRateHz, const InterferenceCloud& cloud,
                                       const InterferenceOptions& o = {});
/// The same on a float signal (computed in double).
InterferenceResult analyzeInterference(std::span<const float> x, double sampleRateHz, const InterferenceCloud& cloud,
                                       const InterferenceOptions& o = {});

}  // namespace emg::needle
