// NCS onset accuracy harness: >= 2000 randomized cases from the independent generator
// (tests/dsp/ncs_case_generator.h) through the engine, a table per take-off family (onset error
// median / 95th percentile / max, early onsets, amplitude, CV, low-SNR flags). Seeds 1..N are the
// development set; the held-out set (never tuned on, reported separately) starts at --held-first
// (default 9,000,001 since the second stop of 2026-12-04; the sets before it, 1,000,001..,
// 6,000,001.. and 8,000,001.., are development now: pass --held-first to run them).
// F-wave trains (fwave_case_generator.h) follow: minimal latency against the truth, development
// seeds 1..F, held-out seeds from 2,000,001 on.
// `cmake --build build --target run-ncs-accuracy`; arguments: [cases] [held-out cases] [--worst]
// [--fwave F held-out-F] [--fwave-only] [--fwave-at-stimulus] [--fresh N] [--fresh-first SEED] [--held-first SEED] [--at-stimulus DEV HELD]
// [--sweeps-at-stimulus DEV HELD] (sensory, a record per sweep starting at its stimulus, EDF+D: seeds 13,000,001.. / 14,000,001..).
// --at-stimulus: motor cases in the EDF+ specification's layout (one record per site, starting at its
// stimulus, EDF+D), development seeds from 11,000,001, held-out from 12,000,001. --fresh N adds the second,
// fresh development set (sensory cases, seeds from --fresh-first, default 3,000,001; ncs_accuracy_eval.h) after the first. NCS_POOL=0|1 sets
// the noise pooling over sites. --file-noise-truth: the F-wave truth at 4 x the file's noise rather than the
// analysis band's (the definition before 2026-12-06; fwave_case_generator.h).
#include "fwave_accuracy_eval.h"
#include "ncs_accuracy_eval.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <string>

using namespace emg::ncsgen;

namespace {
Table runRange(std::uint64_t first, std::size_t count, const CaseOptions& options = {}) {
    std::vector<Case> cases;
    std::vector<CaseOutcome> outcomes;
    for (std::size_t i = 0; i < count; ++i) {
        auto c = makeCase(first + i, options);
        outcomes.push_back(evaluate(c));
        c.recording = {};   // keep the truth only
        cases.push_back(std::move(c));
    }
    return tabulate(cases, outcomes);
}

bool fileNoiseTruth = false;   // --file-noise-truth: F truth at 4 x the file's noise (before 2026-12-06)

emg::fwavegen::FTable runFRange(std::uint64_t first, std::size_t count, bool recordsAtStimulus = false) {
    using namespace emg::fwavegen;
    std::vector<FCase> cases;
    std::vector<FOutcome> outcomes;
    for (std::size_t i = 0; i < count; ++i) {
        auto c = makeFCase(first + i, recordsAtStimulus);
        if (fileNoiseTruth) c.useTruth(c.fileNoise);
        outcomes.push_back(evaluateF(c));
        c.recording = {};
        cases.push_back(std::move(c));
    }
    return tabulateF(cases, outcomes);
}
/// The label of a layout's held-out run: the bench's current set, the one before it (run `runs`
/// times, a check now), or any other start: a fresh development set.
std::string heldName(std::uint64_t first, std::uint64_t current, std::uint64_t former, const std::string& runs) {
    if (first == current) return "held-out seeds ";
    if (first == former) return "former held-out seeds (run " + runs + " times, a check now; refused by the dump) ";
    return "fresh development seeds ";
}
}  // namespace

int main(int argc, char** argv) {
    spdlog::set_level(spdlog::level::warn);
    if (argc > 1 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
        std::cout << "usage: bench_ncs_accuracy [dev cases (1600)] [held-out cases (600)] [--worst] [--fwave F HELD-F] [--fwave-only] [--fwave-at-stimulus] "
                     "[--fresh N] [--fresh-first SEED] [--held-first SEED] [--at-stimulus DEV HELD] [--sweeps-at-stimulus DEV HELD] [--at-held-first SEED] [--sweeps-held-first SEED]\n  dev seeds 1..; held-out from --held-first (default 10000001; never "
                     "tuned on; 9000001.. was the set before (run twice, still refused by the dump); 1000001.., 6000001.. and 8000001.. are retired, development now; any other start, e.g. 7000001, is a fresh development set); --fresh N: fresh "
                     "sensory dev seeds from --fresh-first (default 3000001); F-waves: dev "
                     "1.., held-out 2000001.. (with --fwave-at-stimulus: 2600001..); records at the stimulus: dev 11000001.., held-out from --at-held-first (default 12500001; 12000001.. was "
                     "the set before, run ten times, a check now); sensory sweeps at the stimulus: dev 13000001.., held-out from --sweeps-held-first "
                     "(default 14500001; 14000001.., run four times, a check now); 0 cases skips a set; NCS_POOL=0|1: noise pooling;\n  --file-noise-truth: F-wave truth at 4 x the file's noise "
                     "(the definition before 2026-12-06; default: 4 x the noise in the analysis band)\n";
        return 0;
    }
    const std::size_t dev = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1600;
    const std::size_t held = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 600;
    bool showWorst = false, fOnly = false, fAtStimulus = false;
    std::size_t fDev = 400, fHeld = 200, fresh = 0, atDev = 0, atHeld = 0, swDev = 0, swHeld = 0;
    std::uint64_t freshFirst = kFreshDevFirstSeed;   // --fresh-first: a later, unseen stretch of the fresh set
    std::uint64_t heldFirst = kHeldOutCurrentFirstSeed;   // the held-out set; 1000001.., 6000001.., 8000001.. (former ones) are development
    std::uint64_t atHeldFirst = kAtStimulusHeldCurrentFirstSeed, swHeldFirst = kSweepsAtStimulusHeldCurrentFirstSeed;
    for (int i = 3; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--worst") showWorst = true;
        else if (arg == "--fwave-only") fOnly = true;
        else if (arg == "--file-noise-truth") fileNoiseTruth = true;
        else if (arg == "--fwave-at-stimulus") fAtStimulus = true;
        else if (arg == "--fresh" && i + 1 < argc) fresh = std::strtoul(argv[++i], nullptr, 10);
        else if (arg == "--fresh-first" && i + 1 < argc) freshFirst = std::strtoull(argv[++i], nullptr, 10);
        else if (arg == "--held-first" && i + 1 < argc) heldFirst = std::strtoull(argv[++i], nullptr, 10);
        else if (arg == "--at-held-first" && i + 1 < argc) atHeldFirst = std::strtoull(argv[++i], nullptr, 10);
        else if (arg == "--sweeps-held-first" && i + 1 < argc) swHeldFirst = std::strtoull(argv[++i], nullptr, 10);
        else if (arg == "--at-stimulus" && i + 2 < argc) {
            atDev = std::strtoul(argv[i + 1], nullptr, 10);
            atHeld = std::strtoul(argv[i + 2], nullptr, 10);
            i += 2;
        }
        else if (arg == "--sweeps-at-stimulus" && i + 2 < argc) {
            swDev = std::strtoul(argv[i + 1], nullptr, 10);
            swHeld = std::strtoul(argv[i + 2], nullptr, 10);
            i += 2;
        }
        else if (arg == "--fwave" && i + 2 < argc) {
            fDev = std::strtoul(argv[i + 1], nullptr, 10);
            fHeld = std::strtoul(argv[i + 2], nullptr, 10);
            i += 2;
        }
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto printWorstOf = [&](const std::vector<std::string>& worst) {
        if (showWorst)
            for (const auto& w : worst) std::cout << "worst: " << w << "\n";
    };
    auto printWorst = [&](const Table& table) {   // the amplitude SE table under the main one, then the worst cases
        std::cout << formatAmplitudeSeTable(table) << "\n";
        printWorstOf(table.worst);
    };
    if (!fOnly) {
        if (dev > 0) {
            const auto a = runRange(1, dev);
            std::cout << formatTable(a, "development seeds 1.." + std::to_string(dev)) << "\n";
            printWorst(a);
        }
        if (fresh > 0) {
            const auto f = runRange(freshFirst, fresh, freshSensoryOptions());
            std::cout << formatTable(f, "fresh development seeds (sensory) " + std::to_string(freshFirst) + ".." +
                                            std::to_string(freshFirst + fresh - 1)) << "\n";
            printWorst(f);
        }
        if (held > 0) {
            const auto b = runRange(heldFirst, held);
            // Any other start than the held-out set's is simply a fresh development set (e.g. 7000001..).
            const std::string name = heldFirst == 1000001 || heldFirst == 6000001 || heldFirst == 8000001 ? "retired held-out (development) seeds "
                                     : heldFirst == kHeldOutCurrentFirstSeed ? "held-out seeds "
                                     : heldFirst == kHeldOutFormerFirstSeed  ? "former held-out seeds (run twice, refused by the dump) "
                                                                             : "fresh development seeds (all families, --held-first) ";
            std::cout << formatTable(b, name + std::to_string(heldFirst) + ".." + std::to_string(heldFirst + held - 1)) << "\n";
            printWorst(b);
        }
    }
    if (atDev + atHeld > 0) {   // the EDF+ specification's layout: one record per site starting at its stimulus
        const auto at = atStimulusOptions();
        if (atDev > 0) {
            const auto a = runRange(kAtStimulusDevFirstSeed, atDev, at);
            std::cout << formatTable(a, "records at the stimulus (motor, EDF+D), development seeds " + std::to_string(kAtStimulusDevFirstSeed) + ".." +
                                            std::to_string(kAtStimulusDevFirstSeed + atDev - 1)) << "\n";
            printWorst(a);
        }
        if (atHeld > 0) {
            const auto b = runRange(atHeldFirst, atHeld, at);
            std::cout << formatTable(b, "records at the stimulus (motor, EDF+D), " + heldName(atHeldFirst, kAtStimulusHeldCurrentFirstSeed, kAtStimulusHeldFirstSeed, "ten") +
                                            std::to_string(atHeldFirst) + ".." + std::to_string(atHeldFirst + atHeld - 1)) << "\n";
            printWorst(b);
        }
    }
    if (swDev + swHeld > 0) {   // sensory, each sweep a record of its own starting at its stimulus
        const auto sw = sweepsAtStimulusOptions();
        if (swDev > 0) {
            const auto a = runRange(kSweepsAtStimulusDevFirstSeed, swDev, sw);
            std::cout << formatTable(a, "sweeps at the stimulus (sensory, a record per sweep, EDF+D), development seeds " +
                                            std::to_string(kSweepsAtStimulusDevFirstSeed) + ".." + std::to_string(kSweepsAtStimulusDevFirstSeed + swDev - 1))
                      << "\n";
            printWorst(a);
        }
        if (swHeld > 0) {
            const auto b = runRange(swHeldFirst, swHeld, sw);
            std::cout << formatTable(b, "sweeps at the stimulus (sensory, a record per sweep, EDF+D), " +
                                            heldName(swHeldFirst, kSweepsAtStimulusHeldCurrentFirstSeed, kSweepsAtStimulusHeldFirstSeed, "four") +
                                            std::to_string(swHeldFirst) + ".." + std::to_string(swHeldFirst + swHeld - 1))
                      << "\n";
            printWorst(b);
        }
    }
    if (fDev > 0) {
        const auto fa = runFRange(1, fDev, fAtStimulus);
        std::cout << emg::fwavegen::formatFTable(fa, std::string(fAtStimulus ? "records at the stimulus (EDF+D), " : "") + "development seeds 1.." +
                                                         std::to_string(fDev))
                  << "\n";
        printWorstOf(fa.worst);
    }
    if (fHeld > 0) {
        // Records at the stimulus have their own held-out set, 2,600,001.. (first run on 2026-12-05, after
        // the change that measures them): 2,000,001.. had been run in the standard layouts for weeks.
        const std::uint64_t fHeldFirst = fAtStimulus ? 2600001 : 2000001;
        const auto fb = runFRange(fHeldFirst, fHeld, fAtStimulus);
        std::cout << emg::fwavegen::formatFTable(fb, std::string(fAtStimulus ? "records at the stimulus (EDF+D), " : "") + "held-out seeds " +
                                                         std::to_string(fHeldFirst) + ".." + std::to_string(fHeldFirst + fHeld - 1))
                  << "\n";
        printWorstOf(fb.worst);
    }
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (fOnly) std::cout << "(" << fDev + fHeld << " F-wave trains in " << sec << " s)\n";
    else std::cout << "(" << dev + held << " cases and " << fDev + fHeld << " F-wave trains in " << sec << " s)\n";
    return 0;
}
