// RNS accuracy harness: randomized trains from the independent generator
// (tests/dsp/rns_case_generator.h) through the engine as `emgws-cli analyze --test rns` runs it; a
// table per record layout (decrement error of the 4th and 5th responses, area, the 10 % judgement,
// the rate). Development seeds 1..DEV; held-out seeds from 4,000,001 (never tuned on).
// `bench_rns_accuracy [DEV (300)] [HELD (200)] [--worst] [--layout 0|1]`
#include "rns_accuracy_eval.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <tuple>

using namespace emg::rnsgen;

int main(int argc, char** argv) {
    spdlog::set_level(spdlog::level::warn);
    if (argc > 1 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
        std::cout << "usage: bench_rns_accuracy [DEV (300)] [HELD (200)] [--worst] [--layout 0|1]\n"
                     "development seeds 1..DEV, held-out seeds from 4000001\n";
        return 0;
    }
    std::size_t dev = 300, held = 200;
    bool worst = false;
    int layout = -1, positional = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--worst") worst = true;
        else if (a == "--layout" && i + 1 < argc) layout = std::atoi(argv[++i]);
        else if (positional++ == 0) dev = std::strtoul(argv[i], nullptr, 10);
        else held = std::strtoul(argv[i], nullptr, 10);
    }
    const auto start = std::chrono::steady_clock::now();
    for (const auto& [first, count, name] : {std::tuple<std::uint64_t, std::size_t, std::string>{1, dev, "development seeds 1.."},
                                             std::tuple<std::uint64_t, std::size_t, std::string>{4000001, held, "held-out seeds 4000001.."}}) {
        if (count == 0) continue;
        std::vector<RnsCase> cases;
        std::vector<RnsOutcome> outcomes;
        for (std::size_t i = 0; i < count; ++i) {
            auto c = makeRnsCase(first + i, layout);
            outcomes.push_back(evaluateRns(c));
            c.recording = {};
            cases.push_back(std::move(c));
        }
        const auto t = tabulateRns(cases, outcomes);
        std::cout << formatRnsTable(t, name + std::to_string(first + count - 1) + (layout >= 0 ? std::string(", one layout") : std::string())) << "\n";
        if (worst)
            for (const auto& w : t.worst) std::cout << "- " << w << "\n";
        std::cout << "\n";
    }
    std::cout << "(" << dev + held << " RNS trains in " << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s)\n";
    return 0;
}
