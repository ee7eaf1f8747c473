#pragma once
// What a protocol run keeps of a test as its waveforms (Qt-free but for the folder): the signal the
// test was measured on written as BDF+ under <data directory>/studies/<study id>/ by the safe
// writer, and linked to the test with its SHA-256, so the report draws its figure from it and a
// signed report can verify it.

#include <emg/core/recording.h>
#include <emg/study/measurement.h>
#include <emg/study/session_store.h>

#include <string>
#include <utility>
#include <vector>

namespace emg::ui::run_waveforms {

/// Free text as part of a file name: letters and digits kept, anything else '-'.
std::string fileSafe(std::string text);

/// Writes `rec` as BDF+ to <dataDirectory>/studies/<study id>/<name>.bdf (the folders made when
/// missing) and returns its link (absolute path, SHA-256). Throws on a write error.
study::RawDataLink keep(const Recording& rec, const std::string& dataDirectory, const std::string& studyId, const std::string& name);

/// One stimulation site's sweeps as the run stored them.
struct SiteSweeps {
    std::string site;                    ///< e.g. "ankle"
    std::vector<study::RunSweep> sweeps;
};

/// The sweeps as one recording: each sweep a segment of its own (a BDF+D record per stimulus, the
/// nerve-conduction layout), in order, 1 s apart (the run keeps no sweep's time on the patient's
/// clock: the file's times between sweeps are its own, said in the recording id), its stimulus
/// annotated "Stim <site> <mA> mA" (the pulse width as duration) where the sweep's pre-trigger
/// ends. One sweep in all: a continuous file. Throws std::invalid_argument when there is none or
/// the sweeps differ in rate.
Recording sweepsRecording(const std::vector<SiteSweeps>& sites, const std::string& recordingId);

}  // namespace emg::ui::run_waveforms
