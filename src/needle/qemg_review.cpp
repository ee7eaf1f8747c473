#include <emg/needle/muap_markers.h>
#include <emg/needle/muscle_summary.h>
#include <emg/needle/qemg_review.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace emg::needle {

const char* toString(MarkerProvenance p) noexcept { return p == MarkerProvenance::Clinician ? "clinician" : "auto"; }

QemgReview QemgReview::fromUnits(const std::vector<MotorUnit>& units) {
    QemgReview r;
    r.units.reserve(units.size());
    for (const auto& u : units) r.units.push_back(UnitReview{u.id, u.shapeMeasured, std::nullopt, std::nullopt});
    return r;
}

UnitReview& QemgReview::unit(int unitId) {
    const auto it = std::find_if(units.begin(), units.end(), [&](const UnitReview& u) { return u.unitId == unitId; });
    if (it == units.end()) throw std::out_of_range("QEMG review: no unit " + std::to_string(unitId));
    return *it;
}

const UnitReview& QemgReview::unit(int unitId) const { return const_cast<QemgReview*>(this)->unit(unitId); }

int QemgReview::acceptedCount() const noexcept {
    return static_cast<int>(std::count_if(units.begin(), units.end(), [](const UnitReview& u) { return u.accepted; }));
}

MuapParameters reviewedParameters(const MotorUnit& u, const UnitReview& r, double sortNoiseUv) {
    if ((!r.onsetMs && !r.endMs) || u.templateUv.size() < 8 || u.sampleRateHz <= 0.0 || u.templatePeakIndex < 0 ||
        static_cast<std::size_t>(u.templatePeakIndex) >= u.templateUv.size())
        return u.params;   // nothing moved, or no template to measure on
    const auto last = static_cast<double>(u.templateUv.size() - 1);
    const auto index = [&](double ms) {
        const double i = static_cast<double>(u.templatePeakIndex) + std::round(ms * 1e-3 * u.sampleRateHz);
        return static_cast<std::size_t>(std::clamp(i, 0.0, last));
    };
    const double firings = static_cast<double>(std::max<std::size_t>(1, u.firingTimesSec.size()));
    auto p = measureMuapBetween(u.templateUv, static_cast<std::size_t>(std::max(0, u.templatePeakIndex)), u.sampleRateHz,
                                index(r.onsetMs.value_or(u.params.onsetMs)), index(r.endMs.value_or(u.params.endMs)),
                                sortNoiseUv > 0.0 ? sortNoiseUv / std::sqrt(firings) : 0.0);
    p.satellites = u.params.satellites;
    p.satelliteLatencyMs = u.params.satelliteLatencyMs;
    return p;
}

std::vector<MotorUnit> acceptedUnits(const std::vector<MotorUnit>& units, const QemgReview& review, double sortNoiseUv) {
    std::vector<MotorUnit> out;
    for (const auto& u : units) {
        const auto it = std::find_if(review.units.begin(), review.units.end(), [&](const UnitReview& r) { return r.unitId == u.id; });
        if (it == review.units.end()) {   // a unit the review does not know yet: accepted as analysed
            out.push_back(u);
            continue;
        }
        if (!it->accepted) continue;
        out.push_back(u);
        out.back().params = reviewedParameters(u, *it, sortNoiseUv);
        out.back().shapeMeasured = true;   // accepted by the clinician: its markers are theirs
    }
    return out;
}

MuscleSummary summarizeReviewed(const std::vector<MotorUnit>& units, const QemgReview& review, double sortNoiseUv,
                                const MuapReference& reference) {
    return summarizeMuscle(acceptedUnits(units, review, sortNoiseUv), reference);
}

}  // namespace emg::needle
