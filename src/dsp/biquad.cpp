#include <emg/dsp/biquad.h>

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace emg::dsp {

namespace {
template <typename T>
void runSection(Biquad& s, std::span<const T> in, std::span<T> out) {
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = static_cast<T>(s.processSample(static_cast<double>(in[i])));
}
template <typename T>
void checkSizes(std::span<const T> in, std::span<T> out) {
    if (in.size() != out.size()) throw std::invalid_argument("filter process: input and output sizes differ");
}
}  // namespace

void Biquad::process(std::span<const float> in, std::span<float> out) {
    checkSizes(in, out);
    runSection(*this, in, out);
}
void Biquad::process(std::span<const double> in, std::span<double> out) {
    checkSizes(in, out);
    runSection(*this, in, out);
}

void Biquad::primeSteadyState(double x) noexcept {
    // Steady state for constant input x: y = H(1) x; from the TDF-II equations with constant x, y:
    //   s2 = b2 x - a2 y,  s1 = b1 x - a1 y + s2.
    const double den = 1.0 + c_.a1 + c_.a2;
    const double dc = std::fabs(den) < 1e-300 ? 0.0 : (c_.b0 + c_.b1 + c_.b2) / den;
    const double y = dc * x;
    s2_ = c_.b2 * x - c_.a2 * y;
    s1_ = c_.b1 * x - c_.a1 * y + s2_;
}

std::complex<double> Biquad::response(double freqHz, double sampleRateHz) const noexcept {
    const double w = 2.0 * std::numbers::pi * freqHz / sampleRateHz;
    const std::complex<double> z1 = std::polar(1.0, -w), z2 = z1 * z1;
    return (c_.b0 + c_.b1 * z1 + c_.b2 * z2) / (1.0 + c_.a1 * z1 + c_.a2 * z2);
}

BiquadCascade::BiquadCascade(std::vector<Biquad> sections, double sampleRateHz, std::string description)
    : sections_(std::move(sections)), sampleRateHz_(sampleRateHz), description_(std::move(description)) {
    if (!(sampleRateHz > 0.0) || !std::isfinite(sampleRateHz)) throw std::invalid_argument("filter: sample rate must be positive");
}

void BiquadCascade::process(std::span<const float> in, std::span<float> out) {
    checkSizes(in, out);
    if (sections_.empty()) {
        if (in.data() != out.data()) std::copy(in.begin(), in.end(), out.begin());
        return;
    }
    // Section by section over the whole block: each section's recursion stays in registers.
    runSection(sections_[0], in, out);
    for (std::size_t k = 1; k < sections_.size(); ++k) runSection(sections_[k], std::span<const float>(out), out);
}
void BiquadCascade::process(std::span<const double> in, std::span<double> out) {
    checkSizes(in, out);
    if (sections_.empty()) {
        if (in.data() != out.data()) std::copy(in.begin(), in.end(), out.begin());
        return;
    }
    runSection(sections_[0], in, out);
    for (std::size_t k = 1; k < sections_.size(); ++k) runSection(sections_[k], std::span<const double>(out), out);
}

void BiquadCascade::reset() noexcept {
    for (auto& s : sections_) s.reset();
}

void BiquadCascade::primeSteadyState(double x) noexcept {
    for (auto& s : sections_) {
        s.primeSteadyState(x);
        const auto& c = s.coefficients();
        const double den = 1.0 + c.a1 + c.a2;
        x *= std::fabs(den) < 1e-300 ? 0.0 : (c.b0 + c.b1 + c.b2) / den;
    }
}

BiquadCascade& BiquadCascade::append(const BiquadCascade& other) {
    if (other.sections_.empty()) return *this;
    if (sections_.empty() && sampleRateHz_ == 0.0) sampleRateHz_ = other.sampleRateHz_;
    if (std::fabs(other.sampleRateHz_ - sampleRateHz_) > 1e-9 * sampleRateHz_)
        throw std::invalid_argument("filter: cannot chain cascades designed for different sample rates");
    sections_.insert(sections_.end(), other.sections_.begin(), other.sections_.end());
    if (!other.description_.empty()) description_ = description_.empty() ? other.description_ : description_ + ", " + other.description_;
    return *this;
}

std::complex<double> BiquadCascade::response(double freqHz) const noexcept {
    std::complex<double> h{1.0, 0.0};
    for (const auto& s : sections_) h *= s.response(freqHz, sampleRateHz_);
    return h;
}

double BiquadCascade::magnitudeDb(double freqHz) const noexcept {
    return 20.0 * std::log10(std::max(magnitude(freqHz), 1e-300));
}

}  // namespace emg::dsp
