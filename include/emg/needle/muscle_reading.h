#pragma once
// The muscle read from all the evidence a needle record offers: the sorted motor units against
// the muscle's reference (when their sample is fair), recruitment, the turns/amplitude cloud of
// the interference pattern and its spectrum. Each piece says what it suggests and whether it was
// counted; the reading is a suggestion for the clinician. Criteria and sources: docs/needle-emg.md.

#include <emg/needle/effort.h>
#include <emg/needle/multi_mup.h>
#include <emg/needle/needle_types.h>

namespace emg::needle {

/// The needle electrode a record was made with. The reference values (MUAP means, the cloud, the
/// spectral and largest-potential limits) are concentric-needle values; Unknown is read as concentric.
enum class NeedleElectrode { Unknown, Concentric, Monopolar };

struct ReadingCriteria {
    /// Motor units count only when the baseline between them was quiet (the decomposition's noise
    /// at most this): in a record that is never quiet only the largest potentials pass the
    /// threshold, a sample biased towards large units.
    double quietBaselineMaxUv = 40.0;
    int minUnits = 5;                 ///< fewer sorted units are not enough for a mean
    /// From this many units up to minUnits, the units' mean duration counts only when it lies beyond
    /// the limit for a mean of that many (meanDurationLimitPercent: wider than for 20); then it can
    /// make the muscle abnormal, never normal (as fewer than 20 MUPs in the outlier rule). Two: a
    /// mean needs two, and one unit may be a composite of several.
    int minUnitsBeyondLimit = 2;
    int minInterferenceEpochs = 3;    ///< 1.5 s of 500 ms epochs with >= 30 turns/s
    /// false when the file's gain is unknown (raw counts): evidence in microvolts (the cloud, unit
    /// amplitudes, the absolute quiet-baseline test) is not counted; durations and the spectrum are.
    bool amplitudeKnown = true;
    /// With an unknown gain, units count when the noise is at most this fraction of their mean
    /// amplitude (the same quietness, measured in the file's own units).
    double relativeQuietMax = 0.08;
    /// Multi-MUP means count against the muscle's reference only from this many MUPs with a
    /// measured duration (Stålberg et al. 1995: 20 MUPs per muscle).
    std::size_t minMultiMups = 20;
    /// With an unknown gain, recruitment (the recruitment ratio, the recruitment frequency, early
    /// recruitment: rates and counts, no µV) counts from this many sorted units even when their
    /// measures in the file's units do not; with a known gain it counts only with the units.
    /// Two: the recruitment frequency is the first unit's rate when the second is recruited.
    int minRecruitmentUnits = 2;
    /// A monopolar needle picks up a larger territory than a concentric one (larger, longer MUAPs):
    /// evidence measured against the concentric references is shown, not counted; recruitment
    /// counts by rates as with an unknown gain. The reading says so.
    NeedleElectrode electrode = NeedleElectrode::Unknown;
};

/// `restSec`/`effortSec`: how much of the record was read as rest and as effort. Spontaneous
/// activity is shown and named in the reasons (it makes a muscle abnormal but names no direction).
/// The MUPs extracted from the interference (multi-MUP) are one more piece of evidence: counted
/// when at least `c.minMultiMups` have a measured duration (their mean duration against the
/// reference's limits, their mean amplitude against its amplitude limits when the gain is known);
/// otherwise shown with the reason. Recruitment counts with the units, or, with an unknown gain,
/// from `c.minRecruitmentUnits` sorted units (its measures are rates and counts).
/// `declared`: when the effort was declared (not inferred), its potentials are one more piece of
/// evidence: the median of the 20 largest below the muscle's lower limit of the mean MUAP
/// amplitude counts as myopathic (all potentials small at effort); at or above it, it is shown and
/// other evidence decides. Amplitudes in counts (gain unknown) are shown, not counted.
MuscleReading readMuscle(const MuscleSummary& units, const SortResult& sort, const RecruitmentResult& recruitment,
                         const InterferenceResult& interference, const SpontaneousResult& spontaneous,
                         const MultiMupResult& multiMup, double restSec, double effortSec, const ReadingCriteria& c = {},
                         const DeclaredEffortActivity& declared = {});

/// The pattern and the reasons from the evidence gathered in `r` (what readMuscle does last):
/// counted pieces vote (a direction outvoting the other decides, a tie is mixed); none counted is
/// insufficient, with why. Spontaneous activity at rest (`spontaneousGrade` > 0 with `restSec` > 0)
/// is named in the reasons. Replaces r.pattern and r.reasons.
void decideReading(MuscleReading& r, double restSec, double effortSec, int spontaneousGrade, bool monopolar);

/// Whether a record's sorted units are a fair sample of the muscle's units: the baseline between
/// them was quiet (the decomposition's noise at most c.quietBaselineMaxUv, or without a gain at most
/// c.relativeQuietMax of the units' mean amplitude); otherwise only the largest were sorted.
bool unitsFairSample(const MuscleSummary& units, const SortResult& sort, const ReadingCriteria& c);

}  // namespace emg::needle
