#pragma once
// Stretches of a long signal held in memory (the samples around the stimuli), the rest not: what
// an NCS analysis keeps of a channel it streamed (prepareSignalStreamed). Reading outside the
// stretches is a programming error (std::logic_error), never a silent zero.
#include <cstddef>
#include <span>
#include <vector>

namespace emg::dsp {

class SampleWindows {
public:
    struct Part {
        std::size_t from = 0;       ///< first sample's index in the whole signal
        std::vector<double> uv;     ///< samples from, from + 1, ...
    };
    SampleWindows() = default;
    SampleWindows(std::size_t samples, std::vector<Part> parts);

    /// Samples of the whole signal (0: nothing held).
    [[nodiscard]] std::size_t samples() const noexcept { return samples_; }
    [[nodiscard]] bool held() const noexcept { return samples_ > 0; }
    [[nodiscard]] const std::vector<Part>& parts() const noexcept { return parts_; }
    [[nodiscard]] std::vector<Part>& parts() noexcept { return parts_; }
    /// Samples from, from + 1, ... into `out`; std::logic_error when one part does not hold them all.
    void read(std::size_t from, std::span<double> out) const;
    /// The part holding sample `i`, or nullptr.
    [[nodiscard]] const Part* partHolding(std::size_t i) const noexcept;
    [[nodiscard]] Part* partHolding(std::size_t i) noexcept;
    /// Samples held over all parts.
    [[nodiscard]] std::size_t heldSamples() const noexcept;

private:
    std::size_t samples_ = 0;
    std::vector<Part> parts_;   // in order of `from`, disjoint
};

}  // namespace emg::dsp
