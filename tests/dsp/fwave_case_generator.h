#pragma once
// Randomized F-wave trains with known truth, for the F-wave rows of the accuracy harness
// (tests/bench/ncs_accuracy_bench.cpp) and its fixed-seed ctest subset (test_dsp_fwave_harness).
// Written independently of the project's simulator (drivers/sim) and of synthetic_ncs.h.
//
// One site, a train of 10..20 supramaximal stimuli. Each sweep holds:
//   M   the same CMAP every sweep (2..15 mV, distal latency 2.8..4.5 ms hand / 3.5..6 ms foot),
//       a smooth negative phase and a longer positive phase, amplitude jitter +-1 %.
//   F   on a fraction of the sweeps (persistence 50..100 %, at least one), the backfiring of 1..3
//       motor units drawn from a pool of 6..20 units per train. Each unit has its own latency
//       (hand 22..34 ms, foot 42..58 ms for the earliest unit; the others up to 1..6 ms later,
//       the chronodispersion), its own polyphasic shape (2..4 alternating sin^2 lobes of
//       0.6..3 ms, so it leaves the baseline with zero slope) and size (20..500 uV peak to peak);
//       each firing jitters by +-0.15 ms in latency and +-15 % in size.
// With white noise 2..20 uV rms, mains hum 0..50 uV (50/60 Hz with harmonics), DC to +-10 mV,
// drift, a stimulus artifact of 0.1..2 ms with a tail of either sign, sample rates 4..48 kHz, and
// three layouts (continuous; 120 ms records back to back; 120 ms records of separate acquisitions).
//
// Truth per sweep: the F onset is the first time the noise-free F wave of that sweep leaves its
// baseline by 4 x the noise rms in the band F-waves are analysed in (the late-response presets'
// 10 kHz low-pass run forward and backward: 0.93 x the file's noise up to 20 kHz, 0.59 x at 48 kHz;
// harness::analysisBandNoiseGain), the noise the trace shows and the engine's level is counted
// from (motor/sensory onsets are read unfiltered, where the two agree); a sweep whose F never
// reaches that level has no F. Truth of the train: minimal latency over those sweeps and
// persistence. `fileNoise` holds the same at 4 x the file's noise (the definition before
// 2026-12-06; `bench_ncs_accuracy --file-noise-truth`).

#include "ncs_case_generator.h"

#include <emg/core/recording.h>

#include <cstdint>
#include <string>
#include <vector>

namespace emg::fwavegen {

/// The record layouts of the motor/sensory generator; here the records are 120 ms long.
using FLayout = ncsgen::Layout;
using ncsgen::layoutName;

struct SweepTruth {
    bool present = false;          ///< an F wave reaching the level (4 x the band's noise)
    double onsetMs = 0.0;          ///< its truth onset (after the stimulus)
    double peakAbsUv = 0.0;        ///< its largest |value|
    bool fired = false;            ///< a unit fired (also when it stays below the level)
};

/// The truth of a train at one onset level.
struct FTruth {
    std::vector<SweepTruth> sweeps;
    double minLatencyMs = 0.0, minLatencyPeakUv = 0.0, persistencePercent = 0.0;
};

struct FCase {
    std::uint64_t seed = 0;
    bool lowerLimb = false;
    FLayout layout = FLayout::Continuous;
    double sampleRateHz = 0.0;
    double noiseRmsUv = 0.0, humUv = 0.0, mainsHz = 50.0, dcUv = 0.0, driftUv = 0.0;
    double artifactMs = 0.0, artifactTailUv = 0.0;
    double mAmplitudeUv = 0.0, mOnsetMs = 0.0;
    std::vector<SweepTruth> sweeps;   ///< one per stimulus, in order
    double minLatencyMs = 0.0;        ///< truth: earliest onset over the sweeps with F (0 when none)
    double minLatencyPeakUv = 0.0;    ///< |peak| of the F wave that gives the minimal latency
    double persistencePercent = 0.0;  ///< truth: sweeps with F / stimuli
    double bandNoiseRmsUv = 0.0;      ///< the white noise's rms in the analysis band (the truth's level: 4 x this)
    FTruth fileNoise;                 ///< the truth at 4 x the file's noise (the definition before 2026-12-06)
    void useTruth(const FTruth& t) {
        sweeps = t.sweeps;
        minLatencyMs = t.minLatencyMs;
        minLatencyPeakUv = t.minLatencyPeakUv;
        persistencePercent = t.persistencePercent;
    }
    Recording recording;
    [[nodiscard]] std::string describe() const;
};

/// `recordsAtStimulus`: the train in the EDF+ specification's layout instead of the drawn one: one
/// 120 ms record per stimulus, each its own acquisition (DC, hum phase, drift) starting at its
/// stimulus (nothing before it), 1 s apart with holes between (Recording::segments, EDF+D).
FCase makeFCase(std::uint64_t seed, bool recordsAtStimulus = false);

}  // namespace emg::fwavegen
