#pragma once
// The outlier rule of quantitative MUP analysis: a muscle is abnormal when more than 2 of its MUPs
// lie beyond the muscle's outlier limit of one parameter (above the upper amplitude or duration
// limit: large, long MUPs; below the lower: small, short ones), whatever their means. The limits are
// the reference table's (MuapReference::hasOutlierLimits; sources in resources/needle/muap_reference.json).

#include <emg/needle/needle_types.h>

#include <cstddef>
#include <span>

namespace emg::needle {

/// More than this many MUPs beyond one limit make the muscle abnormal (2 of the 20 MUPs of a
/// healthy muscle may lie beyond it).
inline constexpr std::size_t kOutliersAllowed = 2;
/// A muscle is called normal by the rule only from this many MUPs (the sample the limits were set on).
inline constexpr std::size_t kOutlierSampleMups = 20;

struct MupOutliers {
    std::size_t mups = 0;            ///< MUPs judged
    std::size_t longDuration = 0;    ///< above the upper duration limit
    std::size_t shortDuration = 0;   ///< below the lower duration limit
    std::size_t highAmplitude = 0;   ///< above the upper amplitude limit (amplitudes counted only)
    std::size_t lowAmplitude = 0;    ///< below the lower amplitude limit (amplitudes counted only)
};

/// One MUP's amplitude (peak to peak, µV) and duration (ms).
struct MupSize {
    double amplitudeUv = 0.0;
    double durationMs = 0.0;
};

/// The MUPs of `mups` beyond `ref`'s outlier limits; amplitudes only when `amplitudeKnown` (a file
/// without a gain has no µV). Nothing counted when `ref` has no outlier limits.
MupOutliers countOutliers(std::span<const MupSize> mups, const MuapReference& ref, bool amplitudeKnown);

/// Neuropathic (more than kOutliersAllowed long or large), myopathic (short or small), mixed (both),
/// normal (none of those from kOutlierSampleMups MUPs or more), otherwise insufficient.
PatternReading outlierReading(const MupOutliers& o);

}  // namespace emg::needle
