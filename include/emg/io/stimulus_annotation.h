#pragma once
// The text of a stimulus annotation as every file we write spells it, and as the nerve-conduction
// readers take it back: "Stim <site>", with the delivered intensity when known ("Stim wrist 25 mA").

#include <string>

namespace emg::io {

/// "Stim <site>", or "Stim <site> <mA> mA" when `mA` > 0 (to 0.01 mA, a point as the decimal
/// separator whatever the locale).
std::string stimulusAnnotationText(const std::string& site, double mA = 0.0);

}  // namespace emg::io
