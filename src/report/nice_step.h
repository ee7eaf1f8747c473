#pragma once
// The smallest 1-2-5 step (…, 0.5, 1, 2, 5, 10, …) at or above `raw`: scales per division.
#include <algorithm>
#include <cmath>

namespace emg::report::detail {

inline double niceStep(double raw) {
    static constexpr double kSteps[] = {1, 2, 5};
    double decade = std::pow(10.0, std::floor(std::log10(std::max(raw, 1e-9))));
    for (;;) {
        for (double s : kSteps)
            if (s * decade >= raw * (1 - 1e-12)) return s * decade;
        decade *= 10;
    }
}

}  // namespace emg::report::detail
