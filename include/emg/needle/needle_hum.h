#pragma once
// Mains hum in a needle record: measured, and when its line stands out of the EMG's own spectrum,
// fitted and subtracted (emg::dsp::subtractHum) before any measure is taken. Without this, a
// record carrying mains pickup has the hum's swings counted as turns and its amplitude as the
// interference pattern's, so a healthy muscle lies "above the cloud".

#include <emg/needle/needle_analysis.h>

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

namespace emg::needle {

/// The [begin, end) stretches of the input (before any filter) whose 10 ms windows move less than
/// 1 uV peak to peak: no recording there (a file's zero padding, a disconnected input).
std::vector<std::pair<std::size_t, std::size_t>> noSignalStretches(std::span<const double> raw, double sampleRateHz);
std::vector<std::pair<std::size_t, std::size_t>> noSignalStretches(std::span<const float> raw, double sampleRateHz);

/// When `o.mainsHz` is 0 (no notch asked for) and `o.humAutoDetectDb` > 0: measures the line at
/// 50 and 60 Hz (dsp::mainsInterference, Welch PSD of the whole record) and, when the stronger one
/// stands >= humAutoDetectDb above its neighbouring spectrum, subtracts the fitted fundamental and
/// harmonics in place and notes it in `applied`. Returns the mains frequency subtracted (0: none).
/// `noSignal` (noSignalStretches of the raw input) is left out of the fit and nothing is taken off
/// there: a block reaching into a file's zero padding would otherwise paint a hum into it.
double removeNeedleHum(std::span<double> x, double fs, const NeedleAnalysisOptions& o, FilterApplied& applied,
                       const std::vector<std::pair<std::size_t, std::size_t>>& noSignal = {});
double removeNeedleHum(std::span<float> x, double fs, const NeedleAnalysisOptions& o, FilterApplied& applied,
                       const std::vector<std::pair<std::size_t, std::size_t>>& noSignal = {});

}  // namespace emg::needle
