#pragma once
// The recordings the review tests read: a continuous EDF+ with three rates and scales (one of
// them inverted), a discontinuous BDF+ with two holes.
#include "review_files.h"

namespace emg::test {

inline ReviewFileSpec multiRateEdf(std::size_t records = 60) {
    ReviewFileSpec s;
    for (std::size_t r = 0; r < records; ++r) s.recordOnsetsSec.push_back(0.25 + static_cast<double>(r));
    s.signals.push_back({"EMG R APB", "uV", "-3276.8", "3276.7", -32768, 32767, 1000});
    s.signals.push_back({"EMG L ADM", "mV", "-10", "10", -2000, 2000, 250});
    s.signals.push_back({"Trigger", "uV", "100", "-100", -1000, 1000, 333});
    s.texts = {{3, "Stim 20mA"}, {41, "Pause"}};
    return s;
}

// records (absolute onsets) 10.0, 10.5, 11.0 | 13.0, 13.5 | 20.25, 0.5 s each: holes 1.5..3.0
// and 4.0..10.25 s from the first record
inline ReviewFileSpec discontinuousBdf() {
    ReviewFileSpec s;
    s.bdf = true;
    s.discontinuous = true;
    s.recordSec = 0.5;
    s.recordOnsetsSec = {10.0, 10.5, 11.0, 13.0, 13.5, 20.25};
    s.signals.push_back({"EMG Needle", "uV", "-262144", "262143", -8388608, 8388607, 512});
    s.signals.push_back({"EMG Surface", "mV", "-5", "5", -100000, 100000, 128});
    s.texts = {{1, "Fasciculation"}, {5, "Insertion"}};
    return s;
}

}  // namespace emg::test
