#include <emg/dsp/live_filter.h>

#include <stdexcept>

namespace emg::dsp {

LiveFilterBank::LiveFilterBank(const FilterPreset& preset, double sampleRateHz, std::size_t channels, double mainsHz)
    : chain_(buildFilter(preset, sampleRateHz, mainsHz)) {
    if (channels == 0 || channels > 4096) throw std::invalid_argument("live filter: channel count must be 1..4096");
    filters_.assign(channels, chain_.cascade);
}

void LiveFilterBank::processInterleaved(std::span<float> data, std::size_t frames) {
    const std::size_t n = filters_.size();
    if (data.size() != frames * n) throw std::invalid_argument("live filter: buffer size is not frames x channels");
    for (std::size_t f = 0; f < frames; ++f) {
        float* frame = data.data() + f * n;
        for (std::size_t c = 0; c < n; ++c) frame[c] = static_cast<float>(filters_[c].processSample(frame[c]));
    }
}

void LiveFilterBank::processChannel(std::size_t channel, std::span<const float> in, std::span<float> out) {
    if (channel >= filters_.size()) throw std::invalid_argument("live filter: no such channel");
    filters_[channel].process(in, out);
}

void LiveFilterBank::reset() noexcept {
    for (auto& f : filters_) f.reset();
}

}  // namespace emg::dsp
