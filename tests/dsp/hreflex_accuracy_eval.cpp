#include "hreflex_accuracy_eval.h"
#include "harness_common.h"

#include <emg/dsp/late_responses.h>
#include <emg/dsp/ncs_analysis.h>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace emg::hgen {

HOutcome evaluateH(const HCase& c) {
    using namespace emg::dsp;
    HOutcome o;
    try {
        const auto st = ncsSettingsFor(NcsTest::HReflex);
        const auto prepared = prepareSignal(c.recording, std::nullopt, st);
        const auto sites = sitesInOrder(prepared.stimuli);
        if (sites.size() != 1) throw std::runtime_error("expected one site, found " + std::to_string(sites.size()));
        std::vector<std::optional<double>> intensity;
        const auto sweeps = lateResponseSweeps(prepared, sites.front(), st, &intensity);
        o.stimuliCounted = sweeps.size();
        if (sweeps.empty()) throw std::runtime_error("no sweeps");
        HReflexSettings hs;   // as emgws-cli analyze --test hreflex
        hs.mainsHz = st.mainsHz;
        hs.hWindowToMs = st.sweep.windowMs;
        const auto r = analyzeHReflex(sweeps, intensity, hs);
        o.goal = c.hPresent && c.hLatencyMs > 0.0 && c.hMaxUv >= 40.0 * c.noiseRmsUv;
        o.latencyRead = r.hLatencyMs.has_value();
        o.latencyFlagged = r.hLatencyUncertain();
        if (o.latencyRead && c.hLatencyMs > 0.0) o.latencyErrorMs = *r.hLatencyMs - c.hLatencyMs;
        o.ratioRead = r.hmRatio;
        if (c.hmRatio > 0.0) o.ratioErrorPct = (r.hmRatio - c.hmRatio) / c.hmRatio * 100.0;
        if (c.mMaxPpUv > 0.0) o.mMaxErrorPct = (r.mMaxUv - c.mMaxPpUv) / c.mMaxPpUv * 100.0;
        const std::size_t k = sweeps[r.hMaxSweep].index;
        o.hMaxSweepRight = k < c.sweeps.size() && c.sweeps[k].hPeakToPeakUv >= 0.95 * c.hMaxUv;
        std::ostringstream d;
        d.precision(4);
        d << "M to " << r.mWindowToMs << " ms; read Hmax " << r.hMaxUv << " uV on sweep " << k << ", Mmax " << r.mMaxUv << ", H/M " << r.hmRatio
          << ", latency " << (r.hLatencyMs ? *r.hLatencyMs : -1.0) << (r.hLatencyUncertain() ? " (flagged uncertain)" : "") << "; H pp truth/read:";
        for (const auto& s : r.sweeps)
            if (s.sweepIndex < c.sweeps.size()) d << " " << std::lround(c.sweeps[s.sweepIndex].hPeakToPeakUv) << "/" << std::lround(s.hPeakToPeakUv);
        o.detail = d.str();
    } catch (const std::exception& e) {
        o.error = e.what();
    }
    return o;
}

using harness::quantile;

HTable tabulateH(const std::vector<HCase>& cases, const std::vector<HOutcome>& outcomes, double tol, double ratioTol) {
    HTable t;
    t.cases = cases.size();
    std::vector<std::pair<double, std::string>> worst;
    const HLayout layouts[] = {HLayout::Continuous, HLayout::RecordsSeparate, HLayout::RecordsAtStimulus};
    for (int group = 0; group < 4; ++group) {
        HRow row;
        row.name = group < 3 ? layoutName(layouts[group]) : "all";
        std::vector<double> err, ratio, mmax;
        for (std::size_t i = 0; i < cases.size(); ++i) {
            const auto& c = cases[i];
            if (group < 3 && c.layout != layouts[group]) continue;
            const auto& o = outcomes[i];
            if (!o.error.empty()) {
                if (group == 3) ++t.errors;
                continue;
            }
            if (group == 3 && o.stimuliCounted != c.sweeps.size()) ++t.countFailures;
            ++row.cases;
            mmax.push_back(std::fabs(o.mMaxErrorPct));
            if (!c.hPresent) {
                ++row.absent;
                row.absentReadBelow += o.ratioRead < 0.05;
                row.absentMaxRatio = std::max(row.absentMaxRatio, o.ratioRead);
                if (group == 3) worst.emplace_back(100.0 * o.ratioRead, "absent H read H/M " + std::to_string(o.ratioRead) + ": " + c.describe() + " | " + o.detail);
                continue;
            }
            if (!o.goal) continue;
            ++row.goalCases;
            row.sweepRight += o.hMaxSweepRight;
            const double re = std::fabs(o.ratioErrorPct);
            ratio.push_back(re);
            row.ratioWithin += re <= ratioTol;
            if (!o.latencyRead) {
                ++row.noLatency;
                continue;
            }
            const double e = std::fabs(o.latencyErrorMs);
            if (o.latencyFlagged) {
                ++row.flagged;
                row.flaggedWithin += e <= tol;
                continue;
            }
            err.push_back(e);
            row.within += e <= tol;
            row.early += o.latencyErrorMs < -tol;
            if (group == 3)
                worst.emplace_back(std::max(e / tol, re / ratioTol), "latency err " + std::to_string(o.latencyErrorMs) + " ms, H/M err " +
                                                                        std::to_string(o.ratioErrorPct) + " %: " + c.describe() + " | " + o.detail);
        }
        row.medianMs = quantile(err, 0.5);
        row.p95Ms = quantile(err, 0.95);
        row.maxMs = err.empty() ? 0.0 : *std::max_element(err.begin(), err.end());
        row.ratioMedianPct = quantile(ratio, 0.5);
        row.ratioP95Pct = quantile(ratio, 0.95);
        row.ratioMaxPct = ratio.empty() ? 0.0 : *std::max_element(ratio.begin(), ratio.end());
        row.mMaxMedianPct = quantile(mmax, 0.5);
        row.mMaxMaxPct = mmax.empty() ? 0.0 : *std::max_element(mmax.begin(), mmax.end());
        t.rows.push_back(row);
    }
    std::sort(worst.begin(), worst.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t i = 0; i < std::min<std::size_t>(8, worst.size()); ++i) t.worst.push_back(worst[i].second);
    return t;
}

std::string formatHTable(const HTable& t, const std::string& title) {
    std::ostringstream o;
    o.setf(std::ios::fixed);
    o.precision(3);
    o << "### H-reflex, " << title << " (" << t.cases << " series; stimulus-count failures " << t.countFailures << ", exceptions " << t.errors
      << ")\n\n";
    o << "| layout | series | goal series | no latency | flagged uncertain (of them within 0.3 ms) | latency error median / p95 / max ms | "
         "within 0.3 ms | early > 0.3 ms | H/M error median / p95 / max % | H/M within 5 % | Hmax sweep right | Mmax error median / max % "
         "| absent H: read H/M < 0.05 (max) |\n";
    o << "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& r : t.rows) {
        o << "| " << r.name << " | " << r.cases << " | " << r.goalCases << " | " << r.noLatency << " | " << r.flagged << " (" << r.flaggedWithin
          << ") | " << r.medianMs << " / " << r.p95Ms << " / " << r.maxMs << " | " << r.within << "/" << (r.goalCases - r.noLatency - r.flagged)
          << " | " << r.early << " | " << r.ratioMedianPct << " / "
          << r.ratioP95Pct << " / " << r.ratioMaxPct << " | " << r.ratioWithin << "/" << r.goalCases << " | " << r.sweepRight << "/" << r.goalCases
          << " | " << r.mMaxMedianPct << " / " << r.mMaxMaxPct << " | " << r.absentReadBelow << "/" << r.absent << " (" << r.absentMaxRatio << ") |\n";
    }
    return o.str();
}

}  // namespace emg::hgen
