#include <emg/needle/muscle_summary.h>

#include <emg/needle/reference_values.h>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace emg::needle {

namespace {
std::string fmt(double v) {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(1);
    s << v;
    return s.str();
}
}  // namespace

MuscleSummary summarizeMuscle(const std::vector<MotorUnit>& allUnits, const MuapReference& ref, const SummaryCriteria& c) {
    MuscleSummary s;
    s.reference = ref;
    s.amplitudeKnown = c.amplitudeKnown;
    // over the units whose shape is measured: a unit whose long window is full of other units'
    // activity may be two units with one main spike (its rate then double), so neither its
    // shape nor its rate counts (it is listed, compared with an expert's and reviewed)
    std::vector<const MotorUnit*> units;
    for (const auto& u : allUnits)
        if (u.shapeMeasured) units.push_back(&u);
    s.unitCount = static_cast<int>(units.size());
    s.unitsShapeNotMeasured = static_cast<int>(allUnits.size() - units.size());
    const auto severalUnits = std::count_if(allUnits.begin(), allUnits.end(), [](const MotorUnit& u) { return u.severalUnitsTrain; });
    const auto windowNotOwn = s.unitsShapeNotMeasured - static_cast<int>(severalUnits);
    if (windowNotOwn > 0)
        s.reasons.push_back(std::to_string(windowNotOwn) + " unit(s) left out: each one's main spike recurs consistently, but other units' " +
                            "activity fills its long window, so its duration and shape are not its own (listed for review)");
    if (severalUnits > 0)
        s.reasons.push_back(std::to_string(severalUnits) + " unit(s) left out: each one's train fires again within 20 ms too often for one " +
                            "unit, so it holds several look-alike units' firings and its rate and shape are not one unit's (listed for review)");
    if (units.empty()) {
        s.reasons.push_back(allUnits.empty() ? "no motor units sorted" : "no unit with a measured shape");
        return s;
    }
    int poly = 0;
    for (const auto* u : units) {
        s.meanDurationMs += u->params.durationMs;
        s.meanAmplitudeUv += u->params.amplitudeUv;
        s.meanRateHz += u->meanRateHz;
        s.maxRateHz = std::max(s.maxRateHz, u->meanRateHz);
        poly += u->params.polyphasic() ? 1 : 0;
    }
    const double n = static_cast<double>(units.size());
    s.meanDurationMs /= n;
    s.meanAmplitudeUv /= n;
    s.meanRateHz /= n;
    s.polyphasicPercent = 100.0 * poly / n;
    s.durationDeviationPercent = ref.meanDurationMs > 0 ? 100.0 * (s.meanDurationMs - ref.meanDurationMs) / ref.meanDurationMs : 0.0;
    s.durationLimitAppliedPercent = meanDurationLimitPercent(ref, s.unitCount);
    if (s.unitCount < c.minUnits) {
        s.reading = PatternReading::Insufficient;
        s.reasons.push_back(std::to_string(s.unitCount) + " units measured, at least " + std::to_string(c.minUnits) + " needed");
        return s;
    }
    int neuro = 0, myo = 0;
    // the limit for a mean of this many units (the reference's is for 20)
    const double lim = s.durationLimitAppliedPercent;
    const std::string forN = s.unitCount < 20 ? " for a mean of " + std::to_string(s.unitCount) + " units; +-" + fmt(ref.durationLimitPercent) + " % for 20" : "";
    if (s.durationDeviationPercent > lim) {
        ++neuro;
        s.reasons.push_back("mean duration " + fmt(s.meanDurationMs) + " ms is " + fmt(s.durationDeviationPercent) +
                            " % above the expected " + fmt(ref.meanDurationMs) + " ms (limit +" + fmt(lim) + " %" + forN + ")");
    } else if (s.durationDeviationPercent < -lim) {
        ++myo;
        s.reasons.push_back("mean duration " + fmt(s.meanDurationMs) + " ms is " + fmt(-s.durationDeviationPercent) +
                            " % below the expected " + fmt(ref.meanDurationMs) + " ms (limit -" + fmt(lim) + " %" + forN + ")");
    }
    if (!c.amplitudeKnown) {
        // counts of an unknown gain: no µV limit applies
    } else if (s.meanAmplitudeUv > ref.amplitudeHighUv) {
        ++neuro;
        s.reasons.push_back("mean amplitude " + fmt(s.meanAmplitudeUv) + " uV above " + fmt(ref.amplitudeHighUv) + " uV");
    } else if (s.meanAmplitudeUv < ref.amplitudeLowUv) {
        ++myo;
        s.reasons.push_back("mean amplitude " + fmt(s.meanAmplitudeUv) + " uV below " + fmt(ref.amplitudeLowUv) + " uV");
    }
    const bool polyHigh = s.polyphasicPercent > ref.polyphasicMaxPercent;
    if (polyHigh) s.reasons.push_back("polyphasic " + fmt(s.polyphasicPercent) + " % above " + fmt(ref.polyphasicMaxPercent) + " %");
    // polyphasia supports either reading; it does not make one on its own
    if (neuro > 0 && myo > 0) s.reading = PatternReading::Mixed;
    else if (neuro > 0) s.reading = PatternReading::Neuropathic;
    else if (myo > 0) s.reading = PatternReading::Myopathic;
    else s.reading = PatternReading::Normal;
    if (s.reading == PatternReading::Normal) {
        s.reasons.push_back("mean duration " + fmt(s.meanDurationMs) + " ms within +-" + fmt(lim) + " % of " + fmt(ref.meanDurationMs) +
                            " ms" + forN +
                            (c.amplitudeKnown ? ", mean amplitude " + fmt(s.meanAmplitudeUv) + " uV within " + fmt(ref.amplitudeLowUv) + "-" +
                                                    fmt(ref.amplitudeHighUv) + " uV"
                                              : std::string()) +
                            (polyHigh ? " (polyphasia increased: non-specific)" : ""));
    }
    if (!c.amplitudeKnown)
        s.reasons.push_back("mean amplitude " + fmt(s.meanAmplitudeUv) + " counts: the gain is unknown, not compared with the reference's " +
                            fmt(ref.amplitudeLowUv) + "-" + fmt(ref.amplitudeHighUv) + " uV");
    if (s.unitCount < 10) s.reasons.push_back("only " + std::to_string(s.unitCount) + " units (20 are usual for quantitation): confirm");
    return s;
}

}  // namespace emg::needle
