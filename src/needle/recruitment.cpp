#include <emg/needle/recruitment.h>
#include <emg/needle/muap_sorter.h>
#include <emg/needle/signal_tools.h>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace emg::needle {

namespace {
/// The unit's rate from its intervals ending in [from, to], each read as the discharges it spans
/// (a firing the decomposition missed makes one interval of two: muap_sorter.h).
double rateBetween(const MotorUnit& u, double from, double to) {
    const auto& t = u.firingTimesSec;
    const double interval = u.meanRateHz > 0.0 ? 1.0 / u.meanRateHz : 0.0;
    std::vector<double> isi;
    for (std::size_t i = 1; i < t.size(); ++i)
        if (t[i] >= from && t[i] <= to && t[i] - t[i - 1] < 0.5) isi.push_back(perDischargeIntervalSec(t[i] - t[i - 1], interval));
    if (isi.empty()) return 0.0;
    return 1.0 / mean(isi);
}
}  // namespace

RecruitmentResult analyzeRecruitment(const std::vector<MotorUnit>& units, const RecruitmentCriteria& c) {
    RecruitmentResult r;
    // the units whose shape is measured (as the muscle's means): one whose long window is full of
    // other units' activity may be two units sharing a main spike, firing at twice a unit's rate;
    // a train of several look-alike units (MotorUnit::severalUnitsTrain) has no one unit's rate
    std::vector<const MotorUnit*> order;
    for (const auto& u : units)
        if (u.shapeMeasured) order.push_back(&u);
    r.unitCount = static_cast<int>(order.size());
    if (order.empty()) {
        r.explanation = units.empty() ? "no motor units sorted" : "no motor unit with a measured shape";
        return r;
    }
    std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->firstFiringSec < b->firstFiringSec; });
    for (const auto* u : order) r.maxRateHz = std::max(r.maxRateHz, u->meanRateHz);
    const auto& first = order.front()->firingTimesSec;
    if (first.size() >= 3) {
        // the first unit's first intervals (up to 4), each read as the discharges it spans
        const double interval = order.front()->meanRateHz > 0.0 ? 1.0 / order.front()->meanRateHz : 0.0;
        const std::size_t k = std::min<std::size_t>(4, first.size() - 1);
        double span = 0.0;
        for (std::size_t i = 1; i <= k; ++i) span += perDischargeIntervalSec(first[i] - first[i - 1], interval);
        r.onsetFrequencyHz = static_cast<double>(k) / span;
    }
    if (order.size() >= 2) {
        // the second unit's first firing; the first unit's rate over the 0.5 s around it
        const double t2 = order[1]->firstFiringSec;
        r.recruitmentFrequencyHz = rateBetween(*order.front(), t2 - 0.25, t2 + 0.25);
    }
    r.recruitmentRatio = r.maxRateHz / static_cast<double>(r.unitCount);
    std::ostringstream why;
    why.precision(3);
    why << "ratio " << r.recruitmentRatio << " (" << r.maxRateHz << " Hz / " << r.unitCount << " units)";
    const bool fastRecruitment = c.recruitmentObserved && r.recruitmentFrequencyHz > c.reducedRecruitmentHz && r.unitCount >= 2;
    if (!c.recruitmentObserved && r.recruitmentFrequencyHz > 0.0)
        why << "; the first unit at " << r.recruitmentFrequencyHz
            << " Hz when the second appears is not used (effort declared above slight: the units were already recruited)";
    if (r.recruitmentRatio > c.reducedRatio || fastRecruitment) {
        r.reading = RecruitmentReading::Reduced;
        why << "; > " << c.reducedRatio << " or recruitment frequency > " << c.reducedRecruitmentHz << " Hz: reduced recruitment";
    } else if (r.unitCount >= c.earlyMinUnits && r.maxRateHz <= c.earlyMaxRateHz) {
        r.reading = RecruitmentReading::Early;
        why << "; " << r.unitCount << " units while the fastest fires <= " << c.earlyMaxRateHz << " Hz: early recruitment";
    } else {
        r.reading = RecruitmentReading::Normal;
        why << ": normal recruitment";
    }
    r.explanation = why.str();
    return r;
}

}  // namespace emg::needle
