#pragma once
// The samples readWfdbRecord gives each signal of a WFDB record, handed out a few at a time so
// that memory stays bounded whatever the record's size: the decoded ADC values of its signal file
// (several signals interleaved frame by frame; several files), skew applied, the baseline where
// no sample is stored (null signals, skew past the end of a file). Frame counts, truncation
// warnings and the invalid-sample count are the reader's.
#include <emg/io/wfdb.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace emg::io::detail {

/// Signals of one file (or one null signal), in the order readWfdbRecord reports them.
struct WfdbSignalGroup {
    bool null = false;
    std::vector<int> signals;   ///< header indices
};

class WfdbSignalStreams {
public:
    /// Plans the reading as readWfdbRecord does. A record these streams do not take (a file name
    /// outside the header's folder, mixed formats in one file, a byte offset past the end, skew of
    /// more than 4 Mi samples, no stored signal, null signals longer than the stored data, a rate
    /// above the limit) sets refusal(): the caller leaves it to the reader, which names the
    /// problem. Throws the reader's FormatError for a signal file holding less than half the
    /// announced frames or missing.
    WfdbSignalStreams(const WfdbHeader& header, const std::filesystem::path& folder, const std::string& context);
    ~WfdbSignalStreams();
    WfdbSignalStreams(const WfdbSignalStreams&) = delete;
    WfdbSignalStreams& operator=(const WfdbSignalStreams&) = delete;

    /// Why the record is left to the reader, or nullptr.
    const char* refusal() const noexcept { return refusal_; }
    /// "truncated: ..." warnings, in the reader's order.
    const std::vector<std::string>& warnings() const noexcept { return warnings_; }
    const std::vector<WfdbSignalGroup>& groups() const noexcept { return groups_; }
    /// Samples of signal `i` (frames x samples per frame).
    long long samples(std::size_t i) const { return signals_[i].length; }
    /// Frames of signal `i` (the reader compares this with nsamp before checking a checksum).
    long long frames(std::size_t i) const { return signals_[i].frames; }
    bool isNull(std::size_t i) const { return signals_[i].file < 0; }

    /// Appends the next min(count, samples left) values of signal `i` to `out`; returns how many.
    std::size_t take(std::size_t i, std::size_t count, std::vector<std::int32_t>& out);
    /// Decodes what no signal asked for (frames read for skew), so that invalidSamples() counts
    /// every sample the reader decodes. Call once after every signal's samples were taken.
    void decodeRest();
    /// Samples marked invalid in what was decoded since the last rewind().
    std::size_t invalidSamples() const;
    /// WFDB's checksum of signal `i` over what was decoded since the last rewind(): its first nsamp
    /// frames as stored (no skew, invalid codes as they are), what the header's checksum field
    /// states. Complete once decodeRest() was called; 0 for a null signal.
    std::uint16_t storedChecksum(std::size_t i) const;
    /// Back to the first sample of every signal.
    void rewind();

private:
    struct File;
    struct Signal {
        int file = -1;             ///< index in files_, -1 for a null signal
        std::size_t member = 0;    ///< position among the file's signals
        long long frames = 0, length = 0;
        long long shift = 0;       ///< skew in samples: value t is the file's sample t + shift of this signal
        long long stored = 0;      ///< samples of this signal the file's decoded frames hold
        std::int32_t baseline = 0;
        long long emitted = 0;
    };
    void pull(File& f);

    std::vector<std::unique_ptr<File>> files_;
    std::vector<Signal> signals_;
    std::vector<WfdbSignalGroup> groups_;
    std::vector<std::string> warnings_;
    const char* refusal_ = nullptr;
    std::string context_;
};

/// The reader's per-signal warnings after the samples (in its order: by file, a null signal on its
/// own): a null signal, a defaulted gain, a checksum that does not match storedChecksum (call it
/// after decodeRest()).
void appendWfdbSignalWarnings(const WfdbHeader& h, const WfdbSignalStreams& streams, std::vector<std::string>& warnings);

}  // namespace emg::io::detail
