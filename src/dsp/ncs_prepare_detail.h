#pragma once
// Shared by the held and the streamed NCS chains (ncs_analysis.cpp, ncs_streamed_signal.cpp).
#include <emg/dsp/ncs_analysis.h>

#include <string>

namespace emg::dsp::detail {

/// The signal channel chosen by the channels' counts (`sampleCounts`, else their samples' sizes)
/// and the stimuli found on what was read; throws as prepareSignal does.
PreparedSignal describeSignalByCounts(const Recording& rec, std::optional<int> channel, const std::vector<std::size_t>& sampleCounts);

/// Whether the chain keeps the channel's unfiltered samples (rawUv, or their windows when
/// streamed): motor and sensory measure them; an F-wave, H-reflex or RNS file whose records start
/// at the stimulus (no pre-trigger within any stimulus's own record) is measured on them, each
/// sweep filtered alone (lateResponseSweeps).
bool keepsRawSamples(const PreparedSignal& p, const NcsAnalysisSettings& st, bool keepRawUv);

/// How much after its stimulus lateResponseSweeps cuts a sweep of a record that starts at it:
/// twice the window for H-reflex and RNS (each sweep measured alone, its level and hum fitted on
/// the signal after the responses), the window for the others.
double atStimulusWindowMs(const NcsAnalysisSettings& st);

/// The filter description's part for a continuous mains fit: "; mains 50 Hz + harmonics subtracted (...)".
std::string humSubtractedNote(double mainsHz, double fundamentalUv);

}  // namespace emg::dsp::detail
