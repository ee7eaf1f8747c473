#include <emg/study/sweep_capture.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace emg::study {

std::optional<dsp::Sweep> captureSweep(const DisplayBuffer& buffer, std::size_t channel, const StimulusEvent& stimulus,
                                       const dsp::SweepSettings& settings) {
    const double rate = buffer.sampleRateHz();
    if (rate <= 0 || channel >= buffer.channelCount()) return std::nullopt;
    const auto pre = static_cast<std::size_t>(std::llround(settings.preTriggerMs * rate / 1000.0));
    const auto post = static_cast<std::size_t>(std::llround(settings.windowMs * rate / 1000.0));
    const std::int64_t first = stimulus.sampleIndex - static_cast<std::int64_t>(pre);
    if (buffer.endSampleIndex() < stimulus.sampleIndex + static_cast<std::int64_t>(post)) return std::nullopt;
    std::vector<float> samples(pre + post);
    if (buffer.readSamples(channel, first, samples) != samples.size()) return std::nullopt;
    if (std::any_of(samples.begin(), samples.end(), [](float v) { return std::isnan(v); })) return std::nullopt;   // a gap
    dsp::Sweep sweep;
    sweep.sampleRateHz = rate;
    sweep.preSamples = pre;
    sweep.stimulusSample = stimulus.sampleIndex;
    sweep.uv.assign(samples.begin(), samples.end());
    return sweep;
}

}  // namespace emg::study
