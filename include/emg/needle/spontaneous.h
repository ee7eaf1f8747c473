#pragma once
// Spontaneous activity at rest: fibrillation potentials, positive sharp waves, fasciculations,
// complex repetitive discharges and myotonic discharges, told apart by the morphology of each
// potential and the firing pattern of its train (rate, regularity, waxing and waning), and a
// proposed 0..4+ grade. Criteria: SpontaneousOptions and docs/needle-emg.md.

#include <emg/needle/needle_types.h>

#include <span>

namespace emg::needle {

struct SpontaneousOptions {
    double thresholdSigma = 5.0;       ///< detection threshold in noise rms ...
    double minThresholdUv = 15.0;      ///< ... never below this
    double fibMaxDurationMs = 6.0;     ///< fibrillation: brief spike (1-5 ms; 6 allows for the measuring criterion)
    double pswMinDurationMs = 6.0;     ///< positive sharp wave: 10-30 ms, slow negative phase
    double muapMinAmplitudeUv = 300.0; ///< larger potentials with MUAP duration are motor-unit discharges
    double regularCv = 0.35;           ///< fib/PSW trains: interval CV below this is "regular"
    double crdMaxCv = 0.08;            ///< CRD: near-perfect regularity
    double myotonicMinRateHz = 15.0;   ///< myotonic: fast ...
    double waxWaneRatio = 1.5;         ///< ... with rate or amplitude changing by this factor
    double fascMaxRateHz = 2.0;        ///< fasciculations: slow or irregular
    std::size_t minTrain = 3;          ///< potentials needed to call a train
};

/// `x`: band-filtered signal at rest, µV. Throws std::invalid_argument on a bad rate.
SpontaneousResult analyzeSpontaneous(std::span<const double> x, double sampleRateHz, const SpontaneousOptions& o = {});
/// The same on a float signal (computed in double).
SpontaneousResult analyzeSpontaneous(std::span<const float> x, double sampleRateHz, const SpontaneousOptions& o = {});

/// Grading convention (see docs/needle-emg.md): from the fibrillation/PSW trains of one site.
/// Without a train, potentials recurring at >= 1/s make 1+; rarer isolated ones are not graded (0).
int proposeGrade(std::size_t distinctTrains, double potentialsPerSec, std::string& reason);

}  // namespace emg::needle
