#include "ncs_accuracy_eval.h"
#include "harness_common.h"

#include <emg/core/recording_segments.h>
#include <emg/dsp/conduction_velocity_se.h>
#include <emg/dsp/ncs_analysis.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

namespace emg::ncsgen {

emg::dsp::NcsAnalysisSettings evalSettings(bool motor) {
    auto st = emg::dsp::ncsSettingsFor(motor ? emg::dsp::NcsTest::Motor : emg::dsp::NcsTest::Sensory);
    // NCS_POOL=0|1 overrides poolNoiseOverSites, NCS_UPSD the take-off fit's top (TakeoffSettings::fitUpSd),
    // to compare the harness with the settings before.
    if (const char* pool = std::getenv("NCS_POOL")) st.poolNoiseOverSites = std::string(pool) != "0";
    if (const char* v = std::getenv("NCS_UPSD")) st.detection.takeoff.fitUpSd = std::atof(v);   // NCS_UPSD=30: the take-off fit's top as before
    return st;
}

CaseOptions freshSensoryOptions() {
    CaseOptions o;
    o.forceFamily = true;
    o.family = Family::SensoryFibreSum;
    return o;
}

CaseOptions atStimulusOptions() {
    CaseOptions o;
    o.forceLayout = true;
    o.layout = Layout::RecordsAtStimulus;
    o.forceMotor = true;
    o.motor = true;
    return o;
}

CaseOptions sweepsAtStimulusOptions() {
    CaseOptions o = freshSensoryOptions();   // the sensory family, each sweep a record at its stimulus
    o.forceLayout = true;
    o.layout = Layout::RecordsAtStimulus;
    o.sweepsAtStimulus = true;
    return o;
}

CaseOutcome evaluate(const Case& c) {
    using namespace emg::dsp;
    CaseOutcome out;
    try {
        auto st = evalSettings(c.motor);
        // A file of segments of single sweeps (records at the stimulus, EDF+D): one analysis of the
        // whole file, no sweep reaching across a hole (PreparedSignal::acquisitionStarts), as
        // `emgws-cli analyze --test motor|sensory` does such a file. NCS_PER_SEGMENT=1: each segment
        // analysed alone (as before 2026-12-04's fourth stop, and as analyze does longer segments).
        std::vector<SiteResult> sites;
        std::size_t preparedStimuli = 0;
        const char* perSegmentEnv = std::getenv("NCS_PER_SEGMENT");
        const bool perSegment = !c.recording.segments.empty() && perSegmentEnv && std::string(perSegmentEnv) == "1";
        for (std::size_t g = 0; g < (perSegment ? c.recording.segments.size() : 1); ++g) {
            const auto prepared = perSegment ? prepareSignal(emg::segmentRecording(c.recording, g), std::nullopt, st)
                                             : prepareSignal(c.recording, std::nullopt, st);
            preparedStimuli += prepared.stimuli.size();
            for (auto& s : analyzeSites(prepared, st)) sites.push_back(std::move(s));
        }
        std::size_t counted = 0;
        bool truncOk = true;
        for (std::size_t k = 0; k < c.sites.size(); ++k) {
            const auto& t = c.sites[k];
            const SiteResult* r = nullptr;
            for (const auto& s : sites)
                if (s.site == t.name) r = &s;
            SiteOutcome o;
            o.family = c.family;
            o.motor = c.motor;
            o.goal = t.peakAbsUv >= 20.0 * t.effectiveNoiseUv && t.onsetMs > 0.0;
            o.initialPositive = t.initialPositive;
            if (r) {
                counted += r->stimulusIndices.size();
                if (t.lastSweepTruncated && !r->response.found && r->warnings.empty()) truncOk = false;
                o.found = r->response.found;
                o.uncertainFlag = r->response.onsetUncertain;
                o.onsetSeMs = r->response.onsetSeMs;
                if (o.found) {
                    o.onsetErrorMs = r->response.measures.onsetLatencyMs - t.onsetMs;
                    o.amplitudeErrorPct = (r->response.measures.amplitudeUv / t.amplitudeUv - 1.0) * 100.0;
                    o.amplitudeSeUv = r->response.measures.amplitudeSeUv;
                    o.amplitudeZ = o.amplitudeSeUv > 0.0 ? (r->response.measures.amplitudeUv - t.amplitudeUv) / o.amplitudeSeUv : std::nan("");
                    o.riseMs = r->response.measures.peakLatencyMs - r->response.measures.onsetLatencyMs;
                    o.signalToNoise = r->response.signalToNoise;
                }
            }
            out.sites.push_back(o);
        }
        out.stimulusCountOk = counted == c.stimuli && preparedStimuli == c.stimuli && truncOk;
        for (std::size_t k = 0; k + 1 < c.sites.size(); ++k) {
            SegmentOutcome g;
            g.family = c.family;
            g.mm = c.segmentMm[k];
            const auto& a = out.sites[k];
            const auto& b = out.sites[k + 1];
            g.goal = a.goal && b.goal && a.found && b.found && !a.uncertainFlag && !b.uncertainFlag;
            if (a.found && b.found) {
                const double dt = (c.sites[k + 1].onsetMs + b.onsetErrorMs) - (c.sites[k].onsetMs + a.onsetErrorMs);
                const double cv = dt > 0 ? g.mm / dt : 0.0;
                g.cvErrorPct = (cv / c.segmentCvMPerS[k] - 1.0) * 100.0;
                // The velocity's own uncertainty, as `emgws-cli analyze motor` reports it (NCS_CVSE=0: off).
                const auto u = segmentVelocityUncertainty(g.mm, c.sites[k].onsetMs + a.onsetErrorMs, a.onsetSeMs, c.sites[k + 1].onsetMs + b.onsetErrorMs,
                                                          b.onsetSeMs, c.sampleRateHz);
                const char* off = std::getenv("NCS_CVSE");
                g.velocityUncertain = u.uncertain && !(off && std::string(off) == "0");
                g.cvHalfWidthPct = u.halfWidthPct;
            }
            out.segments.push_back(g);
        }
    } catch (const std::exception& e) {
        out.error = e.what();
    }
    return out;
}

using harness::quantile;

Table tabulate(const std::vector<Case>& cases, const std::vector<CaseOutcome>& outcomes) {
    Table t;
    t.cases = cases.size();
    std::map<int, std::vector<std::size_t>> byFamily;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        byFamily[static_cast<int>(cases[i].family)].push_back(i);
        byFamily[-1].push_back(i);
        if (!outcomes[i].error.empty()) ++t.errors;
        else if (!outcomes[i].stimulusCountOk) ++t.countFailures;
    }
    std::vector<std::pair<double, std::string>> worst;
    for (int fam = 0; fam <= kFamilyCount; ++fam) {
        const int key = fam == kFamilyCount ? -1 : fam;
        if (!byFamily.count(key)) continue;
        FamilyRow row;
        row.name = key < 0 ? "all" : familyName(static_cast<Family>(key));
        std::vector<double> err, amp, sePct;
        double z2 = 0.0;
        for (std::size_t i : byFamily[key]) {
            const auto& o = outcomes[i];
            for (std::size_t k = 0; k < o.sites.size(); ++k) {
                const auto& s = o.sites[k];
                ++row.sites;
                if (!s.goal) {
                    ++row.lowSnrSites;
                    if (!s.found || s.uncertainFlag) ++row.lowSnrFlagged;
                    continue;
                }
                ++row.goalSites;
                if (!s.found) {
                    ++row.missed;
                    continue;
                }
                // Flagged "onset uncertain" (no confident value given): counted as flagged, not as
                // a success, and kept out of the error statistics of the confident onsets.
                if (s.uncertainFlag) {
                    ++row.uncertainFlagsInGoal;
                    continue;
                }
                err.push_back(std::fabs(s.onsetErrorMs));
                amp.push_back(std::fabs(s.amplitudeErrorPct));
                if (std::isfinite(s.amplitudeZ)) {
                    ++row.ampSeSites;
                    z2 += s.amplitudeZ * s.amplitudeZ;
                    row.ampWithin2Se += std::fabs(s.amplitudeZ) <= 2.0;
                    sePct.push_back(std::fabs(s.amplitudeErrorPct / s.amplitudeZ));
                    if (std::fabs(s.amplitudeErrorPct) > (s.motor ? 2.0 : 10.0)) {
                        ++row.ampBeyondGoal;
                        row.ampBeyondGoalWithinSe += std::fabs(s.amplitudeZ) <= 2.5;
                    }
                }
                if (s.onsetErrorMs < -0.10) ++row.falseEarly;
                if (key >= 0) worst.emplace_back(std::fabs(s.onsetErrorMs), "site " + cases[i].sites[k].name + " err " + std::to_string(s.onsetErrorMs) + " ms: " + cases[i].describe());
            }
            for (std::size_t k = 0; k < o.segments.size(); ++k) {
                const auto& g = o.segments[k];
                if (!g.goal) continue;
                if (key >= 0 && std::getenv("NCS_SEGDUMP"))   // one line per goal segment, for studying the velocity tail
                    std::cerr << "SEG " << familyName(static_cast<Family>(key)) << " mm " << g.mm << " cvErrPct " << g.cvErrorPct << " halfWidthPct "
                              << g.cvHalfWidthPct << " flagged " << g.velocityUncertain << " errA " << o.sites[k].onsetErrorMs << " seA "
                              << o.sites[k].onsetSeMs << " errB " << o.sites[k + 1].onsetErrorMs << " seB " << o.sites[k + 1].onsetSeMs << " | "
                              << cases[i].describe() << "\n";
                const bool longSeg = g.mm >= 200.0, shortSeg = g.mm <= 120.0;
                const double lim = longSeg ? 3.0 : 5.0;
                if (g.velocityUncertain && (longSeg || shortSeg)) {   // flagged: no confident CV, counted apart
                    const bool ok = std::fabs(g.cvErrorPct) <= lim;
                    if (longSeg) {
                        ++row.cvLongFlagged;
                        row.cvLongFlaggedOk += ok;
                    } else {
                        ++row.cvShortFlagged;
                        row.cvShortFlaggedOk += ok;
                    }
                    continue;
                }
                if (longSeg) {
                    ++row.cvLong;
                    row.cvLongOk += std::fabs(g.cvErrorPct) <= 3.0;
                    row.cvLongMaxPct = std::max(row.cvLongMaxPct, std::fabs(g.cvErrorPct));
                } else if (shortSeg) {
                    ++row.cvShort;
                    row.cvShortOk += std::fabs(g.cvErrorPct) <= 5.0;
                    row.cvShortMaxPct = std::max(row.cvShortMaxPct, std::fabs(g.cvErrorPct));
                }
            }
        }
        row.medianMs = quantile(err, 0.5);
        row.p95Ms = quantile(err, 0.95);
        row.maxMs = err.empty() ? 0.0 : *std::max_element(err.begin(), err.end());
        row.ampMedianPct = quantile(amp, 0.5);
        row.ampP95Pct = quantile(amp, 0.95);
        row.ampMaxPct = amp.empty() ? 0.0 : *std::max_element(amp.begin(), amp.end());
        row.ampZRms = row.ampSeSites ? std::sqrt(z2 / static_cast<double>(row.ampSeSites)) : 0.0;
        row.ampSeMedianPct = quantile(sePct, 0.5);
        t.rows.push_back(row);
    }
    std::sort(worst.begin(), worst.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t i = 0; i < std::min<std::size_t>(8, worst.size()); ++i) t.worst.push_back(worst[i].second);
    return t;
}

std::string formatTable(const Table& t, const std::string& title) {
    std::ostringstream o;
    o.setf(std::ios::fixed);
    o.precision(3);
    o << "### " << title << " (" << t.cases << " cases; stimulus-count failures " << t.countFailures << ", exceptions " << t.errors << ")\n\n";
    o << "| family | sites | goal sites | missed | flagged uncertain | onset median ms | p95 ms | max ms | early > 0.10 ms | amp median % | amp p95 % | amp max % | CV >= 200 mm within 3 % (flagged N, of them within) | CV 80-120 mm within 5 % (flagged N, of them within) | < 20x noise flagged |\n";
    o << "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& r : t.rows) {
        o << "| " << r.name << " | " << r.sites << " | " << r.goalSites << " | " << r.missed << " | " << r.uncertainFlagsInGoal << " | " << r.medianMs << " | " << r.p95Ms << " | "
          << r.maxMs << " | " << r.falseEarly << " | " << r.ampMedianPct << " | " << r.ampP95Pct << " | " << r.ampMaxPct << " | " << r.cvLongOk
          << "/" << r.cvLong << " (max " << r.cvLongMaxPct << "; flagged " << r.cvLongFlagged << ", " << r.cvLongFlaggedOk << " within) | " << r.cvShortOk << "/"
          << r.cvShort << " (max " << r.cvShortMaxPct << "; flagged " << r.cvShortFlagged << ", " << r.cvShortFlaggedOk << " within) | "
          << r.lowSnrFlagged << "/" << r.lowSnrSites << " |\n";
    }
    return o.str();
}

std::string formatAmplitudeSeTable(const Table& t) {
    std::ostringstream o;
    o.setf(std::ios::fixed);
    o.precision(3);
    o << "Amplitude standard error (confident goal sites): rms of error/SE is 1 and 95 % lie within 2 SE when the SE is right.\n\n";
    o << "| family | sites with an SE | SE median % of the amplitude | rms error/SE | within 2 SE | beyond the amplitude goal | of them within 2.5 SE |\n";
    o << "|---|---|---|---|---|---|---|\n";
    for (const auto& r : t.rows)
        o << "| " << r.name << " | " << r.ampSeSites << " | " << r.ampSeMedianPct << " | " << r.ampZRms << " | " << r.ampWithin2Se << "/" << r.ampSeSites << " | "
          << r.ampBeyondGoal << " | " << r.ampBeyondGoalWithinSe << " |\n";
    return o.str();
}

}  // namespace emg::ncsgen
