#include <emg/needle/signal_tools.h>
#include "detect_peaks.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace emg::needle {

double energy(std::span<const double> v) noexcept {
    double s = 0.0;
    for (double a : v) s += a * a;
    return s;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    const double pos = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto hi = std::min(lo + 1, v.size() - 1);
    const double f = pos - static_cast<double>(lo);
    return v[lo] * (1.0 - f) + v[hi] * f;
}

double median(std::vector<double> v) { return percentile(std::move(v), 50.0); }

namespace {
template <class T>
double meanOf(std::span<const T> v) noexcept {
    if (v.empty()) return 0.0;
    double s = 0.0;
    for (double a : v) s += a;
    return s / static_cast<double>(v.size());
}
}  // namespace

double mean(std::span<const double> v) noexcept { return meanOf(v); }
double mean(std::span<const float> v) noexcept { return meanOf(v); }

double stddev(std::span<const double> v) noexcept {
    if (v.size() < 2) return 0.0;
    const double m = mean(v);
    double s = 0.0;
    for (double a : v) s += (a - m) * (a - m);
    return std::sqrt(s / static_cast<double>(v.size() - 1));
}

namespace {
/// The rms of each whole 10 ms window of `x` (about its own mean), appended to `rms`.
template <class T>
void windowRms(std::span<const T> x, std::size_t win, std::vector<double>& rms) {
    for (std::size_t i = 0; i + win <= x.size(); i += win) {
        const auto w = x.subspan(i, win);
        const double m = mean(w);
        double s = 0.0;
        for (double a : w) s += (a - m) * (a - m);
        rms.push_back(std::sqrt(s / static_cast<double>(win)));
    }
}

template <class T>
double robustNoiseOf(std::span<const T> x, double sampleRateHz) {
    const auto win = std::max<std::size_t>(8, static_cast<std::size_t>(std::lround(0.010 * sampleRateHz)));
    if (x.size() < win) {
        if (x.empty()) return 0.0;
        const double m = mean(x);
        double s = 0.0;
        for (double a : x) s += (a - m) * (a - m);
        return std::sqrt(s / static_cast<double>(x.size()));
    }
    std::vector<double> rms;
    rms.reserve(x.size() / win);
    windowRms(x, win, rms);
    return percentile(std::move(rms), 10.0);
}

template <class T>
double robustNoiseOfPieces(std::span<const T> x, double sampleRateHz, std::span<const std::pair<std::size_t, std::size_t>> pieces) {
    const auto win = std::max<std::size_t>(8, static_cast<std::size_t>(std::lround(0.010 * sampleRateHz)));
    std::vector<double> rms;
    for (const auto& [b, e] : pieces) {
        const auto end = std::min(e, x.size());
        if (end > b) windowRms(x.subspan(b, end - b), win, rms);
    }
    return rms.empty() ? robustNoiseOf(x, sampleRateHz) : percentile(std::move(rms), 10.0);
}
}  // namespace

double robustNoiseUv(std::span<const double> x, double sampleRateHz) { return robustNoiseOf(x, sampleRateHz); }
double robustNoiseUv(std::span<const float> x, double sampleRateHz) { return robustNoiseOf(x, sampleRateHz); }
double robustNoiseUv(std::span<const double> x, double sampleRateHz, std::span<const std::pair<std::size_t, std::size_t>> pieces) {
    return robustNoiseOfPieces(x, sampleRateHz, pieces);
}
double robustNoiseUv(std::span<const float> x, double sampleRateHz, std::span<const std::pair<std::size_t, std::size_t>> pieces) {
    return robustNoiseOfPieces(x, sampleRateHz, pieces);
}

std::vector<Peak> detectPeaks(std::span<const double> x, double sampleRateHz, double thresholdUv,
                              double deadTimeMs, double minSlopeUvPerMs, double slopeWindowMs) {
    return detectPeaksIn(x, sampleRateHz, thresholdUv, deadTimeMs, minSlopeUvPerMs, slopeWindowMs);
}
std::vector<Peak> detectPeaks(std::span<const float> x, double sampleRateHz, double thresholdUv,
                              double deadTimeMs, double minSlopeUvPerMs, double slopeWindowMs) {
    return detectPeaksIn(x, sampleRateHz, thresholdUv, deadTimeMs, minSlopeUvPerMs, slopeWindowMs);
}

namespace {
template <class T>
void extractWindowOf(std::span<const T> x, std::ptrdiff_t center, std::size_t before, std::size_t after,
                     std::vector<double>& out) {
    out.assign(before + after, 0.0);
    const auto n = static_cast<std::ptrdiff_t>(x.size());
    for (std::size_t k = 0; k < before + after; ++k) {
        const std::ptrdiff_t idx = center - static_cast<std::ptrdiff_t>(before) + static_cast<std::ptrdiff_t>(k);
        if (idx >= 0 && idx < n) out[k] = x[static_cast<std::size_t>(idx)];
    }
}

/// Sum of squared differences of xs[0, len) and t[0, len), given up once it is >= `best` or >
/// `bound` (checked every 16 samples: the partial sums of a block run side by side, which the
/// compiler turns into vector instructions; the sum grows with every sample, so a lag given up
/// late is given up all the same).
template <class T>
double windowErrorBelow(const T* xs, const double* t, std::size_t len, double best, double bound) {
    double e = 0.0;
    std::size_t k = 0;
    for (; k + 16 <= len; k += 16) {
        double a[4] = {0.0, 0.0, 0.0, 0.0};
        for (std::size_t j = 0; j < 16; j += 4)
            for (std::size_t q = 0; q < 4; ++q) {
                const double d = static_cast<double>(xs[k + j + q]) - t[k + j + q];
                a[q] += d * d;
            }
        e += (a[0] + a[1]) + (a[2] + a[3]);
        if (e >= best || e > bound) return e;
    }
    for (; k < len; ++k) {
        const double d = static_cast<double>(xs[k]) - t[k];
        e += d * d;
    }
    return e;
}

template <class T>
double bestLagErrorBelowOf(std::span<const T> x, std::ptrdiff_t center, std::span<const double> tmpl,
                           std::size_t before, int maxLag, double bound, int& bestLag) {
    double best = std::numeric_limits<double>::infinity();
    bestLag = 0;
    const auto n = static_cast<std::ptrdiff_t>(x.size());
    for (int lag = -maxLag; lag <= maxLag; ++lag) {
        const std::ptrdiff_t start = center + lag - static_cast<std::ptrdiff_t>(before);
        if (start >= 0 && start + static_cast<std::ptrdiff_t>(tmpl.size()) <= n) {   // the whole window in the signal
            const double e = windowErrorBelow(x.data() + start, tmpl.data(), tmpl.size(), best, bound);
            if (e < best && e <= bound) { best = e; bestLag = lag; }
            continue;
        }
        double e = 0.0;
        for (std::size_t k = 0; k < tmpl.size(); ++k) {
            const std::ptrdiff_t idx = start + static_cast<std::ptrdiff_t>(k);
            const double v = (idx >= 0 && idx < n) ? static_cast<double>(x[static_cast<std::size_t>(idx)]) : 0.0;
            const double d = v - tmpl[k];
            e += d * d;
            if (e >= best || e > bound) break;   // cannot be the first minimum, or not wanted
        }
        if (e < best && e <= bound) { best = e; bestLag = lag; }
    }
    return best;
}
}  // namespace

void extractWindow(std::span<const double> x, std::ptrdiff_t center, std::size_t before, std::size_t after,
                   std::vector<double>& out) {
    extractWindowOf(x, center, before, after, out);
}
void extractWindow(std::span<const float> x, std::ptrdiff_t center, std::size_t before, std::size_t after,
                   std::vector<double>& out) {
    extractWindowOf(x, center, before, after, out);
}

double bestLagError(std::span<const double> x, std::ptrdiff_t center, std::span<const double> tmpl,
                    std::size_t before, int maxLag, int& bestLag) {
    return bestLagErrorBelowOf(x, center, tmpl, before, maxLag, std::numeric_limits<double>::infinity(), bestLag);
}
double bestLagError(std::span<const float> x, std::ptrdiff_t center, std::span<const double> tmpl,
                    std::size_t before, int maxLag, int& bestLag) {
    return bestLagErrorBelowOf(x, center, tmpl, before, maxLag, std::numeric_limits<double>::infinity(), bestLag);
}
double bestLagErrorBelow(std::span<const double> x, std::ptrdiff_t center, std::span<const double> tmpl,
                         std::size_t before, int maxLag, double bound, int& bestLag) {
    return bestLagErrorBelowOf(x, center, tmpl, before, maxLag, bound, bestLag);
}
double bestLagErrorBelow(std::span<const float> x, std::ptrdiff_t center, std::span<const double> tmpl,
                         std::size_t before, int maxLag, double bound, int& bestLag) {
    return bestLagErrorBelowOf(x, center, tmpl, before, maxLag, bound, bestLag);
}

}  // namespace emg::needle
