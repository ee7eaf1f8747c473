// The nerve conduction figures: a cascade of the stimulation sites, a raster of F-wave sweeps.
#include "figure_sources.h"
#include "nice_step.h"

#include <emg/dsp/ncs_analysis.h>
#include <emg/dsp/sweeps.h>
#include <emg/study/measurement_uncertainty.h>
#include <emg/study/test_identity.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace emg::report::detail {
namespace {

/// Site names as compared here: the study's rule (case, blanks) with '-' and '_' read as spaces,
/// so the stored "below fibular head" is the annotation's "Stim below-fibular-head".
std::string siteKey(std::string s) {
    std::replace_if(s.begin(), s.end(), [](char c) { return c == '-' || c == '_'; }, ' ');
    std::string out;
    for (char c : study::identityText(s))
        if (c != ' ' || (!out.empty() && out.back() != ' ')) out += c;
    return out;
}

std::string ms(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f ms", v);
    return buf;
}

const study::Measurement* onsetOf(const study::StimSite& s) {
    for (const char* name : {"distalLatencyMs", "latencyMs", "onsetLatencyMs"})
        if (const auto* m = findValue(s.measurements, name)) return m;
    return nullptr;
}

template <typename Ncs>
ReportFigure cascadeOf(const Ncs& test, TestKind kind, const VerifiedRecording& source) {
    const auto settings = dsp::ncsSettingsFor(kind);
    const auto signal = dsp::prepareSignal(source.recording, source.channel, settings);
    const auto results = dsp::analyzeSites(signal, settings);
    ReportFigure f;
    f.layout = FigureLayout::Cascade;
    f.sweepMsPerDiv = niceStep(settings.sweep.windowMs / 10.0);   // the analysis window: motor 5, sensory 2 ms/div
    std::size_t sweeps = 0;
    for (const auto& site : test.sites) {
        const auto r = std::find_if(results.begin(), results.end(), [&](const dsp::SiteResult& x) { return siteKey(x.site) == siteKey(site.name); });
        if (r == results.end() || r->averaged.average.uv.empty()) {
            ReportTrace none;
            none.label = site.name + ": no stimulus at this site in the recording";
            none.sampleRateHz = signal.sampleRateHz;
            f.traces.push_back(std::move(none));
            continue;
        }
        sweeps += r->averaged.usedIndices.size();
        ReportTrace t = traceOf(r->averaged.average, site.name, settings.sweep.preTriggerMs);
        const auto* onset = onsetOf(site);   // the stored value (a clinician's correction included)
        if (onset) t.markers.push_back({"onset", onset->value});
        else if (r->response.found) t.markers.push_back({"onset", r->response.measures.onsetLatencyMs});
        const auto* peak = findValue(site.measurements, "peakLatencyMs");
        if (peak) t.markers.push_back({"peak", peak->value});
        else if (r->response.found) t.markers.push_back({"peak", r->response.measures.peakLatencyMs});
        f.traces.push_back(std::move(t));
    }
    f.source = source.source + "; " + std::to_string(sweeps) + " sweeps; onset as stored, peak " +
               (kind == TestKind::Sensory ? "as stored" : "measured");
    return f;
}

/// The sensitivity that shows the F-waves: the largest deflection after M (from 5 ms before F min,
/// else the second half of the sweep) fills ±0.45 of a band; M itself is clipped to its band.
double fwaveSensitivity(const std::vector<ReportTrace>& traces, double fromMs) {
    double peak = 0.0;
    for (const auto& t : traces)
        for (std::size_t i = 0; i < t.samplesUv.size(); ++i)
            if (i * 1000.0 / t.sampleRateHz - t.preTriggerMs >= fromMs) peak = std::max(peak, std::abs(t.samplesUv[i]));
    return niceStep(std::max(peak, 20.0) / 0.45);
}

}  // namespace

/// The sweep as drawn: the stimulus artifact replaced by a straight line from the baseline, as
/// the measurement saw it (dsp::artifactEndSample), the pre-stimulus level at zero, and at most
/// `preMs` before the stimulus (a sweep cut with a long baseline for its hum fit shows the usual 5 ms).
ReportTrace traceOf(dsp::Sweep sweep, const std::string& label, double preMs) {
    const auto baseline = dsp::sweepLevel(sweep);   // (records that start at the stimulus: their last 40 %)
    dsp::blankArtifact(sweep, dsp::artifactEndSample(sweep, baseline), baseline.meanUv);
    for (auto& v : sweep.uv) v -= baseline.meanUv;
    const auto keepPre = std::min(sweep.preSamples, static_cast<std::size_t>(std::lround(preMs * sweep.sampleRateHz / 1000.0)));
    sweep.uv.erase(sweep.uv.begin(), sweep.uv.begin() + static_cast<std::ptrdiff_t>(sweep.preSamples - keepPre));
    ReportTrace t;
    t.label = label;
    t.sampleRateHz = sweep.sampleRateHz;
    t.preTriggerMs = static_cast<double>(keepPre) * 1000.0 / sweep.sampleRateHz;
    t.samplesUv = std::move(sweep.uv);
    return t;
}

ReportFigure ncsCascade(const study::Test& test, const VerifiedRecording& source) {
    if (const auto* m = std::get_if<study::MotorNcs>(&test)) return cascadeOf(*m, TestKind::Motor, source);
    if (const auto* s = std::get_if<study::SensoryNcs>(&test)) return cascadeOf(*s, TestKind::Sensory, source);
    throw std::invalid_argument("a cascade is drawn for motor and sensory nerve conduction only");
}

ReportFigure fwaveRaster(const study::FWave& test, const VerifiedRecording& source) {
    const auto settings = dsp::ncsSettingsFor(TestKind::FWave);
    const auto signal = dsp::prepareSignal(source.recording, source.channel, settings);
    const auto sweeps = dsp::lateResponseSweeps(signal, "", settings);   // (records that start at the stimulus: cut from it, as analyzed)
    ReportFigure f;
    f.layout = FigureLayout::Raster;
    f.sweepMsPerDiv = niceStep(settings.sweep.windowMs / 10.0);   // 10 ms/div
    for (const auto& s : sweeps) f.traces.push_back(traceOf(s, std::to_string(s.index + 1), settings.sweep.preTriggerMs));
    const auto* fMin = findValue(test.measurements, "fMinLatencyMs");
    const auto* mLat = findValue(test.measurements, "mLatencyMs");
    if (mLat) f.markers.push_back({"M " + ms(mLat->value), mLat->value});
    if (fMin) f.markers.push_back({"F min " + ms(fMin->value) + (study::isUncertain(*fMin) ? "?" : ""), fMin->value});
    const double fromMs = fMin ? fMin->value - 5.0 : settings.sweep.windowMs / 2.0;
    f.sensitivityUvPerDiv = fwaveSensitivity(f.traces, fromMs);
    f.source = source.source + "; " + std::to_string(f.traces.size()) + " sweeps, M clipped to its row";
    return f;
}

}  // namespace emg::report::detail
