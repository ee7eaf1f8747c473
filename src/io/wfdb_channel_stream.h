#pragma once
// A WFDB record read in bounded memory (channel_stream.h's WFDB side): what readWfdbRecord gives
// (channels, annotations, warnings in its order) with the samples of the selected signals only.
#include <emg/core/recording.h>
#include <emg/io/recording_io.h>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <vector>

namespace emg::io::detail {

struct WfdbSampleSelection {
    /// Signals (header index = channel index) whose samples go to Recording::samples as double,
    /// bit for bit readWfdbRecord's values.
    const std::vector<bool>* doubleChannels = nullptr;
    /// The signal whose samples go to floatOut, each the float nearest readWfdbRecord's double.
    std::optional<std::size_t> floatChannel;
    std::vector<float>* floatOut = nullptr;
    std::vector<std::size_t>* sampleCounts = nullptr;   ///< each channel's sample count, when given
    bool logWarnings = true;                            ///< the warnings also to the log (once per file)
    /// Set with one signal flagged in doubleChannels: its values go here in order, a chunk at a
    /// time, instead of into Recording::samples (bounded memory).
    std::function<void(std::span<const double>)> doubleSink;
};

/// The record of `headerPath` with only the selected samples. nullopt for a record the signal
/// streams do not take (WfdbSignalStreams::refusal), more null-signal samples than the reader
/// fills in, or a header the reader refuses: readWfdbRecord then reads it or names the problem.
/// Throws the reader's FormatError for a signal file holding less than half the announced frames.
std::optional<Recording> streamWfdbRecord(const std::filesystem::path& headerPath, ReadInfo& info, const WfdbSampleSelection& sel);

}  // namespace emg::io::detail
