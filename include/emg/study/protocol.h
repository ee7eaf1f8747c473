#pragma once
// Study protocols (resources/protocols/*.json): the ordered tests of a work-up with sites,
// distances and default acquisition settings. Loading validates every field and, given the
// reference data, that each nerve and muscle is known.

#include <emg/study/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace emg::study {

class MyotomeMap;
class NormativeTable;

/// One amplifier channel of a test's montage: where its electrodes go.
struct ChannelPreset {
    std::string label;        ///< e.g. "CMAP", "SNAP", "needle"
    std::string active;       ///< active (G1) electrode, e.g. "belly of extensor digitorum brevis"
    std::string reference;    ///< reference (G2) electrode
    bool needle = false;      ///< needle electrode (else surface)
};

struct AcquisitionSettings {
    double lowCutHz = 0.0;
    double highCutHz = 0.0;
    double sweepMsPerDiv = 0.0;
    double sweepMs = 0.0;              ///< whole sweep after the stimulus (file key "sweepMs"; default 10 divisions)
    double sensitivityUvPerDiv = 0.0;  ///< the display gain
    double stimulusDurationMs = 0.0;   ///< 0 for needle EMG
    double stimulusStartMa = 0.0;      ///< first intensity of the ramp (default by kind; 0 for needle EMG)
    double stimulusStepMa = 0.0;       ///< ramp step before the plateau (default by kind; 0 for needle EMG)
    double stimulusMaxMa = 0.0;        ///< the protocol's ceiling (never above the engine's stimulator bound)
    /// The montage (file key "channels"); protocol files without it get one channel by kind
    /// (belly-tendon for motor and late responses, antidromic ring/bar for sensory, concentric needle).
    std::vector<ChannelPreset> channels;
};

struct ProtocolSite {
    std::string name;
    std::optional<double> distanceMm;   ///< same meaning as StimSite::distanceMm
};

struct ProtocolStep {
    TestKind kind = TestKind::Motor;
    std::string nerve;                  ///< NCS / late responses / RNS
    std::string recordingSite;
    std::vector<ProtocolSite> sites;    ///< NCS stimulation sites, distal first
    std::vector<std::string> muscles;   ///< needle EMG: muscles in order
    bool bilateral = false;             ///< test both sides (e.g. H-reflex, sural in polyneuropathy)
    std::optional<double> rateHz;       ///< RNS
    AcquisitionSettings settings;
    std::string note;
};

struct Protocol {
    std::string id, name, description, region;
    std::vector<std::string> references;
    std::vector<ProtocolStep> steps;
};

Protocol loadProtocol(const std::filesystem::path& file);   ///< throws FormatError with file and JSON path
/// All protocols in a folder, sorted by id (duplicate ids are an error).
std::vector<Protocol> loadProtocols(const std::filesystem::path& dir);
std::vector<Protocol> loadDefaultProtocols();

/// The installed protocols (loadDefaultProtocols), read once per process: the one list the Study
/// tab, the Save-to-study bars and the study session use. When they cannot be read the list is
/// empty and `error` says why (logged once).
struct InstalledProtocols {
    std::vector<Protocol> protocols;
    std::string error;
    const Protocol* find(const std::string& id) const noexcept;
};
const InstalledProtocols& installedProtocols();

/// Every nerve known to the normative table or the myotome map's sensory list, every muscle in the
/// myotome map; returns the problems found (empty = all references resolve).
std::vector<std::string> checkReferences(const Protocol& p, const NormativeTable& norms, const MyotomeMap& myotomes);

}  // namespace emg::study
