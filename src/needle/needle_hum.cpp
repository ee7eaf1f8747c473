#include <emg/needle/needle_hum.h>

#include <emg/dsp/hum_removal.h>
#include <emg/dsp/spectrum.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <sstream>
#include <vector>

namespace emg::needle {

namespace {
using Stretches = std::vector<std::pair<std::size_t, std::size_t>>;
/// Harmonics fitted with the fundamental (as the nerve-conduction path does, ncs_analysis.cpp).
constexpr int kHumHarmonics = 3;
/// A 10 ms stretch of the input that moves less than this (peak to peak) holds no recording (a
/// file's padding, a disconnected input): a needle's own noise is 5-20 uV rms at 10 Hz-10 kHz
/// (docs/needle-emg.md), mains pickup more.
constexpr double kNoSignalPeakToPeakUv = 1.0;

template <class T>
std::vector<std::pair<std::size_t, std::size_t>> noSignalOf(std::span<const T> x, double fs) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    if (!(fs > 0.0)) return out;
    const auto w = std::max<std::size_t>(2, static_cast<std::size_t>(std::lround(0.010 * fs)));
    for (std::size_t a = 0; a + w <= x.size(); a += w) {
        const auto [lo, hi] = std::minmax_element(x.begin() + static_cast<std::ptrdiff_t>(a), x.begin() + static_cast<std::ptrdiff_t>(a + w));
        if (static_cast<double>(*hi) - static_cast<double>(*lo) >= kNoSignalPeakToPeakUv) continue;
        if (!out.empty() && out.back().second == a) out.back().second = a + w;
        else out.emplace_back(a, a + w);
    }
    return out;
}

template <class T>
double removeHumOf(std::span<T> x, double fs, const NeedleAnalysisOptions& o, FilterApplied& applied, const Stretches& silent) {
    if (o.mainsHz != 0.0 || !(o.humAutoDetectDb > 0.0) || !(fs >= 200.0) || x.size() < static_cast<std::size_t>(fs)) return 0.0;
    const auto level = dsp::mainsInterference(dsp::welchPsd(std::span<const T>(x.data(), x.size()), fs));
    applied.humRmsUv = level.rmsUv;
    applied.humToBackgroundDb = level.lineToBackgroundDb;
    if (!(level.mainsHz > 0.0) || level.lineToBackgroundDb < o.humAutoDetectDb || level.mainsHz >= 0.45 * fs) return 0.0;
    const auto read = [&](std::size_t from, std::span<double> out) {
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<double>(x[from + i]);
    };
    // the fit reads the originals (each block reaches half a block back), so the hum is collected
    // first and taken off afterwards
    // held in the record's own sample type: the float path (long streamed records) stays ~2 x its size
    std::vector<T> hum(x.size(), T{0});
    const dsp::HumSubtractor take = [&](std::size_t start, std::size_t end, const std::function<double(std::size_t)>& humAt) {
        for (std::size_t i = start; i < end; ++i) hum[i] = static_cast<T>(humAt(i));
    };
    // where there is no signal there is no hum either: left out of the fit, and nothing is taken
    // off there (a block reaching into a file's zero padding would otherwise paint a hum into it)
    const auto fit = dsp::subtractHum(x.size(), fs, level.mainsHz, kHumHarmonics, silent, read, take);
    for (const auto& [a, b] : silent) std::fill(hum.begin() + static_cast<std::ptrdiff_t>(a), hum.begin() + static_cast<std::ptrdiff_t>(b), T{0});
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<T>(static_cast<double>(x[i]) - static_cast<double>(hum[i]));
    applied.humSubtractedHz = level.mainsHz;
    std::ostringstream d;
    d.setf(std::ios::fixed);
    d.precision(0);
    d << "; mains hum " << level.mainsHz << " Hz (" << level.rmsUv << " uV rms, line " << level.lineToBackgroundDb
      << " dB above the EMG around it) fitted and subtracted (fundamental and " << fit.harmonics - 1 << " harmonics)";
    applied.description += d.str();
    return level.mainsHz;
}
}  // namespace

std::vector<std::pair<std::size_t, std::size_t>> noSignalStretches(std::span<const double> raw, double fs) { return noSignalOf(raw, fs); }
std::vector<std::pair<std::size_t, std::size_t>> noSignalStretches(std::span<const float> raw, double fs) { return noSignalOf(raw, fs); }

double removeNeedleHum(std::span<double> x, double fs, const NeedleAnalysisOptions& o, FilterApplied& applied,
                       const std::vector<std::pair<std::size_t, std::size_t>>& noSignal) {
    return removeHumOf(x, fs, o, applied, noSignal);
}
double removeNeedleHum(std::span<float> x, double fs, const NeedleAnalysisOptions& o, FilterApplied& applied,
                       const std::vector<std::pair<std::size_t, std::size_t>>& noSignal) {
    return removeHumOf(x, fs, o, applied, noSignal);
}

}  // namespace emg::needle
