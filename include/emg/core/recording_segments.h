#pragma once
// The contiguous segments of a Recording (Recording::segments; issue 12): where each segment's
// samples lie in a channel, and one segment cut out as a continuous Recording of its own (its times
// from the segment's start), so that code written for continuous recordings (sweeps, figures,
// analyses) never works across a hole. A recording without segments is one segment from 0 s.
#include <emg/core/recording.h>

#include <cstddef>
#include <vector>

namespace emg {

/// Recording::segments, or one segment [0, durationSec()) for a continuous recording.
std::vector<RecordingSegment> segmentsOf(const Recording& rec);

/// The index in a channel at `sampleRateHz` of segment `segment`'s first sample (the samples of
/// the segments before it); for segment == segments.size(), the end.
std::size_t segmentFirstSample(const Recording& rec, std::size_t segment, double sampleRateHz);

/// Segments no longer than this are the sweeps of one study recorded a record per stimulus (the
/// EDF+ specification's nerve-conduction layout): analysed and drawn as one recording, each sweep
/// kept within its own segment, not segment by segment.
constexpr double kSweepSegmentMaxSec = 1.0;

/// Whether `rec` is such a file: two or more segments, every one at most kSweepSegmentMaxSec long.
bool isRecordPerSweep(const Recording& rec);

/// Segment `segment` as a continuous recording: each channel's samples of it (its own copy), the
/// annotations with onsets in [startSec, startSec + durationSec) moved to count from startSec (the
/// hole's "Gap" annotation, at the end of the segment before, is not among them), no segments.
/// Throws std::out_of_range for a segment it does not have.
Recording segmentRecording(const Recording& rec, std::size_t segment);

}  // namespace emg
