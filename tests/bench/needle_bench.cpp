// Needle analysis throughput: 4 needle channels at 48 kHz (rest, weak and strong segments of a
// simulated muscle), analysed whole (filter, segmentation, spontaneous activity, decomposition,
// interference). Prints seconds of signal analysed per second of CPU against real time (ratio).
#include <sim/needle_emg_model.h>

#include <emg/needle/needle_analysis.h>

#include <ctime>
#include <cstdio>
#include <vector>

int main() {
    constexpr double kFs = 48000.0;
    constexpr double kSeconds = 12.0;
    std::vector<emg::sim::NeedleSignal> channels;
    const emg::sim::MusclePattern patterns[] = {emg::sim::MusclePattern::Normal, emg::sim::MusclePattern::Neuropathic,
                                                emg::sim::MusclePattern::Myopathic, emg::sim::MusclePattern::Normal};
    for (int c = 0; c < 4; ++c) {
        emg::sim::NeedleMuscleConfig cfg;
        cfg.pattern = patterns[c];
        cfg.sampleRateHz = kFs;
        cfg.noiseRmsUv = 10.0;
        cfg.seed = 100 + static_cast<std::uint64_t>(c);
        cfg.spontaneous = emg::sim::SpontaneousConfig::fromGrade(c == 1 ? 2 : 0);
        emg::sim::NeedleMuscleModel m(cfg);
        channels.push_back(m.generate(kSeconds, {{0.0, 0.0}, {4.0, 0.2}, {8.0, 0.8}}));
    }
    const std::vector<emg::Annotation> ann{{0.0, 4.0, "rest"}, {4.0, 4.0, "weak"}, {8.0, 4.0, "strong"}};
    // the whole analysis, then the same without the multi-MUP step (its share of the time)
    const auto timeAll = [&](bool multiMup, std::size_t& units, std::size_t& mups) {
        emg::needle::NeedleAnalysisOptions o;
        o.multiMupEnabled = multiMup;
        units = mups = 0;
        const std::clock_t t0 = std::clock();   // process CPU time: other jobs on the machine do not count
        for (const auto& ch : channels) {
            const auto a = emg::needle::analyzeNeedleSignal(ch.microvolts, kFs, ann, o);
            units += a.motorUnits.units.size();
            mups += a.multiMup.mups.size();
        }
        return static_cast<double>(std::clock() - t0) / CLOCKS_PER_SEC;
    };
    // the float path `emgws-cli analyze` takes for a streamed recording (filtered and sorted in place)
    const auto timeFloat = [&](std::size_t& units) {
        units = 0;
        double cpuSec = 0.0;
        for (const auto& ch : channels) {
            std::vector<float> x(ch.microvolts.begin(), ch.microvolts.end());
            const std::clock_t t0 = std::clock();
            const auto a = emg::needle::analyzeNeedleSignalInPlace(x, kFs, ann);
            cpuSec += static_cast<double>(std::clock() - t0) / CLOCKS_PER_SEC;
            units += a.motorUnits.units.size();
        }
        return cpuSec;
    };
    std::size_t units = 0, mups = 0, units2 = 0, mups2 = 0, unitsFloat = 0;
    const double cpu = timeAll(true, units, mups);
    const double cpuFloat = timeFloat(unitsFloat);
    const double cpuWithout = timeAll(false, units2, mups2);
    const double ratio = kSeconds / cpu;   // all 4 channels analysed in `cpu` seconds for kSeconds of signal
    std::printf("needle analysis: 4 channels x %.0f s at %.0f Hz in %.3f s CPU (%zu units sorted, %zu multi-MUPs)\n", kSeconds, kFs, cpu,
                units, mups);
    std::printf("without the multi-MUP step: %.3f s CPU (multi-MUP share %.0f %%)\n", cpuWithout,
                100.0 * (cpu - cpuWithout) / cpu);
    std::printf("ratio to real time (4 channels, one core): %.2fx %s\n", ratio, ratio >= 1.0 ? "(faster than real time)" : "(SLOWER than real time)");
    std::printf("float in place (emgws-cli analyze of a streamed file): %.3f s CPU, ratio %.2fx (%zu units sorted)\n", cpuFloat,
                kSeconds / cpuFloat, unitsFloat);
    return 0;
}
