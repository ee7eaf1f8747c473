#pragma once
// Small signal helpers shared by the needle analyses: robust noise level, threshold-crossing
// peak detection, waveform windows and template distances.

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

namespace emg::needle {

/// Baseline noise (rms, µV) of a signal that also carries potentials: the 10th percentile of the
/// rms in 10 ms windows (quiet stretches dominate the low percentiles; for white noise the
/// 10th percentile of 10 ms-window rms is within ~5-10 % of the true rms).
double robustNoiseUv(std::span<const double> x, double sampleRateHz);
double robustNoiseUv(std::span<const float> x, double sampleRateHz);
/// The same over the [begin, end) sample ranges `pieces` of x only (whole 10 ms windows within each;
/// no copy); with no whole window in them, of all of x.
double robustNoiseUv(std::span<const double> x, double sampleRateHz, std::span<const std::pair<std::size_t, std::size_t>> pieces);
double robustNoiseUv(std::span<const float> x, double sampleRateHz, std::span<const std::pair<std::size_t, std::size_t>> pieces);

/// A candidate potential: the sample of the largest absolute value in a run above threshold.
struct Peak {
    std::size_t index = 0;
    double valueUv = 0.0;   ///< signed value at the peak
};

/// Peaks where |x| exceeds `thresholdUv` and the local slope (largest change over
/// `slopeWindowMs` within +-0.5 ms of the peak) exceeds `minSlopeUvPerMs`; one peak per
/// `deadTimeMs` (the largest wins).
std::vector<Peak> detectPeaks(std::span<const double> x, double sampleRateHz, double thresholdUv,
                              double deadTimeMs, double minSlopeUvPerMs = 0.0, double slopeWindowMs = 0.1);
std::vector<Peak> detectPeaks(std::span<const float> x, double sampleRateHz, double thresholdUv,
                              double deadTimeMs, double minSlopeUvPerMs = 0.0, double slopeWindowMs = 0.1);

/// Copies x[center - before, center + after) into out (zero-padded outside the signal).
void extractWindow(std::span<const double> x, std::ptrdiff_t center, std::size_t before, std::size_t after,
                   std::vector<double>& out);
void extractWindow(std::span<const float> x, std::ptrdiff_t center, std::size_t before, std::size_t after,
                   std::vector<double>& out);

/// Sum of squared differences between x[center + lag - before ...] and tmpl, minimised over
/// lag in [-maxLag, maxLag]. Returns the error and writes the best lag.
double bestLagError(std::span<const double> x, std::ptrdiff_t center, std::span<const double> tmpl,
                    std::size_t before, int maxLag, int& bestLag);
double bestLagError(std::span<const float> x, std::ptrdiff_t center, std::span<const double> tmpl,
                    std::size_t before, int maxLag, int& bestLag);

/// bestLagError when only an error <= `bound` matters: the same error and lag when the minimum is
/// <= bound, +infinity otherwise (every lag stops as soon as its running sum passes the bound, so a
/// template that cannot win costs a few samples instead of the whole window).
double bestLagErrorBelow(std::span<const double> x, std::ptrdiff_t center, std::span<const double> tmpl,
                         std::size_t before, int maxLag, double bound, int& bestLag);
double bestLagErrorBelow(std::span<const float> x, std::ptrdiff_t center, std::span<const double> tmpl,
                         std::size_t before, int maxLag, double bound, int& bestLag);

/// (The float overloads: the same on a float signal, computed in double.)

/// Sum of squares.
double energy(std::span<const double> v) noexcept;

/// Median (copies), 0 for an empty input.
double median(std::vector<double> v);
double percentile(std::vector<double> v, double p);   ///< p in 0..100, linear interpolation
double mean(std::span<const double> v) noexcept;
double mean(std::span<const float> v) noexcept;
double stddev(std::span<const double> v) noexcept;    ///< sample SD (n-1)

}  // namespace emg::needle
