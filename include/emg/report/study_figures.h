#pragma once
// The report's waveform figures of a study, drawn from the recordings its tests link to
// (docs/report.md, "Waveforms from the stored recordings"): per motor/sensory nerve the cascade
// of its stimulation sites (the averaged sweep of each site, onset and peak marked), per F-wave
// series the raster of its sweeps, per needle muscle the templates of the motor units sorted
// from its recording. Each file is checked against the SHA-256 the store keeps before it is read;
// a figure whose recording is missing, changed or unreadable says so in its place. Qt-free.
#include <emg/report/report_model.h>
#include <emg/study/study.h>

#include <string>
#include <vector>

namespace emg::report {

struct StudyFigures {
    std::vector<ReportFigure> figures;   ///< in the study's test order
    std::string note;                    ///< which tests have no linked recording (no figure), or ""
};

/// Never throws for a missing, changed or unreadable recording (the figure says why instead).
StudyFigures buildStudyFigures(const study::Study& study);

/// buildStudyFigures into the model (figures and figuresNote).
void attachStudyFigures(ReportModel& model, const study::Study& study);

}  // namespace emg::report
