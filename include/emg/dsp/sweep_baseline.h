#pragma once
// The baseline of one sweep as the amplifier recorded it: a least-squares model of a DC level, a
// linear drift and mains hum (fundamental and optionally its 2nd and 3rd harmonic), fitted on the
// samples that hold no response (before the stimulus, and after the response has ended), then
// subtracted from the whole sweep. Nothing is filtered, so no non-causal filter can move the
// baseline, and a short sweep (one EDF record per stimulus, 100 ms) estimates its own hum even when
// its phase differs from the neighbouring records'. Definitions: docs/measurements.md.

#include <emg/dsp/sweeps.h>

#include <string>
#include <vector>

namespace emg::dsp {

struct SweepBaselineSettings {
    double mainsHz = 50.0;         ///< 0 = no hum terms; < 0 = 50 or 60 Hz, whichever leaves the smaller residual
    int harmonics = 3;             ///< hum terms: fundamental .. this harmonic (below 0.45 fs)
    double guardBeforeMs = 0.2;    ///< samples this close before the stimulus are left out
    double settleMs = 3.0;         ///< after the response's last excursion, left out this long too
    double firstPassTailFraction = 0.6;   ///< first pass: the fit uses the sweep from this fraction of the window on
    /// Nothing before the stimulus and the response's end given (removeSweepBaselineOutside): fit the
    /// drift term on the sweep after the response alone when it stays steady back to the stimulus
    /// (each of many averaged records drifting on its own). Off: the drift term needs samples on
    /// both sides of the response.
    bool driftFromTail = false;
};

/// One least-squares baseline model's precision: (A^T A)^-1 of its design (terms: DC, drift, then
/// cos/sin per hum harmonic), so that the model's value at a time t has the variance
/// noise^2 * phi(t)^T (A^T A)^-1 phi(t) for white noise of that rms.
struct BaselineModelPrecision {
    std::vector<double> inverseNormal;   ///< terms x terms, row-major
    int terms = 0;
    int harmonics = 0;
    double mainsHz = 0.0;
    bool drift = true;                   ///< false: the drift term was left out (its column unused)
};

struct SweepBaseline {
    double noiseRmsUv = 0.0;       ///< rms of the fit's residual (the sweep's noise)
    double humAmplitudeUv = 0.0;   ///< fitted fundamental amplitude
    double responseEndMs = 0.0;    ///< samples from the stimulus to here were left out of the fit
    std::size_t fitSamples = 0;
    bool humFitted = false;        ///< false when the samples left too little to fit the hum
    int humHarmonics = 0;          ///< hum terms fitted: fundamental .. this harmonic (0: none)
    int humHarmonicsWanted = 0;    ///< ... of this many the settings and the sample rate allow
    double mainsHz = 0.0;          ///< hum frequency fitted (0 = none)
    /// The subtracted model(s): one for a sweep; for an average of sweeps each with its own model,
    /// one per sweep averaged (baselineLevelSeFactor).
    std::vector<BaselineModelPrecision> models;
};

/// The standard error of the subtracted baseline's level at `ms` after the stimulus, per unit of
/// the (averaged) sweep's noise rms: sqrt(phi^T (A^T A)^-1 phi) of the model; over several sweeps'
/// models averaged, the root of their mean (each sweep's noise sqrt(n) x the average's). The
/// baseline under a peak is known to this precision; an amplitude read from it carries it. NaN
/// when no model is recorded.
double baselineLevelSeFactor(const SweepBaseline& baseline, double ms);

/// Fits the model on the sweep's samples outside [stimulus - guard, responseEnd) and subtracts it
/// from every sample; the baseline is then 0. responseEnd is found in two passes: first the
/// response is assumed over before firstPassTailFraction of the window; then its last excursion
/// beyond max(5 x noise, 5 % of the largest deviation) plus settleMs. Hum terms are dropped when
/// the usable samples span less than one mains period beyond the first pass. When that leaves no
/// tail, or too short a tail for the hum terms, the passes restart from a model fitted before the
/// stimulus and on the window's last part (kept when it leaves a tail and a smaller residual).
SweepBaseline removeSweepBaseline(Sweep& sweep, const SweepBaselineSettings& settings = {});

/// The same model with the response's end given (e.g. found on the average of the site's sweeps,
/// where the response stands out of the noise): fitted outside [stimulus - guard, responseEndMs).
/// settings.mainsHz must be >= 0 here (0: no hum terms).
SweepBaseline removeSweepBaselineOutside(Sweep& sweep, double responseEndMs, const SweepBaselineSettings& settings = {});

/// A sweep with nothing before its stimulus, less a model (DC, the drift term and the hum terms
/// where the samples pin them: the same steadiness rule as the other fits) fitted on its last part
/// only (from firstPassTailFraction of the window on), where no response lies. For finding the
/// response window on the average of many such sweeps, each with its own DC, drift and hum phase.
/// settings.mainsHz must be >= 0 (0: no hum terms). A sweep too short for that: less its level.
SweepBaseline removeSweepTailTrend(Sweep& sweep, const SweepBaselineSettings& settings = {});

/// The mains frequency of the hum in a file's sweeps, 50 or 60 Hz, judged on equal terms: each
/// sweep is fitted at both frequencies outside the same window (the longer of the response windows
/// its own fits at 50 and at 60 Hz leave out) with the same number of hum terms (sweeps where no
/// term fits at one of them are left out; with nothing before the stimulus, the drift term taken
/// from the sweep after the response), and the residual powers are summed over the sweeps.
/// `preferredHz` (50 or 60, e.g. from a spectral detection; otherwise none) stands unless the
/// other frequency's total residual rms is below `keepRatio` x its own. 0 when nothing decides
/// and nothing is preferred.
double mainsHzByResidual(const std::vector<Sweep>& sweeps, double preferredHz, double keepRatio = 0.98);

}  // namespace emg::dsp
