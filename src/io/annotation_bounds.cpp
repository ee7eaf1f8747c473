#include "annotation_bounds.h"

#include "edf_fields.h"

#include <algorithm>
#include <cstdio>

namespace emg::io::detail {

void dropAnnotationsOutside(Recording& rec, double endSec, double toleranceSec, std::vector<std::string>& warnings) {
    const double lo = -toleranceSec, hi = endSec + toleranceSec;
    std::size_t dropped = 0;
    std::string first;
    auto outside = [&](const Annotation& a) {
        const bool out = !(a.onsetSec >= lo && a.onsetSec <= hi);
        if (out && dropped++ == 0) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.6g s", a.onsetSec);
            first = std::string(buf) + " ('" + asciiOnly(a.text.substr(0, 40)) + "')";
        }
        return out;
    };
    rec.annotations.erase(std::remove_if(rec.annotations.begin(), rec.annotations.end(), outside), rec.annotations.end());
    if (dropped) {
        char span[64];
        std::snprintf(span, sizeof span, "%.6g s", endSec);
        warnings.push_back(std::to_string(dropped) + " annotation(s) starting outside the recording (0.." + span +
                           ") ignored; first at " + first);
    }
}

}  // namespace emg::io::detail
