#include <emg/needle/needle_hum.h>

#include <emg/dsp/hum_removal.h>
#include <emg/dsp/spectrum.h>

#include <cmath>
#include <sstream>
#include <vector>

namespace emg::needle {

namespace {
/// Harmonics fitted with the fundamental (as the nerve-conduction path does, ncs_analysis.cpp).
constexpr int kHumHarmonics = 3;

template <class T>
double removeHumOf(std::span<T> x, double fs, const NeedleAnalysisOptions& o, FilterApplied& applied) {
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
    std::vector<double> hum(x.size(), 0.0);
    const dsp::HumSubtractor take = [&](std::size_t start, std::size_t end, const std::function<double(std::size_t)>& humAt) {
        for (std::size_t i = start; i < end; ++i) hum[i] = humAt(i);
    };
    const auto fit = dsp::subtractHum(x.size(), fs, level.mainsHz, kHumHarmonics, {}, read, take);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<T>(static_cast<double>(x[i]) - hum[i]);
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

double removeNeedleHum(std::span<double> x, double fs, const NeedleAnalysisOptions& o, FilterApplied& applied) {
    return removeHumOf(x, fs, o, applied);
}
double removeNeedleHum(std::span<float> x, double fs, const NeedleAnalysisOptions& o, FilterApplied& applied) {
    return removeHumOf(x, fs, o, applied);
}

}  // namespace emg::needle
