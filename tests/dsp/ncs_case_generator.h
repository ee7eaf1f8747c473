#pragma once
// Randomized nerve-conduction cases with known truth, for the onset accuracy harness
// (tests/bench/ncs_accuracy_bench.cpp) and its fixed-seed ctest subset. Written independently of
// the project's simulator (drivers/sim) and of synthetic_ncs.h, so that the detector is not
// checked against the assumptions of the generator it was developed on.
//
// Take-off shapes (the response is 0 before its take-off unless the family has infinite support):
//   RaisedCosine        rising edge 0.5 (1 - cos(pi u)): zero initial slope
//   IntegratedGaussian  rising edge Phi(k (u - u0)): smooth, infinite support to the left
//   Gamma               rising edge (u)^k exp(k (1 - u)), k 2..4: zero initial slope
//   FiniteSlope         rising edge sin(pi u / 2): finite initial slope
//   MotorUnitSum        CMAP = sum of 80..200 surface motor-unit potentials (biphasic Gaussian
//                       pair), unit amplitudes exponentially distributed, unit conduction
//                       velocities normal (mean 50..60 m/s, SD 2.5..5 m/s), so proximal responses
//                       are dispersed and smaller (after Nandedkar & Barkhaus 2007, Dumitru 2002)
//   SensoryFibreSum     SNAP = sum of 100..200 fibre potentials (triphasic: negated second
//                       derivative of a Gaussian, a small initial positive phase), CV normal
// The motor families may carry an initial positive dip (the first departure is then positive).
//
// Truth per site: the onset is the first time the noise-free response leaves its baseline by
// 4 x the effective noise rms (noise rms / sqrt(sweeps averaged)); the amplitude is baseline to
// negative peak of the noise-free response.

#include <emg/core/recording.h>

#include <cstdint>
#include <string>
#include <vector>

namespace emg::ncsgen {

enum class Family { RaisedCosine, IntegratedGaussian, Gamma, FiniteSlope, MotorUnitSum, SensoryFibreSum };
const char* familyName(Family f) noexcept;
constexpr int kFamilyCount = 6;

enum class Layout {   // (also the F-wave generator's, whose records are 120 ms)
    Continuous,          ///< one continuous recording, stimuli 0.3..0.6 s apart
    RecordsContiguous,   ///< 100 ms records, one stimulus each, back to back (hum and drift continuous)
    RecordsSeparate,     ///< 100 ms records from separate acquisitions glued together: DC, hum phase, drift per record
    /// One 100 ms record per site, each its own acquisition starting at its stimulus (nothing
    /// before it), 1 s apart with holes between: the EDF+ specification's nerve conduction layout
    /// (EDF+D). Never drawn at random; each segment is analysed alone, as `analyze` does EDF+D.
    RecordsAtStimulus
};
const char* layoutName(Layout l) noexcept;

struct SiteTruth {
    std::string name;            ///< annotation site ("s1" distal ... "sN" proximal)
    double distanceMm = 0.0;     ///< from the distal site (motor) or to the recording electrode (sensory)
    double onsetMs = 0.0;        ///< truth onset (first |r| >= 4 x effective noise)
    double amplitudeUv = 0.0;    ///< baseline to negative peak
    double peakAbsUv = 0.0;      ///< largest |r| (the "peak" of the >= 20 x noise criterion)
    double effectiveNoiseUv = 0.0;
    int sweeps = 0;
    bool initialPositive = false;
    bool lastSweepTruncated = false;
};

struct CaseOptions {
    bool forceFamily = false;
    Family family = Family::RaisedCosine;
    bool forceMotor = false, motor = true;
    bool forceLayout = false;
    Layout layout = Layout::Continuous;
    double truncateProbability = 0.15;
    /// Layout::RecordsAtStimulus with each site's several sweeps (sensory: 8 to 64) each in a
    /// record of its own, starting at its stimulus (EDF+D: a segment per sweep). Off: one record per site.
    bool sweepsAtStimulus = false;
    /// The same case (the same random draws) with only the responses and the stimulus artifact in
    /// the file: no noise, hum, DC or drift (to look at the noise-free sweep).
    bool responseOnly = false;
};

struct Case {
    std::uint64_t seed = 0;
    Family family = Family::RaisedCosine;
    Layout layout = Layout::Continuous;
    bool motor = true;
    double sampleRateHz = 0.0;
    double noiseRmsUv = 0.0, humUv = 0.0, mainsHz = 50.0, dcUv = 0.0, driftUv = 0.0;
    double artifactMs = 0.0, artifactTailUv = 0.0;
    std::vector<SiteTruth> sites;
    std::vector<double> segmentMm;        ///< between consecutive sites
    std::vector<double> segmentCvMPerS;   ///< truth: segment / (onset difference)
    std::size_t stimuli = 0;              ///< stimuli in the file
    Recording recording;
    [[nodiscard]] std::string describe() const;
};

/// A reproducible random case for a seed.
Case makeCase(std::uint64_t seed, const CaseOptions& options = {});

}  // namespace emg::ncsgen
