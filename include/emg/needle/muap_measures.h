#pragma once
// Parameters of one MUAP template: amplitude, duration (onset/end by a slope and amplitude
// criterion), phases, turns, area, thickness, satellites. Criteria in MuapCriteria and in
// docs/needle-emg.md.

#include <emg/needle/needle_types.h>

#include <span>

namespace emg::needle {

struct MuapCriteria {
    double slopeUvPer100Us = 5.0;    ///< activity when |dV| over 0.1 ms exceeds this
    double amplitudeUv = 10.0;       ///< ... or |V - baseline| exceeds max(this, 4 x template noise)
    double quietMs = 1.0;            ///< an inactive stretch this long ends the potential
    double turnUv = 20.0;            ///< a turn: direction change with >= this on both sides
    double satelliteUv = 30.0;       ///< late component: >= max(this, 5 x template noise)
};

/// Measures a template (µV samples) around its main peak `peakIndex`. `templateNoiseUv` is
/// the noise left in the average (raw noise / sqrt(firings)); 0 = estimate from the first and
/// last 3 ms. The template should hold at least ~10 ms before and ~20 ms after the peak.
MuapParameters measureMuap(std::span<const double> templateUv, std::size_t peakIndex, double sampleRateHz,
                           double templateNoiseUv = 0.0, const MuapCriteria& criteria = {});

/// RMS of a template's first and last 3 ms (at most a sixth of it each) about their median: what
/// an average still holds of other units' potentials and noise at its flanks. measureMuap uses
/// the same stretches for its baseline (and this estimate when given no template noise).
double templateFlankRms(std::span<const double> templateUv, double sampleRateHz);

/// The criteria with every µV value (level, slope, turn, satellite) multiplied by `k`: the
/// convention as it applies to a potential k times the size it was set for. Used when the gain is
/// unknown (counts, not µV): k = the MUP's own amplitude / the muscle's typical MUP amplitude.
MuapCriteria scaledCriteria(MuapCriteria c, double k) noexcept;

/// Turns (direction changes of >= turnUv on both sides) in x[from, to).
int countTurns(std::span<const double> x, double turnUv);

}  // namespace emg::needle
