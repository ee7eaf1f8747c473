#pragma once
// The level a late-response sweep is drawn from (F-wave raster, RNS traces).

#include <emg/dsp/sweeps.h>

namespace emg::ui {

/// The sweep's pre-stimulus mean; for a sweep with nothing before its stimulus (records that
/// start at it, each with its own DC): the median of its samples from `quietFromMs` on (after the
/// responses), or the pre-stimulus mean (0) when there are none.
double drawnBaselineUv(const dsp::Sweep& s, double quietFromMs);

}  // namespace emg::ui
