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
};

struct Recording {
    std::string patientId;
    std::string recordingId;
    std::string startDateTime;          ///< ISO 8601 when known
    std::vector<RecordedChannel> channels;
    std::vector<Annotation> annotations;
    double durationSec() const noexcept {
        double d = 0.0;
        for (const auto& c : channels)
            if (c.sampleRateHz > 0) d = std::max(d, static_cast<double>(c.samples.size()) / c.sampleRateHz);
        return d;
    }
};

}  // namespace emg
