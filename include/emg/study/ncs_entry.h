#pragma once
// A measured NCS response as a stimulation site of a motor or sensory test of the study
// (latencies ms, amplitudes µV, duration ms, area µV·ms, each with its provenance: automatic
// markers or the clinician's), and the conduction velocities (m/s) that the stored sites and
// distances give. The test is found by the study's one upsert rule (emg/study/test_identity.h).

#include <emg/dsp/ncs_measures.h>
#include <emg/study/study.h>

#include <optional>
#include <string>

namespace emg::study {

struct NcsSiteEntry {
    TestKind kind = TestKind::Motor;   ///< Motor or Sensory
    std::string nerve;                 ///< e.g. "peroneal"
    std::string recordingSite;         ///< e.g. "extensor digitorum brevis"
    Side side = Side::Unspecified;
    std::string siteName;              ///< stimulation site, e.g. "ankle"; save the distal site first
    std::optional<double> distanceMm;  ///< as StimSite::distanceMm (distal: to the recording electrode; else to the next distal site)
    std::string placedBy;              ///< who moved the markers, when the clinician did
    std::string source;                ///< e.g. "channel EDB, sim amplifier", for the method text
};

struct NcsSiteSaved {
    bool newTest = false;      ///< the study had no such test yet
    bool replacedSite = false; ///< a site of that name (any case) was there and is replaced
};

/// Adds the response to the study's motor/sensory test that is the same test (same nerve,
/// recording site and side, any case; a new test when none), replacing a site of the same name
/// (any case), then recomputes the sites' conduction velocities. Throws std::invalid_argument for
/// a response that was not found, a kind other than motor/sensory, or an empty nerve, recording
/// site or site name.
NcsSiteSaved addNcsResponse(Study& study, const NcsSiteEntry& entry, const dsp::ResponseResult& response);

}  // namespace emg::study
