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

}  // namespace emg::dsp
