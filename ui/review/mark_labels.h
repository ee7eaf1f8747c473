#pragma once
// Where the texts of the marks above a review page go (annotations, stimuli, reviewer notes):
// each starts just right of its line and may run to the next mark's text, never over it. Files
// from other systems put many annotations close together (a Nihon Kohden EEG export's "Montage",
// "REC START", "EEG" within a second); drawn whole they overlapped into an unreadable smear.

#include <vector>

namespace emg::ui {

/// For marks at x positions `xs` (pixels, in any order), the width each one's text may take: up
/// to `gapPx` before the next mark's text starts (the same x: 0), the last one up to `rightPx`.
/// A width below `minPx` is 0 (no text: the line alone, its text in the tooltip or the list).
std::vector<double> markLabelWidths(const std::vector<double>& xs, double rightPx, double gapPx = 4.0, double minPx = 14.0);

}  // namespace emg::ui
