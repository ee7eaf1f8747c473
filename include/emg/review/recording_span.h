#pragma once
// A span of a recording as the `Recording` the analyzers take (issue 13, "measure where it is"):
// only the data records the span touches are read (through a PagedRecording: EDF/BDF or WFDB), never the whole
// file. Times inside the span start at 0: sample 0 of each channel is its first sample at or
// after the span's start, and the annotations (stimuli) whose onset lies in the span are shifted
// by the same amount. EDF+D holes inside the span stay holes as the whole-file reader keeps them:
// nothing stored for them, the runs between them Recording::segments (from channel 0's runs),
// each hole annotated "Gap <n> samples". Qt-free.
#include <emg/core/recording.h>
#include <emg/review/paged_recording.h>

#include <string>
#include <vector>

namespace emg::review {

struct SpanInfo {
    double requestedFromSec = 0.0, requestedToSec = 0.0;
    /// The span actually taken: startSec is the time of channel 0's first sample in it (a
    /// requested start between two samples moves to the next one); endSec is clamped to the end.
    double startSec = 0.0, endSec = 0.0;
    std::vector<std::string> warnings;   ///< e.g. the end clamped to the recording's end
};

/// Samples and annotations of [fromSec, toSec) (seconds from the first data record) of the
/// recording `reader` has open. Throws std::invalid_argument for a span that is empty, NaN,
/// negative or starts after the end; std::length_error for a span above kMaxPageSamples.
Recording readRecordingSpan(PagedRecording& reader, double fromSec, double toSec, SpanInfo* info = nullptr);

/// The same cut of a recording already in memory (WFDB and headerless inputs, which have no paged
/// reader): samples [ceil(fromSec * rate), ceil(toSec * rate)) of each channel, annotations with
/// onsets in the span shifted by the time of channel 0's first sample.
Recording sliceRecording(const Recording& whole, double fromSec, double toSec, SpanInfo* info = nullptr);

}  // namespace emg::review
