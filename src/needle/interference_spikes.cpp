#include <emg/needle/interference_spikes.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <vector>

namespace emg::needle {

namespace {

template <class T>
double at(std::span<const T> x, std::size_t i) {
    return static_cast<double>(x[i]);
}

/// True when |x[i]| is the largest |x| within [lo, hi] (ties: the first one wins). Scanned outward
/// from i: in a dense pattern a larger neighbour is usually close, so most candidates end early.
template <class T>
bool largestAround(std::span<const T> x, std::size_t i, std::size_t lo, std::size_t hi) {
    const double a = std::abs(at(x, i));
    for (std::size_t d = 1; i - lo >= d || hi - i >= d; ++d) {
        if (i - lo >= d && std::abs(at(x, i - d)) >= a) return false;   // an earlier equal one wins the tie
        if (hi - i >= d && std::abs(at(x, i + d)) > a) return false;
    }
    return true;
}

template <class T>
LargestSpikes largestSpikesOf(std::span<const T> x, double fs, const LargestSpikesOptions& o) {
    if (!(fs > 0.0) || !std::isfinite(fs)) throw std::invalid_argument("largestSpikes: sample rate must be > 0");
    LargestSpikes r;
    const auto half = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(o.halfWindowMs * 1e-3 * fs)));
    const std::size_t n = x.size();
    if (n < 3) return r;
    std::vector<double> amplitudes;
    for (std::size_t i = 1; i + 1 < n; ++i) {
        const double a = std::abs(at(x, i));
        if (a < o.minPeakUv || a < std::abs(at(x, i - 1)) || a < std::abs(at(x, i + 1))) continue;
        const std::size_t lo = i > half ? i - half : 0, hi = std::min(n - 1, i + half);
        if (!largestAround(x, i, lo, hi)) continue;
        double mn = at(x, lo), mx = mn;
        for (std::size_t k = lo; k <= hi; ++k) {
            mn = std::min(mn, at(x, k));
            mx = std::max(mx, at(x, k));
        }
        amplitudes.push_back(mx - mn);
        i += half - 1;   // no later sample within +-half of this one can be the largest of its own window
    }
    r.spikes = amplitudes.size();
    if (o.count == 0 || amplitudes.size() < o.count) return r;
    std::partial_sort(amplitudes.begin(), amplitudes.begin() + static_cast<std::ptrdiff_t>(o.count), amplitudes.end(),
                      std::greater<>());
    std::vector<double> top(amplitudes.begin(), amplitudes.begin() + static_cast<std::ptrdiff_t>(o.count));
    std::sort(top.begin(), top.end());
    const std::size_t m = top.size() / 2;
    r.medianUv = top.size() % 2 ? top[m] : 0.5 * (top[m - 1] + top[m]);
    return r;
}

}  // namespace

LargestSpikes largestSpikes(std::span<const double> x, double fs, const LargestSpikesOptions& o) { return largestSpikesOf(x, fs, o); }
LargestSpikes largestSpikes(std::span<const float> x, double fs, const LargestSpikesOptions& o) { return largestSpikesOf(x, fs, o); }

}  // namespace emg::needle
