#include <emg/study/late_sweep_prep.h>

#include <emg/dsp/filter_presets.h>
#include <emg/dsp/zero_phase.h>

#include <algorithm>
#include <cmath>

namespace emg::study {

PreparedSweeps prepareLateSweeps(std::span<const dsp::Sweep> raw, const dsp::NcsAnalysisSettings& settings) {
    PreparedSweeps out;
    if (raw.empty()) return out;
    const double rateHz = raw.front().sampleRateHz;
    // The presets' 2 Hz high-pass is for the continuous signal: run on one 100 ms sweep it only
    // adds edge transients (tens of µV after a large M, taken for late responses). Within a sweep
    // it amounts to removing the offset, so the pre-stimulus mean is subtracted instead.
    auto preset = settings.preset;
    preset.highPassHz = 0.0;
    // no notch, as in the recording chain (prepareSignal): it would ring with the response's own 50 Hz content
    const auto filter = dsp::buildFilter(preset, rateHz, 0.0);
    out.filterDescription = filter.description() + ", pre-stimulus mean subtracted (in place of the " +
                            std::to_string(static_cast<int>(settings.preset.highPassHz)) + " Hz high-pass)";
    for (const auto& r : raw) {
        const auto pre = std::min(r.preSamples, static_cast<std::size_t>(std::llround(settings.sweep.preTriggerMs * rateHz / 1000.0)));
        const auto post = std::min(r.uv.size() - r.preSamples,
                                   static_cast<std::size_t>(std::llround(settings.sweep.windowMs * rateHz / 1000.0)));
        std::vector<double> uv(r.uv.begin() + static_cast<std::ptrdiff_t>(r.preSamples - pre),
                               r.uv.begin() + static_cast<std::ptrdiff_t>(r.preSamples + post));
        const std::int64_t stimulus[1] = {static_cast<std::int64_t>(pre)};
        dsp::blankStimulusArtifacts(uv, rateHz, stimulus, settings.detection.artifact);   // the settings prepareSignal blanks with
        dsp::Sweep s;
        s.uv = dsp::filtfilt(filter.cascade, uv);
        s.sampleRateHz = rateHz;
        s.preSamples = pre;
        s.stimulusSample = r.stimulusSample;
        s.index = r.index;
        const double offsetUv = dsp::baselineStats(s).meanUv;
        for (double& v : s.uv) v -= offsetUv;
        out.sweeps.push_back(std::move(s));
    }
    return out;
}

}  // namespace emg::study
