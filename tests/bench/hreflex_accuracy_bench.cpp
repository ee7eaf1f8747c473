// H-reflex accuracy harness: randomized recruitment series from the independent generator
// (tests/dsp/hreflex_case_generator.h) through the engine as `emgws-cli analyze --test hreflex`
// runs it; a table per record layout (H latency error median / 95th percentile / max, early
// latencies, H/M error, the sweep with Hmax, Mmax error, what an absent H reads).
// Development seeds 1..DEV; held-out seeds from 3,000,001 (never tuned on, reported apart).
// `bench_hreflex_accuracy [DEV (300)] [HELD (200)] [--worst] [--layout 0|2|3] [--held-first SEED]
// [--file-noise-truth]` (--file-noise-truth: the truth latency at 4 x the file's noise rather than
// the analysis band's, the definition before 2026-12-06).
// (--layout: every case in that layout, ncsgen::Layout numbering: 0 continuous, 2 records separate,
// 3 records at the stimulus).
#include "hreflex_accuracy_eval.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

using namespace emg::hgen;

namespace {
HTable runRange(std::uint64_t first, std::size_t count, int layout, bool fileNoiseTruth) {
    std::vector<HCase> cases;
    std::vector<HOutcome> outcomes;
    for (std::size_t i = 0; i < count; ++i) {
        auto c = makeHCase(first + i, layout);
        if (fileNoiseTruth) c.hLatencyMs = c.hLatencyFileNoiseMs;
        outcomes.push_back(evaluateH(c));
        c.recording = {};   // keep the truth only
        cases.push_back(std::move(c));
    }
    return tabulateH(cases, outcomes);
}
}  // namespace

int main(int argc, char** argv) {
    spdlog::set_level(spdlog::level::warn);
    if (argc > 1 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
        std::cout << "usage: bench_hreflex_accuracy [DEV (300)] [HELD (200)] [--worst] [--layout 0|2|3] [--held-first SEED] [--file-noise-truth]\n"
                     "development seeds 1..DEV, held-out seeds from 3000001; truth latency at 4 x the noise in the analysis band\n"
                     "(--file-noise-truth: at 4 x the file's noise, the definition before 2026-12-06)\n";
        return 0;
    }
    std::size_t dev = 300, held = 200;
    std::uint64_t heldFirst = 3000001;
    bool worst = false, fileNoiseTruth = false;
    int layout = -1;
    int positional = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--worst") worst = true;
        else if (a == "--file-noise-truth") fileNoiseTruth = true;
        else if (a == "--layout" && i + 1 < argc) layout = std::atoi(argv[++i]);
        else if (a == "--held-first" && i + 1 < argc) heldFirst = std::strtoull(argv[++i], nullptr, 10);
        else if (positional == 0) dev = std::strtoul(argv[i], nullptr, 10), ++positional;
        else held = std::strtoul(argv[i], nullptr, 10), ++positional;
    }
    const auto start = std::chrono::steady_clock::now();
    for (const auto& [first, count, name] : {std::tuple<std::uint64_t, std::size_t, std::string>{1, dev, "development seeds 1.."},
                                             std::tuple<std::uint64_t, std::size_t, std::string>{heldFirst, held, "held-out seeds " + std::to_string(heldFirst) + ".."}}) {
        if (count == 0) continue;
        const auto t = runRange(first, count, layout, fileNoiseTruth);
        std::cout << formatHTable(t, name + std::to_string(first + count - 1) + (layout >= 0 ? std::string(", one layout") : std::string())) << "\n";
        if (worst)
            for (const auto& w : t.worst) std::cout << "- " << w << "\n";
        std::cout << "\n";
    }
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "(" << dev + held << " H-reflex series in " << sec << " s)\n";
    return 0;
}
