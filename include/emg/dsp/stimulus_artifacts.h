#pragma once
// Stimuli found from their artifacts, for a recording that marks none (no stimulus annotation, no
// trigger channel): a nerve stimulus couples into the recording as a jump of the whole signal
// within a fraction of a millisecond out of a quiet baseline, far steeper for its size than any
// response (a CMAP or SNAP rises over 0.5-3 ms, so in 0.1 ms it covers a small part of its
// excursion; an artifact covers most of it). Only for a test the examiner names (the engine
// never infers a test from it), and said wherever its stimuli are used. A step of the level that
// lasts (a record of another acquisition glued on) is not one.

#include <emg/dsp/stimulus_events.h>

#include <span>
#include <vector>

namespace emg::dsp {

struct ArtifactStimulusSettings {
    double jumpMs = 0.05;           ///< the span a jump must happen within (at least a sample)
    double minJumpOverNoise = 20.0; ///< a jump >= this x the robust SD of all jumps of that span ...
    double minJumpOfLargest = 0.1;  ///< ... and >= this share of the record's largest jump
    double quietMs = 5.0;           ///< before it, every jump < quietShare x this one's (a resting muscle)
    double quietShare = 0.25;
    double excursionMs = 2.0;       ///< the jump is >= minJumpShare of the largest excursion from
    double minJumpShare = 0.45;     ///< the level before it within excursionMs (a response's is ~0.1-0.3)
    double maxLastingShare = 0.5;   ///< the level 10-40 ms on (median) less the level before, < this x the jump (else a step)
    double refractoryMs = 10.0;     ///< the next stimulus no sooner
};

/// Stimulus marks (site "artifact", source "artifact") at the first sample of each artifact of the
/// channel `x` sampled at `sampleRateHz`; empty when nothing stands out as one.
std::vector<StimulusMark> stimuliFromArtifacts(std::span<const double> x, double sampleRateHz, const ArtifactStimulusSettings& settings = {});

/// A motor study stimulates each site a few times and then another: the marks split into sites
/// "site 1", "site 2", ... (in time order) at each pause longer than both 2 s and 3 x the median
/// interval, and with `byResponse` where the response's largest deflection (after the artifact, up
/// to 50 ms, on `x`) moves by more than 0.5 ms (another distance to the muscle: a CMAP stands out of
/// a single sweep), unless the next stimulus, without a pause, has it back where it was (one sweep's
/// noise moved it). A sensory study splits at the pauses alone (`byResponse` false): a single sweep's
/// SNAP is too small to place (its largest deflection is noise: on the generator's files the split
/// by response gave 166 of 258 too many sites); analyzeSites then compares each such site's two
/// halves of sweeps. Late responses and RNS keep one site.
void splitArtifactSites(std::vector<StimulusMark>& marks, std::span<const double> x, double sampleRateHz, bool byResponse);

}  // namespace emg::dsp
