#pragma once
// Recruitment at weak contraction from the sorted units: onset frequency, recruitment frequency,
// recruitment ratio (fastest unit's rate / number of units) and the clinical reading.

#include <emg/needle/needle_types.h>

#include <vector>

namespace emg::needle {

struct RecruitmentCriteria {
    double reducedRatio = 10.0;            ///< ratio above this: reduced recruitment (loss of units)
    double reducedRecruitmentHz = 20.0;    ///< second unit recruited only when the first fires faster
    double earlyMaxRateHz = 8.0;           ///< early: >= earlyMinUnits units while the fastest is still this slow
    int earlyMinUnits = 4;
    /// false when the examiner declared a moderate or maximal effort: the units were recruited
    /// before the record, so the first unit's rate when "the second" appears is no recruitment
    /// frequency (it is shown, not used for "reduced"; healthy biceps at moderate effort fire at
    /// 20-30 Hz from the start). Slight or undeclared effort: used.
    bool recruitmentObserved = true;
};

/// Over the units whose shape is measured (MotorUnit::shapeMeasured), as the muscle summary.
RecruitmentResult analyzeRecruitment(const std::vector<MotorUnit>& units, const RecruitmentCriteria& c = {});

}  // namespace emg::needle
