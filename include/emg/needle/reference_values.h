#pragma once
// Reference values for MUAP quantitation by muscle and age, and the general default used when
// the muscle or age is not given. Sources and the exact numbers: docs/needle-emg.md.

#include <emg/needle/needle_types.h>

#include <optional>
#include <string>
#include <vector>

namespace emg::needle {

/// The reference for `muscle` (case-insensitive, common names and abbreviations: "biceps",
/// "TA", "tibialis anterior", "FDI", ...) and age. Unknown or empty muscle: the general default
/// (generalDefault = true). Age absent: 40 years.
MuapReference muapReference(const std::string& muscle, std::optional<double> ageYears);

/// Names the table knows (canonical names).
std::vector<std::string> knownMuscles();

/// The general turns/amplitude reference cloud for the interference pattern.
InterferenceCloud defaultInterferenceCloud();

/// The cloud for `muscle`: proximal arm muscles (deltoid, biceps brachii) have one measured on
/// healthy deltoids (see docs/validation.md); other muscles the general provisional cloud.
InterferenceCloud interferenceCloud(const std::string& muscle);

}  // namespace emg::needle
