#pragma once
// The findings a lesion is expected to give in each test of a protocol run, from the myotome map
// (Qt-free): for a root (e.g. "L5:left") every needle muscle with a major supply from that root is
// denervated and neurogenic, SNAPs are spared (the lesion is preganglionic), the H-reflex is absent
// when the root is S1; for a nerve (e.g. "peroneal:left", the first of the map's lesion patterns of
// that nerve, or a pattern's label) the pattern's muscles are denervated, its spared muscles normal,
// its SNAPs small, and the motor studies recording from one of its muscles have a small CMAP. The
// other side and every muscle without such a supply are normal. `emgws-cli simulate --lesion` sets
// these on the simulator, one test after the other.

#include <emg/study/protocol_run.h>

#include <string>
#include <vector>

namespace emg::study {

class MyotomeMap;

struct Lesion {
    enum class Kind { Root, Nerve };
    Kind kind = Kind::Root;
    std::string root;                 ///< Root: e.g. "L5"
    std::string nerve;                ///< Nerve: the pattern's nerve
    std::string patternLabel;         ///< Nerve: e.g. "peroneal neuropathy at the fibular head"
    Side side = Side::Left;
    std::string region;               ///< "upper" / "lower" (from the map's muscles)
    std::string label() const;        ///< "left L5 radiculopathy", "left peroneal neuropathy at the fibular head"
};

/// "L5:left", "S1:right", "C7:left", "peroneal:left", "peroneal neuropathy at the fibular head:left".
/// Throws std::invalid_argument naming the accepted forms, the localizable roots and the nerves.
Lesion parseLesion(const std::string& text, const MyotomeMap& myotomes);

/// Amplitude factors for an abnormal CMAP / SNAP: an axon-loss lesion leaves about a quarter of
/// the CMAP and of the SNAP, well below the lower limits of normal (Preston & Shapiro:
/// side-to-side amplitude loss > 50 % is abnormal).
inline constexpr double kLesionCmapFactor = 0.25;
inline constexpr double kLesionSnapFactor = 0.25;
/// Denervation at rest in an affected muscle: 2+ fibrillations and positive sharp waves.
inline constexpr int kLesionDenervationGrade = 2;

/// What one position of a run test is expected to show.
struct ExpectedFinding {
    std::size_t testIndex = 0, position = 0;
    bool abnormal = false;
    double amplitudeFactor = 1.0;     ///< CMAP/SNAP amplitude × this
    bool hAbsent = false;             ///< H-reflex
    int denervationGrade = 0;         ///< needle: fibrillations/PSW 0..4
    bool neurogenic = false;          ///< needle: large long MUAPs, reduced recruitment
    std::string why;                  ///< e.g. "tibialis anterior: L5 major"
};

/// One entry per test and position of `tests` (motor/sensory: per test; needle: per muscle).
std::vector<ExpectedFinding> expectedFindings(const std::vector<RunTest>& tests, const Lesion& lesion, const MyotomeMap& myotomes);

}  // namespace emg::study
