#pragma once
// The stimulator's hands-free keys (issue 14): stimulate, intensity up/down in 1 and 5 mA steps,
// pulse width longer/shorter. They work anywhere in the window (context "window", so they clash
// with no key of another context), and a USB footswitch that sends one of them (F5 by default)
// stimulates through the same binding. Rebinding is the keymap's (QSettings "keymap/<id>").

namespace emg::ui {

class Keymap;

namespace stim_keys {
inline constexpr const char* kStimulate = "stimulator.stimulate";
inline constexpr const char* kIntensityUp1 = "stimulator.intensity-up-1";
inline constexpr const char* kIntensityDown1 = "stimulator.intensity-down-1";
inline constexpr const char* kIntensityUp5 = "stimulator.intensity-up-5";
inline constexpr const char* kIntensityDown5 = "stimulator.intensity-down-5";
inline constexpr const char* kWidthLonger = "stimulator.width-longer";
inline constexpr const char* kWidthShorter = "stimulator.width-shorter";
}  // namespace stim_keys

/// Declares the stimulator's keys in `keymap` (idempotent).
void declareStimulatorKeys(Keymap& keymap);

}  // namespace emg::ui
