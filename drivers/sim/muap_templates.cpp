#include "muap_templates.h"

#include "noise_source.h"

#include <algorithm>
#include <cmath>

namespace emg::sim {
namespace {

double uniform(std::mt19937_64& rng, double lo, double hi) { return lo + (hi - lo) * uniform01(rng); }

double logNormalClamped(std::mt19937_64& rng, double median, double sigma, double lo, double hi) {
    return std::clamp(median * std::exp(sigma * standardNormal(rng)), lo, hi);
}

/// Scale the lobes so that the chain's peak-to-peak is `targetPp`; fill the summary fields.
PotentialShape finish(std::vector<Lobe> lobes, double targetPp) {
    double maxPos = 0.0, maxNeg = 0.0, t = 0.0, peakAt = 0.0;
    for (const auto& l : lobes) {
        if (l.amplitudeUv > maxPos) maxPos = l.amplitudeUv;
        if (-l.amplitudeUv > maxNeg) {
            maxNeg = -l.amplitudeUv;
            peakAt = t + l.peakFraction * l.widthMs;
        }
        t += l.widthMs;
    }
    const double k = targetPp / (maxPos + maxNeg);
    for (auto& l : lobes) l.amplitudeUv *= k;
    PotentialShape s;
    s.peakToPeakUv = targetPp;
    s.durationMs = t;
    s.phases = static_cast<int>(lobes.size());
    s.peakOffsetMs = peakAt;
    s.initialPositive = !lobes.empty() && lobes.front().amplitudeUv > 0;
    s.lobes = std::move(lobes);
    return s;
}

int drawPhases(MusclePattern pattern, std::mt19937_64& rng) {
    const double u = uniform01(rng);
    const double poly = muapRanges(pattern).polyphasicFraction;
    if (u < poly) return 5 + static_cast<int>(uniform01(rng) * (pattern == MusclePattern::Normal ? 2 : 4));  // 5-6 / 5-8
    const double v = uniform01(rng);
    if (v < 0.12) return 2;
    if (v < 0.7) return 3;
    return 4;
}

}  // namespace

MuapRanges muapRanges(MusclePattern pattern) noexcept {
    switch (pattern) {
    case MusclePattern::Neuropathic: return {14.0, 22.0, 2000.0, 1000.0, 5000.0, 0.40};
    case MusclePattern::Myopathic: return {2.5, 5.5, 250.0, 80.0, 500.0, 0.50};
    case MusclePattern::Normal: break;
    }
    return {6.0, 12.0, 500.0, 200.0, 1000.0, 0.08};
}

PotentialShape makeMuap(MusclePattern pattern, std::mt19937_64& rng) {
    const MuapRanges r = muapRanges(pattern);
    const double dur = uniform(rng, r.durationMinMs, r.durationMaxMs);
    const double pp = logNormalClamped(rng, r.amplitudeMedianUv, 0.35, r.amplitudeMinUv, r.amplitudeMaxUv);
    const int phases = drawPhases(pattern, rng);

    std::vector<Lobe> lobes;
    const double initW = std::min(0.18 * dur, 2.5);
    const double mainW = std::min(0.15 * dur, 2.0);
    const double mainPeak = uniform(rng, 0.4, 0.55);
    if (phases == 2) {
        lobes.push_back({-1.0, mainW, mainPeak});
        lobes.push_back({uniform(rng, 0.3, 0.45), dur - mainW, 0.3});
        return finish(std::move(lobes), pp);
    }
    lobes.push_back({uniform(rng, 0.12, 0.25), initW, 0.6});   // initial positive (approach)
    lobes.push_back({-1.0, mainW, mainPeak});                  // main negative spike
    double used = initW + mainW;
    double sign = 1.0;
    // polyphasic: extra spiky phases of falling size after the main spike
    if (phases >= 5) {
        double amp = uniform(rng, 0.55, 0.8);
        for (int i = 0; i < phases - 3; ++i) {
            const double w = 0.08 * dur;
            lobes.push_back({sign * amp, w, 0.5});
            used += w;
            amp *= uniform(rng, 0.65, 0.85);
            sign = -sign;
        }
        lobes.push_back({sign * uniform(rng, 0.12, 0.25), dur - used, 0.3});  // slow terminal phase
        return finish(std::move(lobes), pp);
    }
    if (phases == 3) {
        lobes.push_back({uniform(rng, 0.25, 0.45), dur - used, 0.25});
    } else {  // 4 phases: positive then a long low negative tail
        const double w = 0.3 * dur;
        lobes.push_back({uniform(rng, 0.3, 0.45), w, 0.3});
        lobes.push_back({-uniform(rng, 0.08, 0.15), dur - used - w, 0.35});
    }
    return finish(std::move(lobes), pp);
}

PotentialShape makeFibrillation(std::mt19937_64& rng) {
    const double dur = uniform(rng, 1.2, 4.5);
    const double pp = logNormalClamped(rng, 80.0, 0.5, 20.0, 200.0);
    std::vector<Lobe> lobes;
    if (uniform01(rng) < 0.4) {  // biphasic: positive then negative
        lobes.push_back({uniform(rng, 0.4, 0.7), 0.35 * dur, 0.45});
        lobes.push_back({-1.0, 0.65 * dur, 0.3});
    } else {  // triphasic: small positive, negative spike, positive
        lobes.push_back({uniform(rng, 0.3, 0.6), 0.25 * dur, 0.5});
        lobes.push_back({-1.0, 0.35 * dur, 0.4});
        lobes.push_back({uniform(rng, 0.2, 0.35), 0.40 * dur, 0.35});
    }
    return finish(std::move(lobes), pp);
}

PotentialShape makePositiveSharpWave(std::mt19937_64& rng) {
    const double dur = uniform(rng, 10.0, 28.0);
    const double pp = logNormalClamped(rng, 100.0, 0.45, 20.0, 200.0);
    const double sharpW = uniform(rng, 2.0, 3.5);
    std::vector<Lobe> lobes;
    lobes.push_back({1.0, sharpW, 0.12});                                  // sharp positive
    lobes.push_back({-uniform(rng, 0.1, 0.2), dur - sharpW, 0.2});         // long low negative
    return finish(std::move(lobes), pp);
}

}  // namespace emg::sim
