#pragma once
// A raw page row reduced to one min/max per pixel column (issue 13): the review view's traces at
// one sample per pixel or more are drawn as column spans. The scroll-back pane computes them on its
// page worker, so that the GUI thread only writes the spans and blits.

#include <emg/acq/display_buffer.h>

#include <cstddef>
#include <span>
#include <vector>

namespace emg::ui {

/// Column k spans samples [floor(k·n/columns), floor((k+1)·n/columns)) (at least one sample);
/// NaN samples (holes) are skipped and a column of only NaN is NaN/NaN. `out` gets `columns`
/// entries; with fewer samples than columns (or no columns) it is left empty: such a row is drawn
/// as a polyline.
void reduceToColumns(std::span<const float> values, std::size_t columns, std::vector<ColumnMinMax>& out);

}  // namespace emg::ui
