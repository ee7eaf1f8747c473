#pragma once
// Shapes of needle potentials by pattern, drawn from published reference ranges
// (docs/simulator.md): MUAPs (normal, neuropathic, myopathic), fibrillation potentials,
// positive sharp waves.

#include "needle_emg_model.h"
#include "waveform_lobes.h"

#include <random>
#include <vector>

namespace emg::sim {

struct PotentialShape {
    std::vector<Lobe> lobes;
    double peakToPeakUv = 0.0;
    double durationMs = 0.0;
    int phases = 0;
    double peakOffsetMs = 0.0;    ///< onset -> largest negative peak
    bool initialPositive = false;
};

/// Reference ranges used for drawing MUAPs of a pattern.
struct MuapRanges {
    double durationMinMs, durationMaxMs;
    double amplitudeMedianUv, amplitudeMinUv, amplitudeMaxUv;
    double polyphasicFraction;    ///< share of units with >= 5 phases
};
MuapRanges muapRanges(MusclePattern pattern) noexcept;

PotentialShape makeMuap(MusclePattern pattern, std::mt19937_64& rng);
PotentialShape makeFibrillation(std::mt19937_64& rng);
PotentialShape makePositiveSharpWave(std::mt19937_64& rng);

}  // namespace emg::sim
