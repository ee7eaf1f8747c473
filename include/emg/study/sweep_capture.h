#pragma once
// A stimulus-locked sweep taken from the live display buffer, ready for emg_dsp measures (NCS
// review, late responses).

#include <emg/acq/display_buffer.h>
#include <emg/dsp/sweeps.h>

#include <optional>

namespace emg::study {

/// The sweep [stimulus - preMs, stimulus + windowMs) of `channel`, or nothing while the buffer
/// does not hold all of it yet, lost part of it, or holds a gap (NaN) inside it.
std::optional<dsp::Sweep> captureSweep(const DisplayBuffer& buffer, std::size_t channel, const StimulusEvent& stimulus,
                                       const dsp::SweepSettings& settings);

}  // namespace emg::study
