#pragma once
// The marks a test's multiplex group carries as waveform annotations: every annotation of the
// recording inside the linked span (stimuli, gaps, comments), and every latency measured on the
// test (a measurement named "latencyMs" or "…LatencyMs") placed at its stimulus + the latency.
// The stimulus of an NCS site's latency is the first "Stim <site>" of that site in the span (names compared
// without case, hyphens or underscores), else
// the span's first stimulus; a test-level latency (F, H, M) counts from the span's first
// stimulus. Qt-free.
#include "linked_span.h"

#include <emg/study/tests.h>

#include <cstdint>
#include <string>
#include <vector>

namespace emg::report::dicom {

struct WaveformMarker {
    std::int64_t sampleIndex = 0;    ///< 0-based in the span
    std::string text;                ///< "Stim ankle", "ankle: distalLatencyMs 4.9 ms"
    int annotationGroup = 1;         ///< 1: the recording's own annotations, 2: measured latencies
};

/// Inside the span only; a latency that falls outside it, or without any stimulus, is named in `notes`.
std::vector<WaveformMarker> markersFor(const study::Test& test, const LinkedSpan& span, std::vector<std::string>& notes);

}  // namespace emg::report::dicom
