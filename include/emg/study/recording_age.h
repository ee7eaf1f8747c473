#pragma once
// The patient's age as a recording file states it, for reference values read by age (the needle
// analysis's MUAP durations) when the clinician has not given one. Qt-free.

#include <emg/core/recording.h>

#include <optional>
#include <string>

namespace emg::study {

/// The age in years a file states: PhysioNet's WFDB comment "<age>: 62" (any case, also as EDF+
/// keeps it after a conversion, "<age>:_62"), else an EDF+ patient birthdate ("X M 02-MAY-1951 X")
/// with a known start date (not "Startdate X"), in completed years (ageYears). Nothing when the
/// file does not say, or says an age outside 0-120 years. `source` (optional) gets where it was
/// read, e.g. "file: '<age>: 62'".
std::optional<double> ageFromRecording(const Recording& recording, std::string* source = nullptr);

}  // namespace emg::study
