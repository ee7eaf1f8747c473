#pragma once
// The clinician's review of the sorted motor units (quantitative EMG): which units are accepted
// and where the onset/end markers were moved. Plain data (could be saved with the study); the
// reviewed parameters and the muscle means over the accepted units are computed from it. Qt-free.

#include <emg/needle/needle_types.h>

#include <optional>
#include <vector>

namespace emg::needle {

enum class MarkerProvenance { Automatic, Clinician };
const char* toString(MarkerProvenance p) noexcept;   ///< "auto" | "clinician"

/// One unit's review. Markers are in ms relative to the template's main peak (as MuapParameters).
struct UnitReview {
    int unitId = 0;
    bool accepted = true;
    std::optional<double> onsetMs;   ///< set by the clinician; empty = the automatic onset
    std::optional<double> endMs;     ///< set by the clinician; empty = the automatic end
    [[nodiscard]] MarkerProvenance onsetProvenance() const noexcept {
        return onsetMs ? MarkerProvenance::Clinician : MarkerProvenance::Automatic;
    }
    [[nodiscard]] MarkerProvenance endProvenance() const noexcept {
        return endMs ? MarkerProvenance::Clinician : MarkerProvenance::Automatic;
    }
};

struct QemgReview {
    std::vector<UnitReview> units;   ///< one per sorted unit, in the analysis' order

    /// Each unit accepted with its automatic markers when its shape was measured (MotorUnit::shapeMeasured);
    /// a unit whose long window holds other units' activity starts not accepted, for the clinician to decide.
    static QemgReview fromUnits(const std::vector<MotorUnit>& units);
    /// The review of that unit; throws std::out_of_range for an unknown id.
    UnitReview& unit(int unitId);
    const UnitReview& unit(int unitId) const;
    [[nodiscard]] int acceptedCount() const noexcept;
};

/// The unit's parameters under its review: the automatic ones when neither marker was moved,
/// otherwise measured between the markers (measureMuapBetween; a marker outside the template is
/// held at its edge) with the template noise the sorter used (sortNoiseUv / sqrt(firings)); the
/// automatic satellites are kept.
MuapParameters reviewedParameters(const MotorUnit& unit, const UnitReview& review, double sortNoiseUv);

/// The accepted units, each with its reviewed parameters (order kept).
std::vector<MotorUnit> acceptedUnits(const std::vector<MotorUnit>& units, const QemgReview& review, double sortNoiseUv);

/// The muscle summary (summarizeMuscle: means, % polyphasic, reading) over the accepted units only.
MuscleSummary summarizeReviewed(const std::vector<MotorUnit>& units, const QemgReview& review, double sortNoiseUv,
                                const MuapReference& reference);

}  // namespace emg::needle
