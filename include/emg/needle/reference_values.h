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

/// The limit (+- % of the expected mean) for a mean duration of `mups` MUPs. The reference's limit
/// (durationLimitPercent, Buchthal's +-20 %) is for a mean of 20 MUPs: about 2 SD of such means in
/// normal muscles, the spread between muscles plus the sampling of 20 MUPs whose individual SD is
/// mupDurationSdPercent. A mean of n < 20 MUPs samples more: 2 sqrt(sb^2 + sw^2 / n), with sb^2 =
/// (limit/2)^2 - sw^2/20. 20 or more MUPs: the reference's limit (never narrower). n < 1: 0.
double meanDurationLimitPercent(const MuapReference& ref, int mups);

/// Names the table knows (canonical names).
std::vector<std::string> knownMuscles();

/// The general turns/amplitude reference cloud for the interference pattern.
InterferenceCloud defaultInterferenceCloud();

/// The cloud for `muscle`: proximal arm muscles (deltoid, biceps brachii) have one measured on
/// healthy deltoids (see docs/validation.md); other muscles the general provisional cloud.
InterferenceCloud interferenceCloud(const std::string& muscle);

}  // namespace emg::needle
