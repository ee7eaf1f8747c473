// The needle EMG figure: the templates of the motor units sorted from the muscle's recording (those
// whose shape is measured, as the muscle's means).
#include "figure_sources.h"

#include <emg/needle/needle_analysis.h>
#include <emg/needle/needle_channel.h>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace emg::report::detail {
namespace {

constexpr std::size_t kMaxTemplates = 6;   // what fits side by side in a half-page figure

std::string unitLabel(std::size_t n, const needle::MotorUnit& u) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "MU %zu: %.0f µV %.1f ms", n, u.params.amplitudeUv, u.params.durationMs);
    return buf;
}

}  // namespace

ReportFigure muapTemplates(const study::NeedleEmg& test, const VerifiedRecording& source) {
    const auto& channel = source.recording.channels.at(static_cast<std::size_t>(source.channel));
    needle::NeedleAnalysisOptions options;
    options.muscle = test.muscle;
    options.reading.electrode = needle::needleElectrodeOf(channel);   // as the panel and the CLI read the channel
    const auto analysis = needle::analyzeNeedleSignal(channel.samples, channel.sampleRateHz, source.recording.annotations, options);
    ReportFigure f;
    f.layout = FigureLayout::Templates;
    // the units whose shape is measured (the muscle's means are over these): a unit whose long window
    // holds other units' activity has no duration of its own to draw markers for
    std::vector<needle::MotorUnit> units;
    for (const auto& u : analysis.motorUnits.units)
        if (u.shapeMeasured) units.push_back(u);
    const std::size_t leftOut = analysis.motorUnits.units.size() - units.size();
    std::stable_sort(units.begin(), units.end(),
                     [](const needle::MotorUnit& a, const needle::MotorUnit& b) { return a.params.amplitudeUv > b.params.amplitudeUv; });
    for (std::size_t i = 0; i < units.size() && i < kMaxTemplates; ++i) {
        const auto& u = units[i];
        if (u.templateUv.empty()) continue;
        ReportTrace t;
        t.label = unitLabel(i + 1, u);
        t.sampleRateHz = analysis.sampleRateHz;
        t.preTriggerMs = u.templatePeakIndex * 1000.0 / analysis.sampleRateHz;   // time 0 at the main peak
        t.samplesUv = u.templateUv;
        t.markers = {{"on", u.params.onsetMs}, {"end", u.params.endMs}};
        f.traces.push_back(std::move(t));
    }
    if (f.traces.empty())
        f.unavailable = leftOut > 0 ? "No motor unit with a measured shape in the linked recording (" + source.source + "): " +
                                          std::to_string(leftOut) + " sorted, none measured as one unit (other units' activity in its long window, or several units in one train)."
                                    : "No motor unit was sorted from the linked recording (" + source.source +
                                          "): no templates to draw (is there a weak-effort segment?).";
    f.source = source.source + "; " + std::to_string(f.traces.size()) + " of " + std::to_string(units.size()) +
               " sorted units with a measured shape, largest first" +
               (leftOut > 0 ? "; " + std::to_string(leftOut) + " more left out (not measured as one unit)" : "");
    return f;
}

}  // namespace emg::report::detail
