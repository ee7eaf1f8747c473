#pragma once
// `emgws-cli simulate --lesion ROOT|NERVE:SIDE`: a whole protocol study on the built-in simulator
// with each test's expected findings set from the myotome map (emg/study/lesion_findings.h),
// measured by the engine and saved to a study through the study session.
#include <string>
#include <vector>

namespace emg::cli {
int runSimulateLesion(const std::vector<std::string>& args);
}
