#pragma once
// F-waves, H-reflex, repetitive nerve stimulation (RNS) and the supramaximal search.
// Definitions and criteria: docs/measurements.md.

#include <emg/dsp/ncs_measures.h>
#include <emg/dsp/sweeps.h>

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace emg::dsp {

// ---- F-waves ---------------------------------------------------------------------------------
struct FWaveSettings {
    DetectionSettings mDetection{};          ///< M response on the average of the train
    double onsetSd = 4.0;                    ///< F onset: beyond max(onsetSd * baseline SD, minOnsetUv) ...
    double minOnsetUv = 20.0;
    double persistenceMs = 0.2;              ///< ... lasting this long
    double mSettleMs = 3.0;                  ///< M has ended when the average stays near baseline this long
    double mEndFraction = 0.02;              ///< ... "near": within the M threshold or this fraction of M's amplitude
    double searchFromMs = 0.0;               ///< 0 = from the end of M
    double trendHalfWidthMs = 20.0;          ///< slow trend after M (high-pass tail) removed by a running median over +-this; 0 = off
    /// Mains hum fitted on each sweep after M and subtracted (F waves left out of the fit): the
    /// frequency, or -1 = 50 or 60 Hz, whichever fits better; 0 = off.
    double mainsHz = -1.0;
    /// F latency: where the F wave first leaves the baseline by this x the baseline SD, from a fit
    /// of its take-off (onset_takeoff.h, as for motor onsets); 0 = the threshold crossing refined
    /// back and extrapolated to the baseline.
    double takeoffLevelSd = 4.0;
    /// With at least 3 sweeps carrying an F, a first departure more than this many ms before every
    /// other sweep's F is not an F of this train (M's tail or an artifact in that sweep): it is not
    /// counted (not present, no latency), and the result's note names it. F latencies of one
    /// train spread over a few ms (chronodispersion, normal up to ~6 ms); 0 = off.
    double isolatedEarlyGapMs = 8.0;
    /// The minimal latency is uncertain (FWaveResult::minLatencyNote) when a sweep's F may begin,
    /// at a lead-in lobe near the onset level, more than this before it, or when it rests on an
    /// uncertain onset with the earliest clear F more than this after it (the F-wave goal of issue 11:
    /// closer, the minimal latency stays within it either way).
    double minLatencyUncertainMs = 0.3;
};
struct FWaveTrace {
    std::size_t sweepIndex = 0;
    bool present = false;
    double latencyMs = 0.0;                  ///< onset
    double peakToPeakUv = 0.0;
    bool isolatedEarly = false;              ///< a departure far before every other F: not counted (latencyMs keeps where)
    /// > 0: a lobe of the other sign peaking about at the onset level leads into this F's main
    /// phase (Takeoff::dipNearLevel); the F may begin where that lobe takes off, here (ms)
    double nearLevelLobeMs = 0.0;
    /// the take-off fit does not vouch for this onset (Takeoff::uncertain: F under 20 x the noise,
    /// an unsettled baseline, an imprecise or separate lobe)
    bool onsetUncertain = false;
};
struct FWaveResult {
    std::vector<FWaveTrace> traces;
    std::size_t stimuli = 0, present = 0;
    double persistencePercent = 0.0;
    double minLatencyMs = 0.0, meanLatencyMs = 0.0, maxLatencyMs = 0.0;
    double chronodispersionMs = 0.0;         ///< max - min latency
    ResponseResult m;                        ///< M response (on the averaged train)
    double searchFromMs = 0.0;               ///< where the F search window began
    std::string method;
    std::string note;                        ///< what was not counted, and why (empty: nothing)
    /// Why minLatencyMs may not be the train's earliest F (empty: nothing known): a sweep's F may
    /// begin more than minLatencyUncertainMs before it, at a lobe near the onset level; or the
    /// earliest F's onset is uncertain and every clear F comes more than that later.
    std::string minLatencyNote;
    [[nodiscard]] bool minLatencyUncertain() const noexcept { return present > 0 && !minLatencyNote.empty(); }
};
/// The F-waves of a train (sweeps of one length and pre-trigger; docs/measurements.md section 4).
/// Sweeps with under 1 ms before the stimulus (records that start at it, lateResponseSweeps) are
/// measured without a pre-stimulus baseline: each less a level, slope and hum fitted on its last
/// 60 %, M read against the average's last 40 %, each sweep's level and SD taken after M.
FWaveResult analyzeFWaves(std::span<const Sweep> sweeps, const FWaveSettings& settings = {});

// ---- H-reflex --------------------------------------------------------------------------------
struct HReflexSettings {
    double mWindowToMs = 15.0;               ///< M response within [artifact end, mWindowToMs) at least ...
    double mWindowMaxMs = 24.0;              ///< ... extended to where the largest M has settled, at most this (H starts there)
    double mSettleMs = 3.0;                  ///< M has settled when it stays within its threshold this long ...
    double mEndFraction = 0.02;              ///< ... or within this fraction of its amplitude
    double trendHalfWidthMs = 20.0;          ///< slow trend after M removed before H is measured (as for F-waves); 0 = off
    double hWindowFromMs = 0.0;              ///< 0 = mWindowToMs
    /// H searched up to here: the H-reflex sweep's window (ncsSettingsFor); records that start at
    /// the stimulus give longer sweeps (their level is fitted after H, lateResponseSweeps); 0 = end of sweep.
    double hWindowToMs = 60.0;
    DetectionSettings hOnset{};              ///< onset of H on the sweep with the largest H
    /// H latency: where H first leaves the baseline by this x the baseline SD, from a fit of its
    /// take-off (onset_takeoff.h, as FWaveSettings::takeoffLevelSd); 0 = the threshold crossing
    /// refined back and extrapolated to the baseline.
    double takeoffLevelSd = 4.0;
    double peakFitMs = 0.2;
    /// Mains hum (as FWaveSettings::mainsHz: -1 = 50 or 60 Hz, 0 = none): fitted after M on the
    /// sweep H's onset is read on (H left out), and on each sweep with nothing before the stimulus
    /// with its level and slope.
    double mainsHz = -1.0;
};
struct HReflexSweep {
    std::size_t sweepIndex = 0;
    std::optional<double> intensityMa;
    double mPeakToPeakUv = 0.0;
    double hPeakToPeakUv = 0.0;
};
struct HReflexResult {
    std::vector<HReflexSweep> sweeps;
    double hMaxUv = 0.0, mMaxUv = 0.0;
    double hmRatio = 0.0;                    ///< Hmax / Mmax (peak-to-peak)
    std::optional<double> hLatencyMs;        ///< onset of H on the sweep with Hmax
    /// Why the take-off fit does not vouch for hLatencyMs (an opposite lobe near the onset level just
    /// before H's main phase, a separate lobe, an unsettled baseline, H under 20 x the noise); empty
    /// when it does.
    std::string hLatencyNote;
    /// hLatencyMs is an estimate, not a value (emgws-cli: hLatencyMs null, the estimate apart).
    [[nodiscard]] bool hLatencyUncertain() const noexcept { return hLatencyMs && !hLatencyNote.empty(); }
    std::size_t hMaxSweep = 0, mMaxSweep = 0;
    double mWindowToMs = 0.0;                ///< where M was taken to end and H searched from
    std::string method;
};
/// H latency and H/M over an intensity series (docs/measurements.md section 5). Sweeps with under
/// 1 ms before the stimulus (records that start at it, lateResponseSweeps) are measured without a
/// pre-stimulus baseline: each less a level, slope and hum fitted robustly on its last 60 % (M's
/// tail and H left out by the refits), its baseline level and SD those of its last 40 % with the
/// responses set aside.
HReflexResult analyzeHReflex(std::span<const Sweep> sweeps, std::span<const std::optional<double>> intensitiesMa,
                             const HReflexSettings& settings = {});

// ---- repetitive nerve stimulation ---------------------------------------------------------------
struct RnsResult {
    std::vector<ResponseResult> responses;   ///< in train order
    std::vector<std::size_t> sweepIndices;
    double rateHz = 0.0;                     ///< from the stimulus spacing; 0 = not known (one sweep, or Sweep::gluedRecord: `note` says)
    std::optional<double> decrement4AmplitudePercent, decrement4AreaPercent;
    std::optional<double> decrement5AmplitudePercent, decrement5AreaPercent;
    double maxDecrementAmplitudePercent = 0.0;   ///< largest (1 - A_n/A_1) in the train
    std::string method;
    std::string note;                        ///< what limits the reading (empty: nothing known)
};
/// Decrement_n = (1 - R_n / R_1) * 100 for amplitude (baseline to negative peak) and negative
/// area, each response detected on its own sweep. Sweeps with under 1 ms before the stimulus
/// (records that start at it, lateResponseSweeps) are measured without a pre-stimulus baseline:
/// each less a level, slope and hum (`mainsHz`: -1 = 50 or 60 Hz, 0 = none) fitted robustly on its
/// last 60 % (the response left out), its baseline level and SD those of its last 40 %.
RnsResult analyzeRns(std::span<const Sweep> train, const DetectionSettings& settings = {}, double mainsHz = -1.0);

/// A later train's first response against an earlier one's (after exercise against at rest: the
/// post-exercise facilitation; > 100 % is characteristic of Lambert-Eaton syndrome, AAEM 2001), % of
/// the earlier's amplitude (baseline to negative peak); nullopt when either first response is missing.
std::optional<double> firstResponseChangePercent(const RnsResult& earlier, const RnsResult& later);

// ---- supramaximal search ---------------------------------------------------------------------
struct SupramaxPoint {
    double intensityMa = 0.0;
    double amplitudeUv = 0.0;
    std::size_t sweepIndex = 0;
};
struct SupramaxResult {
    std::vector<SupramaxPoint> points;       ///< sorted by intensity
    bool plateauReached = false;
    double plateauIntensityMa = 0.0;         ///< lowest intensity from which no later response is > changePercent different
    double plateauAmplitudeUv = 0.0;
    double recommendedMa = 0.0;              ///< 1.2 x plateauIntensityMa (supramaximal)
    std::string criterion;
};
SupramaxResult findSupramaximal(std::vector<SupramaxPoint> points, double changePercent = 5.0);

}  // namespace emg::dsp
