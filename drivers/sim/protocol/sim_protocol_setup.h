#pragma once
// The simulator set up for one test of a protocol run (issue 14): which nerve model a protocol
// test uses, and that model with a lesion's expected findings (emg/study/lesion_findings.h).
// Shared by `emgws-cli simulate --lesion` (whole recordings) and the workstation's protocol run
// (the live simulated amplifier follows the run's test and site).

#include <emg/study/lesion_findings.h>
#include <sim/ncs_model.h>
#include <sim/sim_recording.h>
#include <sim/simulated_amplifier.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace emg::sim {

/// The simulator's nerve model for a protocol test ("peroneal-motor", "tibial-h", ...), or ""
/// when it has none (needle tests, nerves without a model).
std::string nervePresetFor(const study::RunTest& test);
/// The simulator's test for a test kind (std::invalid_argument for a kind it has no model of).
SimTest simTestOf(TestKind kind);
/// The preset with the finding applied (amplitude, absent H) and the protocol's site names.
NerveConfig nerveConfigFor(const study::RunTest& test, const study::ExpectedFinding& finding, const std::string& preset);
/// The finding of test `test` at `position` (motor/sensory tests have one per test); normal when none.
study::ExpectedFinding findingAt(const std::vector<study::ExpectedFinding>& findings, std::size_t test, std::size_t position);
/// `base` set up for a live simulator at this test and position: the nerve model, its site and the
/// finding (amplitude scale, absent H); needle tests: the muscle pattern and denervation grade.
/// nullopt when the simulator has no model of the test.
std::optional<SimulationSettings> liveSettingsFor(SimulationSettings base, const study::RunTest& test, std::size_t position,
                                                  const study::ExpectedFinding& finding);
/// The simulated limb's distance for a stimulation site, as a tape would measure it: the distal
/// site to the recording electrode, a proximal site to the next distal one (nullopt without a model).
std::optional<double> simulatedDistanceMm(const study::RunTest& test, std::size_t position);

}  // namespace emg::sim
