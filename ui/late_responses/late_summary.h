#pragma once
// The numbers of a late-response analysis as the panel shows them (units in the text).

#include <emg/study/late_analysis.h>

#include <QString>

namespace emg::ui {

QString lateSummaryText(const study::LateAnalysis& analysis);

}  // namespace emg::ui
