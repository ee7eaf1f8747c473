#pragma once
// Randomized repetitive-nerve-stimulation trains with known truth, for the RNS accuracy harness
// (tests/bench/rns_accuracy_bench.cpp) and its fixed-seed ctest subset (test_dsp_rns_harness).
// Written independently of the project's simulator (drivers/sim) and of synthetic_ncs.h.
//
// One train of 6..10 supramaximal stimuli at 2..5 Hz (annotated "Stim wrist"), recorded over a hand
// muscle: a CMAP of 2..15 mV (a negative phase with a raised-cosine take-off, zero initial slope, then
// a positive phase of 20..60 % of it), onset 2.5..4.5 ms, whose size falls from the first response to
// the 4th-5th by the case's decrement (0..40 %; none in a third of the cases) and recovers in part
// after, each response scaled as a whole (amplitude and area fall alike) with +-0.5 % jitter. With
// white noise 2..20 uV, hum 0..50 uV (50/60 Hz with harmonics), DC to +-10 mV, drift, a stimulus
// artifact of 0.1..1.5 ms with a tail of either sign, sample rates 4..48 kHz, and two layouts:
// continuous, or one record per stimulus starting at it (40..100 ms; nothing before it; holes between).
//
// Truth: the 4th and 5th responses' decrements, (1 - scale_n / scale_1) x 100, for the amplitude
// (baseline to negative peak) and the negative-phase area alike.

#include "ncs_case_generator.h"

#include <emg/core/recording.h>

#include <cstdint>
#include <string>
#include <vector>

namespace emg::rnsgen {

struct RnsCase {
    std::uint64_t seed = 0;
    bool atStimulus = false;
    double sampleRateHz = 0.0, rateHz = 0.0, recordMs = 0.0;
    double noiseRmsUv = 0.0, humUv = 0.0, mainsHz = 50.0, dcUv = 0.0, driftUv = 0.0;
    double amplitudeUv = 0.0, onsetMs = 0.0, endMs = 0.0;
    std::vector<double> scale;                 ///< each response's size against the first's
    double decrement4Pct = 0.0, decrement5Pct = 0.0;
    Recording recording;
    [[nodiscard]] std::string describe() const;
};

/// `layout`: -1 draws it; 0 continuous; 1 records that start at the stimulus.
RnsCase makeRnsCase(std::uint64_t seed, int layout = -1);

}  // namespace emg::rnsgen
