#pragma once
// The clinical scale steps offered by the sweep and sensitivity controls, and their labels.

#include <QString>

#include <array>

namespace emg::ui {

inline constexpr std::array<double, 9> kSweepMsPerDiv{1, 2, 5, 10, 20, 50, 100, 200, 500};
inline constexpr std::array<double, 13> kSensitivityUvPerDiv{1,    2,    5,    10,   20,   50,  100,
                                                              200,  500,  1000, 2000, 5000, 10000};
inline constexpr int kHorizontalDivisions = 10;
inline constexpr int kVerticalDivisionsPerTrace = 4;

/// "10 ms/div"
QString sweepLabel(double msPerDiv);
/// "50 µV/div", "2 mV/div"
QString sensitivityLabel(double uvPerDiv);

}  // namespace emg::ui
