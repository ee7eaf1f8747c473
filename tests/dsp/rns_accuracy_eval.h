#pragma once
// Runs the RNS engine (prepareSignal + lateResponseSweeps + rnsTrains + analyzeRns, as
// `emgws-cli analyze --test rns` does) on generated trains (rns_case_generator.h) and compares the
// decrements with the truth. Used by the RNS accuracy harness and its fixed-seed ctest subset.

#include "rns_case_generator.h"

#include <string>
#include <vector>

namespace emg::rnsgen {

struct RnsOutcome {
    bool read = false;                       ///< the engine gave the 4th and 5th decrements
    double dec4ErrorPts = 0.0, dec5ErrorPts = 0.0, area4ErrorPts = 0.0;   ///< measured - truth, percentage points
    double rateErrorHz = 0.0;
    bool judgedRight = true;                 ///< on the same side of a 10 % decrement as the truth (truth within 1 point of 10: not judged)
    std::size_t trains = 0, sweeps = 0;
    std::string detail, error;
};

RnsOutcome evaluateRns(const RnsCase& c);

struct RnsRow {
    std::string name;
    std::size_t cases = 0, notRead = 0, within1 = 0, within2 = 0, area4Within2 = 0, judgedRight = 0, rateRight = 0;
    double medianPts = 0, p95Pts = 0, maxPts = 0;
};
struct RnsTable {
    std::vector<RnsRow> rows;   ///< continuous, records at the stimulus, all
    std::size_t cases = 0, errors = 0, countFailures = 0;
    std::vector<std::string> worst;
};
RnsTable tabulateRns(const std::vector<RnsCase>& cases, const std::vector<RnsOutcome>& outcomes);
std::string formatRnsTable(const RnsTable& t, const std::string& title);

}  // namespace emg::rnsgen
