#pragma once
// Spectra with FFTW3: Welch power spectral density, mains-interference level, mean and median
// frequency (surface EMG fatigue measures). FFTW plans are made once per length and reused
// (plan creation is guarded by a mutex: FFTW's planner is not thread-safe, execution is).

#include <functional>
#include <span>
#include <vector>

namespace emg::dsp {

struct PowerSpectrum {
    double binHz = 0.0;                 ///< frequency resolution
    std::vector<double> psd;            ///< one-sided, µV²/Hz, bin k at k * binHz
    std::size_t segments = 0;           ///< averaged Welch segments
    [[nodiscard]] double frequencyHz(std::size_t bin) const noexcept { return static_cast<double>(bin) * binHz; }
    /// Power (µV²) in [loHz, hiHz].
    [[nodiscard]] double bandPower(double loHz, double hiHz) const noexcept;
};

/// Welch's method: Hann-windowed segments of `segmentLength` samples (0 = the power of two
/// nearest one second, at most the signal length), `overlap` 0..0.9, each segment's mean removed.
/// Parseval: the integral of the PSD equals the signal's variance. Throws std::invalid_argument
/// for fewer than 16 samples or a bad rate/overlap.
PowerSpectrum welchPsd(std::span<const double> x, double sampleRateHz, std::size_t segmentLength = 0, double overlap = 0.5);
/// The same for a float signal (computed in double).
PowerSpectrum welchPsd(std::span<const float> x, double sampleRateHz, std::size_t segmentLength = 0, double overlap = 0.5);
/// Gives the samples start, start + 1, ... of a signal not held whole (out.size() of them).
using SegmentReader = std::function<void(std::size_t start, std::span<double> out)>;
/// The same over `samples` samples read a segment at a time: bit for bit the span version's result.
PowerSpectrum welchPsd(std::size_t samples, double sampleRateHz, const SegmentReader& read, std::size_t segmentLength = 0,
                       double overlap = 0.5);

struct MainsLevel {
    double mainsHz = 0.0;          ///< 50 or 60 (or the one asked for)
    double rmsUv = 0.0;            ///< rms of the line at mainsHz (background removed)
    double harmonicsRmsUv = 0.0;   ///< rms of the lines at 2..5 x mainsHz together
    double lineToBackgroundDb = 0.0;   ///< line PSD peak against the median PSD within +-10 Hz
};

/// Interference level at `mainsHz`; 0 = measure 50 and 60 Hz and report the stronger.
MainsLevel mainsInterference(std::span<const double> x, double sampleRateHz, double mainsHz = 0.0);
/// The same from a spectrum already estimated (welchPsd with its default segments).
MainsLevel mainsInterference(const PowerSpectrum& spectrum, double mainsHz = 0.0);

/// Mean (centroid) and median (half-power) frequency of the PSD within [loHz, hiHz].
double meanFrequencyHz(const PowerSpectrum& s, double loHz = 0.0, double hiHz = 1e12);
double medianFrequencyHz(const PowerSpectrum& s, double loHz = 0.0, double hiHz = 1e12);

}  // namespace emg::dsp
