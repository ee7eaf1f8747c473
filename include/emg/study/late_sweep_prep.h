#pragma once
// Raw live sweeps made ready for the engine's late-response measures, as the recording chain
// (emg/dsp/ncs_analysis.h) does for a file: the test's sweep window, the stimulus artifact
// blanked, then the test's filter preset applied zero-phase.

#include <emg/dsp/ncs_analysis.h>
#include <emg/dsp/sweeps.h>

#include <span>
#include <string>
#include <vector>

namespace emg::study {

struct PreparedSweeps {
    std::vector<dsp::Sweep> sweeps;
    std::string filterDescription;
};

/// Trims each raw sweep to settings.sweep (pre-trigger and window within the raw sweep), blanks
/// the stimulus artifact and filters with settings.preset. Sweep::index is kept.
PreparedSweeps prepareLateSweeps(std::span<const dsp::Sweep> raw, const dsp::NcsAnalysisSettings& settings);

}  // namespace emg::study
