#include <emg/dsp/spectrum.h>

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <numbers>
#include <stdexcept>

namespace emg::dsp {

namespace {
/// One r2c plan per length, created once (under the mutex) and reused by fftw_execute_dft_r2c,
/// which is thread-safe. Buffers come from fftw_alloc_* so their alignment matches the plan's.
class PlanCache {
public:
    static PlanCache& instance() {
        static PlanCache cache;
        return cache;
    }
    fftw_plan planFor(std::size_t n) {
        std::lock_guard lock(mutex_);
        auto it = plans_.find(n);
        if (it != plans_.end()) return it->second;
        double* in = fftw_alloc_real(n);
        fftw_complex* out = fftw_alloc_complex(n / 2 + 1);
        fftw_plan p = fftw_plan_dft_r2c_1d(static_cast<int>(n), in, out, FFTW_ESTIMATE);
        fftw_free(in);
        fftw_free(out);
        if (!p) throw std::runtime_error("FFTW could not make a plan for length " + std::to_string(n));
        plans_.emplace(n, p);
        return p;
    }
    ~PlanCache() {
        for (auto& [n, p] : plans_) fftw_destroy_plan(p);
    }

private:
    std::mutex mutex_;
    std::map<std::size_t, fftw_plan> plans_;
};

struct FftwFree {
    void operator()(void* p) const noexcept { fftw_free(p); }
};
}  // namespace

double PowerSpectrum::bandPower(double loHz, double hiHz) const noexcept {
    double p = 0.0;
    for (std::size_t k = 0; k < psd.size(); ++k) {
        const double f = frequencyHz(k);
        if (f >= loHz && f <= hiHz) p += psd[k] * binHz;
    }
    return p;
}

namespace {
/// Welch's estimate over `size` samples that `read(start, out)` gives a segment at a time (out
/// filled with the samples start, start + 1, ... as double).
PowerSpectrum welchPsdOf(std::size_t size, double fs, std::size_t seg, double overlap, const SegmentReader& read) {
    if (!(fs > 0.0) || !std::isfinite(fs)) throw std::invalid_argument("spectrum: sample rate must be a positive, finite number");
    if (size < 16) throw std::invalid_argument("spectrum: need at least 16 samples");
    if (!(overlap >= 0.0 && overlap <= 0.9)) throw std::invalid_argument("spectrum: overlap must be 0..0.9");
    if (seg == 0) {
        seg = 16;
        while (static_cast<double>(seg) * 1.5 < fs && seg < size) seg *= 2;   // bounded: the signal's length caps it below
    }
    seg = std::min(seg, size);
    if (seg < 16) throw std::invalid_argument("spectrum: segment shorter than 16 samples");
    const std::size_t hop = std::max<std::size_t>(1, static_cast<std::size_t>(static_cast<double>(seg) * (1.0 - overlap)));
    std::vector<double> win(seg);
    double winPow = 0.0;
    for (std::size_t i = 0; i < seg; ++i) {
        win[i] = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(seg));
        winPow += win[i] * win[i];
    }
    fftw_plan plan = PlanCache::instance().planFor(seg);
    std::unique_ptr<double, FftwFree> in(fftw_alloc_real(seg));
    std::unique_ptr<fftw_complex, FftwFree> out(fftw_alloc_complex(seg / 2 + 1));
    std::vector<double> x(seg);
    PowerSpectrum s;
    s.binHz = fs / static_cast<double>(seg);
    s.psd.assign(seg / 2 + 1, 0.0);
    for (std::size_t start = 0; start + seg <= size; start += hop) {
        read(start, std::span<double>(x));
        double mean = 0.0;
        for (std::size_t i = 0; i < seg; ++i) mean += x[i];
        mean /= static_cast<double>(seg);
        for (std::size_t i = 0; i < seg; ++i) in.get()[i] = (x[i] - mean) * win[i];
        fftw_execute_dft_r2c(plan, in.get(), out.get());
        for (std::size_t k = 0; k < s.psd.size(); ++k) {
            const double re = out.get()[k][0], im = out.get()[k][1];
            s.psd[k] += re * re + im * im;
        }
        ++s.segments;
    }
    const double scale = 1.0 / (fs * winPow * static_cast<double>(s.segments));
    for (std::size_t k = 0; k < s.psd.size(); ++k) {
        const bool edge = k == 0 || (seg % 2 == 0 && k == s.psd.size() - 1);
        s.psd[k] *= scale * (edge ? 1.0 : 2.0);
    }
    return s;
}

template <class T>
PowerSpectrum welchPsdOf(std::span<const T> x, double fs, std::size_t seg, double overlap) {
    return welchPsdOf(x.size(), fs, seg, overlap, [&](std::size_t start, std::span<double> out) {
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<double>(x[start + i]);
    });
}
}  // namespace

PowerSpectrum welchPsd(std::size_t samples, double fs, const SegmentReader& read, std::size_t seg, double overlap) {
    return welchPsdOf(samples, fs, seg, overlap, read);
}
PowerSpectrum welchPsd(std::span<const double> x, double fs, std::size_t seg, double overlap) { return welchPsdOf(x, fs, seg, overlap); }
PowerSpectrum welchPsd(std::span<const float> x, double fs, std::size_t seg, double overlap) { return welchPsdOf(x, fs, seg, overlap); }

namespace {
/// Line power at f (PSD above the local median background, within +-2 bins of the Hann main lobe).
double linePower(const PowerSpectrum& s, double f, double* toBackgroundDb) {
    if (f + 12.0 > s.frequencyHz(s.psd.size() - 1)) return 0.0;
    const auto c = static_cast<std::size_t>(std::llround(f / s.binHz));
    const std::size_t half = std::max<std::size_t>(2, static_cast<std::size_t>(std::ceil(1.0 / s.binHz)));
    std::vector<double> bg;
    for (std::size_t k = 0; k < s.psd.size(); ++k) {
        const double d = std::fabs(s.frequencyHz(k) - f);
        if (d > 3.0 + static_cast<double>(half) * s.binHz && d <= 10.0 + static_cast<double>(half) * s.binHz) bg.push_back(s.psd[k]);
    }
    double background = 0.0;
    if (!bg.empty()) {
        std::nth_element(bg.begin(), bg.begin() + static_cast<std::ptrdiff_t>(bg.size() / 2), bg.end());
        background = bg[bg.size() / 2];
    }
    double p = 0.0, peak = 0.0;
    for (std::size_t k = c >= half ? c - half : 0; k <= c + half && k < s.psd.size(); ++k) {
        p += (s.psd[k] - background) * s.binHz;
        peak = std::max(peak, s.psd[k]);
    }
    if (toBackgroundDb) *toBackgroundDb = background > 0.0 ? 10.0 * std::log10(peak / background) : 300.0;
    return std::max(p, 0.0);
}
}  // namespace

MainsLevel mainsInterference(std::span<const double> x, double fs, double mainsHz) { return mainsInterference(welchPsd(x, fs), mainsHz); }

MainsLevel mainsInterference(const PowerSpectrum& s, double mainsHz) {
    auto measure = [&](double f) {
        MainsLevel m;
        m.mainsHz = f;
        m.rmsUv = std::sqrt(linePower(s, f, &m.lineToBackgroundDb));
        double h = 0.0;
        for (int k = 2; k <= 5; ++k) h += linePower(s, k * f, nullptr);
        m.harmonicsRmsUv = std::sqrt(h);
        return m;
    };
    if (mainsHz > 0.0) return measure(mainsHz);
    const auto m50 = measure(50.0), m60 = measure(60.0);
    return m60.rmsUv > m50.rmsUv ? m60 : m50;
}

double meanFrequencyHz(const PowerSpectrum& s, double loHz, double hiHz) {
    double num = 0.0, den = 0.0;
    for (std::size_t k = 0; k < s.psd.size(); ++k) {
        const double f = s.frequencyHz(k);
        if (f < loHz || f > hiHz) continue;
        num += f * s.psd[k];
        den += s.psd[k];
    }
    if (den <= 0.0) throw std::invalid_argument("mean frequency: no power in the band");
    return num / den;
}

double medianFrequencyHz(const PowerSpectrum& s, double loHz, double hiHz) {
    double total = 0.0;
    for (std::size_t k = 0; k < s.psd.size(); ++k)
        if (s.frequencyHz(k) >= loHz && s.frequencyHz(k) <= hiHz) total += s.psd[k];
    if (total <= 0.0) throw std::invalid_argument("median frequency: no power in the band");
    double cum = 0.0;
    for (std::size_t k = 0; k < s.psd.size(); ++k) {
        const double f = s.frequencyHz(k);
        if (f < loHz || f > hiHz) continue;
        const double next = cum + s.psd[k];
        if (next >= 0.5 * total) {
            // interpolate within the bin (its power spread over [f - bin/2, f + bin/2])
            const double frac = s.psd[k] > 0.0 ? (0.5 * total - cum) / s.psd[k] : 0.5;
            return f - 0.5 * s.binHz + frac * s.binHz;
        }
        cum = next;
    }
    return hiHz;
}

}  // namespace emg::dsp
