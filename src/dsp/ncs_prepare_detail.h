#pragma once
// Shared by the held and the streamed NCS chains (ncs_analysis.cpp, ncs_streamed_signal.cpp).
#include <emg/dsp/ncs_analysis.h>

#include "glued_records.h"

#include <span>
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

/// How far after each stimulus the streamed chain keeps the channel's samples (with the window
/// and the longer sweeps of records at the stimulus).
double keptPostStimulusMs(const NcsAnalysisSettings& st);

/// H-reflex and RNS files of no EDF+D segments: where glued records' starts are looked for on the
/// unfiltered channel of `totalSamples` samples (gluedSearchRanges), nothing for other tests and files.
std::vector<std::pair<std::size_t, std::size_t>> gluedSearch(const PreparedSignal& p, const NcsAnalysisSettings& st, std::size_t totalSamples);
/// PreparedSignal::gluedRecordStarts from the level steps found in gluedSearch's ranges, with a note saying so.
void setGluedRecords(PreparedSignal& p, const std::vector<std::pair<std::size_t, std::size_t>>& searched,
                     const std::vector<std::optional<std::int64_t>>& steps);

/// F-wave, H-reflex and RNS: where lasting level steps are looked for on the unfiltered channel of
/// `totalSamples` samples: between the stimuli's windows (from `max(window, 20 ms)` after one to 1 ms
/// before the next; a stretch longer than 2 s only within 1 s of either, a step farther away leaving
/// under 1 % of itself in a window through the 2 Hz high-pass), before the first and after the last;
/// nothing for other tests.
std::vector<std::pair<std::size_t, std::size_t>> levelStepSearch(const PreparedSignal& p, const NcsAnalysisSettings& st, std::size_t totalSamples);
/// PreparedSignal::levelStepsTakenOut from the steps found (sample indices in the channel), with a note.
void setLevelStepsTakenOut(PreparedSignal& p, std::vector<std::pair<std::int64_t, double>> steps);
/// `x`, the samples [from, from + x.size()) of the channel, less the level steps taken out before each.
void takeOutLevelSteps(const PreparedSignal& p, std::size_t from, std::span<double> x);

/// The filter description's part for a continuous mains fit: "; mains 50 Hz + harmonics subtracted (...)".
std::string humSubtractedNote(double mainsHz, double fundamentalUv);

}  // namespace emg::dsp::detail
