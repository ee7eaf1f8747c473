#pragma once
// Results of needle EMG analysis (Qt-free). Units are in the names: Uv = microvolts,
// Ms = milliseconds, Sec = seconds, Hz = per second. Definitions and references: docs/needle-emg.md.

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace emg::needle {

/// Kinds of spontaneous activity at rest.
enum class SpontaneousKind { Fibrillation, PositiveSharpWave, Fasciculation, ComplexRepetitive, Myotonic, Unclassified };
const char* toString(SpontaneousKind kind) noexcept;

/// One detected spontaneous potential.
struct SpontaneousPotential {
    double timeSec = 0.0;          ///< time of its largest excursion
    double amplitudeUv = 0.0;      ///< peak to peak
    double durationMs = 0.0;
    bool initialPositive = false;  ///< first phase positive (voltage, not display convention)
    int phases = 0;
    SpontaneousKind kind = SpontaneousKind::Unclassified;
    int train = -1;                ///< index into SpontaneousResult::trains, -1 = none
};

/// Potentials of one source firing in a train (or, for fasciculations, a group of sporadic discharges).
struct SpontaneousTrain {
    SpontaneousKind kind = SpontaneousKind::Unclassified;
    std::vector<double> timesSec;
    double rateHz = 0.0;           ///< 1 / median interval
    double intervalCv = 0.0;       ///< SD / mean of intervals (regularity)
    double rateMinHz = 0.0, rateMaxHz = 0.0;  ///< range of the smoothed instantaneous rate
    double amplitudeUv = 0.0;      ///< median peak to peak
    double amplitudeRatio = 1.0;   ///< max / min of the smoothed amplitude (waxing-waning)
    double durationMs = 0.0;
    double startSec = 0.0, endSec = 0.0;
};

struct SpontaneousResult {
    std::vector<SpontaneousPotential> potentials;
    std::vector<SpontaneousTrain> trains;
    double analysedSec = 0.0;
    double noiseUv = 0.0;          ///< robust baseline noise estimate (rms)
    double thresholdUv = 0.0;      ///< detection threshold used
    int grade = 0;                 ///< proposed 0..4 (+), for fibrillations/PSWs
    std::string gradeReason;
    [[nodiscard]] std::size_t count(SpontaneousKind k) const noexcept;
    /// Potentials of that kind per second over the analysed time.
    [[nodiscard]] double ratePerSec(SpontaneousKind k) const noexcept;
};

/// Parameters of one motor-unit action potential (measured on a unit's averaged template).
struct MuapParameters {
    double amplitudeUv = 0.0;      ///< peak to peak within the duration
    double durationMs = 0.0;
    double onsetMs = 0.0;          ///< relative to the template's main peak (negative = before)
    double endMs = 0.0;
    int phases = 0;                ///< significant baseline crossings + 1
    int turns = 0;                 ///< direction changes of >= the turn criterion
    double areaUvMs = 0.0;         ///< rectified area within the duration
    double thicknessMs = 0.0;      ///< area / amplitude
    int satellites = 0;            ///< late components separated from the main potential
    double satelliteLatencyMs = 0.0;  ///< first satellite, from the main peak
    [[nodiscard]] bool polyphasic() const noexcept { return phases >= 5; }
};

/// One sorted motor unit.
struct MotorUnit {
    int id = 0;
    std::vector<double> templateUv;   ///< average waveform
    int templatePeakIndex = 0;        ///< index of the main peak in templateUv
    double sampleRateHz = 0.0;
    std::vector<double> firingTimesSec;  ///< times of the main peak
    std::size_t superimposedFirings = 0; ///< firings resolved by peel-off (overlapping another unit)
    /// Per firing (empty or parallel to firingTimesSec): 1 where the firing was found only where the
    /// unit's regular train predicted it (SortOptions::fillTrainGaps), inside a superimposition the
    /// peel-off did not resolve: it counts for the train (rate, times, superimposedFirings), not for
    /// the template or the stability.
    std::vector<char> firingPredicted;
    /// Firings with firingPredicted set.
    [[nodiscard]] std::size_t predictedFirings() const noexcept {
        return static_cast<std::size_t>(std::count(firingPredicted.begin(), firingPredicted.end(), char{1}));
    }
    MuapParameters params;
    double meanRateHz = 0.0;          ///< 1 / the discharge interval, read through missed firings (dischargeIntervalSec)
    double rateCv = 0.0;              ///< CV of intervals (intervals > 1.75 x the discharge interval left out: missed firings)
    double jigglePercent = 0.0;       ///< consecutive-discharge variability of the main spike (median per sample), noise-corrected, % of its rms
    double templateVariancePercent = 0.0; ///< firing-to-firing variance of the main spike (median per sample) / its power, noise-corrected
    /// Firing-to-firing variability over the whole duration window (mean over firings, noise removed,
    /// % of the window's rms; the larger of template variance and jiggle there).
    double shapeVariabilityPercent = 0.0;
    /// False when that variability is above the sorter's limit: the unit fires consistently (its main
    /// spike is stable) but its long window holds other units' activity, so its duration, phases and
    /// area are not its own, and it may be two units sharing a main spike (its rate then double). Such
    /// a unit is listed, compared with an expert's and reviewable, but counts neither in the MUAP
    /// means nor in recruitment. Also false for a train of several units (severalUnitsTrain).
    bool shapeMeasured = true;
    /// The template's main-spike rise time (main_spike.h: the major flank's 10-90 % time / 0.8).
    double riseTimeMs = 0.0;
    double firstFiringSec = 0.0;
    /// Templates the sorter found for this unit and merged by their trains (1: found whole): its
    /// potential varied enough from firing to firing to be sorted in parts (muap_sorter.h).
    int sortedParts = 1;
    /// Share of the train's intervals under SortOptions::shortIsiMs (20 ms), in %.
    double shortIntervalPercent = 0.0;
    /// More than SortOptions::maxTrainShortIsiFraction of them: the train holds several units'
    /// firings (look-alike potentials sorted as one), so its rate and template are not one unit's;
    /// shapeMeasured is then false (listed and reviewable, not counted in the means or recruitment).
    bool severalUnitsTrain = false;
};

struct SortResult {
    std::vector<MotorUnit> units;
    std::size_t candidates = 0;          ///< threshold crossings examined
    std::size_t assigned = 0;            ///< firings assigned to a unit
    std::size_t superimposed = 0;        ///< of which resolved by peel-off
    std::size_t unassigned = 0;          ///< candidates explained by no template (counted, not dropped)
    std::size_t rejectedUnits = 0;       ///< clusters not accepted as voluntary units (fibrillation-like, sporadic, inconsistent)
    std::size_t inconsistentUnits = 0;   ///< of which rejected for template variance or jiggle above the limit
    std::size_t mergedUnits = 0;         ///< templates merged into another unit's (one unit's train sorted in parts)
    std::size_t gapFilledFirings = 0;    ///< firings found where a unit's regular train predicted them (SortOptions::fillTrainGaps)
    std::size_t restoredUnits = 0;       ///< units not kept whose templates went back to the residual before the others were measured again
    double noiseUv = 0.0;
    double thresholdUv = 0.0;
};

enum class RecruitmentReading { Unknown, Reduced, Normal, Early };
const char* toString(RecruitmentReading r) noexcept;

struct RecruitmentResult {
    int unitCount = 0;
    double onsetFrequencyHz = 0.0;        ///< rate of the first unit when it begins firing steadily
    double recruitmentFrequencyHz = 0.0;  ///< rate of the first unit when the second is recruited
    double maxRateHz = 0.0;               ///< fastest unit's mean rate
    double recruitmentRatio = 0.0;        ///< maxRateHz / unitCount
    RecruitmentReading reading = RecruitmentReading::Unknown;
    std::string explanation;
};

/// Reference values for one muscle and age (see reference_values.h for the sources).
struct MuapReference {
    std::string muscle;            ///< as matched, or "general"
    double ageYears = 0.0;
    double meanDurationMs = 0.0;   ///< expected mean MUAP duration
    double durationLimitPercent = 20.0;  ///< a mean of 20 MUPs outside +-this % of expected is abnormal
    /// SD of individual MUP durations within one normal muscle, % of its mean: widens the limit for a
    /// mean of fewer than 20 MUPs (meanDurationLimitPercent)
    double mupDurationSdPercent = 30.0;
    double amplitudeLowUv = 0.0;   ///< limits of the mean amplitude
    double amplitudeHighUv = 0.0;
    double polyphasicMaxPercent = 15.0;
    /// Outlier limits of individual MUPs, where the table has them (hasOutlierLimits): more than 2
    /// MUPs beyond a limit make the muscle abnormal. Durations already transposed to this table's
    /// convention (the source's limit / its mean x meanDurationMs).
    bool hasOutlierLimits = false;
    double outlierAmplitudeLowUv = 0.0, outlierAmplitudeHighUv = 0.0;
    double outlierDurationLowMs = 0.0, outlierDurationHighMs = 0.0;
    std::string source;
    bool generalDefault = false;   ///< true when muscle/age were missing or not in the table
};

enum class PatternReading { Insufficient, Normal, Neuropathic, Myopathic, Mixed };
const char* toString(PatternReading p) noexcept;

struct MuscleSummary {
    int unitCount = 0;                       ///< units whose shape is measured (the means are over these)
    int unitsShapeNotMeasured = 0;           ///< units left out of the means (MotorUnit::shapeMeasured false)
    double meanDurationMs = 0.0;
    double meanAmplitudeUv = 0.0;
    double polyphasicPercent = 0.0;
    double meanRateHz = 0.0;
    double maxRateHz = 0.0;
    double durationDeviationPercent = 0.0;   ///< (mean - expected) / expected
    double durationLimitAppliedPercent = 20.0;  ///< the limit for a mean of unitCount units (meanDurationLimitPercent)
    bool amplitudeKnown = true;              ///< false: meanAmplitudeUv is in the file's counts (gain unknown), not graded
    PatternReading reading = PatternReading::Insufficient;
    std::vector<std::string> reasons;
    MuapReference reference;
};

/// One epoch of the interference pattern.
struct InterferenceEpoch {
    double startSec = 0.0;
    double turnsPerSec = 0.0;
    double meanAmplitudePerTurnUv = 0.0;
    double envelopeUv = 0.0;       ///< mean peak-to-peak of 10 ms windows
    double fillingPercent = 0.0;   ///< 10 ms windows with at least one turn
    double rmsUv = 0.0;            ///< root mean square of the epoch
    int cloudPosition = 0;         ///< -1 below the reference cloud, 0 inside, +1 above
};

struct InterferenceCloud {
    std::string name;
    // mean amplitude per turn (µV) limits as a function of turns/s T: low = a0 + a1*T, high = b0 + b1*T
    double lowInterceptUv = 0.0, lowSlopeUvPerTurnPerSec = 0.0;
    double highInterceptUv = 0.0, highSlopeUvPerTurnPerSec = 0.0;
    double turnCriterionUv = 100.0;
    double meanFrequencyHighHz = 0.0;   ///< spectral mean frequency (20-1000 Hz) above this: brief potentials; 0 = no limit
    /// median peak to peak of the 20 largest spikes above this: large potentials; 0 = no limit
    double largestSpikesHighUv = 0.0;
    /// turns/s per uV rms (the turns/amplitude ratio) above this: many turns for the amplitude; 0 = no limit
    double turnsPerRmsHigh = 0.0;
    /// Turns (and the amplitude per turn, rms and envelope of the epochs) are counted on the signal
    /// low-passed here, at every sample rate alike, so a 4 kHz record (its band ends at 1.8 kHz)
    /// and a 48 kHz one count the same turns; the cloud's limits were set in this band. 0 = the
    /// needle band as recorded (a cloud taken from the literature's full-band turns).
    double turnsLowPassHz = 0.0;
    std::string source;
};

enum class InterferenceReading { Insufficient, Normal, Neuropathic, Myopathic, Mixed };
const char* toString(InterferenceReading r) noexcept;

struct InterferenceResult {
    std::vector<InterferenceEpoch> epochs;
    double meanTurnsPerSec = 0.0;
    double meanAmplitudePerTurnUv = 0.0;
    double maxTurnsPerSec = 0.0;
    double meanEnvelopeUv = 0.0;
    double pointsAbovePercent = 0.0;
    double pointsBelowPercent = 0.0;
    double meanFrequencyHz = 0.0;  ///< spectral centroid of the analysed signal within the band below
    double spectrumLowHz = 0.0, spectrumHighHz = 0.0;
    double turnsLowPassHz = 0.0;   ///< the turns' analysis band applied (InterferenceCloud::turnsLowPassHz); 0 = as recorded
    double meanRmsUv = 0.0;              ///< over the counted epochs
    double turnsPerRms = 0.0;            ///< meanTurnsPerSec / meanRmsUv: the turns/amplitude ratio
    double largestSpikesUv = 0.0;        ///< median peak to peak of the 20 largest spikes (interference_spikes.h); 0 = fewer
    std::size_t spikes = 0;              ///< spikes found for it
    InterferenceReading reading = InterferenceReading::Insufficient;
    InterferenceCloud cloud;
};

/// One piece of evidence for the muscle's reading.
struct ReadingEvidence {
    std::string source;            ///< "motor units", "recruitment", "interference", "spectrum"
    PatternReading suggests = PatternReading::Insufficient;
    bool counted = false;          ///< false: shown but not used, `text` says why
    std::string text;
};

/// The muscle read from all the evidence (muscle_reading.h): a suggestion for the clinician.
struct MuscleReading {
    PatternReading pattern = PatternReading::Insufficient;
    std::vector<ReadingEvidence> evidence;
    std::vector<std::string> reasons;

    /// The piece of evidence from `source` ("motor units", "recruitment", ...), or null.
    [[nodiscard]] const ReadingEvidence* evidenceFrom(std::string_view source) const noexcept {
        for (const auto& e : evidence)
            if (e.source == source) return &e;
        return nullptr;
    }
};

}  // namespace emg::needle
