#include "ncs_report.h"

#include <spdlog/fmt/fmt.h>

#include <cmath>
#include <string>

namespace emg::ui {

namespace {
std::string fixed(double v, int decimals) { return fmt::format("{:.{}f}", v, decimals); }
}  // namespace

report::ReportModel makeNcsReport(const dsp::Sweep& sweep, const dsp::ResponseResult& result,
                                  const NcsReportContext& context) {
    report::ReportModel model;
    model.title = "Nerve conduction: single response";
    model.studyFields = {{"Device", context.deviceName},
                         {"Channel", context.channelLabel},
                         {"Stimulus", fixed(context.stimulusMa, 1) + " mA x " + fixed(context.pulseWidthMs, 2) + " ms"},
                         {"Markers", dsp::toString(result.provenance.markers.origin)}};
    const auto& m = result.measures;
    report::ReportTable table;
    table.title = "Response";
    table.header = {"Onset latency (ms)", "Peak latency (ms)", "Amplitude (uV)", "Peak to peak (uV)",
                    "Neg. duration (ms)", "Neg. area (uV ms)"};
    table.rows.push_back({{fixed(m.onsetLatencyMs, 2) + (result.onsetUncertain ? " (?)" : "")},
                          {fixed(m.peakLatencyMs, 2)},
                          {fixed(m.amplitudeUv, 0) + (std::isfinite(m.amplitudeSeUv) ? " +/- " + fixed(m.amplitudeSeUv, m.amplitudeSeUv < 10.0 ? 1 : 0) : "")},
                          {fixed(m.peakToPeakUv, 0)},
                          {fixed(m.negativeDurationMs, 2)},
                          {fixed(m.negativeAreaUvMs, 0)}});
    table.footnote = "Onset: " + result.provenance.onsetMethod + ". Amplitude from baseline to negative peak" +
                     (std::isfinite(m.amplitudeSeUv) ? ", +/- its standard error (noise on the peak and on the baseline under it)." : ".");
    model.tables.push_back(std::move(table));
    report::ReportWaveform wave;
    wave.title = context.channelLabel;
    wave.sampleRateHz = sweep.sampleRateHz;
    wave.preTriggerMs = static_cast<double>(sweep.preSamples) * 1000.0 / sweep.sampleRateHz;
    wave.samplesUv = sweep.uv;
    const auto& mk = result.provenance.markers;
    wave.markers = {{"onset", mk.onsetMs}, {"negative peak", mk.negativePeakMs}, {"negative end", mk.negativeEndMs},
                    {"positive peak", mk.positivePeakMs}};
    model.waveforms.push_back(std::move(wave));
    model.findings = !result.found          ? "No response found: " + result.note
                     : result.onsetUncertain ? "Response measured. The onset is uncertain: " + dsp::onsetUncertaintyReason(result) + ". Check its marker."
                                             : std::string("Response measured.");
    return model;
}

}  // namespace emg::ui
