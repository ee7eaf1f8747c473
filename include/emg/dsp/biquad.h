#pragma once
// Second-order IIR sections (biquads) and cascades of them. Design lives elsewhere
// (butterworth.h); these only hold coefficients and state and run the recursion
// (transposed direct form II, double-precision state for both float and double data).
// `process` never allocates; input and output may be the same buffer.

#include <complex>
#include <span>
#include <string>
#include <vector>

namespace emg::dsp {

/// y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2]  (a0 normalised to 1).
/// A first-order section has b2 = a2 = 0.
struct BiquadCoefficients {
    double b0 = 1.0, b1 = 0.0, b2 = 0.0;
    double a1 = 0.0, a2 = 0.0;
};

class Biquad {
public:
    Biquad() = default;
    explicit Biquad(const BiquadCoefficients& c) noexcept : c_(c) {}

    [[nodiscard]] const BiquadCoefficients& coefficients() const noexcept { return c_; }

    double processSample(double x) noexcept {
        const double y = c_.b0 * x + s1_;
        s1_ = c_.b1 * x - c_.a1 * y + s2_;
        s2_ = c_.b2 * x - c_.a2 * y;
        return y;
    }
    /// Filters `in` into `out` (same size; may alias). Throws std::invalid_argument on size mismatch.
    void process(std::span<const float> in, std::span<float> out);
    void process(std::span<const double> in, std::span<double> out);
    void reset() noexcept { s1_ = s2_ = 0.0; }
    /// Sets the state to the steady state for a constant input `x` (used for edge handling).
    void primeSteadyState(double x) noexcept;

    /// Complex frequency response at `freqHz` for a sample rate `sampleRateHz`.
    [[nodiscard]] std::complex<double> response(double freqHz, double sampleRateHz) const noexcept;

private:
    BiquadCoefficients c_{};
    double s1_ = 0.0, s2_ = 0.0;
};

/// Sections run one after another. Describes itself ("HP 2 Hz Butterworth 2nd order").
class BiquadCascade {
public:
    BiquadCascade() = default;
    BiquadCascade(std::vector<Biquad> sections, double sampleRateHz, std::string description);

    void process(std::span<const float> in, std::span<float> out);
    void process(std::span<const double> in, std::span<double> out);
    double processSample(double x) noexcept {
        for (auto& s : sections_) x = s.processSample(x);
        return x;
    }
    void reset() noexcept;
    void primeSteadyState(double x) noexcept;

    /// Appends another cascade's sections (same sample rate required; throws otherwise).
    BiquadCascade& append(const BiquadCascade& other);

    [[nodiscard]] std::complex<double> response(double freqHz) const noexcept;
    [[nodiscard]] double magnitude(double freqHz) const noexcept { return std::abs(response(freqHz)); }
    [[nodiscard]] double magnitudeDb(double freqHz) const noexcept;

    [[nodiscard]] const std::vector<Biquad>& sections() const noexcept { return sections_; }
    [[nodiscard]] bool empty() const noexcept { return sections_.empty(); }
    [[nodiscard]] std::size_t size() const noexcept { return sections_.size(); }
    [[nodiscard]] double sampleRateHz() const noexcept { return sampleRateHz_; }
    [[nodiscard]] const std::string& description() const noexcept { return description_; }
    void setDescription(std::string d) { description_ = std::move(d); }

private:
    std::vector<Biquad> sections_;
    double sampleRateHz_ = 0.0;
    std::string description_;
};

}  // namespace emg::dsp
