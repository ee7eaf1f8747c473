#include <emg/dsp/zero_phase.h>

#include <algorithm>
#include <stdexcept>

namespace emg::dsp {

std::size_t filtfiltPadLength(const BiquadCascade& filter) noexcept { return 3 * (2 * filter.size() + 1); }

std::vector<double> filtfilt(const BiquadCascade& filter, std::span<const double> x) {
    if (filter.empty()) return {x.begin(), x.end()};
    const std::size_t n = x.size();
    if (n < 2) throw std::invalid_argument("filtfilt: the signal needs at least 2 samples");
    const std::size_t pad = std::min(filtfiltPadLength(filter), n - 1);

    // Odd reflection about each end sample keeps value and slope continuous there.
    std::vector<double> ext(n + 2 * pad);
    for (std::size_t k = 0; k < pad; ++k) ext[k] = 2.0 * x[0] - x[pad - k];
    std::copy(x.begin(), x.end(), ext.begin() + static_cast<std::ptrdiff_t>(pad));
    for (std::size_t k = 0; k < pad; ++k) ext[pad + n + k] = 2.0 * x[n - 1] - x[n - 2 - k];

    BiquadCascade f = filter;
    f.reset();
    f.primeSteadyState(ext.front());
    f.process(std::span<const double>(ext), std::span<double>(ext));
    std::reverse(ext.begin(), ext.end());
    f.reset();
    f.primeSteadyState(ext.front());
    f.process(std::span<const double>(ext), std::span<double>(ext));
    std::reverse(ext.begin(), ext.end());
    // the padding dropped in place: no second full-length copy (peak memory of a long recording)
    ext.erase(ext.begin(), ext.begin() + static_cast<std::ptrdiff_t>(pad));
    ext.resize(n);
    return ext;
}

void filtfiltInPlace(const BiquadCascade& filter, std::span<float> x) {
    if (filter.empty()) return;
    const std::size_t n = x.size();
    if (n < 2) throw std::invalid_argument("filtfilt: the signal needs at least 2 samples");
    const std::size_t pad = std::min(filtfiltPadLength(filter), n - 1);
    // the pads as filtfilt builds them (odd reflection), taken before x is overwritten
    std::vector<double> head(pad), tail(pad);
    for (std::size_t k = 0; k < pad; ++k) head[k] = 2.0 * static_cast<double>(x[0]) - static_cast<double>(x[pad - k]);
    for (std::size_t k = 0; k < pad; ++k) tail[k] = 2.0 * static_cast<double>(x[n - 1]) - static_cast<double>(x[n - 2 - k]);

    BiquadCascade f = filter;
    f.reset();
    f.primeSteadyState(pad ? head.front() : static_cast<double>(x[0]));
    for (std::size_t k = 0; k < pad; ++k) head[k] = f.processSample(head[k]);
    for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<float>(f.processSample(static_cast<double>(x[i])));
    for (std::size_t k = 0; k < pad; ++k) tail[k] = f.processSample(tail[k]);
    // backward: from the end of the forward-filtered tail pad to the start of x (the head pad's
    // backward output is dropped, as in filtfilt)
    f.reset();
    f.primeSteadyState(pad ? tail.back() : static_cast<double>(x[n - 1]));
    for (std::size_t k = pad; k-- > 0;) f.processSample(tail[k]);
    for (std::size_t i = n; i-- > 0;) x[i] = static_cast<float>(f.processSample(static_cast<double>(x[i])));
}

void filtfiltInPlace(const BiquadCascade& filter, std::span<double> x) {
    if (filter.empty()) return;
    const std::size_t n = x.size();
    if (n < 2) throw std::invalid_argument("filtfilt: the signal needs at least 2 samples");
    const std::size_t pad = std::min(filtfiltPadLength(filter), n - 1);
    // the pads exactly as filtfilt builds them; the cascade runs over pad, signal, pad as over
    // filtfilt's one extended buffer (each section's state carries across the pieces)
    std::vector<double> head(pad), tail(pad);
    for (std::size_t k = 0; k < pad; ++k) head[k] = 2.0 * x[0] - x[pad - k];
    for (std::size_t k = 0; k < pad; ++k) tail[k] = 2.0 * x[n - 1] - x[n - 2 - k];

    BiquadCascade f = filter;
    f.reset();
    f.primeSteadyState(pad ? head.front() : x[0]);
    f.process(std::span<const double>(head), std::span<double>(head));
    f.process(std::span<const double>(x), x);
    f.process(std::span<const double>(tail), std::span<double>(tail));
    // backward over the reversed buffer: tail pad, then the signal (the head pad's output is dropped)
    std::reverse(tail.begin(), tail.end());
    std::reverse(x.begin(), x.end());
    f.reset();
    f.primeSteadyState(pad ? tail.front() : x[0]);
    f.process(std::span<const double>(tail), std::span<double>(tail));
    f.process(std::span<const double>(x), x);
    std::reverse(x.begin(), x.end());
}

}  // namespace emg::dsp
