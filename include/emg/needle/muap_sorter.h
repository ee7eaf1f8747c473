#pragma once
// Motor-unit decomposition at weak contraction: threshold detection with a rise (slope)
// criterion, peak alignment, template building from isolated potentials, then template
// matching over the whole signal with peel-off: the best matching template is subtracted and
// the residual examined again, so superimposed potentials are resolved and counted; what no
// template explains is counted as unassigned, never silently dropped.

#include <emg/needle/needle_types.h>

#include <span>

namespace emg::needle {

struct SortOptions {
    double thresholdSigma = 5.0;      ///< detection threshold in noise rms ...
    double minThresholdUv = 40.0;     ///< ... but never below this
    double coreBeforeMs = 2.5;        ///< matching window around the main peak
    double coreAfterMs = 4.0;
    double templateBeforeMs = 15.0;   ///< measurement window
    double templateAfterMs = 25.0;
    double maxLagMs = 0.5;            ///< alignment search
    double noiseFactor = 1.5;         ///< match if error <= N (noiseFactor sigma)^2 + relTolerance^2 |t|^2
    double relTolerance = 0.15;
    double isolationMs = 6.0;         ///< a potential with no other candidate this close builds templates
    std::size_t minFirings = 5;       ///< clusters with fewer isolated members are not units
    int maxSplitRounds = 4;           ///< rounds of splitting merged clusters (0 = off)
    double splitSeparationSd = 3.0;   ///< held-out separation of the two parts, in their pooled SD ...
    double splitSeparationSigma = 3.5;///< ... and in noise sigma
    double shortIsiMs = 20.0;         ///< intervals shorter than this are rare for one unit at weak effort ...
    double minShortIsiFraction = 0.03;///< ... a cluster with at least this fraction of them may hold several units
    int passes = 3;                   ///< peel-off passes over the residual
    /// A candidate no unit (or pair) matches is tried once more on its window less a straight line
    /// (a unit firing on another unit's slow potential), each unit within +-levelLagMs of its peak.
    bool levelForgivingMatch = true;
    double levelLagMs = 1.5;
    double minVoluntaryCv = 0.05;     ///< brief (< 5 ms) units firing more regularly are fibrillations
    double minVoluntaryRateHz = 3.0;  ///< slower "units" are sporadic discharges, not voluntary units
    /// Template variance or jiggle of the main spike (noise removed, % of its rms) above this: the firings
    /// are not one consistent potential (normal units stay well under 30 %, unstable reinnervated
    /// ones under ~60 %), so the cluster is not measured as a unit.
    double maxVariabilityPercent = 75.0;
    /// A unit not kept because it is no one potential (its template below threshold, or its firings
    /// inconsistent) gives its template back to the residual at its firings, and the kept units are
    /// measured again on it (SortResult::restoredUnits).
    bool restoreDroppedUnits = true;
    /// The main spike region the variability is measured over (as the multi-MUP path's).
    double stabilityBeforeMs = 1.0;
    double stabilityAfterMs = 1.5;
    /// Variability over the whole duration window (mean over firings) above this: the unit is listed
    /// with its firings, its shape and rate do not count (MotorUnit::shapeMeasured).
    double maxShapeVariabilityPercent = 75.0;
    /// Units whose trains come within half a discharge interval of each other far less often than
    /// independent trains would, and whose templates differ by <= mergeMaxRelDifference of the
    /// larger one's size (rms over the core), are one unit sorted in parts (its shape varying from
    /// firing to firing): merged. "Far less often": with E the coincidences two independent trains
    /// would show over the span both fire in and c those seen, the Poisson probability of c or
    /// fewer, P(X <= c | E), is <= exp(-mergeMinExpectedCoincidences). With none seen that is
    /// E >= mergeMinExpectedCoincidences; a few (a doublet, a firing of another unit sorted into a
    /// part) no longer keep one unit's parts apart when E is large, provided the parts' templates
    /// are one shape by the sorter's own match (their difference within relTolerance, the match of
    /// a potential to a template before any unit's tolerance is adapted: parts that differ by their
    /// alignment, e.g. a phase apart), they discharge at one rate (mergeMaxRateDifference) and the c are at most
    /// maxTrainShortIsiFraction of the merged train's firings in that span (the train stays one
    /// unit's by the sorter's own test).
    bool mergeComplementaryTrains = true;
    double mergeMaxRelDifference = 0.75;
    double mergeMinExpectedCoincidences = 5.0;
    /// false: any coincidence keeps the parts apart (c must be 0; the rule before 2026-12-07).
    bool mergeToleratesCoincidences = true;
    /// The templates of a unit's parts are also compared up to this lag when they differ at the
    /// alignment lag (maxLagMs): a unit aligned on one peak of its main spike in some firings and on
    /// the other in the rest is sorted as two templates a phase (0.5-2 ms) apart. Such parts merge
    /// only when their discharge intervals (dischargeIntervalSec) differ by at most
    /// mergeMaxRateDifference of the shorter: one unit at a steady effort keeps its rate (its
    /// interspike CV of 10-20 % leaves the estimate of a part's interval well within 25 %).
    double mergeMaxLagMs = 2.0;
    double mergeMaxRateDifference = 0.25;
    /// A regular train predicts its missed firings: where an interval holds k = 2..gapFillMaxMissing+1
    /// discharges (the train's discharge interval; the discharge's CV, robust to false and missed
    /// firings, <= gapFillMaxCv; not an overlap variant), each missing
    /// firing is looked for about its predicted time (+- gapFillWindowCvs x CV x the step, at least
    /// 1 ms, at most a quarter of the step) and peeled off where the unit's main spike matches as
    /// closely as a clean match would and its core template explains the window as a clean or a
    /// partial match of the peel-off does; what stays open is tried in pairs of two units' open
    /// predictions. A superimposition hid them from the candidate peaks. Such firings count for the
    /// train, not for the template (MotorUnit::firingPredicted). A place where another unit's core
    /// leaves less of the window than this unit's is that unit's potential, not a predicted firing.
    /// A train that holds several units (more than maxTrainShortIsiFraction of its intervals under
    /// shortIsiMs, the multi-MUP path's limit for a group of several units) predicts nothing.
    bool fillTrainGaps = true;
    double gapFillMaxCv = 0.3;
    /// A unit's train with more than this share of its intervals under shortIsiMs holds several
    /// units' firings (one unit in steady voluntary firing seldom fires again so soon; the multi-MUP
    /// path's limit for a group of several units): it predicts no firings, and its rate and template
    /// are not one unit's (MotorUnit::severalUnitsTrain: listed, not counted). It stays a unit: a true
    /// unit's train with some false firings can come near the share.
    double maxTrainShortIsiFraction = 0.10;
    int gapFillMaxMissing = 3;
    double gapFillWindowCvs = 2.5;
    /// A longer gap (more than gapFillMaxMissing + 1 discharge intervals, or one whose length is
    /// no whole number of them) is walked one discharge interval at a time from each end, each
    /// firing found the anchor of the next prediction, until one is not found or the walks meet.
    bool gapFillWalkLongGaps = true;
    bool gapFillWalkStepOver = true;   ///< a prediction not found is stepped over once (the next sought two intervals on)
};

/// `x` is the band-filtered signal in µV. Throws std::invalid_argument on a bad rate.
SortResult sortMotorUnits(std::span<const double> x, double sampleRateHz, const SortOptions& options = {});
/// The same on a float signal (computed in double).
SortResult sortMotorUnits(std::span<const float> x, double sampleRateHz, const SortOptions& options = {});
/// The same without a copy: `x` is overwritten (it ends as the residual of the peel-off), so a
/// long recording's weak segment costs no second full-length buffer.
SortResult sortMotorUnitsInPlace(std::span<float> x, double sampleRateHz, const SortOptions& options = {});
SortResult sortMotorUnitsInPlace(std::span<double> x, double sampleRateHz, const SortOptions& options = {});

/// The discharge interval of a train whose detector missed firings (a decomposition finds a unit's
/// clean firings, not those hidden in superimpositions: on a real record with an expert's
/// decomposition, 30-70 % of them). A missed firing joins two intervals into one of about twice the
/// length, so with half the firings found the median interval is a multiple of the true one. Each
/// interval of 20 ms-1 s is read as k = round(interval / T) discharges, k geometric (each firing
/// found with one probability) and its spread growing as sqrt(k); the most likely T on a 1 % grid
/// (a uniform share for false firings and pauses), refined to sum x / sum k over the intervals read
/// as one or two discharges. With fewer than 6 such intervals, or fewer than 20 % of them read as one
/// discharge (an irregular train), the median interval. 0 for fewer than 2 firings.
double dischargeIntervalSec(std::span<const double> timesSec);

/// An interval of the train read as `round(interval / dischargeInterval)` discharges (at least one):
/// the interval of one discharge.
double perDischargeIntervalSec(double intervalSec, double dischargeIntervalSec);

/// Firing statistics: rate = 1 / dischargeIntervalSec; CV over intervals <= 1.75 x that interval.
void firingStatistics(std::span<const double> timesSec, double& meanRateHz, double& rateCv);

}  // namespace emg::needle
