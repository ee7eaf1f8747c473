#pragma once
// Mains hum in a needle record: measured, and when its line stands out of the EMG's own spectrum,
// fitted and subtracted (emg::dsp::subtractHum) before any measure is taken. Without this, a
// record carrying mains pickup has the hum's swings counted as turns and its amplitude as the
// interference pattern's, so a healthy muscle lies "above the cloud".

#include <emg/needle/needle_analysis.h>

#include <span>

namespace emg::needle {

/// When `o.mainsHz` is 0 (no notch asked for) and `o.humAutoDetectDb` > 0: measures the line at
/// 50 and 60 Hz (dsp::mainsInterference, Welch PSD of the whole record) and, when the stronger one
/// stands >= humAutoDetectDb above its neighbouring spectrum, subtracts the fitted fundamental and
/// harmonics in place and notes it in `applied`. Returns the mains frequency subtracted (0: none).
double removeNeedleHum(std::span<double> x, double fs, const NeedleAnalysisOptions& o, FilterApplied& applied);
double removeNeedleHum(std::span<float> x, double fs, const NeedleAnalysisOptions& o, FilterApplied& applied);

}  // namespace emg::needle
