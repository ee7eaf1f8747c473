#pragma once
// Causal filtering for the live path (acquisition thread -> display/audio): one cascade per
// channel built from a preset, processing interleaved float frames in place (the layout of
// SampleBlockView::microvolts) or one channel at a time. No allocation after construction.

#include <emg/dsp/filter_presets.h>

#include <cstddef>
#include <span>
#include <vector>

namespace emg::dsp {

class LiveFilterBank {
public:
    LiveFilterBank() = default;
    /// Throws std::invalid_argument for zero channels or a bad rate (see buildFilter).
    LiveFilterBank(const FilterPreset& preset, double sampleRateHz, std::size_t channels, double mainsHz = 0.0);

    /// Filters `frames` interleaved frames of `channels()` values in place.
    /// Throws std::invalid_argument if data.size() != frames * channels().
    void processInterleaved(std::span<float> data, std::size_t frames);
    /// One channel's samples (in and out may be the same buffer).
    void processChannel(std::size_t channel, std::span<const float> in, std::span<float> out);
    void reset() noexcept;

    [[nodiscard]] std::size_t channels() const noexcept { return filters_.size(); }
    [[nodiscard]] const FilterChain& chain() const noexcept { return chain_; }
    [[nodiscard]] const std::string& description() const noexcept { return chain_.description(); }

private:
    FilterChain chain_;
    std::vector<BiquadCascade> filters_;
};

}  // namespace emg::dsp
