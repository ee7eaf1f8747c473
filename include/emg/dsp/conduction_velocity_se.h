#pragma once
// Uncertainty of a segment's conduction velocity from the two onsets' standard errors.
//
// The take-off fit's own SE (`Takeoff::onsetSeMs`, noise only) under-states how far an onset can
// be off: the power law is only a local model of the take-off and its error, measured on the
// accuracy harness's development seeds (docs/measurements.md section 7, run 2026-12-04 ncs-cvse),
// is about a sixth of the sample interval at 4-12 kHz plus ~0.012 ms independent of the rate.
// For velocities that model term is added to each onset's SE (the onset's own "imprecise" flag
// keeps the noise-only SE). Qt-free; used by `emgws-cli analyze motor` and the accuracy harness.

namespace emg::dsp {

struct VelocitySeSettings {
    double sampleFraction = 1.0 / 6.0;   ///< model error: this fraction of the sample interval ...
    double floorMs = 0.012;              ///< ... and this (rate-independent), added in quadrature
    double z = 1.96;                     ///< the interval CV +- z SE (~95 %) ...
    double maxHalfWidthPct = 5.0;        ///< ... wider than +- this % of the CV: "velocity uncertain"
};

/// The onset's SE for velocities: hypot(onsetSeMs, sampleFraction / fs, floorMs). 0 when the
/// onset's SE is not known (onsetSeMs <= 0, e.g. markers placed by the clinician) or is none
/// (>= kUnmeasurableOnsetSeMs: no take-off slope).
double velocityOnsetSeMs(double onsetSeMs, double sampleRateHz, const VelocitySeSettings& settings = {});

struct VelocityUncertainty {
    bool known = false;          ///< both onset SEs known and the latency difference positive
    double cvMPerS = 0.0;
    double seMPerS = 0.0;        ///< CV * sqrt(se_d^2 + se_p^2) / (proximal - distal onset)
    double halfWidthPct = 0.0;   ///< z * SE / CV * 100
    bool uncertain = false;      ///< halfWidthPct > maxHalfWidthPct
};

/// The velocity distance / spanMs from two onsets' velocity SEs (already with the model term,
/// velocityOnsetSeMs; 0 for the stimulus, whose time is exact): CV, its SE and its ~95 % interval.
/// Not known when an SE of a real onset is not (`seAMs` <= 0), or spanMs or the distance <= 0.
VelocityUncertainty velocityUncertaintyFromSes(double distanceMm, double spanMs, double seAMs, double seBMs,
                                               const VelocitySeSettings& settings = {});

/// A sensory velocity (distance to the recording electrode / onset latency): the onset's SE as the
/// engine gives it (`ResponseResult::onsetSeMs`) against the latency.
VelocityUncertainty sensoryVelocityUncertainty(double distanceMm, double onsetMs, double onsetSeMs, double sampleRateHz,
                                               const VelocitySeSettings& settings = {});

/// A motor segment: distance (mm), the distal and proximal onsets (ms) and their SEs as the
/// engine gives them (`ResponseResult::onsetSeMs`, noise only: the model term is added here).
VelocityUncertainty segmentVelocityUncertainty(double distanceMm, double distalOnsetMs, double distalOnsetSeMs, double proximalOnsetMs,
                                               double proximalOnsetSeMs, double sampleRateHz, const VelocitySeSettings& settings = {});

}  // namespace emg::dsp
