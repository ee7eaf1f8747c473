#pragma once
// The whole needle EMG analysis of one channel: band filter (adapted to the sample rate),
// segmentation into rest / weak / strong contraction (annotations first, activity otherwise),
// spontaneous activity at rest, motor units + recruitment + muscle summary at weak effort,
// interference pattern at strong effort. The GUI and `emgws-cli analyze --test needle` both
// call this, so they give the same numbers.

#include <emg/core/recording.h>
#include <emg/needle/effort.h>
#include <emg/needle/interference.h>
#include <emg/needle/muap_sorter.h>
#include <emg/needle/multi_mup.h>
#include <emg/needle/muscle_reading.h>
#include <emg/needle/needle_types.h>
#include <emg/needle/spontaneous.h>

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace emg::needle {

enum class ContractionLevel { Rest, Weak, Strong };
const char* toString(ContractionLevel l) noexcept;
/// "rest" | "weak" | "strong" (also "slight", "moderate", "minimal", "maximal", ...); nullopt when
/// not a level word. Slight and moderate are weak (multi-MUP analysis works at slight to moderate
/// effort, Stalberg et al. 1995), maximal is strong.
std::optional<ContractionLevel> parseContractionLevel(const std::string& text);
/// The analysis level of a declared effort (see NeedleAnalysisOptions::declaredEffort).
ContractionLevel analysisLevel(DeclaredEffort e) noexcept;

struct NeedleSegment {
    ContractionLevel level = ContractionLevel::Rest;
    double startSec = 0.0;
    double endSec = 0.0;
    std::string source;   ///< "annotation", "activity", "forced" (--level) or "declared" (declaredEffort)
};

struct FilterApplied {
    double highPassHz = 0.0;
    double lowPassHz = 0.0;
    double notchHz = 0.0;
    /// Mains hum found in the record and subtracted as fitted sinusoids (0: none); its line's rms
    /// and height above the spectrum around it (measured whenever the detection runs).
    double humSubtractedHz = 0.0;
    double humRmsUv = 0.0;
    double humToBackgroundDb = 0.0;
    std::string description;
    std::vector<std::string> adjustments;   ///< what was adapted to the sample rate
};

struct NeedleAnalysisOptions {
    std::string muscle;                       ///< chooses the reference values
    std::optional<double> ageYears;
    double mainsHz = 0.0;                     ///< 50/60 switches the notch on
    /// With no notch (mainsHz 0): mains hum at 50 or 60 Hz whose line stands this far (dB) above
    /// the spectrum around it is fitted and subtracted before anything is measured (0: never).
    /// 10 dB as the nerve-conduction path (NcsSettings::humDetectDb).
    double humAutoDetectDb = 10.0;
    std::optional<ContractionLevel> forceLevel;  ///< treat the whole signal as one level
    /// The effort the examiner declares for the whole record (before forceLevel): rest is read as
    /// rest, slight and moderate as weak (decomposition, multi-MUP and interference: multi-MUP
    /// analysis is made at slight to moderate effort, Stalberg et al. 1995), maximal as strong
    /// (multi-MUP and interference). A declared effort is never read as rest, and its activity is
    /// measured (NeedleAnalysis::declaredEffort).
    std::optional<DeclaredEffort> declaredEffort;
    SortOptions sort;
    SpontaneousOptions spontaneous;
    InterferenceOptions interference;
    MultiMupOptions multiMup;
    bool multiMupEnabled = true;              ///< multi-MUP extraction over the effort segments
    ReadingCriteria reading;
    double segmentEpochMs = 500.0;
    double restMaxOccupancy = 0.06;           ///< activity segmentation, see segmentByActivity
    double strongMinOccupancy = 0.40;
    /// A needle's baseline at rest (amplifier + electrode noise, 10 Hz-10 kHz) is 5-20 µV rms; the
    /// quietest tenth of an epoch's 10 ms windows above this is voluntary activity, not rest.
    double quietBaselineMaxUv = 40.0;
};

struct NeedleAnalysis {
    double sampleRateHz = 0.0;
    double durationSec = 0.0;
    double noiseUv = 0.0;
    FilterApplied filter;
    std::vector<NeedleSegment> segments;
    double restSec = 0.0, weakSec = 0.0, strongSec = 0.0;
    SpontaneousResult spontaneous;
    SortResult motorUnits;
    RecruitmentResult recruitment;
    MuscleSummary summary;
    InterferenceResult interference;
    MultiMupResult multiMup;                  ///< MUPs from the interference (multi_mup.h), beside the decomposition
    DeclaredEffortActivity declaredEffort;    ///< the activity at a declared effort (effort.h)
    MuscleReading reading;                    ///< the muscle read from all the evidence (muscle_reading.h)
    NeedleElectrode electrode = NeedleElectrode::Unknown;   ///< as analysed (options.reading.electrode)
    std::vector<std::string> notes;
};

/// Band filter for needle analysis: the dsp "needle-quantitative" preset (10 Hz - 10 kHz),
/// low-pass clamped below Nyquist, zero-phase. Throws std::invalid_argument on a bad rate.
std::vector<double> filterForNeedle(std::span<const double> x, double sampleRateHz, double mainsHz, FilterApplied& applied);
/// The same filter run in place on a float signal (dsp::filtfiltInPlace).
void filterForNeedleInPlace(std::span<float> x, double sampleRateHz, double mainsHz, FilterApplied& applied);

/// Epochs classified by activity: strong when the share of 1 ms bins where |x| passes
/// max(6 noise, 100 µV) reaches strongMinOccupancy (noise: the record's quiet level, at most
/// quietBaselineMaxUv); weak when the epoch's quietest 10 ms windows (10th percentile of their
/// rms) exceed quietBaselineMaxUv (never quiet: effort), or when MUAP-like potentials
/// (>= 200 µV, >= 5 ms) recur at >= 6/s or potentials of any kind reach 50/s with occupancy
/// >= restMaxOccupancy; else rest. Single epochs between two equal neighbours take their level;
/// equal neighbours merge. A heuristic: level annotations or a forced level are better.
std::vector<NeedleSegment> segmentByActivity(std::span<const double> filtered, double sampleRateHz,
                                             const NeedleAnalysisOptions& o);
std::vector<NeedleSegment> segmentByActivity(std::span<const float> filtered, double sampleRateHz,
                                             const NeedleAnalysisOptions& o);

/// Segments from annotations whose text names a level ("rest", "weak contraction", "maximal", ...):
/// an annotation with a duration covers it; one without lasts until the next level annotation.
std::vector<NeedleSegment> segmentsFromAnnotations(const std::vector<Annotation>& annotations, double durationSec);

NeedleAnalysis analyzeNeedleSignal(std::span<const double> microvolts, double sampleRateHz,
                                   const std::vector<Annotation>& annotations, const NeedleAnalysisOptions& o = {});
/// The same analysis of a float signal, which it overwrites (band-filtered in place, then the
/// motor-unit sorter's residual): a long recording needs its 4 bytes per sample and little more.
/// Computed in double; the numbers differ from analyzeNeedleSignal's by float rounding only.
NeedleAnalysis analyzeNeedleSignalInPlace(std::span<float> microvolts, double sampleRateHz,
                                          const std::vector<Annotation>& annotations, const NeedleAnalysisOptions& o = {});

}  // namespace emg::needle
