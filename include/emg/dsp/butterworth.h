#pragma once
// Run-time filter design for any sample rate: Butterworth high-pass and low-pass of order 1..8
// (analog prototype, bilinear transform with the corner frequency prewarped so the -3 dB point
// lands exactly at `cornerHz`; an odd order gets one first-order section), and a mains notch
// with harmonics. Bad parameters throw std::invalid_argument naming the parameter.

#include <emg/dsp/biquad.h>

namespace emg::dsp {

BiquadCascade designButterworthHighPass(int order, double cornerHz, double sampleRateHz);
BiquadCascade designButterworthLowPass(int order, double cornerHz, double sampleRateHz);

/// Second-order notches at mainsHz, 2*mainsHz, ... : `harmonics` frequencies in all, counting the
/// fundamental (1 = mains only). Harmonics at or above 0.95 * Nyquist are left out (the
/// description says how many were kept). `bandwidthHz` is the -3 dB width of each notch.
/// mainsHz may be any value in 1 Hz .. 0.45 * sampleRateHz.
BiquadCascade designNotch(double mainsHz, double sampleRateHz, int harmonics = 1, double bandwidthHz = 2.0);

/// Highest corner a low-pass may have at this sample rate (0.45 * sampleRateHz).
[[nodiscard]] double maxLowPassCornerHz(double sampleRateHz) noexcept;

}  // namespace emg::dsp
