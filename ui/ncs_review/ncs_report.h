#pragma once
// The clinician's PDF report of a measured response (emg_report): the values, their provenance
// and the waveform with its markers, negative up.

#include <emg/dsp/ncs_measures.h>
#include <emg/report/report_model.h>

#include <string>

namespace emg::ui {

struct NcsReportContext {
    std::string channelLabel;
    std::string deviceName;
    double stimulusMa = 0.0;
    double pulseWidthMs = 0.0;
};

report::ReportModel makeNcsReport(const dsp::Sweep& sweep, const dsp::ResponseResult& result,
                                  const NcsReportContext& context);

}  // namespace emg::ui
