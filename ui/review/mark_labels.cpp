#include "review/mark_labels.h"

#include <algorithm>
#include <numeric>

namespace emg::ui {

std::vector<double> markLabelWidths(const std::vector<double>& xs, double rightPx, double gapPx, double minPx) {
    std::vector<std::size_t> order(xs.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return xs[a] < xs[b]; });
    std::vector<double> widths(xs.size(), 0.0);
    for (std::size_t k = 0; k < order.size(); ++k) {
        const double start = xs[order[k]];
        const double end = k + 1 < order.size() ? xs[order[k + 1]] - gapPx : rightPx;
        const double room = end - start;
        widths[order[k]] = room >= minPx ? room : 0.0;
    }
    return widths;
}

}  // namespace emg::ui
