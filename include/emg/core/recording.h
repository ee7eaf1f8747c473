#pragma once
// An offline recording in memory: what a file reader returns and what analysis consumes.
// Samples are physical values in the channel's unit (µV for biopotentials).

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace emg {

struct Annotation {
    double onsetSec = 0.0;       ///< from the start of the recording
    double durationSec = 0.0;    ///< 0 = instantaneous
    std::string text;            ///< e.g. "Stim wrist"
};

struct RecordedChannel {
    std::string label;
    std::string physicalUnit = "uV";   ///< unit of `samples` as read; readers convert mV/V to uV
    std::string transducer;            ///< e.g. "needle electrode", "surface electrode"
    std::string prefilter;             ///< e.g. "HP:2Hz LP:10kHz"
    double sampleRateHz = 0.0;
    std::vector<double> samples;       ///< physical values (µV when physicalUnit == "uV")
    bool isAnnotationOrTrigger = false;
    /// EDF+ standard signal type taken off the label when read ("EMG", "NC", ...; the label keeps
    /// the rest). Written back as the label's type; empty: a voltage channel is written as "EMG".
    std::string signalType;
    /// The grid the file's digital samples lie on, when its reader knows it (EDF's and WFDB's gain,
    /// BrainVision's resolution): each sample is adcOffset + adcStep x k for an integer k, k within
    /// [adcMin, adcMax] when adcMin <= adcMax (the file's declared digital range). adcStep 0: none.
    /// A writer keeps the integers (the file's digital samples) where every sample lies on the grid
    /// and the target's digital range holds them; a changed sample off the grid falls back to
    /// re-quantising, so a grid left on processed samples does no harm.
    double adcStep = 0.0;
    double adcOffset = 0.0;
    std::int64_t adcMin = 1;
    std::int64_t adcMax = 0;
};

/// A stretch of recorded samples with nothing missing inside it: an EDF+D/BDF+D run of data records
/// each starting where the one before ended (issue 12: "an EDF+D gap stays a gap").
struct RecordingSegment {
    double startSec = 0.0;      ///< seconds from the recording's start (its first sample) to the segment's first sample
    double durationSec = 0.0;   ///< a channel at rate r holds round(durationSec * r) samples of the segment
};

struct Recording {
    std::string patientId;
    std::string recordingId;
    std::string startDateTime;          ///< ISO 8601 when known
    /// Free-text lines the file's header carries, as written (a WFDB header's '#' comments: EMGLAB
    /// and PhysioNet state the muscle, age, effort and electrode there; header_comments.h reads them).
    std::vector<std::string> headerComments;
    std::vector<RecordedChannel> channels;
    std::vector<Annotation> annotations;
    /// Empty: each channel's samples are one stretch from 0 s (every continuous file). Otherwise
    /// the stretches the samples hold, in time order and apart: each channel's samples are the
    /// segments' samples back to back, and nothing is stored for the holes between them (no zero
    /// is invented). Annotation onsets and durationSec() are on the file's clock, holes included.
    /// recording_segments.h maps samples to times and cuts one segment out as a recording of its own.
    std::vector<RecordingSegment> segments;
    /// The file's data-record duration when its format has records (EDF, BDF; 0 otherwise). A file
    /// of short records with every stimulus on a record's first sample stores a record per stimulus,
    /// each its own acquisition, even with no hole between them (ncs_analysis.h).
    double dataRecordSec = 0.0;
    double durationSec() const noexcept {
        if (!segments.empty()) return segments.back().startSec + segments.back().durationSec;
        double d = 0.0;
        for (const auto& c : channels)
            if (c.sampleRateHz > 0) d = std::max(d, static_cast<double>(c.samples.size()) / c.sampleRateHz);
        return d;
    }
};

}  // namespace emg
