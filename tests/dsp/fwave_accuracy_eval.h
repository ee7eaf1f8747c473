#pragma once
// Runs the F-wave engine (prepareSignal + siteSweeps + analyzeFWaves, as `emgws-cli analyze
// fwave` does) on generated trains (fwave_case_generator.h) and compares with the truth; a table
// of minimal-latency errors, per-sweep detection and persistence. Used by the accuracy harness
// (tests/bench/ncs_accuracy_bench.cpp) and its fixed-seed ctest subset.

#include "fwave_case_generator.h"

#include <string>
#include <vector>

namespace emg::fwavegen {

struct FOutcome {
    bool goal = false;               ///< the F wave giving the truth minimal latency peaks at >= 20 x noise
    bool found = false;              ///< the engine found at least one F
    bool flagged = false;            ///< the engine says its minimal latency is uncertain (FWaveResult::minLatencyNote)
    double minLatencyErrorMs = 0.0;  ///< measured - truth
    double persistenceErrorPct = 0.0;   ///< measured - truth, percentage points
    std::size_t truthF = 0, detectedTrue = 0, missed = 0, falseF = 0;   ///< per sweep
    std::size_t stimuliCounted = 0;
    std::string detail;              ///< M, search start, per sweep "truth/measured" onsets (for the worst cases)
    std::string error;
};

FOutcome evaluateF(const FCase& c);

struct FRow {
    std::string name;
    std::size_t cases = 0, goalCases = 0, missed = 0, within = 0, early = 0;
    std::size_t flagged = 0, flaggedWithin = 0;   ///< goal trains flagged uncertain (out of the latency statistics), of them within
    double medianMs = 0, p95Ms = 0, maxMs = 0;
    std::size_t nonGoal = 0, nonGoalWithin = 0;
    std::size_t truthF = 0, detectedTrue = 0, missedF = 0, falseF = 0;
    double persistenceMedianPp = 0, persistenceMaxPp = 0;
};
struct FTable {
    std::vector<FRow> rows;   ///< hand, foot, all
    std::size_t cases = 0, errors = 0, countFailures = 0;
    std::vector<std::string> worst;
};
/// `toleranceMs`: the goal for the minimal latency (issue 11: 0.3 ms).
FTable tabulateF(const std::vector<FCase>& cases, const std::vector<FOutcome>& outcomes, double toleranceMs = 0.3);
std::string formatFTable(const FTable& t, const std::string& title);

}  // namespace emg::fwavegen
