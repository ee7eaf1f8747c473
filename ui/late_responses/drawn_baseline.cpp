#include "drawn_baseline.h"

#include <algorithm>
#include <vector>

namespace emg::ui {

double drawnBaselineUv(const dsp::Sweep& s, double quietFromMs) {
    const auto b = dsp::baselineStats(s);
    if (b.samples >= 4) return b.meanUv;
    std::vector<double> after;
    for (std::size_t i = 0; i < s.uv.size(); ++i)
        if (s.timeMs(static_cast<double>(i)) >= quietFromMs) after.push_back(s.uv[i]);
    if (after.empty()) return b.meanUv;
    const auto mid = after.begin() + static_cast<std::ptrdiff_t>(after.size() / 2);
    std::nth_element(after.begin(), mid, after.end());
    return *mid;
}

}  // namespace emg::ui
