#pragma once
// Whether a channel's samples can be written as the digital samples its file held (the channel's
// ADC grid, recording.h), and with which digital and physical range.
#include <emg/core/recording.h>

#include <cstddef>
#include <cstdint>
#include <optional>

namespace emg::io::detail {

struct AdcWriteRange {
    std::int32_t digitalMin = 0, digitalMax = 0;
    double physicalMin = 0.0, physicalMax = 0.0;   ///< as the 8-character fields hold them
    long long shift = 0;   ///< digital sample = the grid's integer (sign-normalised: of |adcStep|) + shift
};

/// A channel's samples checked against its grid as they come (a streamed conversion sees them
/// block by block): whether every one lies on it, and the range of their integers.
class AdcGridScan {
public:
    explicit AdcGridScan(const RecordedChannel& c);
    void add(const double* v, std::size_t n);
    /// The scan of samples known to be the grid's integers from `lowest` to `highest` (a reader's
    /// stored integers, times a positive step): no sample need be looked at.
    static AdcGridScan ofIntegers(const RecordedChannel& c, long long lowest, long long highest);
    [[nodiscard]] bool onGrid() const noexcept { return onGrid_ && count_ > 0; }
    [[nodiscard]] long long lowest() const noexcept { return kLo_; }
    [[nodiscard]] long long highest() const noexcept { return kHi_; }

private:
    double step_ = 0.0, offset_ = 0.0;
    bool onGrid_ = false;
    long long kLo_, kHi_;
    std::size_t count_ = 0;
};

/// adcWriteRange for samples scanned already (`c` gives the grid and its declared range).
std::optional<AdcWriteRange> adcWriteRange(const RecordedChannel& c, const AdcGridScan& scan, bool bdf);

/// The ranges that write every sample of `c` as its grid's integer (shifted as a whole when the
/// target holds its span but not its place, e.g. UINT_16 into EDF's 16 bits): the file's declared
/// digital range when the target holds it, else the data's. nullopt when the channel has no grid,
/// a sample lies off it (more than 1/1000 of a step), the span does not fit the target (`bdf`:
/// 24 bits, else 16), or the physical range's 8-character fields would move a value by 1/4 step.
std::optional<AdcWriteRange> adcWriteRange(const RecordedChannel& c, bool bdf);

}  // namespace emg::io::detail
