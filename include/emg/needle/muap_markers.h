#pragma once
// MUAP parameters between onset and end markers placed by the clinician: the markers stay where
// they were put, and duration, amplitude, phases, turns, area and thickness are measured within
// them by the same criteria as the automatic measurement (muap_measures.h). Qt-free.

#include <emg/needle/muap_measures.h>
#include <emg/needle/needle_types.h>

#include <cstddef>
#include <span>

namespace emg::needle {

/// Measures the template `templateUv` (µV, main peak at `peakIndex`) between the samples
/// `onsetIndex` and `endIndex` (both included; given in either order). onsetMs/endMs are those
/// samples relative to the main peak, durationMs = (end - onset + 1) samples. The baseline is the
/// median of the template's first and last 3 ms (as in measureMuap); `templateNoiseUv` (0 = from
/// those edges) sets the phase criterion max(criteria.amplitudeUv, 4 x noise). Satellites are not
/// measured here (0): they lie outside the markers, keep the automatic measurement's.
/// Throws std::invalid_argument for a rate <= 0, a template shorter than 8 samples, or a peak or
/// marker outside the template.
MuapParameters measureMuapBetween(std::span<const double> templateUv, std::size_t peakIndex, double sampleRateHz,
                                  std::size_t onsetIndex, std::size_t endIndex, double templateNoiseUv = 0.0,
                                  const MuapCriteria& criteria = {});

/// Phases of a baseline-corrected potential: runs of one sign whose largest |value| reaches
/// `criterionUv`, runs of the same sign separated only by sub-criterion runs counted once; at least 1.
int countPhases(std::span<const double> correctedUv, double criterionUv);

}  // namespace emg::needle
