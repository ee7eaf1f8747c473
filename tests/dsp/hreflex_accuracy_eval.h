#pragma once
// Runs the H-reflex engine (prepareSignal + lateResponseSweeps + analyzeHReflex, as `emgws-cli
// analyze --test hreflex` does) on generated series (hreflex_case_generator.h) and compares with the
// truth: H latency, H/M, the sweep with Hmax, and what an absent H reads. Used by the H-reflex
// accuracy harness (tests/bench/hreflex_accuracy_bench.cpp) and its fixed-seed ctest subset.

#include "hreflex_case_generator.h"

#include <string>
#include <vector>

namespace emg::hgen {

struct HOutcome {
    bool goal = false;                 ///< H present and its largest peak-to-peak >= 40 x the noise rms (a peak >= 20 x)
    bool latencyRead = false;          ///< the engine gave an H latency
    bool latencyFlagged = false;       ///< ... flagged uncertain (HReflexResult::hLatencyUncertain())
    double latencyErrorMs = 0.0;       ///< measured - truth
    double ratioErrorPct = 0.0;        ///< (measured H/M - truth) / truth x 100 (H present)
    double ratioRead = 0.0;            ///< the measured H/M (absent H: what the noise reads)
    double mMaxErrorPct = 0.0;         ///< (measured Mmax - truth) / truth x 100
    bool hMaxSweepRight = false;       ///< Hmax on the truth's sweep, or on one whose H is within 5 % of it
    std::size_t stimuliCounted = 0;
    std::string detail, error;
};

HOutcome evaluateH(const HCase& c);

struct HRow {
    std::string name;
    std::size_t cases = 0, goalCases = 0, noLatency = 0, within = 0, early = 0, ratioWithin = 0, sweepRight = 0;
    /// goal series whose latency the engine flagged uncertain: not counted as read, left out of the
    /// latency statistics (as the NCS harness counts "onset uncertain"); of them within 0.3 ms anyway
    std::size_t flagged = 0, flaggedWithin = 0;
    double medianMs = 0, p95Ms = 0, maxMs = 0;
    double ratioMedianPct = 0, ratioP95Pct = 0, ratioMaxPct = 0, mMaxMedianPct = 0, mMaxMaxPct = 0;
    std::size_t absent = 0, absentReadBelow = 0;   ///< no H in truth; read H/M below 0.05
    double absentMaxRatio = 0;
};
struct HTable {
    std::vector<HRow> rows;   ///< per layout, then all
    std::size_t cases = 0, errors = 0, countFailures = 0;
    std::vector<std::string> worst;
};
/// `toleranceMs`: the latency goal (0.3 ms, the F-wave goal of issue 11); `ratioTolPct`: H/M (5 %).
HTable tabulateH(const std::vector<HCase>& cases, const std::vector<HOutcome>& outcomes, double toleranceMs = 0.3, double ratioTolPct = 5.0);
std::string formatHTable(const HTable& t, const std::string& title);

}  // namespace emg::hgen
