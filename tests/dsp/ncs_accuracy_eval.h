#pragma once
// Runs the engine (prepareSignal + analyzeSites, as `emgws-cli analyze` does) on generated cases
// and compares with the truth; aggregates a table per take-off family. Used by the accuracy
// harness (tests/bench/ncs_accuracy_bench.cpp) and its fixed-seed ctest subset.

#include "ncs_case_generator.h"

#include <emg/dsp/ncs_analysis.h>

#include <string>
#include <vector>

namespace emg::ncsgen {

struct SiteOutcome {
    Family family{};
    bool motor = true;
    bool goal = false;            ///< truth peak >= 20 x effective noise
    bool found = false;
    bool uncertainFlag = false;   ///< the engine said "onset uncertain"
    double onsetErrorMs = 0.0;    ///< measured - truth
    double amplitudeErrorPct = 0.0;
    double amplitudeSeUv = 0.0;   ///< the engine's standard error of the amplitude (NaN: not given)
    double amplitudeZ = 0.0;      ///< (measured - truth) / that SE (NaN: no SE)
    double onsetSeMs = 0.0;       ///< the engine's standard error of the onset
    double riseMs = 0.0;          ///< measured onset to negative peak
    double signalToNoise = 0.0;   ///< the engine's peak / noise
    bool initialPositive = false;
};
struct SegmentOutcome {
    Family family{};
    double mm = 0.0;
    bool goal = false;            ///< both sites goal cases, both found with a confident (not uncertain) onset
    double cvErrorPct = 0.0;
    bool velocityUncertain = false;   ///< the CV's ~95 % interval is wider than +-5 % (segmentVelocityUncertainty)
    double cvHalfWidthPct = 0.0;      ///< that interval's half width
};
struct CaseOutcome {
    std::vector<SiteOutcome> sites;
    std::vector<SegmentOutcome> segments;
    bool stimulusCountOk = false;   ///< every stimulus of the file is at a site, and a truncated one is measured or warned
    std::string error;              ///< an exception's text
};

/// The engine's settings for a case (the defaults; NCS_POOL=0|1 overrides the noise pooling).
/// NCS_CVSE=0 turns the velocity-uncertain flag off in the evaluation (to compare with before).
emg::dsp::NcsAnalysisSettings evalSettings(bool motor);

/// The development seed sets. Seeds 1.. are the first; seeds from 3,000,001 on are a second, fresh
/// one (sensory cases only: `freshSensoryOptions`), made when the first had been worked over.
/// Held-out: 10,000,001.. (NCS, since the second stop of 2026-12-05, when it was first run; 9,000,001..,
/// the set before, was run twice and stays refused by the dump; 1,000,001.., 6,000,001.. and
/// 8,000,001.., held out before, are development now; 15,000,001.. is kept unused for the next one)
/// and 2,000,001.. (F-waves), never tuned on. `bench_ncs_case_dump` refuses seeds from 9,000,001 on.
constexpr std::uint64_t kHeldOutFirstSeed = 9000001;   ///< the dump refuses seeds from here on
constexpr std::uint64_t kHeldOutCurrentFirstSeed = 10000001;   ///< the bench's default held-out set
constexpr std::uint64_t kHeldOutFormerFirstSeed = 9000001;     ///< run twice (2026-12-04)
constexpr std::uint64_t kFreshDevFirstSeed = 3000001;
CaseOptions freshSensoryOptions();
/// Motor cases in the EDF+ specification's layout (Layout::RecordsAtStimulus): development seeds
/// from 11,000,001, held-out (never tuned on) from 12,000,001: the bench's set is 12,500,001.. since
/// the third stop of 2026-12-05; 12,000,001..12,000,600 before it, run ten times, is a check now.
/// The dump refuses both.
constexpr std::uint64_t kAtStimulusDevFirstSeed = 11000001;
constexpr std::uint64_t kAtStimulusHeldFirstSeed = 12000001;          ///< the dump refuses seeds from here to the next layout's
constexpr std::uint64_t kAtStimulusHeldCurrentFirstSeed = 12500001;   ///< the bench's held-out set (--at-held-first)
CaseOptions atStimulusOptions();
/// Sensory cases with each sweep in a record of its own starting at its stimulus (EDF+D, a segment
/// per sweep; 8 to 64 sweeps per site, averaged across segments): development seeds from
/// 13,000,001, held-out (never tuned on) from 14,000,001: the bench's set is 14,500,001.. since the
/// third stop of 2026-12-05; 14,000,001..14,000,200 before it, run four times, is a check now.
constexpr std::uint64_t kSweepsAtStimulusDevFirstSeed = 13000001;
constexpr std::uint64_t kSweepsAtStimulusHeldFirstSeed = 14000001;          ///< the dump refuses seeds from here on
constexpr std::uint64_t kSweepsAtStimulusHeldCurrentFirstSeed = 14500001;   ///< the bench's held-out set (--sweeps-held-first)
CaseOptions sweepsAtStimulusOptions();

CaseOutcome evaluate(const Case& c);

struct FamilyRow {
    std::string name;
    std::size_t sites = 0, goalSites = 0, missed = 0, falseEarly = 0, uncertainFlagsInGoal = 0, lowSnrSites = 0, lowSnrFlagged = 0;
    double medianMs = 0, p95Ms = 0, maxMs = 0;
    double ampMedianPct = 0, ampP95Pct = 0, ampMaxPct = 0;
    std::size_t cvLong = 0, cvLongOk = 0, cvShort = 0, cvShortOk = 0;
    /// Goal segments whose velocity is flagged uncertain (not counted above), and how many of them were within the goal (the cost).
    std::size_t cvLongFlagged = 0, cvLongFlaggedOk = 0, cvShortFlagged = 0, cvShortFlaggedOk = 0;
    double cvLongMaxPct = 0, cvShortMaxPct = 0;
    /// The amplitude's stated standard error against its actual error (confident goal sites with an SE):
    /// how many, the rms of (error / SE) (1 when the SE is right), the share within 2 SE (95 % for a
    /// normal error), the sites beyond the amplitude goal and how many of them lie within 2.5 SE.
    std::size_t ampSeSites = 0, ampWithin2Se = 0, ampBeyondGoal = 0, ampBeyondGoalWithinSe = 0;
    double ampZRms = 0, ampSeMedianPct = 0;
};
struct Table {
    std::vector<FamilyRow> rows;   ///< one per family, then "all"
    std::size_t cases = 0, countFailures = 0, errors = 0;
    std::vector<std::string> worst;   ///< descriptions of the worst cases
};
Table tabulate(const std::vector<Case>& cases, const std::vector<CaseOutcome>& outcomes);
std::string formatTable(const Table& t, const std::string& title);
/// The amplitude's standard error against its error, one row per family (FamilyRow::ampSe*).
std::string formatAmplitudeSeTable(const Table& t);

}  // namespace emg::ncsgen
