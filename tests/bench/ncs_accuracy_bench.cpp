// NCS onset accuracy harness: >= 2000 randomized cases from the independent generator
// (tests/dsp/ncs_case_generator.h) through the engine, a table per take-off family (onset error
// median / 95th percentile / max, early onsets, amplitude, CV, low-SNR flags). Seeds 1..N are the
// development set; seeds from 1,000,001 on are held out (never tuned on) and reported separately.
// `cmake --build build --target run-ncs-accuracy`; arguments: [cases] [held-out cases] [--worst].
#include "ncs_accuracy_eval.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <string>

using namespace emg::ncsgen;

namespace {
Table runRange(std::uint64_t first, std::size_t count) {
    std::vector<Case> cases;
    std::vector<CaseOutcome> outcomes;
    for (std::size_t i = 0; i < count; ++i) {
        auto c = makeCase(first + i);
        outcomes.push_back(evaluate(c));
        c.recording = {};   // keep the truth only
        cases.push_back(std::move(c));
    }
    return tabulate(cases, outcomes);
}
}  // namespace

int main(int argc, char** argv) {
    spdlog::set_level(spdlog::level::warn);
    const std::size_t dev = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1600;
    const std::size_t held = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 600;
    const bool showWorst = argc > 3 && std::string(argv[3]) == "--worst";
    const auto t0 = std::chrono::steady_clock::now();
    const auto a = runRange(1, dev);
    std::cout << formatTable(a, "development seeds 1.." + std::to_string(dev)) << "\n";
    if (showWorst)
        for (const auto& w : a.worst) std::cout << "worst: " << w << "\n";
    const auto b = runRange(1000001, held);
    std::cout << formatTable(b, "held-out seeds 1000001.." + std::to_string(1000000 + held)) << "\n";
    if (showWorst)
        for (const auto& w : b.worst) std::cout << "worst: " << w << "\n";
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "(" << dev + held << " cases in " << sec << " s)\n";
    return 0;
}
