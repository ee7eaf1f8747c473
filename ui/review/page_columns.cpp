#include "page_columns.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace emg::ui {

void reduceToColumns(std::span<const float> values, std::size_t columns, std::vector<ColumnMinMax>& out) {
    out.clear();
    const std::size_t n = values.size();
    if (columns == 0 || n < columns) return;
    out.resize(columns);
    const double samplesPerColumn = static_cast<double>(n) / static_cast<double>(columns);
    constexpr float kInf = std::numeric_limits<float>::infinity();
    for (std::size_t k = 0; k < columns; ++k) {
        const auto a = static_cast<std::size_t>(std::floor(static_cast<double>(k) * samplesPerColumn));
        const auto b = std::min(n, std::max(a + 1, static_cast<std::size_t>(std::floor(static_cast<double>(k + 1) * samplesPerColumn))));
        float lo = kInf, hi = -kInf;
        for (std::size_t i = a; i < b; ++i) {
            const float v = values[i];
            // a comparison with NaN is false: holes leave lo and hi as they are
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        if (lo > hi) lo = hi = std::numeric_limits<float>::quiet_NaN();
        out[k] = {lo, hi};
    }
}

}  // namespace emg::ui
