#pragma once
// Ground-truth helpers for the needle tests: simulated signals from emg::sim::NeedleMuscleModel
// and matching of detected firing times against the simulator's.

#include <sim/needle_emg_model.h>

#include <emg/needle/needle_types.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace needle_test {

/// Time of the template's largest absolute sample after its onset (the simulator gives onset times).
inline double peakOffsetSec(const std::vector<double>& templateUv, double fs) {
    std::size_t best = 0;
    for (std::size_t i = 0; i < templateUv.size(); ++i)
        if (std::abs(templateUv[i]) > std::abs(templateUv[best])) best = i;
    return static_cast<double>(best) / fs;
}

/// Truth firing times at the main peak, within [from, to).
inline std::vector<double> truthPeakTimes(const std::vector<double>& onsets, const std::vector<double>& tmpl, double fs,
                                          double from = 0.0, double to = 1e30) {
    std::vector<double> t;
    const double off = peakOffsetSec(tmpl, fs);
    for (double s : onsets)
        if (s + off >= from && s + off < to) t.push_back(s + off);
    return t;
}

/// Number of detected times within +-windowSec of a distinct truth time (greedy, both sorted).
inline std::size_t matchCount(const std::vector<double>& truth, const std::vector<double>& detected, double windowSec) {
    std::size_t i = 0, j = 0, m = 0;
    while (i < truth.size() && j < detected.size()) {
        const double d = detected[j] - truth[i];
        if (std::abs(d) <= windowSec) { ++m; ++i; ++j; }
        else if (d < 0) ++j;
        else ++i;
    }
    return m;
}

struct UnitScore {
    int truthId = -1;
    double truthPpUv = 0.0;
    std::size_t truthFirings = 0;
    int detectedId = -1;        ///< best-matching sorted unit
    std::size_t matched = 0;
    std::size_t detectedFirings = 0;
    double sensitivity = 0.0;   ///< matched / truth firings
    double ppv = 0.0;           ///< matched / detected firings of the matched unit
};

/// The constant offset between a detected unit's reference point (its main peak) and the truth's
/// (template onset): median of nearest differences within +-maxSec. Reference points are a
/// convention; what is scored is that each firing is found with the same fixed latency.
inline double medianOffset(const std::vector<double>& truth, const std::vector<double>& detected, double maxSec) {
    std::vector<double> d;
    for (double t : truth) {
        auto it = std::lower_bound(detected.begin(), detected.end(), t - maxSec);
        double best = 1e9;
        for (; it != detected.end() && *it <= t + maxSec; ++it)
            if (std::abs(*it - t) < std::abs(best)) best = *it - t;
        if (best < 1e8) d.push_back(best);
    }
    if (d.empty()) return 0.0;
    std::nth_element(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(d.size() / 2), d.end());
    return d[d.size() / 2];
}

/// For each truth unit with firings in [from, to), the sorted unit sharing most firings with it
/// (times compared after removing the pair's constant offset, match window +-windowSec).
inline std::vector<UnitScore> scoreUnits(const emg::sim::NeedleSignal& sig, const std::vector<emg::needle::MotorUnit>& units,
                                         double windowSec, double from = 0.0, double to = 1e30) {
    std::vector<UnitScore> out;
    for (const auto& tu : sig.units) {
        std::vector<double> truth;
        for (double t : tu.firingTimesSec)
            if (t >= from && t < to) truth.push_back(t);
        if (truth.empty()) continue;
        UnitScore s;
        s.truthId = tu.id;
        s.truthPpUv = tu.peakToPeakUv;
        s.truthFirings = truth.size();
        for (const auto& u : units) {
            const double off = medianOffset(truth, u.firingTimesSec, 0.015);
            std::vector<double> shifted(truth);
            for (double& t : shifted) t += off;
            const auto m = matchCount(shifted, u.firingTimesSec, windowSec);
            if (m > s.matched) { s.matched = m; s.detectedId = u.id; s.detectedFirings = u.firingTimesSec.size(); }
        }
        s.sensitivity = static_cast<double>(s.matched) / static_cast<double>(s.truthFirings);
        s.ppv = s.detectedFirings ? static_cast<double>(s.matched) / static_cast<double>(s.detectedFirings) : 0.0;
        out.push_back(s);
    }
    return out;
}

}  // namespace needle_test
