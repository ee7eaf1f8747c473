#pragma once
// The one test-kind enum of the workstation: the study's tests (emg::study::TestKind) and the NCS
// analyzers' test (emg::dsp::NcsTest, every kind but Needle) are this enum, with one text form.

namespace emg {

enum class TestKind { Motor, Sensory, FWave, HReflex, Rns, Needle };

/// Every kind, in the enum's order.
inline constexpr TestKind kTestKinds[] = {TestKind::Motor,   TestKind::Sensory, TestKind::FWave,
                                          TestKind::HReflex, TestKind::Rns,     TestKind::Needle};

/// The stable text form used in JSON, the store and the CLI: "motor", "sensory", "fwave",
/// "hreflex", "rns", "needle".
const char* testKindName(TestKind kind) noexcept;

}  // namespace emg
