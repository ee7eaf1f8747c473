// The late-response figures: the H-reflex sweeps with M and H marked, and the responses of an
// RNS train with their decrement.
#include "figure_sources.h"
#include "nice_step.h"

#include <emg/dsp/late_responses.h>
#include <emg/dsp/ncs_analysis.h>
#include <emg/dsp/rns_train_notes.h>
#include <emg/study/measurement_uncertainty.h>
#include <emg/study/test_identity.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <optional>
#include <set>
#include <stdexcept>

namespace emg::report::detail {
namespace {

constexpr std::size_t kMaxHSweeps = 6;      // what a half-page cascade holds
constexpr double kHMsPerDiv = 5.0;          // -2 to 48 ms: M, and H (onset about 30 ms) to its end
constexpr double kHPreMs = 2.0;
constexpr double kRnsPreMs = 1.0;            // before each RNS response: the stimulus only
constexpr double kRnsCellMs = 20.0;          // each RNS cell: 4 divisions of 5 ms

std::string fixed1(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

/// Time (ms from the stimulus) of the most negative sample of `t` within [fromMs, toMs).
std::optional<double> negativePeakMs(const ReportTrace& t, double fromMs, double toMs) {
    std::optional<double> at;
    double lowest = 0.0;
    for (std::size_t i = 0; i < t.samplesUv.size(); ++i) {
        const double ms = i * 1000.0 / t.sampleRateHz - t.preTriggerMs;
        if (ms < fromMs || ms >= toMs) continue;
        if (!at || t.samplesUv[i] < lowest) {
            lowest = t.samplesUv[i];
            at = ms;
        }
    }
    return at;
}

/// Up to kMaxHSweeps sweep positions spread over the series by intensity, Hmax and Mmax always in.
std::vector<std::size_t> chosenHSweeps(const std::vector<std::optional<double>>& intensities, const dsp::HReflexResult& r,
                                       std::size_t n) {
    std::vector<std::size_t> byIntensity(n);
    std::iota(byIntensity.begin(), byIntensity.end(), std::size_t{0});
    std::stable_sort(byIntensity.begin(), byIntensity.end(), [&](std::size_t a, std::size_t b) {
        return intensities.at(a).value_or(0.0) < intensities.at(b).value_or(0.0);
    });
    std::set<std::size_t> pick{r.hMaxSweep, r.mMaxSweep};
    const std::size_t spread = kMaxHSweeps - pick.size();
    for (std::size_t k = 0; k < spread && n > 0; ++k) {
        const std::size_t rank = spread > 1 ? k * (n - 1) / (spread - 1) : 0;
        pick.insert(byIntensity[rank]);
    }
    std::vector<std::size_t> out;
    for (std::size_t i : byIntensity)
        if (pick.count(i)) out.push_back(i);
    return out;
}

std::string hLabel(std::size_t k, std::size_t stimulus, const std::optional<double>& mA, const dsp::HReflexResult& r) {
    // short: the label sits left of M, which comes 5-10 ms after the stimulus
    std::string label = mA ? fixed1(*mA) + " mA" : "#" + std::to_string(stimulus + 1);
    if (k == r.hMaxSweep) label += " Hmax";
    if (k == r.mMaxSweep) label += " Mmax";
    return label;
}

/// The train of the recording stored as `test`: the one whose label (dsp::rnsTrainLabel, the
/// condition the late-responses panel saves it under) is the test's condition; else the last with
/// at least two complete sweeps. `which` (from 1) and `trains` say where it lies among the trains;
/// `others`: what the file's other trains read (rns_train_notes.h).
std::vector<dsp::Sweep> storedTrain(const study::Rns& test, const dsp::PreparedSignal& signal, const dsp::NcsAnalysisSettings& settings,
                                    std::size_t& which, std::size_t& trains, dsp::OtherTrains& others) {
    const auto all = dsp::lateResponseSweeps(signal, "", settings);   // (records that start at the stimulus: cut from it, as analyzed)
    const auto groups = dsp::rnsTrains(signal);
    trains = groups.size();
    std::optional<std::size_t> chosen;
    for (std::size_t g = 0; g < groups.size() && !chosen && groups.size() > 1; ++g)
        if (study::identityText(dsp::rnsTrainLabel(groups, g)) == study::identityText(test.condition) && dsp::sweepsOfTrain(all, groups[g]).size() >= 2) chosen = g;
    for (std::size_t g = groups.size(); g-- > 0 && !chosen;)
        if (dsp::sweepsOfTrain(all, groups[g]).size() >= 2) chosen = g;
    if (!chosen) throw std::runtime_error("no train of at least two complete sweeps in the recording");
    which = *chosen + 1;
    others = dsp::describeOtherTrains(signal, groups, all, settings.detection, *chosen);
    return dsp::sweepsOfTrain(all, groups[*chosen]);
}

std::string percent(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f %%", v);
    return buf;
}

}  // namespace

ReportFigure hreflexSweeps(const study::HReflex& test, const VerifiedRecording& source) {
    const auto settings = dsp::ncsSettingsFor(TestKind::HReflex);
    const auto signal = dsp::prepareSignal(source.recording, source.channel, settings);
    std::vector<std::optional<double>> intensities;
    const auto sweeps = dsp::lateResponseSweeps(signal, "", settings, &intensities);   // (records that start at the stimulus: cut from it)
    if (sweeps.empty()) throw std::runtime_error("no complete sweep in the recording");
    intensities.resize(sweeps.size());
    const auto r = dsp::analyzeHReflex(sweeps, intensities);   // as emgws-cli analyze --test hreflex reads it by default
    ReportFigure f;
    f.layout = FigureLayout::Cascade;
    f.sweepMsPerDiv = kHMsPerDiv;
    const bool hPresent = r.hMaxUv > 0.0 && r.hLatencyMs.has_value();
    for (std::size_t k : chosenHSweeps(intensities, r, sweeps.size())) {
        ReportTrace t = traceOf(sweeps[k], hLabel(k, sweeps[k].index, intensities[k], r), kHPreMs);
        const auto& m = r.sweeps.at(k);
        if (m.mPeakToPeakUv >= 0.05 * r.mMaxUv && r.mMaxUv > 0)
            if (const auto at = negativePeakMs(t, 1.0, r.mWindowToMs)) t.markers.push_back({"M", *at});
        if (hPresent && m.hPeakToPeakUv >= 0.1 * r.hMaxUv)
            if (const auto at = negativePeakMs(t, r.mWindowToMs, settings.sweep.windowMs)) t.markers.push_back({"H", *at});
        f.traces.push_back(std::move(t));
    }
    const auto* stored = findValue(test.measurements, "hLatencyMs");
    const std::optional<double> hLatency = stored ? std::optional<double>(stored->value) : r.hLatencyMs;
    // stored marked uncertain, or measured here and the take-off does not vouch for it
    const bool uncertain = stored ? study::isUncertain(*stored) : r.hLatencyUncertain();
    if (hLatency) f.markers.push_back({"H latency " + fixed1(*hLatency) + (uncertain ? " ms?" : " ms"), *hLatency});
    f.source = source.source + "; " + std::to_string(f.traces.size()) + " of " + std::to_string(sweeps.size()) +
               " sweeps (#: stimulus number); H latency " +
               (stored ? (uncertain ? "as stored, uncertain" : "as stored")
                       : uncertain ? "measured, uncertain" : hLatency ? "measured" : "absent (no H found)");
    return f;
}

ReportFigure rnsTrain(const study::Rns& test, const VerifiedRecording& source) {
    const auto settings = dsp::ncsSettingsFor(TestKind::Rns);
    const auto signal = dsp::prepareSignal(source.recording, source.channel, settings);
    std::size_t which = 0, trains = 0;
    dsp::OtherTrains others;
    const auto train = storedTrain(test, signal, settings, which, trains, others);
    const auto r = dsp::analyzeRns(train, settings.detection, settings.mainsHz);
    ReportFigure f;
    f.layout = FigureLayout::Templates;
    f.sweepMsPerDiv = niceStep(kRnsCellMs / 4.0);
    const double first = r.responses.empty() ? 0.0 : r.responses.front().measures.amplitudeUv;
    for (std::size_t k = 0; k < train.size(); ++k) {
        std::string label = std::to_string(k + 1);
        if (k > 0 && k < r.responses.size() && r.responses[k].found && first > 0.0) {
            const double decrement = (1.0 - r.responses[k].measures.amplitudeUv / first) * 100.0;
            char change[32];   // the decrement; an increment with its "+"; no space before % in a cell this narrow
            std::snprintf(change, sizeof change, "%s%.0f%%", decrement >= 0 ? "" : "+", std::abs(decrement));
            label += std::string(" ") + change;
        }
        f.traces.push_back(traceOf(train[k], label, kRnsPreMs));
    }
    const auto* stored = findValue(test.measurements, "decrementPct");
    f.source = source.source + "; ";
    if (stored) f.source += "decrement (stored) " + percent(stored->value) + "; ";
    f.source += (trains > 1 ? "train " + std::to_string(which) + " of " + std::to_string(trains) + ", " : std::string()) +
                std::to_string(train.size()) + " stimuli " +
                (r.rateHz > 0.0 ? "at " + fixed1(r.rateHz) + " Hz" : std::string("(rate not in the file)")) +   // glued records: RnsResult::note
                "; under each number its amplitude decrement from the 1st";
    // the file's other trains (before exercise, say) and, for a later train, the facilitation
    if (!others.note.empty()) f.source += "; " + others.note + dsp::facilitationNote(others.firstOfSite, r);
    return f;
}

}  // namespace emg::report::detail
