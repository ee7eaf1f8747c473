#include <emg/needle/needle_types.h>

#include <algorithm>

namespace emg::needle {

const char* toString(SpontaneousKind k) noexcept {
    switch (k) {
        case SpontaneousKind::Fibrillation: return "fibrillation";
        case SpontaneousKind::PositiveSharpWave: return "positive_sharp_wave";
        case SpontaneousKind::Fasciculation: return "fasciculation";
        case SpontaneousKind::ComplexRepetitive: return "complex_repetitive_discharge";
        case SpontaneousKind::Myotonic: return "myotonic_discharge";
        case SpontaneousKind::Unclassified: return "unclassified";
    }
    return "unclassified";
}

const char* toString(RecruitmentReading r) noexcept {
    switch (r) {
        case RecruitmentReading::Unknown: return "unknown";
        case RecruitmentReading::Reduced: return "reduced";
        case RecruitmentReading::Normal: return "normal";
        case RecruitmentReading::Early: return "early";
    }
    return "unknown";
}

const char* toString(PatternReading p) noexcept {
    switch (p) {
        case PatternReading::Insufficient: return "insufficient";
        case PatternReading::Normal: return "normal";
        case PatternReading::Neuropathic: return "neuropathic";
        case PatternReading::Myopathic: return "myopathic";
        case PatternReading::Mixed: return "mixed";
    }
    return "insufficient";
}

const char* toString(InterferenceReading r) noexcept {
    switch (r) {
        case InterferenceReading::Insufficient: return "insufficient";
        case InterferenceReading::Normal: return "normal";
        case InterferenceReading::Neuropathic: return "neuropathic";
        case InterferenceReading::Myopathic: return "myopathic";
        case InterferenceReading::Mixed: return "mixed";
    }
    return "insufficient";
}

std::size_t SpontaneousResult::count(SpontaneousKind k) const noexcept {
    return static_cast<std::size_t>(std::count_if(potentials.begin(), potentials.end(),
                                                  [k](const SpontaneousPotential& p) { return p.kind == k; }));
}

double SpontaneousResult::ratePerSec(SpontaneousKind k) const noexcept {
    return analysedSec > 0 ? static_cast<double>(count(k)) / analysedSec : 0.0;
}

}  // namespace emg::needle
