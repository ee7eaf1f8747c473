#include "rns_case_generator.h"
#include "harness_common.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <sstream>

namespace emg::rnsgen {

std::string RnsCase::describe() const {
    std::ostringstream o;
    o.precision(4);
    o << "seed " << seed << (atStimulus ? " records-at-stimulus" : " continuous") << " fs " << sampleRateHz << " rate " << rateHz
      << " Hz record " << recordMs << " ms noise " << noiseRmsUv << " hum " << humUv << "@" << mainsHz << " dc " << dcUv << " drift "
      << driftUv << " | CMAP " << amplitudeUv << " uV " << onsetMs << "-" << endMs << " ms, decrement 4th " << decrement4Pct << " %, 5th "
      << decrement5Pct << " %";
    return o.str();
}

namespace {
struct Rng : harness::CaseRng {
    explicit Rng(std::uint64_t seed) : CaseRng(seed, 0x9FB21C651E98DF25ULL, 9191) {}
};

}  // namespace

RnsCase makeRnsCase(std::uint64_t seed, int layout) {
    Rng r(seed);
    RnsCase c;
    c.seed = seed;
    c.atStimulus = r.chance(0.5);
    if (layout >= 0) c.atStimulus = layout == 1;   // the draw above kept: the rest of the case is the same
    c.sampleRateHz = harness::drawSampleRate(r);
    const double fs = c.sampleRateHz;
    c.rateHz = r.integer(2, 5);
    harness::setBackground(c, harness::drawBackground(r));

    harness::SmoothCmap m;
    m.onsetMs = r.uni(2.5, 4.5);
    m.riseMs = r.uni(1.0, 2.5);
    m.fallMs = r.uni(1.5, 3.5);
    m.posFraction = r.uni(0.2, 0.6);
    m.posMs = r.uni(4.0, 10.0);
    c.amplitudeUv = r.uni(2000.0, 15000.0);
    c.onsetMs = m.onsetMs;
    c.endMs = m.endMs();

    // the decrement: to its deepest at the 4th or 5th response, part recovery after
    const int n = r.integer(6, 10);
    const double depth = r.chance(1.0 / 3.0) ? 0.0 : r.uni(0.02, 0.4);
    const int deepest = r.integer(4, 5);
    const double recovery = r.uni(0.0, 0.5);
    for (int k = 1; k <= n; ++k) {
        double s = 1.0;
        if (k > 1 && k <= deepest) s = 1.0 - depth * (1.0 - std::pow(0.45, k - 1)) / (1.0 - std::pow(0.45, deepest - 1));
        else if (k > deepest) s = 1.0 - depth * (1.0 - recovery * (k - deepest) / static_cast<double>(n - deepest + 1));
        if (k > 1) s *= r.uni(0.995, 1.005);
        c.scale.push_back(s);
    }
    c.decrement4Pct = (1.0 - c.scale[3] / c.scale[0]) * 100.0;
    c.decrement5Pct = (1.0 - c.scale[4] / c.scale[0]) * 100.0;

    // artifact
    const auto art = harness::drawArtifact(r, std::min(1.5, c.onsetMs - 1.0), 0.4);
    auto artifact = [art](double t) { return art.at(t); };

    // the file
    c.recordMs = c.atStimulus ? r.uni(40.0, 100.0) : 0.0;
    const auto recN = static_cast<std::size_t>(std::llround(c.recordMs * 1e-3 * fs));
    const double period = 1.0 / c.rateHz, start = r.uni(0.3, 0.8);
    std::vector<std::size_t> stimIdx;
    for (int k = 0; k < n; ++k)
        stimIdx.push_back(c.atStimulus ? static_cast<std::size_t>(k) * recN : static_cast<std::size_t>(std::llround((start + period * k) * fs)));
    const std::size_t total = c.atStimulus ? static_cast<std::size_t>(n) * recN : stimIdx.back() + static_cast<std::size_t>(0.5 * fs);
    RecordedChannel ch;
    ch.label = "ADM";
    ch.sampleRateHz = fs;
    ch.samples = harness::backgroundSamples(total, fs, c.atStimulus ? recN : 0, {c.noiseRmsUv, c.humUv, c.mainsHz, c.dcUv, c.driftUv}, r);
    for (int k = 0; k < n; ++k) {
        const auto kk = static_cast<std::size_t>(k);
        const std::size_t s0 = stimIdx[kk];
        const auto len = static_cast<std::size_t>(std::llround(100e-3 * fs));
        for (std::size_t j = 0; j < len && s0 + j < total; ++j) {
            const double tMs = static_cast<double>(j) * 1000.0 / fs;
            ch.samples[s0 + j] += m.at(tMs, c.amplitudeUv * c.scale[kk]) + artifact(tMs);
        }
        // records at the stimulus: on the train's clock (period apart), holes between
        const double at = start + period * k;
        c.recording.annotations.push_back({c.atStimulus ? at : static_cast<double>(s0) / fs, 0.0, "Stim wrist"});
        if (c.atStimulus) c.recording.segments.push_back({at, static_cast<double>(recN) / fs});
    }
    c.recording.patientId = "generated";
    c.recording.channels.push_back(std::move(ch));
    return c;
}

}  // namespace emg::rnsgen
