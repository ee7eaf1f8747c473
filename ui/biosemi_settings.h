#pragma once
// The BioSemi ActiveTwo's choices kept in QSettings: the external stimulator (its name and model,
// trigger input, edge, refractory time) and the montage (channel labels, biosemi_montage.h).
// Used by the device catalog when a receiver is opened and by the dialogs that edit them.

#include <emg/acq/trigger_stimulus.h>

#include <string>
#include <vector>

namespace emg::ui {

/// The saved external stimulator, or the defaults (input 1, rising edge, 2 ms) when none was saved.
ExternalStimulatorSettings loadExternalStimulator();
void saveExternalStimulator(const ExternalStimulatorSettings& settings);

/// The saved montage, or biosemi::defaultMontage() when none was saved.
std::vector<std::string> loadBiosemiMontage();
void saveBiosemiMontage(const std::vector<std::string>& labels);

}  // namespace emg::ui
