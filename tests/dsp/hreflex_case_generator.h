#pragma once
// Randomized H-reflex recruitment series with known truth, for the H-reflex accuracy harness
// (tests/bench/hreflex_accuracy_bench.cpp) and its fixed-seed ctest subset (test_dsp_hreflex_harness).
// Written independently of the project's simulator (drivers/sim) and of synthetic_ncs.h.
//
// One site (popliteal fossa), a series of 8..15 stimuli at rising intensity (the annotation states
// it: "Stim popliteal 12.5mA"), recorded over the soleus. Each sweep holds:
//   M   a soleus CMAP growing with intensity as a logistic curve to Mmax (2..15 mV): a negative phase
//       of raised-cosine rise (1.5..3 ms) and fall (2..4 ms), then a long positive phase (30..60 % of
//       it over 5..10 ms), so M may still be off the baseline up to 24 ms after the stimulus (the
//       engine's latest M end, HReflexSettings::mWindowMaxMs); onset 3.5..7 ms.
//   H   from a lower threshold, rising then suppressed as M grows (Hmax/Mmax 0.1..0.7), its shape the
//       case's (2..3 alternating sin^2 lobes of 2..6 ms, an initial positive lobe of up to 20 % in a
//       third of the cases, so it leaves the baseline with zero slope), onset 26..36 ms (at least
//       1 ms after M's end), jitter
//       +-0.1 ms and +-5 % per sweep. In 10 % of the cases there is no H at all (an S1 lesion).
// With white noise 2..20 uV rms, mains hum 0..50 uV (50/60 Hz with harmonics), DC to +-10 mV, drift,
// a stimulus artifact of 0.1..2 ms with a tail of either sign, sample rates 4..48 kHz, and three
// layouts: continuous (a stimulus every 1..2 s); one record per stimulus with 8..15 ms before it,
// each its own acquisition; one record per stimulus starting at it (60..120 ms, nothing before it).
//
// Truth: per sweep the noise-free M and H peak-to-peak; Hmax and Mmax their largest; H/M = Hmax /
// Mmax; the H latency is where the noise-free H of the sweep with the largest H first leaves its
// baseline by 4 x the noise rms in the band H is analysed in (the late-response presets' 10 kHz
// second-order low-pass run forward and backward, clamped to 0.45 x the rate: 0.93 x the file's
// noise up to 20 kHz, 0.74 x at 32 kHz, 0.59 x at 48 kHz; harness::analysisBandNoiseGain): the noise
// the trace shows and the engine's onset level is counted from. Motor and sensory onsets are read
// on unfiltered sweeps, where the two are the same. `hLatencyFileNoiseMs` keeps the level of 4 x the
// file's noise (the definition before 2026-12-06; `bench_hreflex_accuracy --file-noise-truth`).

#include "ncs_case_generator.h"

#include <emg/core/recording.h>

#include <cstdint>
#include <string>
#include <vector>

namespace emg::hgen {

using HLayout = ncsgen::Layout;
using ncsgen::layoutName;

struct HSweepTruth {
    double intensityMa = 0.0;
    double mPeakToPeakUv = 0.0;
    double hPeakToPeakUv = 0.0;
};

struct HCase {
    std::uint64_t seed = 0;
    HLayout layout = HLayout::Continuous;
    double sampleRateHz = 0.0, recordMs = 0.0;
    double noiseRmsUv = 0.0, humUv = 0.0, mainsHz = 50.0, dcUv = 0.0, driftUv = 0.0;
    double artifactMs = 0.0, artifactTailUv = 0.0;
    double mMaxUv = 0.0, mOnsetMs = 0.0, mEndMs = 0.0;   ///< M's end: where its positive phase returns to the baseline
    bool hPresent = false;
    double hOnsetMs = 0.0;                              ///< where the H wave starts (its first lobe)
    std::vector<HSweepTruth> sweeps;                     ///< one per stimulus, in order
    std::size_t hMaxSweep = 0, mMaxSweep = 0;
    double hMaxUv = 0.0, mMaxPpUv = 0.0, hmRatio = 0.0;
    double bandNoiseRmsUv = 0.0;                         ///< the white noise's rms in the analysis band (H present)
    double hLatencyMs = 0.0;                             ///< truth H latency at 4 x bandNoiseRmsUv (0 when no H reaches it)
    double hLatencyFileNoiseMs = 0.0;                    ///< the same at 4 x noiseRmsUv (the file's noise)
    Recording recording;
    [[nodiscard]] std::string describe() const;
};

/// `layout`: -1 draws it; else the layout to use (the rest of the case is drawn as for that seed).
HCase makeHCase(std::uint64_t seed, int layout = -1);

}  // namespace emg::hgen
