#pragma once
// The body of the EDF/BDF reader, shared by parseEdf (a file in memory, every sample as double)
// and the streamed readers of channel_stream.h (records from disk a few at a time, no samples or
// one channel as float): channels described, annotations, warnings and the samples selected.
#include "edf_header.h"

#include <emg/io/recording_io.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace emg::io::detail {

struct EdfSampleSelection {
    bool allAsDouble = true;                    ///< every channel's samples into Recording::samples (parseEdf)
    /// Otherwise (continuous files only): no Recording::samples; the channel of this index (in
    /// Recording::channels) goes to floatOut as physical values.
    std::optional<std::size_t> floatChannel;
    std::vector<float>* floatOut = nullptr;
    /// Also (continuous files only): the channels flagged here (index in Recording::channels) get
    /// their samples as double into Recording::samples, the same values parseEdf gives.
    const std::vector<bool>* doubleChannels = nullptr;
    std::vector<std::size_t>* sampleCounts = nullptr;   ///< each channel's sample count, when given
    bool logWarnings = true;                    ///< the warnings also to the log (once per file)
    /// Set with one channel flagged in doubleChannels: its samples (gap zeros included) go here in
    /// order, a block at a time, instead of into Recording::samples (bounded memory).
    std::function<void(std::span<const double>)> doubleSink;
};

/// `records` whole data records (the count settled against the file size), record r's bytes at
/// recordAt(r), asked for in order 0, 1, ... Fills `info` (format, record duration, count, and
/// warnings after those already there). Throws FormatError naming `name`.
Recording parseEdfRecords(const EdfHeader& h, std::int64_t records, const std::function<const std::uint8_t*(std::int64_t)>& recordAt,
                          ReadInfo& info, const std::string& name, const EdfSampleSelection& selection);

}  // namespace emg::io::detail
