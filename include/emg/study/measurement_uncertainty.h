#pragma once
// An automatic measurement the engine could not read confidently (an NCS onset below 20 x the
// noise, under a stimulus artifact's tail, beside a separate lobe, ...; a velocity from such an
// onset). Its method text starts with "uncertain: <reason>; ", so every store, export and signed
// copy carries the mark without a schema change. An onset marker the clinician moved is theirs and
// never uncertain (dsp::remeasure clears the detector's flag); moving other markers keeps it.

#include <emg/study/measurement.h>

#include <string>
#include <string_view>

namespace emg::study {

inline constexpr std::string_view kUncertainMethodPrefix = "uncertain: ";

/// A value marked uncertain by the engine.
inline bool isUncertain(const Measurement& m) {
    return std::string_view(m.method).substr(0, kUncertainMethodPrefix.size()) == kUncertainMethodPrefix;
}

/// `method` marked uncertain for `reason`: "uncertain: <reason>; <method>".
inline std::string uncertainMethod(const std::string& reason, const std::string& method) {
    return std::string(kUncertainMethodPrefix) + reason + (method.empty() ? "" : "; " + method);
}

}  // namespace emg::study
