#pragma once
// Private to src/report: a test's linked recording, verified against its stored SHA-256 and read,
// and the figure of each kind of test drawn from it (ncs_figures.cpp, needle_figures.cpp).
#include <emg/core/recording.h>
#include <emg/dsp/sweeps.h>
#include <emg/report/report_model.h>
#include <emg/study/study.h>

#include <string>

namespace emg::report::detail {

struct VerifiedRecording {
    Recording recording;        ///< the linked span only, when the link names one
    int channel = -1;           ///< the linked channel (or the first signal channel)
    std::string source;         ///< "file.bdf, channel EDB, SHA-256 1a2b3c4d5e6f… verified"
    std::string unavailable;    ///< why it cannot be drawn from ("" when it can)
};

/// Checks the file against link.sha256 (missing file, no checksum, different checksum, unreadable
/// or no such channel: `unavailable` says which, in words for the report), then reads it.
VerifiedRecording loadVerified(const study::RawDataLink& link);

/// Motor/sensory: one averaged trace per stored stimulation site, distal first, markers at the
/// stored onset (else the measured one) and the measured negative peak.
ReportFigure ncsCascade(const study::Test& test, const VerifiedRecording& source);
/// F-waves: every sweep of the series, stacked; F min (and M) latencies across the raster.
ReportFigure fwaveRaster(const study::FWave& test, const VerifiedRecording& source);
/// Needle EMG: the motor-unit templates the needle analysis sorts from the recording.
ReportFigure muapTemplates(const study::NeedleEmg& test, const VerifiedRecording& source);

/// H-reflex: up to six sweeps of the series in order of intensity (always the Hmax and Mmax
/// sweeps), M and H marked on each at their negative peaks, the H latency (as stored, else the
/// measured one) across all of them.
ReportFigure hreflexSweeps(const study::HReflex& test, const VerifiedRecording& source);
/// RNS: the responses of the test's train side by side (of a file of several trains, the one whose
/// label is the test's condition, else the last), each labelled with its decrement from the first
/// in %; the stored decrement, the other trains and the facilitation in the figure's source line.
ReportFigure rnsTrain(const study::Rns& test, const VerifiedRecording& source);

/// The sweep as drawn: the stimulus artifact bridged, the pre-stimulus level at zero, at most
/// `preMs` kept before the stimulus (ncs_figures.cpp).
ReportTrace traceOf(dsp::Sweep sweep, const std::string& label, double preMs);

/// A stored test-level or site-level value by name.
const study::Measurement* findValue(const std::vector<study::Measurement>& ms, const std::string& name);

}  // namespace emg::report::detail
