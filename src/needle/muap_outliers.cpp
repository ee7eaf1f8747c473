#include <emg/needle/muap_outliers.h>

namespace emg::needle {

MupOutliers countOutliers(std::span<const MupSize> mups, const MuapReference& ref, bool amplitudeKnown) {
    MupOutliers o;
    if (!ref.hasOutlierLimits) return o;
    for (const auto& m : mups) {
        ++o.mups;
        o.longDuration += m.durationMs > ref.outlierDurationHighMs;
        o.shortDuration += m.durationMs < ref.outlierDurationLowMs;
        if (!amplitudeKnown) continue;
        o.highAmplitude += m.amplitudeUv > ref.outlierAmplitudeHighUv;
        o.lowAmplitude += m.amplitudeUv < ref.outlierAmplitudeLowUv;
    }
    return o;
}

PatternReading outlierReading(const MupOutliers& o) {
    const bool neuro = o.longDuration > kOutliersAllowed || o.highAmplitude > kOutliersAllowed;
    const bool myo = o.shortDuration > kOutliersAllowed || o.lowAmplitude > kOutliersAllowed;
    if (neuro && myo) return PatternReading::Mixed;
    if (neuro) return PatternReading::Neuropathic;
    if (myo) return PatternReading::Myopathic;
    return o.mups >= kOutlierSampleMups ? PatternReading::Normal : PatternReading::Insufficient;
}

}  // namespace emg::needle
