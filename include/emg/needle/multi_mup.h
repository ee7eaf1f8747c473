#pragma once
// Multi-MUP extraction from the interference of slight to moderate effort, as clinical QEMG does
// it (Stålberg E, Falck B, Sonoo M, Stålberg S, Åström M, Electroencephalogr Clin Neurophysiol
// 1995;97:145-154): beside the decomposition, each effort epoch gives candidate MUPs triggered on
// sharp main spikes; candidates are aligned on the main peak and grouped by the shape of the main
// spike region (correlation) and its amplitude; a group becomes a MUP only from enough consistent
// recurrences (template variance, jiggle, discharge intervals a motor unit can fire at). Each MUP's
// template is the triggered average of all its recurrences (the interference under it falls as
// 1 / sqrt(n)); durations are measured by the project's slope/amplitude convention (measureMuap)
// with the level raised to the average's residual background, and a MUP whose residual background
// or unsettled flanks would set its duration is reported as not measurable, never with a wrong
// duration. Criteria, numbers and sources: docs/needle-emg.md ("Multi-MUP"). Qt-free.

#include <emg/needle/muap_measures.h>
#include <emg/needle/needle_types.h>

#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace emg::needle {

struct MultiMupOptions {
    double epochSec = 5.0;                ///< effort segments are cut into epochs of at most this (Stålberg 1995: 5 s)
    double minEpochSec = 0.5;             ///< shorter effort pieces are not analysed
    // trigger: a sharp main spike
    double minMainSpikeUv = 50.0;         ///< main spike peak to peak (far, blunt potentials are not MUPs to measure)
    double triggerNoiseFactor = 5.0;      ///< peak |x| >= max(minMainSpikeUv / 2, this x the epoch's baseline noise) ...
    double baselineNoiseMaxUv = 40.0;     ///< ... noise (robustNoiseUv) capped at a quiet needle baseline (never-quiet effort)
    double maxRiseTimeMs = 0.5;           ///< main spike rise time of a MUP recorded near the needle (Stålberg 1986)
    double deadTimeMs = 1.0;              ///< one trigger per this (the largest peak wins)
    // grouping by shape
    double coreBeforeMs = 1.0;            ///< main spike region used for the shape comparison
    double coreAfterMs = 1.5;
    double minCorrelation = 0.95;         ///< Pearson correlation of the main spike region with the group's mean
    double maxAmplitudeRatio = 1.10;      ///< main spike amplitudes within this ratio of the group's mean
    double mergeCorrelation = 0.95;       ///< groups whose means correlate this well (and match in size) are one unit
    // acceptance
    std::size_t minRecurrences = 5;       ///< consistent recurrences needed for a template
    double minIntervalMs = 20.0;          ///< a motor unit does not fire twice within this at slight-moderate effort ...
    double maxShortIntervalFraction = 0.10;  ///< ... a group with more short intervals holds several units
    double maxVariabilityPercent = 50.0;  ///< template variance or jiggle above this (% of template rms, background removed): unstable
    // measurement
    double templateBeforeMs = 15.0;       ///< averaged window around the main peak
    double templateAfterMs = 25.0;
    double flankMs = 3.0;                 ///< the template's own flanks (baseline and residual background), as measureMuap
    /// Duration not measurable when the level criterion, raised to 4 x the residual background of the
    /// average, exceeds this: the markers would then move inward by the background, not the MUP.
    double maxDurationLevelUv = 20.0;
    /// ... or when markers placed at half the level (2 x residual) lengthen the duration by more than this:
    /// the level then cuts the MUP's own slow phases and the background decides where
    double maxLevelSensitivityMs = 1.0;
    double markerSmoothingMs = 0.5;       ///< moving average of the template used only to place the duration markers
    MuapCriteria criteria;
    /// Gain unknown (raw counts): no criterion may be in µV. The trigger is then triggerNoiseFactor x
    /// the epoch's own baseline noise (uncapped) and the main spike must reach twice that; every µV
    /// criterion of the measurement (the level and slope of the duration convention, turns,
    /// satellites, maxDurationLevelUv) is applied scaled by the MUP's main-spike amplitude over
    /// relativeReferenceUv: the convention as it stands for a MUP of the muscle's typical size, so
    /// duration, phases and turns rest on the MUP's shape relative to its own amplitude.
    bool relativeLevels = false;
    double relativeReferenceUv = 500.0;   ///< typical mean MUP amplitude of the muscle (geometric middle of its reference limits)
    std::size_t goalMups = 20;            ///< per muscle (Stålberg 1995); fewer is reported with the reason
};

/// One MUP accepted from the interference.
struct MultiMup {
    int id = 0;
    double epochStartSec = 0.0;
    std::vector<double> templateUv;        ///< triggered average, templateBeforeMs before the main peak
    int templatePeakIndex = 0;
    double sampleRateHz = 0.0;
    std::vector<double> firingTimesSec;    ///< main peak times of the recurrences averaged
    std::size_t recurrences = 0;
    double meanRateHz = 0.0;               ///< 1 / median interval (missed or superimposed firings lengthen intervals)
    double minIntervalMs = 0.0;
    double mainSpikeAmplitudeUv = 0.0;     ///< peak to peak of the main spike (within the shape region)
    double riseTimeMs = 0.0;               ///< steeper side of the main spike, extreme to extreme
    double templateVariancePercent = 0.0;  ///< recurrence-to-template variance of the main spike region, background removed
    double jigglePercent = 0.0;            ///< consecutive-recurrence variability of that region, background removed
    double residualBackgroundUv = 0.0;     ///< rms left in the median template: 1.2533 x robust SD across recurrences at the flanks / sqrt(n)
    double durationLevelUv = 0.0;          ///< level criterion used: max(criteria.amplitudeUv, 4 x rms of the smoothed template's flanks)
    bool durationMeasurable = false;
    std::string notMeasurableReason;       ///< "background", "flanks not settled", "" when measurable
    MuapParameters params;                 ///< measureMuap on the template; durations meaningful only when measurable
    double sizeIndex = 0.0;                ///< 2 log10(amplitude mV) + thickness ms (Sonoo & Stålberg 1993)
};

struct MultiMupResult {
    std::vector<MultiMup> mups;
    std::size_t epochs = 0;
    double analysedSec = 0.0;
    std::size_t candidates = 0;            ///< triggers that passed the spike criteria
    std::size_t groups = 0;                ///< shape groups formed
    std::map<std::string, std::size_t> rejected;      ///< groups not accepted, by reason
    std::map<std::string, std::size_t> notMeasurable; ///< accepted MUPs whose duration is not measured, by reason
    // means over accepted MUPs (amplitude) and over those with a measurable duration (the others)
    std::size_t measuredDurations = 0;
    double meanDurationMs = 0.0;
    double meanAmplitudeUv = 0.0;          ///< of the main spike
    double meanPhases = 0.0;
    double polyphasicPercent = 0.0;
    double meanSizeIndex = 0.0;
    std::string note;                      ///< e.g. fewer MUPs than the goal, and why
};

/// The means of `r.mups` again (measuredDurations, meanDurationMs, meanAmplitudeUv, meanPhases,
/// polyphasicPercent, meanSizeIndex): amplitude over every MUP, the rest over those with a measured
/// duration. Used after extraction and when MUPs of several records are put together.
void summarizeMultiMups(MultiMupResult& r);

/// Multi-MUP analysis of `filteredUv` (band-filtered needle signal, µV) over the effort pieces
/// `effortSec` ((start, end) in seconds of the signal; clamped to the signal). Throws
/// std::invalid_argument on a bad rate or epoch length, non-finite samples or piece times.
MultiMupResult extractMultiMups(std::span<const double> filteredUv, double sampleRateHz,
                                const std::vector<std::pair<double, double>>& effortSec, const MultiMupOptions& o = {});
/// The same on a float signal (computed in double).
MultiMupResult extractMultiMups(std::span<const float> filteredUv, double sampleRateHz,
                                const std::vector<std::pair<double, double>>& effortSec, const MultiMupOptions& o = {});

/// Size index of Sonoo M & Stålberg E (Electroencephalogr Clin Neurophysiol 1993;89:291-303):
/// 2 log10(peak-to-peak amplitude in mV) + thickness (area / amplitude, ms). 0 for no amplitude.
double sizeIndex(double amplitudeUv, double thicknessMs) noexcept;

}  // namespace emg::needle
