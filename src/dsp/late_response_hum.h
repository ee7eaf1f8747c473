#pragma once
// Mains hum on one late-response sweep (F-waves), fitted where only the baseline, the slow tail of
// M and the short late responses are: from the end of M to the end of the sweep. The fitted
// sinusoids are subtracted from the whole sweep (hum is steady over one sweep in every layout:
// a continuous recording, or one record per stimulus with its own phase). Internal to emg_dsp.

#include <emg/dsp/sweeps.h>

namespace emg::dsp::detail {

struct LateHumFit {
    double mainsHz = 0.0;          ///< 0 = nothing fitted (too short a stretch)
    double fundamentalUv = 0.0;    ///< amplitude of the fitted fundamental
    double residualRmsUv = 0.0;    ///< rms of the fit's residual on the samples used
};

/// Least squares on [from, end) of cos/sin at the mains frequency and its harmonics up to the 3rd
/// (below 0.45 fs) plus a cubic in time (M's slow tail through the high-pass); then refitted up to
/// three times without the samples whose residual exceeds 4 x the robust noise (median absolute
/// residual / 0.6745), +-2 ms around them: the F waves, which would otherwise pull the sinusoids. `mainsHz` < 0: 50 and
/// 60 Hz are both fitted and the one leaving the smaller residual is taken; 0 (or no mains period
/// in the stretch): the cubic alone. The sinusoids are subtracted from the whole sweep, the cubic's
/// change from its value at `from` from [from, end): what is left after M is then flat but for the
/// noise and the F waves (a running median over a strongly curved tail, e.g. the high-pass response
/// to a DC step between records, is off by tens of uV). `screenFirst`: the first fit already
/// leaves out what lies beyond 4 x the robust spread about the stretch's median (a millivolt H wave).
LateHumFit subtractLateHum(Sweep& sweep, std::size_t from, double mainsHz, bool screenFirst = false);

/// A sweep with nothing before its stimulus (records that start at it): the same robust fit on
/// [from, end) with a level and a slope instead of the cubic, and the whole model (level, slope
/// and sinusoids, the line extended back to the stimulus) subtracted from the whole sweep, so that
/// sweeps of records with their own DC, drift and hum phase share a zero level before they are
/// averaged. Over 100 ms a 0.1-0.5 Hz drift is close to a line. The first fit already leaves out
/// what lies beyond 4 x the robust spread about the stretch's median (a millivolt H wave would
/// otherwise be half absorbed by it, and the refits never single it out).
LateHumFit subtractTailLevel(Sweep& sweep, std::size_t from, double mainsHz);

}  // namespace emg::dsp::detail
