#pragma once
// What "Save to study" stores: one measured NCS response as a stimulation site of a motor or
// sensory test of the study (latencies ms, amplitudes µV, duration ms, area µV·ms, each with its
// provenance: automatic markers or the clinician's), and the conduction velocities (m/s) that the
// stored sites and distances give. Qt-free.

#include <emg/dsp/ncs_measures.h>
#include <emg/study/study.h>

#include <optional>
#include <string>

namespace emg::ui {

struct NcsStudyEntry {
    study::TestKind kind = study::TestKind::Motor;   ///< Motor or Sensory
    std::string nerve;                 ///< e.g. "peroneal"
    std::string recordingSite;         ///< e.g. "extensor digitorum brevis"
    study::Side side = study::Side::Unspecified;
    std::string siteName;              ///< stimulation site, e.g. "ankle"; save the distal site first
    std::optional<double> distanceMm;  ///< as StimSite::distanceMm (distal: to the recording electrode; else to the next distal site)
    std::string placedBy;              ///< who moved the markers, when the clinician did
    std::string source;                ///< e.g. "channel EDB, sim amplifier", for the method text
};

/// Adds the response to the study's motor/sensory test with the same nerve, recording site and
/// side (a new test when none), replacing a site of the same name, then recomputes the sites'
/// conduction velocities. Throws std::invalid_argument for a response that was not found, a kind
/// other than motor/sensory, or an empty nerve, recording site or site name.
void addNcsResponse(study::Study& study, const NcsStudyEntry& entry, const dsp::ResponseResult& response);

}  // namespace emg::ui
