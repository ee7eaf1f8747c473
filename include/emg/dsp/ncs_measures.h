#pragma once
// Motor and sensory NCS measurements on one (averaged) sweep. The automatic detector places
// Markers; every number is then computed from the Markers by measureFromMarkers, so a marker
// moved by the clinician gives new numbers through the same function. Definitions, thresholds
// and sources: docs/measurements.md.
//
// Sign convention: negative (upward on the screen) is the usual first phase of a CMAP/SNAP;
// amplitudes and areas of the negative phase are reported as positive numbers.

#include <emg/dsp/onset_takeoff.h>
#include <emg/dsp/sweeps.h>

#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace emg::dsp {

enum class MarkerOrigin { Auto, Clinician };
const char* toString(MarkerOrigin origin) noexcept;

/// Marker positions in ms from the stimulus, and the baseline level in µV.
struct Markers {
    double onsetMs = 0.0;            ///< first departure from baseline
    double negativePeakMs = 0.0;     ///< extreme of the negative phase
    double negativeEndMs = 0.0;      ///< return of the negative phase to baseline
    double positivePeakMs = 0.0;     ///< following positive peak (for peak-to-peak)
    double baselineUv = 0.0;
    MarkerOrigin origin = MarkerOrigin::Auto;
};

enum class OnsetMethod { BaselineSd, FixedMicrovolts };

struct DetectionSettings {
    OnsetMethod method = OnsetMethod::BaselineSd;
    double onsetSd = 5.0;            ///< threshold = onsetSd * baseline SD (BaselineSd)
    double onsetFixedUv = 20.0;      ///< threshold (FixedMicrovolts)
    double onsetFloorUv = 3.0;       ///< threshold never below this (above the artifact settle band)
    double persistenceMs = 0.1;      ///< the departure must last this long (noise spikes are not onsets)
    double refineFraction = 0.4;     ///< refine back to where |deviation| <= refineFraction * threshold
    double searchFromMs = 0.0;       ///< earliest onset (0 = from the artifact's end)
    double searchToMs = 0.0;         ///< latest onset (0 = end of sweep)
    double peakFitMs = 0.1;          ///< half-width of the quadratic fit used to read a peak
    /// > 0: the negative peak's value is read from a degree-4 polynomial over +-max(peakFitMs, this x
    /// the negative phase's duration): more samples against the noise of a small averaged response,
    /// and a quartic follows a rounded peak over that span without flattening it.
    double peakFitPhaseFraction = 0.0;
    /// > 0: the negative peak's value is the extreme of a degree-4 least-squares polynomial over the
    /// samples around the peak deeper than this fraction of its depth (0.5: the peak's top half, at
    /// least 7 samples). A broad CMAP peak holds many samples within the noise of its top: the
    /// deepest of them (then a parabola through 3) reads the noise's extreme, not the peak's.
    double peakFitLevelFraction = 0.0;
    ArtifactSettings artifact{};
    /// true: the onset is the take-off (onset_takeoff.h: first departure by takeoff.levelSd x noise,
    /// from a fit of the take-off); false: the threshold crossing refined back (onsetSd, refineFraction).
    bool takeoffFit = true;
    TakeoffSettings takeoff{};
};

/// Derived values, all from the markers.
struct ResponseMeasures {
    double onsetLatencyMs = 0.0;
    double peakLatencyMs = 0.0;          ///< negative peak
    double amplitudeUv = 0.0;            ///< baseline to negative peak
    double peakToPeakUv = 0.0;           ///< negative peak to positive peak
    double negativeDurationMs = 0.0;     ///< onset to negative-phase end
    double negativeAreaUvMs = 0.0;       ///< area between the negative phase and the baseline
    /// The noise's standard error on the negative peak's reading (the baseline's noise rms through the
    /// peak fit's weights, white noise assumed). NaN: no noise estimate.
    double peakSeUv = std::numeric_limits<double>::quiet_NaN();
    /// The amplitude's standard error: the peak's, the baseline level's (the pre-stimulus mean, or the
    /// fitted model's at the peak, baselineLevelSeFactor) and the peak reading's shape term
    /// (amplitudeStandardErrorUv). NaN: not known.
    double amplitudeSeUv = std::numeric_limits<double>::quiet_NaN();
};

/// Where a result came from (DESIGN: which sweep, which filter, which marker, placed by whom).
struct Provenance {
    std::vector<std::size_t> sweepIndices;
    std::vector<std::size_t> rejectedSweepIndices;
    std::string filter;
    std::string onsetMethod;             ///< e.g. "first departure > 5 SD of baseline (SD 10.1 uV), refined back to 0.4 x threshold"
    double artifactEndMs = 0.0;
    Markers markers;
};

struct ResponseResult {
    bool found = false;
    std::string note;                    ///< why not found, or warnings
    bool onsetUncertain = false;         ///< peak < takeoff.certainSnr x noise: no confident onset
    double signalToNoise = 0.0;          ///< peak / baseline noise rms (take-off method)
    bool initialPositive = false;        ///< the first departure is positive (a dip before a negative response)
    double onsetSeMs = 0.0;              ///< the onset's standard error (Takeoff::onsetSeMs; 0: not known; >= kUnmeasurableOnsetSeMs: none, no take-off slope)
    double sampleRateHz = 0.0;           ///< the measured sweep's rate (the sampling term of a velocity's SE)
    ResponseMeasures measures;
    Provenance provenance;
    BaselineStats baseline;
};

/// Reads the signal at a time (ms) as the value of a local least-squares quadratic through the
/// samples within +-halfWidthMs (at least one sample each side); linear interpolation if too short.
double valueAtMs(const Sweep& sweep, double ms, double halfWidthMs, int degree = 2);

/// The peak reading's own error beside the noise, as a fraction of the amplitude: a quartic over a
/// peak's top reads a smooth negative phase within ~0.3 % of its noise-free depth, by shape
/// (integrated Gaussian +0.25 % on average, raised cosine -0.1 %; docs/measurements.md section 7,
/// "The amplitude's standard error"). Added in quadrature to the noise's terms.
constexpr double kPeakShapeSeFraction = 0.002;
/// The amplitude's standard error from the noise's SE on the peak reading, the baseline level's SE
/// under the peak, and the shape term (kPeakShapeSeFraction x amplitude).
double amplitudeStandardErrorUv(double peakSeUv, double levelSeUv, double amplitudeUv) noexcept;

/// All derived values from the markers (the clinician's or the detector's). Throws
/// std::invalid_argument if markers are out of the sweep or out of order (onset <= peak <= end).
/// `noiseSdUv` (> 0) gives the amplitude its standard error (ResponseMeasures::amplitudeSeUv), the
/// baseline level taken as the mean of `baselineSamples` samples (0: as exact).
ResponseMeasures measureFromMarkers(const Sweep& sweep, const Markers& markers, double peakFitMs = 0.1,
                                    double negativePeakQuarticMs = 0.0, double negativePeakLevelFraction = 0.0,
                                    double noiseSdUv = std::numeric_limits<double>::quiet_NaN(), std::size_t baselineSamples = 0);

/// The onset search on its own (used for F-waves and H-reflexes too): the first departure from
/// `baseline` beyond `thresholdUv` lasting settings.persistenceMs within sweep samples
/// [fromSample, toSample), refined back to the departure point. Returns the fractional sample
/// index and the departure's sign (-1 negative, +1 positive), or nullopt.
struct OnsetFound {
    double sample = 0.0;
    std::size_t crossing = 0;     ///< first sample beyond the threshold
    std::size_t refined = 0;      ///< first sample beyond refineFraction * threshold
    int sign = 0;
};
std::optional<OnsetFound> detectOnset(const Sweep& sweep, double baselineUv, double thresholdUv, std::size_t fromSample,
                                      std::size_t toSample, const DetectionSettings& settings = {});
/// The threshold the settings give for a baseline.
double onsetThresholdUv(const DetectionSettings& settings, const BaselineStats& baseline) noexcept;

/// Automatic markers on a sweep (baseline from the pre-stimulus part, artifact skipped).
ResponseResult detectResponse(const Sweep& sweep, const DetectionSettings& settings = {});
/// The same with the baseline given (level and noise rms measured elsewhere, e.g. by removeSweepBaseline).
ResponseResult detectResponse(const Sweep& sweep, const DetectionSettings& settings, const BaselineStats& baseline);

/// Why the onset is uncertain, for a person: the result's note without its "onset uncertain: "
/// prefixes ("the onset was not read confidently" when the note is empty).
std::string onsetUncertaintyReason(const ResponseResult& result);

/// Moves markers (clinician) and recomputes: returns a result with origin Clinician. A moved onset
/// marker is the clinician's reading: `onsetUncertain` is cleared (and `onsetSeMs` zeroed).
ResponseResult remeasure(const Sweep& sweep, const ResponseResult& previous, const Markers& moved, double peakFitMs = 0.1);

// ---- between sites ---------------------------------------------------------------------------

/// Motor CV (m/s) from the distance between two stimulation sites and the onset latencies.
/// Throws std::invalid_argument if the latency difference is not positive or distance <= 0.
double motorConductionVelocityMPerS(double distanceMm, double distalOnsetMs, double proximalOnsetMs);
/// Sensory CV (m/s) from the distance to the recording electrode and the onset latency.
double sensoryConductionVelocityMPerS(double distanceMm, double onsetLatencyMs);

struct SegmentComparison {
    double amplitudeDropPercent = 0.0;   ///< (distal - proximal) / distal * 100
    double areaDropPercent = 0.0;
    double durationIncreasePercent = 0.0;
    bool conductionBlock = false;        ///< criteria in docs/measurements.md
    bool temporalDispersion = false;
    std::string criteria;
};
struct BlockCriteria {
    double areaDropPercent = 50.0;       ///< probable block: area drop >= this ...
    double maxDurationIncreasePercent = 30.0;   ///< ... with duration increase <= this
    double dispersionDurationIncreasePercent = 30.0;
    double minDistalAmplitudeUv = 1000.0;   ///< judged only when the distal CMAP is at least this
};
SegmentComparison compareSites(const ResponseMeasures& distal, const ResponseMeasures& proximal, const BlockCriteria& c = {});

}  // namespace emg::dsp
