#pragma once
// Zero-phase (forward-backward) filtering for review: the cascade runs forward, then backward,
// so the result has no phase shift (an onset is not delayed) and the squared magnitude.
// Edges: the signal is extended at both ends by odd reflection about the end sample
// (2*x[0] - x[k]), length 3 * (2 * sections + 1) samples or at most the signal length - 1, and
// the filter state is primed to the steady state of the first padded sample, so a DC offset or
// a slope at the edges does not produce a start-up transient.

#include <emg/dsp/biquad.h>

#include <span>
#include <vector>

namespace emg::dsp {

/// Returns the zero-phase filtered signal (same length as `x`). `filter` is copied; its state is
/// not touched. Throws std::invalid_argument if `x` is shorter than 2 samples (and `filter` is
/// not empty); an empty filter returns `x` unchanged.
std::vector<double> filtfilt(const BiquadCascade& filter, std::span<const double> x);
/// The same filtering done in place on a float signal (a long recording: no second full-length
/// buffer, only the two pads). The filter runs in double; each pass's output is stored as float,
/// so the result differs from filtfilt by float rounding (~1e-7 relative).
void filtfiltInPlace(const BiquadCascade& filter, std::span<float> x);
/// The same filtering in place on a double signal: the result is bit for bit what filtfilt
/// returns (the same operations in the same order), without filtfilt's padded full-length copy.
void filtfiltInPlace(const BiquadCascade& filter, std::span<double> x);
/// Padding length used by filtfilt for a cascade (before clamping to the signal length).
std::size_t filtfiltPadLength(const BiquadCascade& filter) noexcept;

}  // namespace emg::dsp
