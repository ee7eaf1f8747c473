#pragma once
// Whether a channel's samples can be written as the digital samples its file held (the channel's
// ADC grid, recording.h), and with which digital and physical range.
#include <emg/core/recording.h>

#include <cstdint>
#include <optional>

namespace emg::io::detail {

struct AdcWriteRange {
    std::int32_t digitalMin = 0, digitalMax = 0;
    double physicalMin = 0.0, physicalMax = 0.0;   ///< as the 8-character fields hold them
};

/// The ranges that write every sample of `c` as its grid's integer (shifted as a whole when the
/// target holds its span but not its place, e.g. UINT_16 into EDF's 16 bits): the file's declared
/// digital range when the target holds it, else the data's. nullopt when the channel has no grid,
/// a sample lies off it (more than 1/1000 of a step), the span does not fit the target (`bdf`:
/// 24 bits, else 16), or the physical range's 8-character fields would move a value by 1/4 step.
std::optional<AdcWriteRange> adcWriteRange(const RecordedChannel& c, bool bdf);

}  // namespace emg::io::detail
