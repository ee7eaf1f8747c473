#pragma once
// Plain data of the review engine (issue 13): channels of a paged recording, pages of samples
// with their holes, annotations, min/max bins.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace emg::review {

struct ChannelInfo {
    std::size_t signalIndex = 0;      ///< index among the file's signals (annotation signals included)
    std::string label;                ///< as in the file
    std::string physicalUnit;         ///< "uV" for any voltage (values converted), else as in the file
    double sampleRateHz = 0.0;
    std::int64_t samplesPerRecord = 0;
    std::int64_t storedSamples = 0;   ///< records * samplesPerRecord
    std::int32_t digitalMin = 0, digitalMax = 0;
    /// physical (in physicalUnit) = digital * gain + offset
    double gain = 1.0, offset = 0.0;
    double physical(std::int32_t digital) const noexcept { return digital * gain + offset; }
};

/// A stretch of time with no data record (EDF+D).
struct GapSpan {
    double onsetSec = 0.0;
    double durationSec = 0.0;
};

/// Contiguous samples of one channel inside a page: values[offset .. offset + count) are the
/// samples at startSec + i / sampleRateHz, stored samples firstStoredSample + i.
struct ChannelRun {
    double startSec = 0.0;
    std::size_t offset = 0;
    std::size_t count = 0;
    std::int64_t firstStoredSample = 0;
};

struct ChannelPage {
    std::size_t channel = 0;          ///< index into PagedEdfReader::channels()
    double sampleRateHz = 0.0;
    std::vector<ChannelRun> runs;
    std::vector<double> values;       ///< physical
};

struct Page {
    double startSec = 0.0;
    double durationSec = 0.0;
    std::vector<ChannelPage> channels;
    std::vector<GapSpan> gaps;        ///< holes between records inside the page (EDF+D)
};

struct TimedAnnotation {
    double onsetSec = 0.0;            ///< from the first record's start
    double durationSec = 0.0;
    std::string text;
};

/// One min/max bin or display column (physical). `empty`: no sample (a gap, or past the end).
struct MinMax {
    double min = 0.0;
    double max = 0.0;
    bool empty = true;
};

}  // namespace emg::review
