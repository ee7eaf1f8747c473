#include "rns_accuracy_eval.h"
#include "harness_common.h"

#include <emg/dsp/late_responses.h>
#include <emg/dsp/ncs_analysis.h>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace emg::rnsgen {

RnsOutcome evaluateRns(const RnsCase& c) {
    using namespace emg::dsp;
    RnsOutcome o;
    try {
        const auto st = ncsSettingsFor(NcsTest::Rns);
        const auto prepared = prepareSignal(c.recording, std::nullopt, st);
        const auto trains = rnsTrains(prepared);
        o.trains = trains.size();
        if (trains.size() != 1) throw std::runtime_error("expected one train, found " + std::to_string(trains.size()));
        const auto sweeps = lateResponseSweeps(prepared, "", st);
        o.sweeps = sweeps.size();
        if (sweeps.empty()) throw std::runtime_error("no sweeps");
        const auto r = analyzeRns(sweeps, st.detection, st.mainsHz);
        o.rateErrorHz = r.rateHz - c.rateHz;
        o.read = r.decrement4AmplitudePercent && r.decrement5AmplitudePercent && r.decrement4AreaPercent;
        if (o.read) {
            o.dec4ErrorPts = *r.decrement4AmplitudePercent - c.decrement4Pct;
            o.dec5ErrorPts = *r.decrement5AmplitudePercent - c.decrement5Pct;
            o.area4ErrorPts = *r.decrement4AreaPercent - c.decrement4Pct;
            const double worst = std::max(c.decrement4Pct, c.decrement5Pct);
            const double read = std::max(*r.decrement4AmplitudePercent, *r.decrement5AmplitudePercent);
            if (std::fabs(worst - 10.0) > 1.0) o.judgedRight = (worst >= 10.0) == (read >= 10.0);
        }
        std::ostringstream d;
        d.precision(4);
        d << "rate " << r.rateHz << " Hz, decrement 4th " << (r.decrement4AmplitudePercent ? *r.decrement4AmplitudePercent : -999.0) << " % (area "
          << (r.decrement4AreaPercent ? *r.decrement4AreaPercent : -999.0) << "), 5th " << (r.decrement5AmplitudePercent ? *r.decrement5AmplitudePercent : -999.0)
          << " %; first amplitude " << (r.responses.empty() ? -1.0 : r.responses.front().measures.amplitudeUv) << " uV";
        if (!r.note.empty()) d << "; note: " << r.note;
        o.detail = d.str();
    } catch (const std::exception& e) {
        o.error = e.what();
    }
    return o;
}

using harness::quantile;

RnsTable tabulateRns(const std::vector<RnsCase>& cases, const std::vector<RnsOutcome>& outcomes) {
    RnsTable t;
    t.cases = cases.size();
    std::vector<std::pair<double, std::string>> worst;
    for (int group = 0; group < 3; ++group) {
        RnsRow row;
        row.name = group == 0 ? "continuous" : group == 1 ? "records-at-stimulus" : "all";
        std::vector<double> err;
        for (std::size_t i = 0; i < cases.size(); ++i) {
            const auto& c = cases[i];
            if (group < 2 && c.atStimulus != (group == 1)) continue;
            const auto& o = outcomes[i];
            if (!o.error.empty()) {
                if (group == 2) ++t.errors;
                continue;
            }
            if (group == 2 && o.sweeps != c.scale.size()) ++t.countFailures;
            ++row.cases;
            row.rateRight += std::fabs(o.rateErrorHz) <= 0.01 * c.rateHz;
            if (!o.read) {
                ++row.notRead;
                continue;
            }
            const double e = std::max(std::fabs(o.dec4ErrorPts), std::fabs(o.dec5ErrorPts));
            err.push_back(e);
            row.within1 += e <= 1.0;
            row.within2 += e <= 2.0;
            row.area4Within2 += std::fabs(o.area4ErrorPts) <= 2.0;
            row.judgedRight += o.judgedRight;
            if (group == 2) worst.emplace_back(e, "decrement err " + std::to_string(o.dec4ErrorPts) + " / " + std::to_string(o.dec5ErrorPts) + " pts: " + c.describe() + " | " + o.detail);
        }
        row.medianPts = quantile(err, 0.5);
        row.p95Pts = quantile(err, 0.95);
        row.maxPts = err.empty() ? 0.0 : *std::max_element(err.begin(), err.end());
        t.rows.push_back(row);
    }
    std::sort(worst.begin(), worst.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t i = 0; i < std::min<std::size_t>(8, worst.size()); ++i) t.worst.push_back(worst[i].second);
    return t;
}

std::string formatRnsTable(const RnsTable& t, const std::string& title) {
    std::ostringstream o;
    o.setf(std::ios::fixed);
    o.precision(3);
    o << "### RNS, " << title << " (" << t.cases << " trains; stimulus-count failures " << t.countFailures << ", exceptions " << t.errors << ")\n\n";
    o << "| layout | trains | not read | 4th/5th amplitude decrement error median / p95 / max pts | within 1 pt | within 2 pts | 4th area within 2 pts "
         "| same side of 10 % as the truth | rate right |\n|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& r : t.rows) {
        const std::size_t read = r.cases - r.notRead;
        o << "| " << r.name << " | " << r.cases << " | " << r.notRead << " | " << r.medianPts << " / " << r.p95Pts << " / " << r.maxPts << " | "
          << r.within1 << "/" << read << " | " << r.within2 << "/" << read << " | " << r.area4Within2 << "/" << read << " | " << r.judgedRight << "/"
          << read << " | " << r.rateRight << "/" << r.cases << " |\n";
    }
    return o.str();
}

}  // namespace emg::rnsgen
