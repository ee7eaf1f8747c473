#pragma once
// The raw samples a test of the study links to (RawDataLink: file, SHA-256, channel, span), read
// as the file's own integers so that nothing is rounded: 16-bit EDF and 24-bit BDF digital values
// with each channel's scale (physical = digital * gain + offset, µV), the channel's filters from
// its EDF prefilter field, and the file's annotations inside the span. The file is checked
// against the stored SHA-256 before anything is read. Qt-free.
#include <emg/study/measurement.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace emg::report::dicom {

/// A linked recording that is missing, unreadable, changed since it was stored (SHA-256), or
/// whose span cannot be exported as one uniformly sampled block.
class LinkedSpanError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The filters an EDF+ prefilter field states ("HP:2Hz LP:10kHz N:50Hz"); absent when not said.
struct ChannelFilters {
    std::optional<double> highPassHz, lowPassHz, notchHz;
};
ChannelFilters parsePrefilter(const std::string& prefilter);

struct SpanChannel {
    std::string label;
    std::size_t signalIndex = 0;          ///< 0-based among the file's signals
    double sampleRateHz = 0.0;
    double gainUvPerCount = 1.0;          ///< physical µV = digital * gain + offset
    double offsetUv = 0.0;
    int bitsStored = 16;                  ///< 16 (EDF) or 24 (BDF)
    ChannelFilters filters;
    std::vector<std::int32_t> digital;    ///< the stored integers of the span
};

struct SpanAnnotation {
    double onsetSec = 0.0;                ///< from the span's first sample
    std::string text;
};

struct LinkedSpan {
    std::filesystem::path file;
    std::string sha256;
    double fromSec = 0.0, toSec = 0.0;    ///< the span taken, seconds from the first data record
    std::string recordingStartIso;        ///< the file's start date and time ("" when unreadable)
    bool bdf = false;
    std::vector<SpanChannel> channels;    ///< all with the same rate and sample count
    std::vector<SpanAnnotation> annotations;
    std::vector<std::string> notes;       ///< e.g. channels left out for another rate
    std::size_t samplesPerChannel() const noexcept { return channels.empty() ? 0 : channels.front().digital.size(); }
};

/// Reads the span of `link` (whole file when startSec/endSec are absent; all voltage channels
/// of the first channel's rate when `link.channel` is empty, else that channel, matched without
/// regard to case, with or without its EDF+ signal type: "EDB" is "EMG EDB"). Throws LinkedSpanError as described above.
LinkedSpan readLinkedSpan(const study::RawDataLink& link);

}  // namespace emg::report::dicom
