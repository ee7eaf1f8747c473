// Our sorted units against an expert decomposition: per pair a constant lag, one-to-one matching
// of firings within a window, sensitivity and PPV; pairing greedy on matched firings.
#include <emg/needle/decomposition_compare.h>
#include <emg/needle/signal_tools.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <tuple>

namespace emg::needle {

std::size_t countMatchedFirings(const std::vector<double>& expertSec, const std::vector<double>& ourSec, double lagSec,
                                double windowSec, std::vector<std::pair<std::size_t, std::size_t>>* pairs) {
    std::size_t i = 0, j = 0, m = 0;
    // a tiny tolerance so that a firing exactly at the window's edge (in decimal) still matches
    const double w = windowSec * (1.0 + 1e-9) + 1e-12;
    while (i < expertSec.size() && j < ourSec.size()) {
        const double d = ourSec[j] - (expertSec[i] + lagSec);
        if (std::abs(d) <= w) {
            if (pairs) pairs->emplace_back(i, j);
            ++m;
            ++i;
            ++j;
        } else if (d < 0) {
            ++j;
        } else {
            ++i;
        }
    }
    return m;
}

namespace {

void checkOptions(const DecompositionCompareOptions& o) {
    if (!(o.matchWindowMs > 0) || !(o.lagStepMs > 0) || !(o.lagSearchMs >= 0) || !std::isfinite(o.lagSearchMs) ||
        o.lagSearchMs / o.lagStepMs > 1e5)
        throw std::invalid_argument("decomposition comparison: the match window and lag step must be > 0 and the lag search >= 0 (at most 1e5 steps)");
}

double medianMatchedDifference(const std::vector<double>& expertSec, const std::vector<double>& ourSec,
                               const std::vector<std::pair<std::size_t, std::size_t>>& pairs) {
    std::vector<double> d;
    d.reserve(pairs.size());
    for (const auto& [i, j] : pairs) d.push_back(ourSec[j] - expertSec[i]);
    return median(std::move(d));
}

}  // namespace

double estimateFiringLagSec(const std::vector<double>& expertSec, const std::vector<double>& ourSec, const DecompositionCompareOptions& o) {
    checkOptions(o);
    if (expertSec.empty() || ourSec.empty()) return 0.0;
    const double step = o.lagStepMs * 1e-3, w = o.matchWindowMs * 1e-3;
    const auto n = static_cast<long long>(std::floor(o.lagSearchMs / o.lagStepMs + 1e-9));
    // the best count, and the longest run of grid lags reaching it (its middle is the grid estimate)
    std::size_t best = 0;
    long long runStart = 0, bestRunStart = 0, bestRunLen = 0, runLen = 0;
    for (long long k = -n; k <= n; ++k) {
        const std::size_t c = countMatchedFirings(expertSec, ourSec, static_cast<double>(k) * step, w);
        if (c > best) {
            best = c;
            bestRunStart = k;
            bestRunLen = 0;
            runLen = 0;
        }
        if (c == best && c > 0) {
            if (runLen == 0) runStart = k;
            ++runLen;
            if (runLen > bestRunLen) {
                bestRunLen = runLen;
                bestRunStart = runStart;
            }
        } else {
            runLen = 0;
        }
    }
    if (best == 0) return 0.0;
    const double gridLag = (static_cast<double>(bestRunStart) + static_cast<double>(bestRunLen - 1) / 2.0) * step;
    // refined: the median difference of the firings matched there, when it matches as many
    std::vector<std::pair<std::size_t, std::size_t>> pairs;
    countMatchedFirings(expertSec, ourSec, gridLag, w, &pairs);
    const double refined = medianMatchedDifference(expertSec, ourSec, pairs);
    return countMatchedFirings(expertSec, ourSec, refined, w) >= pairs.size() ? refined : gridLag;
}

DecompositionComparison compareDecompositions(const std::vector<ExpertUnit>& expert, const std::vector<MotorUnit>& ours,
                                              const DecompositionCompareOptions& o) {
    checkOptions(o);
    const double w = o.matchWindowMs * 1e-3;
    DecompositionComparison r;

    // expert firings inside the spans our decomposition analysed
    std::vector<std::vector<double>> ex(expert.size());
    for (std::size_t e = 0; e < expert.size(); ++e) {
        for (double t : expert[e].firingTimesSec) {
            const bool inside = o.analysedSpansSec.empty() ||
                                std::any_of(o.analysedSpansSec.begin(), o.analysedSpansSec.end(),
                                            [&](const auto& s) { return t >= s.first && t < s.second; });
            if (inside) ex[e].push_back(t);
            else ++r.expertFiringsOutsideSpans;
        }
        std::sort(ex[e].begin(), ex[e].end());
    }
    std::vector<std::vector<double>> ou(ours.size());
    for (std::size_t u = 0; u < ours.size(); ++u) {
        ou[u] = ours[u].firingTimesSec;
        std::sort(ou[u].begin(), ou[u].end());
    }

    // every expert unit against every one of ours at that pair's lag
    struct Candidate {
        std::size_t matched;
        double share;   // matched / (expert + our firings): breaks ties towards the closer pair
        std::size_t e, u;
        double lagSec;
    };
    std::vector<Candidate> cand;
    for (std::size_t e = 0; e < ex.size(); ++e) {
        for (std::size_t u = 0; u < ou.size(); ++u) {
            if (ex[e].empty() || ou[u].empty()) continue;
            const double lag = estimateFiringLagSec(ex[e], ou[u], o);
            const std::size_t m = countMatchedFirings(ex[e], ou[u], lag, w);
            if (m > 0) cand.push_back({m, static_cast<double>(m) / static_cast<double>(ex[e].size() + ou[u].size()), e, u, lag});
        }
    }
    std::sort(cand.begin(), cand.end(), [](const Candidate& a, const Candidate& b) {
        return std::tie(b.matched, b.share, a.e, a.u) < std::tie(a.matched, a.share, b.e, b.u);
    });
    std::vector<int> partnerOfExpert(expert.size(), -1);
    std::vector<bool> ourTaken(ours.size(), false);
    std::vector<double> lagOfExpert(expert.size(), 0.0);
    for (const auto& c : cand) {
        if (partnerOfExpert[c.e] >= 0 || ourTaken[c.u]) continue;
        partnerOfExpert[c.e] = static_cast<int>(c.u);
        ourTaken[c.u] = true;
        lagOfExpert[c.e] = c.lagSec;
    }

    std::vector<double> sens, ppv;
    for (std::size_t e = 0; e < expert.size(); ++e) {
        ExpertUnitComparison c;
        c.expertId = expert[e].id;
        c.expertFirings = ex[e].size();
        if (partnerOfExpert[e] >= 0) {
            const auto u = static_cast<std::size_t>(partnerOfExpert[e]);
            std::vector<std::pair<std::size_t, std::size_t>> pairs;
            c.matchedFirings = countMatchedFirings(ex[e], ou[u], lagOfExpert[e], w, &pairs);
            c.ourUnitId = ours[u].id;
            c.ourFirings = ou[u].size();
            c.lagMs = medianMatchedDifference(ex[e], ou[u], pairs) * 1e3;
            c.ppv = static_cast<double>(c.matchedFirings) / static_cast<double>(c.ourFirings);
        }
        if (c.expertFirings > 0) {
            c.sensitivity = static_cast<double>(c.matchedFirings) / static_cast<double>(c.expertFirings);
            c.found = c.sensitivity >= o.foundMinSensitivity && c.ppv >= o.foundMinPpv;
            ++r.expertUnitsCompared;
            sens.push_back(c.sensitivity);
            ppv.push_back(c.ppv);
        }
        r.unitsFound += c.found;
        r.expertUnits.push_back(std::move(c));
    }
    for (std::size_t u = 0; u < ours.size(); ++u)
        if (!ourTaken[u]) r.ourUnitsWithoutPartner.push_back(ours[u].id);
    r.medianSensitivity = median(sens);
    r.medianPpv = median(ppv);
    return r;
}

}  // namespace emg::needle
