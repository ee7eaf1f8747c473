#include <emg/needle/main_spike.h>

#include <algorithm>
#include <cmath>

namespace emg::needle {

namespace {
/// Samples (fractional) from the peak p back along the flank towards its far extreme q where the
/// flank first falls below `fraction` of its excursion (measured from q).
template <class T>
double flankCrossing(std::span<const T> x, std::size_t p, std::size_t q, double fraction) {
    const double xp = static_cast<double>(x[p]), xq = static_cast<double>(x[q]);
    const double level = xq + fraction * (xp - xq);
    const double s = xp >= xq ? 1.0 : -1.0;
    const int dir = q < p ? -1 : 1;
    for (std::size_t k = p; k != q;) {
        const std::size_t n = dir < 0 ? k - 1 : k + 1;
        const double a = s * (static_cast<double>(x[k]) - level), b = s * (static_cast<double>(x[n]) - level);
        if (b <= 0.0) {
            const double f = a > 0.0 ? a / (a - b) : 0.0;
            return static_cast<double>(k > p ? k - p : p - k) + f;
        }
        k = n;
    }
    return static_cast<double>(q > p ? q - p : p - q);
}

template <class T>
MainSpike mainSpikeOf(std::span<const T> x, std::size_t p, double fs) {
    const std::size_t win = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(1e-3 * fs)));
    const double s = static_cast<double>(x[p]) >= 0.0 ? 1.0 : -1.0;
    const double turn = 0.1 * std::abs(static_cast<double>(x[p]));
    const auto walk = [&](int dir) {
        std::size_t best = p;
        for (std::size_t step = 1; step <= win; ++step) {
            if (dir < 0 && step > p) break;
            const std::size_t k = dir < 0 ? p - step : p + step;
            if (k >= x.size()) break;
            if (s * static_cast<double>(x[k]) < s * static_cast<double>(x[best])) best = k;
            else if (s * (static_cast<double>(x[k]) - static_cast<double>(x[best])) > turn) break;
        }
        return best;
    };
    const std::size_t q1 = walk(-1), q2 = walk(+1);
    const double d1 = s * (static_cast<double>(x[p]) - static_cast<double>(x[q1])), d2 = s * (static_cast<double>(x[p]) - static_cast<double>(x[q2]));
    MainSpike r;
    r.amplitudeUv = std::max(d1, d2);
    const auto rise = [&](std::size_t q) {
        return q == p ? 0.0 : (flankCrossing(x, p, q, 0.1) - flankCrossing(x, p, q, 0.9)) / 0.8;
    };
    // the faster of the spike's major flanks (both >= half the larger excursion), so a slow terminal
    // phase that happens to be the larger excursion does not make a sharp spike blunt
    const double t1 = rise(q1), t2 = rise(q2);
    double t = d1 >= d2 ? t1 : t2;
    if (d1 >= 0.5 * r.amplitudeUv && d2 >= 0.5 * r.amplitudeUv) t = std::min(t1, t2);
    r.riseMs = t * 1000.0 / fs;
    return r;
}

}  // namespace

MainSpike mainSpike(std::span<const double> x, std::size_t peakIndex, double sampleRateHz) { return mainSpikeOf(x, peakIndex, sampleRateHz); }
MainSpike mainSpike(std::span<const float> x, std::size_t peakIndex, double sampleRateHz) { return mainSpikeOf(x, peakIndex, sampleRateHz); }

}  // namespace emg::needle
