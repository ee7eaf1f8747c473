#pragma once
// A long recording read without holding it whole: first its outline (every channel described,
// the annotations, the reader's warnings: what readRecording gives, without the samples), then
// the one channel an analysis needs as float physical values (µV for voltages), 4 bytes a sample,
// or a few channels as double (the NCS analyzers). All stream the file's data records (WFDB: its
// signal files) from disk a few at a time. EDF, EDF+C/D, BDF, BDF+C/D and WFDB records (by their
// .hea, record name or .dat): an EDF+D channel has its records' samples only, as readRecording
// gives them (no zero for a hole; the outline's Recording::segments say where they lie); a WFDB channel the values readWfdbRecord gives (checksums and invalid samples checked on
// the way). A WFDB record with more null-signal samples than the reader fills in, or one the
// signal streams do not take (wfdb_signal_streams.h), is left to readRecording; headerless
// binary files have their own outline and float reader in raw_signal.h.
#include <emg/core/recording.h>
#include <emg/io/recording_io.h>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <vector>

namespace emg::io {

struct RecordingOutline {
    Recording recording;                     ///< channels with empty `samples`; annotations as readRecording reads them
    std::vector<std::size_t> sampleCounts;   ///< per channel of `recording`
    ReadInfo info;                           ///< as readRecording fills it
};

/// The WFDB header readRecording would read `path` as: a .hea, a record name without it, a .dat
/// (not EDF) beside its .hea; nullopt for anything else (a header under another name is left to
/// readRecording).
std::optional<std::filesystem::path> wfdbHeaderOf(const std::filesystem::path& path);

/// The outline of an EDF/BDF(+) file or WFDB record; nullopt for any other file, and for one that
/// readRecording would refuse (it then says why).
std::optional<RecordingOutline> readRecordingOutline(const std::filesystem::path& path);

/// Channel `channel` (an index into the outline's channels) as float physical values. Throws
/// FormatError for a file the outline does not read or a channel it does not have.
std::vector<float> readChannelAsFloat(const std::filesystem::path& path, std::size_t channel);

/// The recording with only the channels flagged in `channels` (indices into the outline's
/// channels) holding samples, as double physical values bit for bit as readRecording gives them;
/// every other channel described with empty samples. Throws FormatError for a file the outline
/// does not read.
Recording readRecordingChannels(const std::filesystem::path& path, const std::vector<bool>& channels);

/// Channel `channel` as readRecordingChannels gives it (the same doubles, nothing for an EDF+D's
/// holes), handed to `sink` in order a block at a time, never held whole. Returns the
/// channel's sample count. Throws FormatError as readRecordingChannels does.
std::size_t streamChannelAsDouble(const std::filesystem::path& path, std::size_t channel,
                                  const std::function<void(std::span<const double>)>& sink);

}  // namespace emg::io
