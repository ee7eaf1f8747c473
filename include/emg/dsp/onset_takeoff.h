#pragma once
// Onset (take-off) of an evoked response: where it leaves its baseline, for any take-off shape
// (zero initial slope as a raised cosine or a sum of motor-unit potentials has, or a finite slope).
// The onset is defined as the time the response first leaves the baseline by `levelSd` times the
// baseline noise (a visible departure); it is estimated by fitting a power law
// a * (t - t0)^p (p 1..5, zero before t0) to the take-off, from well before it up to a fraction
// of the first peak (at most fitUpSd x the noise), and solving for that level, so that noise on single samples near the level
// does not decide. A departure of the opposite sign just before (an initial positive dip) is the
// onset when it exceeds the level for dipMinMs; the result says so. Definitions and measured
// accuracy: docs/measurements.md.

#include <emg/dsp/sweeps.h>

#include <optional>
#include <string>

namespace emg::dsp {

/// An onset standard error at or above this is no measure (the take-off fit found no rising slope:
/// the noise divided by nothing); notes and the JSON say it cannot be given instead of printing it.
inline constexpr double kUnmeasurableOnsetSeMs = 1e3;

struct TakeoffSettings {
    double levelSd = 4.0;          ///< onset level: levelSd x noise rms
    double confirmSd = 7.0;        ///< a response is confirmed where it stays beyond confirmSd x noise ...
    double persistenceMs = 0.1;    ///< ... for this long
    double fitBackMs = 2.5;        ///< the fit starts this far before the confirmation (or at the search start)
    double fitUpFraction = 0.3;    ///< ... and runs up to this fraction of the first peak ...
    double fitUpSd = 30.0;         ///< ... or this many x the noise rms, whichever is lower (a local fit near the onset level)
    double dipLookBackMs = 3.0;    ///< an opposite-sign departure is looked for this far before the onset
    double dipMinMs = 0.15;        ///< and must last this long beyond the level
    /// ... and end at most this long before the main phase's onset (it leads into it; a lobe near
    /// the level: before the main phase leaves the baseline, a slow phase taking up to 1 ms from there to the level)
    double dipMaxGapMs = 0.5;
    /// A small lobe (< 10 % of the largest deviation) back within the level for 0.5 ms before the
    /// response is skipped when it starts within this of the search start (0: anywhere).
    double isolatedLobeWithinMs = 1.0;
    double certainSnr = 20.0;      ///< peak / noise below this: "onset uncertain"
    /// ... where the noise is itself estimated (a few hundred samples: a few % either way), so an
    /// onset is called certain only from certainSnr x (1 + this) x the measured noise.
    double snrEstimateMargin = 0.1;
    double minNoiseUv = 0.05;      ///< noise floor (an exactly flat baseline)
    /// > 0: the onset is uncertain when onsetSeZ x its standard error (`Takeoff::onsetSeMs`, from
    /// the noise and the fitted take-off's slope) exceeds this many ms: an onset that cannot be
    /// placed within it is flagged, not stated. 0: off (ncsSettingsFor sets it for motor/sensory).
    double maxOnsetSeMs = 0.0;
    double onsetSeZ = 2.5;         ///< ... one-sided: 2.5 SE leaves ~0.6 % of onsets beyond the limit
    /// > 0: for that limit the SE gets a sampling term added in quadrature, this fraction of the
    /// sample interval (the take-off fit's error the noise-only SE misses at low rates: ~Ts/6,
    /// docs/measurements.md section 7, ncs-cvse). 0: the noise-only SE (ncsSettingsFor sets it for sensory).
    double onsetSeSampleFraction = 0.0;
    /// > 0: the onset is uncertain (`dipNearLevel`) when, after it, the +-0.1 ms average takes longer
    /// than this many ms to pass the top of the level's band: a shoulder just under the level before
    /// the main rise (a dispersed SNAP's fastest fibres). 0: off (ncsSettingsFor sets it for sensory).
    double shoulderMs = 0.0;
    /// true: where the power-law fit of the take-off leaves a residual beyond chance (99th
    /// percentile of chi^2 for its degrees of freedom), its standard error is propagated from that
    /// residual rather than from the noise (a take-off the model does not describe: a CMAP's foot
    /// rising in two stages). false: from the noise (ncsSettingsFor sets it for motor; for sensory
    /// sites it flagged 26 more of 587 goal sites on fresh development cases and changed no error
    /// beyond the goals, docs/measurements.md section 7).
    bool seFromMisfit = false;
};

struct Takeoff {
    double sample = 0.0;           ///< fractional sample index of the onset
    int sign = 0;                  ///< -1 negative, +1 positive first departure
    std::size_t confirmed = 0;     ///< first sample of the confirmed departure (of the main phase)
    int mainSign = 0;              ///< sign of the main (confirmed) phase
    bool initialOppositePhase = false;   ///< the onset is an opposite-sign dip before the main phase
    double levelUv = 0.0;
    double peakUv = 0.0;           ///< largest |deviation| within 20 ms of the confirmation
    double signalToNoise = 0.0;    ///< peakUv / noise
    bool uncertain = false;        ///< signalToNoise < certainSnr x (1 + snrEstimateMargin)
    double fitPower = 0.0;         ///< p of the fitted take-off (0: level crossing, too few samples)
    /// An opposite-sign lobe leading into the main phase peaks near the onset level (within the
    /// uncertainty of both): the onset may be its take-off or the main phase's.
    bool dipNearLevel = false;
    /// dipNearLevel from such a lobe: where it passes half the level on its +-0.1 ms average (the
    /// lobe's take-off, a fractional sample); -1 when not known (no such lobe, or the shoulder rule).
    double nearLevelLobeSample = -1.0;
    /// An opposite-sign excursion already beyond the level where the search starts runs into the
    /// main phase (the artifact's tail not settled), or the sweep 1.5-0.5 ms before the onset sits
    /// off the baseline by more than 3/4 of the level on average: the onset is uncertain.
    bool unsettledBaseline = false;
    /// An opposite-sign lobe beyond the level for dipMinMs, rising from a settled baseline (within
    /// the level for 0.5 ms before it), that is back within the level more than dipMaxGapMs
    /// before the main phase's onset: the response may begin at that lobe or at the main phase
    /// (a dispersed SNAP's initial positivity can return to the baseline before the negative phase;
    /// held-out seed 1000118 s3 read 0.92 ms late): the onset is the main phase's, uncertain.
    bool separateLobe = false;
    /// Standard error of the onset (ms) from the noise rms and the fitted take-off (linearized least
    /// squares of a (t - t0)^p at the fitted p), or noise / slope at the level crossing without a fit.
    double onsetSeMs = 0.0;
    bool imprecise = false;        ///< onsetSeZ x onsetSeMs > maxOnsetSeMs (also sets uncertain)
};

/// Searches [fromSample, toSample) of `sweep` against `baselineUv` and the baseline noise rms.
std::optional<Takeoff> findTakeoff(const Sweep& sweep, double baselineUv, double noiseRmsUv, std::size_t fromSample, std::size_t toSample,
                                   const TakeoffSettings& settings = {});

/// One line saying how the onset was found (for provenance).
std::string describeTakeoff(const TakeoffSettings& settings, double noiseRmsUv);

}  // namespace emg::dsp
