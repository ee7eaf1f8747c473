#include <emg/dsp/butterworth.h>

#include <cmath>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <string>

namespace emg::dsp {

namespace {
enum class Kind { LowPass, HighPass };

std::string fmtHz(double hz) {
    std::ostringstream s;
    s << hz << " Hz";
    return s.str();
}

void checkRate(double sampleRateHz) {
    if (!std::isfinite(sampleRateHz) || sampleRateHz <= 0.0)
        throw std::invalid_argument("filter design: sample rate must be a positive number, got " + std::to_string(sampleRateHz));
}

BiquadCascade designButterworth(Kind kind, int order, double cornerHz, double sampleRateHz) {
    checkRate(sampleRateHz);
    const char* what = kind == Kind::LowPass ? "low-pass" : "high-pass";
    if (order < 1 || order > 8)
        throw std::invalid_argument(std::string("Butterworth ") + what + ": order must be 1..8, got " + std::to_string(order));
    if (!std::isfinite(cornerHz) || cornerHz <= 0.0 || cornerHz >= 0.5 * sampleRateHz)
        throw std::invalid_argument(std::string("Butterworth ") + what + ": corner " + fmtHz(cornerHz) +
                                    " must lie between 0 and the Nyquist frequency " + fmtHz(0.5 * sampleRateHz));
    // Prewarped analog corner: the bilinear transform maps it back exactly onto cornerHz.
    const double k = std::tan(std::numbers::pi * cornerHz / sampleRateHz);
    const double k2 = k * k;
    std::vector<Biquad> sections;
    // Conjugate pole pairs of the normalised prototype: Q = 1 / (2 cos(phi)), phi the pole's angle
    // from the negative real axis: (2m-1) pi / (2n) for even n, m pi / n for odd n.
    for (int m = 1; m <= order / 2; ++m) {
        const double phi = order % 2 == 0 ? (2.0 * m - 1.0) * std::numbers::pi / (2.0 * order) : m * std::numbers::pi / order;
        const double invQ = 2.0 * std::cos(phi);
        const double norm = 1.0 / (1.0 + k * invQ + k2);
        BiquadCoefficients c;
        if (kind == Kind::LowPass) {
            c.b0 = k2 * norm;
            c.b1 = 2.0 * c.b0;
            c.b2 = c.b0;
        } else {
            c.b0 = norm;
            c.b1 = -2.0 * norm;
            c.b2 = norm;
        }
        c.a1 = 2.0 * (k2 - 1.0) * norm;
        c.a2 = (1.0 - k * invQ + k2) * norm;
        sections.emplace_back(c);
    }
    if (order % 2 == 1) {   // the real pole s = -1
        const double norm = 1.0 / (1.0 + k);
        BiquadCoefficients c;
        if (kind == Kind::LowPass) {
            c.b0 = k * norm;
            c.b1 = c.b0;
        } else {
            c.b0 = norm;
            c.b1 = -norm;
        }
        c.a1 = (k - 1.0) * norm;
        sections.emplace_back(c);
    }
    std::ostringstream d;
    d << (kind == Kind::LowPass ? "LP " : "HP ") << cornerHz << " Hz Butterworth order " << order;
    return BiquadCascade(std::move(sections), sampleRateHz, d.str());
}
}  // namespace

double maxLowPassCornerHz(double sampleRateHz) noexcept { return 0.45 * sampleRateHz; }

BiquadCascade designButterworthHighPass(int order, double cornerHz, double sampleRateHz) {
    return designButterworth(Kind::HighPass, order, cornerHz, sampleRateHz);
}
BiquadCascade designButterworthLowPass(int order, double cornerHz, double sampleRateHz) {
    return designButterworth(Kind::LowPass, order, cornerHz, sampleRateHz);
}

BiquadCascade designNotch(double mainsHz, double sampleRateHz, int harmonics, double bandwidthHz) {
    checkRate(sampleRateHz);
    if (!std::isfinite(mainsHz) || mainsHz < 1.0 || mainsHz > 0.45 * sampleRateHz)
        throw std::invalid_argument("notch: mains frequency " + fmtHz(mainsHz) + " must lie in 1 Hz .. 0.45 x sample rate");
    if (harmonics < 1 || harmonics > 50)
        throw std::invalid_argument("notch: harmonics must be 1..50, got " + std::to_string(harmonics));
    if (!std::isfinite(bandwidthHz) || bandwidthHz <= 0.0 || bandwidthHz >= mainsHz)
        throw std::invalid_argument("notch: bandwidth " + fmtHz(bandwidthHz) + " must be positive and below the mains frequency");
    std::vector<Biquad> sections;
    int kept = 0;
    for (int h = 1; h <= harmonics; ++h) {
        const double f = h * mainsHz;
        if (f >= 0.95 * 0.5 * sampleRateHz) break;
        // Second-order notch: zeros on the unit circle at f, poles at the same angle with radius
        // set by the -3 dB bandwidth (bilinear design with prewarped centre and band edges).
        const double w0 = 2.0 * std::numbers::pi * f / sampleRateHz;
        const double bw = 2.0 * std::numbers::pi * bandwidthHz / sampleRateHz;
        const double t = std::tan(bw / 2.0);
        const double gain = 1.0 / (1.0 + t);
        BiquadCoefficients c;
        c.b0 = gain;
        c.b1 = -2.0 * std::cos(w0) * gain;
        c.b2 = gain;
        c.a1 = c.b1;
        c.a2 = (1.0 - t) * gain;
        sections.emplace_back(c);
        ++kept;
    }
    std::ostringstream d;
    d << "notch " << mainsHz << " Hz";
    if (kept > 1) d << " + " << (kept - 1) << " harmonic" << (kept > 2 ? "s" : "");
    d << " (BW " << bandwidthHz << " Hz)";
    return BiquadCascade(std::move(sections), sampleRateHz, d.str());
}

}  // namespace emg::dsp
