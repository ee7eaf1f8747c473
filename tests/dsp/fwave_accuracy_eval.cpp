#include "fwave_accuracy_eval.h"
#include "harness_common.h"

#include <emg/dsp/ncs_analysis.h>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace emg::fwavegen {

FOutcome evaluateF(const FCase& c) {
    using namespace emg::dsp;
    FOutcome o;
    try {
        const auto st = ncsSettingsFor(NcsTest::FWave);
        const auto prepared = prepareSignal(c.recording, std::nullopt, st);
        const auto sites = sitesInOrder(prepared.stimuli);
        if (sites.size() != 1) throw std::runtime_error("expected one site, found " + std::to_string(sites.size()));
        const auto sweeps = lateResponseSweeps(prepared, sites.front(), st);
        o.stimuliCounted = sweeps.size();
        FWaveSettings fs;
        fs.mDetection = st.detection;
        fs.mainsHz = st.mainsHz;   // as emgws-cli analyze fwave
        const auto r = analyzeFWaves(sweeps, fs);
        o.goal = c.minLatencyMs > 0.0 && c.minLatencyPeakUv >= 20.0 * c.noiseRmsUv;
        o.found = r.present > 0;
        o.flagged = r.minLatencyUncertain();
        if (o.found && c.minLatencyMs > 0.0) o.minLatencyErrorMs = r.minLatencyMs - c.minLatencyMs;
        o.persistenceErrorPct = r.persistencePercent - c.persistencePercent;
        std::ostringstream d;
        d.precision(4);
        d << "M " << (r.m.found ? r.m.measures.onsetLatencyMs : -1.0) << " ms, F from " << r.searchFromMs << " ms; sweeps truth/measured:";
        for (const auto& t : r.traces) {
            if (t.sweepIndex >= c.sweeps.size()) continue;
            const auto& truth = c.sweeps[t.sweepIndex];
            d << " " << (truth.present ? std::to_string(truth.onsetMs).substr(0, 6) : (truth.fired ? "(low)" : "-")) << "/"
              << (t.present ? std::to_string(t.latencyMs).substr(0, 6) : "-");
            o.truthF += truth.present;
            if (truth.present && t.present) ++o.detectedTrue;
            else if (truth.present) ++o.missed;
            else if (t.present && !truth.fired) ++o.falseF;   // an F where no unit fired at all
        }
        o.detail = d.str();
    } catch (const std::exception& e) {
        o.error = e.what();
    }
    return o;
}

using harness::quantile;

FTable tabulateF(const std::vector<FCase>& cases, const std::vector<FOutcome>& outcomes, double tol) {
    FTable t;
    t.cases = cases.size();
    std::vector<std::pair<double, std::string>> worst;
    for (int group = 0; group < 3; ++group) {
        FRow row;
        row.name = group == 0 ? "hand (F 22-34 ms)" : group == 1 ? "foot (F 42-58 ms)" : "all";
        std::vector<double> err, pers;
        for (std::size_t i = 0; i < cases.size(); ++i) {
            if (group < 2 && cases[i].lowerLimb != (group == 1)) continue;
            const auto& o = outcomes[i];
            if (!o.error.empty()) {
                if (group == 2) ++t.errors;
                continue;
            }
            if (group == 2 && o.stimuliCounted != cases[i].sweeps.size()) ++t.countFailures;
            ++row.cases;
            row.truthF += o.truthF;
            row.detectedTrue += o.detectedTrue;
            row.missedF += o.missed;
            row.falseF += o.falseF;
            pers.push_back(std::fabs(o.persistenceErrorPct));
            if (!o.goal) {
                ++row.nonGoal;
                row.nonGoalWithin += o.found && cases[i].minLatencyMs > 0.0 && std::fabs(o.minLatencyErrorMs) <= tol;
                continue;
            }
            ++row.goalCases;
            if (!o.found) {
                ++row.missed;
                continue;
            }
            const double e = std::fabs(o.minLatencyErrorMs);
            if (o.flagged) {   // no confident value: counted apart, as the H and NCS tables count them
                ++row.flagged;
                row.flaggedWithin += e <= tol;
                if (group == 2) worst.emplace_back(e, "flagged, err " + std::to_string(o.minLatencyErrorMs) + " ms: " + cases[i].describe() + " | " + o.detail);
                continue;
            }
            err.push_back(e);
            row.within += e <= tol;
            row.early += o.minLatencyErrorMs < -tol;
            if (group == 2) worst.emplace_back(e, "err " + std::to_string(o.minLatencyErrorMs) + " ms: " + cases[i].describe() + " | " + o.detail);
        }
        row.medianMs = quantile(err, 0.5);
        row.p95Ms = quantile(err, 0.95);
        row.maxMs = err.empty() ? 0.0 : *std::max_element(err.begin(), err.end());
        row.persistenceMedianPp = quantile(pers, 0.5);
        row.persistenceMaxPp = pers.empty() ? 0.0 : *std::max_element(pers.begin(), pers.end());
        t.rows.push_back(row);
    }
    std::sort(worst.begin(), worst.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t i = 0; i < std::min<std::size_t>(8, worst.size()); ++i) t.worst.push_back(worst[i].second);
    return t;
}

std::string formatFTable(const FTable& t, const std::string& title) {
    std::ostringstream o;
    o.setf(std::ios::fixed);
    o.precision(3);
    o << "### F-waves, " << title << " (" << t.cases << " trains; stimulus-count failures " << t.countFailures << ", exceptions " << t.errors
      << ")\n\n";
    o << "| group | trains | goal trains | no F found | flagged uncertain (of them within 0.3 ms) | min latency error median ms | p95 ms | max ms | within 0.3 ms | early > 0.3 ms "
         "| < 20x noise: within 0.3 ms | sweeps with F: found / truth | false F (no unit fired) | persistence error median / max pp |\n";
    o << "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& r : t.rows) {
        o << "| " << r.name << " | " << r.cases << " | " << r.goalCases << " | " << r.missed << " | " << r.flagged << " (" << r.flaggedWithin
          << ") | " << r.medianMs << " | " << r.p95Ms
          << " | " << r.maxMs << " | " << r.within << "/" << (r.goalCases - r.missed - r.flagged) << " | " << r.early << " | " << r.nonGoalWithin << "/"
          << r.nonGoal << " | " << r.detectedTrue << "/" << r.truthF << " | " << r.falseF << " | " << r.persistenceMedianPp << " / "
          << r.persistenceMaxPp << " |\n";
    }
    return o.str();
}

}  // namespace emg::fwavegen
