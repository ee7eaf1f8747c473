#include <emg/needle/signal_tools.h>

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

double mean(std::span<const double> v) noexcept {
    if (v.empty()) return 0.0;
    double s = 0.0;
    for (double a : v) s += a;
    return s / static_cast<double>(v.size());
}

double stddev(std::span<const double> v) noexcept {
    if (v.size() < 2) return 0.0;
    const double m = mean(v);
    double s = 0.0;
    for (double a : v) s += (a - m) * (a - m);
    return std::sqrt(s / static_cast<double>(v.size() - 1));
}

double robustNoiseUv(std::span<const double> x, double sampleRateHz) {
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
    for (std::size_t i = 0; i + win <= x.size(); i += win) {
        const auto w = x.subspan(i, win);
        const double m = mean(w);
        double s = 0.0;
        for (double a : w) s += (a - m) * (a - m);
        rms.push_back(std::sqrt(s / static_cast<double>(win)));
    }
    return percentile(std::move(rms), 10.0);
}

std::vector<Peak> detectPeaks(std::span<const double> x, double sampleRateHz, double thresholdUv,
                              double deadTimeMs, double minSlopeUvPerMs, double slopeWindowMs) {
    std::vector<Peak> peaks;
    const auto dead = static_cast<std::size_t>(std::lround(deadTimeMs * 1e-3 * sampleRateHz));
    const auto half = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(0.5e-3 * sampleRateHz)));
    const auto sw = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(slopeWindowMs * 1e-3 * sampleRateHz)));
    std::size_t i = 0;
    const std::size_t n = x.size();
    while (i < n) {
        if (std::abs(x[i]) < thresholdUv) { ++i; continue; }
        // region: from the crossing until dead time after the last supra-threshold sample
        std::size_t best = i;
        std::size_t j = i;
        std::size_t lastAbove = i;
        while (j < n && j <= lastAbove + dead) {
            if (std::abs(x[j]) >= thresholdUv) {
                lastAbove = j;
                if (std::abs(x[j]) > std::abs(x[best])) best = j;
            }
            ++j;
        }
        bool slopeOk = minSlopeUvPerMs <= 0.0;
        if (!slopeOk) {
            const std::size_t a = best > half ? best - half : 0;
            const std::size_t b = std::min(n - 1, best + half);
            double maxChange = 0.0;
            for (std::size_t k = a; k + sw <= b; ++k) maxChange = std::max(maxChange, std::abs(x[k + sw] - x[k]));
            const double slope = maxChange / (static_cast<double>(sw) / sampleRateHz * 1e3);
            slopeOk = slope >= minSlopeUvPerMs;
        }
        if (slopeOk) {
            if (!peaks.empty() && best - peaks.back().index < dead) {
                if (std::abs(x[best]) > std::abs(peaks.back().valueUv)) peaks.back() = {best, x[best]};
            } else {
                peaks.push_back({best, x[best]});
            }
        }
        i = std::max(j, best + 1);
    }
    return peaks;
}

void extractWindow(std::span<const double> x, std::ptrdiff_t center, std::size_t before, std::size_t after,
                   std::vector<double>& out) {
    out.assign(before + after, 0.0);
    const auto n = static_cast<std::ptrdiff_t>(x.size());
    for (std::size_t k = 0; k < before + after; ++k) {
        const std::ptrdiff_t idx = center - static_cast<std::ptrdiff_t>(before) + static_cast<std::ptrdiff_t>(k);
        if (idx >= 0 && idx < n) out[k] = x[static_cast<std::size_t>(idx)];
    }
}

double bestLagError(std::span<const double> x, std::ptrdiff_t center, std::span<const double> tmpl,
                    std::size_t before, int maxLag, int& bestLag) {
    return bestLagErrorBelow(x, center, tmpl, before, maxLag, std::numeric_limits<double>::infinity(), bestLag);
}

double bestLagErrorBelow(std::span<const double> x, std::ptrdiff_t center, std::span<const double> tmpl,
                         std::size_t before, int maxLag, double bound, int& bestLag) {
    double best = std::numeric_limits<double>::infinity();
    bestLag = 0;
    const auto n = static_cast<std::ptrdiff_t>(x.size());
    for (int lag = -maxLag; lag <= maxLag; ++lag) {
        const std::ptrdiff_t start = center + lag - static_cast<std::ptrdiff_t>(before);
        double e = 0.0;
        for (std::size_t k = 0; k < tmpl.size(); ++k) {
            const std::ptrdiff_t idx = start + static_cast<std::ptrdiff_t>(k);
            const double v = (idx >= 0 && idx < n) ? x[static_cast<std::size_t>(idx)] : 0.0;
            const double d = v - tmpl[k];
            e += d * d;
            if (e >= best || e > bound) break;   // cannot be the first minimum, or not wanted
        }
        if (e < best && e <= bound) { best = e; bestLag = lag; }
    }
    return best;
}

}  // namespace emg::needle
