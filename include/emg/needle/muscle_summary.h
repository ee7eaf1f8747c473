#pragma once
// Muscle summary of the sorted MUAPs against reference values, read as a normal, neuropathic
// or myopathic pattern for the clinician to confirm.

#include <emg/needle/needle_types.h>

#include <vector>

namespace emg::needle {

struct SummaryCriteria {
    int minUnits = 1;   ///< fewer sorted units: "insufficient" (fewer than 10 are flagged: confirm)
    /// false when the file's gain is unknown (raw counts): the mean amplitude is not compared with
    /// the reference's limits in µV, and the reading rests on the mean duration alone.
    bool amplitudeKnown = true;
};

MuscleSummary summarizeMuscle(const std::vector<MotorUnit>& units, const MuapReference& ref, const SummaryCriteria& c = {});

}  // namespace emg::needle
