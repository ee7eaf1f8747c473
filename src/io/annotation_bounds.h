#pragma once
// Annotation onsets a reader believes: an annotation must start within the recording. One that
// starts far after the end (a header or TAL lie) would make a writer pad the recording out to
// it, so it is dropped with a warning instead.
#include <emg/core/recording.h>

#include <string>
#include <vector>

namespace emg::io::detail {

/// Removes the annotations whose onset lies after `endSec + toleranceSec` or before
/// `-toleranceSec`; appends one warning (count, the first one's onset and text) if any were.
void dropAnnotationsOutside(Recording& rec, double endSec, double toleranceSec, std::vector<std::string>& warnings);

}  // namespace emg::io::detail
