#pragma once
// The tests of a study. Each kind is its own struct sharing TestCommon (id, side, raw data link,
// measurements, note); `Test` is the variant over all of them.

#include <emg/study/measurement.h>
#include <emg/study/types.h>

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace emg::study {

struct TestCommon {
    std::string id;                 ///< unique within the study (the store assigns one if empty)
    Side side = Side::Unspecified;
    RawDataLink raw;
    std::vector<Measurement> measurements;   ///< test-level values (e.g. conductionVelocityMps of a segment, fMinLatencyMs)
    std::string note;
};

/// One stimulation site of an NCS with the distance that belongs to it and its own measurements.
/// distanceMm: for the most distal site, stimulation point to active recording electrode; for
/// the others, from this site to the next more distal site (the segment used for the CV).
struct StimSite {
    std::string name;               ///< e.g. "ankle", "below fibular head"
    std::optional<double> distanceMm;
    std::vector<Measurement> measurements;   ///< e.g. distalLatencyMs/latencyMs, amplitudeUv, areaUvMs
};

// Each test struct names its kind (kKind): kindOf() reads it, so a new kind is declared here only.
struct MotorNcs : TestCommon {
    static constexpr TestKind kKind = TestKind::Motor;
    std::string nerve;              ///< e.g. "peroneal"
    std::string recordingSite;      ///< muscle, e.g. "extensor digitorum brevis"
    std::vector<StimSite> sites;    ///< distal first
};

struct SensoryNcs : TestCommon {
    static constexpr TestKind kKind = TestKind::Sensory;
    std::string nerve;              ///< e.g. "sural"
    std::string recordingSite;      ///< e.g. "lateral malleolus"
    bool antidromic = true;
    std::vector<StimSite> sites;
};

struct FWave : TestCommon {
    static constexpr TestKind kKind = TestKind::FWave;
    std::string nerve;
    std::string recordingSite;
    std::string stimSite;
    int stimuli = 0;                ///< number of stimuli delivered
};

struct HReflex : TestCommon {
    static constexpr TestKind kKind = TestKind::HReflex;
    std::string nerve = "tibial";
    std::string recordingSite = "soleus";
    std::string stimSite = "popliteal fossa";
};

struct Rns : TestCommon {
    static constexpr TestKind kKind = TestKind::Rns;
    std::string nerve;
    std::string recordingSite;
    double rateHz = 3.0;
    int trainLength = 10;
    std::string condition = "rest";   ///< rest, post-exercise 0 s, 1 min, ...
};

enum class Grade3 { Normal, Increased, Decreased, NotAssessed };
enum class Recruitment { Normal, Reduced, Early, NotAssessed };
enum class Interference { Full, Reduced, SingleUnit, None, NotAssessed };

/// What the needle engine read of a muscle, kept as it suggested it: the examiner confirms or
/// overrides it through the grades of the test, which localization uses.
struct NeedleAutoReading {
    std::string pattern;                ///< "normal", "neuropathic", "myopathic", "mixed" or "insufficient"
    std::vector<std::string> reasons;   ///< the evidence that decided it, as the engine worded it
};

/// Needle EMG of one muscle. Spontaneous activity graded 0..4 (0, 1+ .. 4+).
struct NeedleEmg : TestCommon {
    static constexpr TestKind kKind = TestKind::Needle;
    std::string muscle;                     ///< must exist in the myotome map, e.g. "tibialis anterior"
    Grade3 insertional = Grade3::NotAssessed;
    int fibrillations = 0;
    int positiveSharpWaves = 0;
    int fasciculations = 0;
    Grade3 muapAmplitude = Grade3::NotAssessed;
    Grade3 muapDuration = Grade3::NotAssessed;
    Grade3 polyphasia = Grade3::NotAssessed;
    Recruitment recruitment = Recruitment::NotAssessed;
    Interference interference = Interference::NotAssessed;
    /// The engine's reading when the findings came from an analysis; none for typed findings.
    std::optional<NeedleAutoReading> automaticReading;
    /// Denervation (fibs/PSW ≥ 1+) or neurogenic MUAPs/recruitment: what localization uses.
    bool neurogenic() const noexcept;
    bool abnormal() const noexcept;
};

using Test = std::variant<MotorNcs, SensoryNcs, FWave, HReflex, Rns, NeedleEmg>;

TestKind kindOf(const Test& t) noexcept;
const TestCommon& common(const Test& t) noexcept;
TestCommon& common(Test& t) noexcept;
/// The nerve of an NCS/late-response test, the muscle of a needle test.
std::string subjectOf(const Test& t);
/// The recording site of a test that has one (NCS, late responses, RNS), else empty.
std::string recordingSiteOf(const Test& t);

std::string_view toString(Grade3 v) noexcept;
std::string_view toString(Recruitment v) noexcept;
std::string_view toString(Interference v) noexcept;
Grade3 parseGrade3(std::string_view s);
Recruitment parseRecruitment(std::string_view s);
Interference parseInterference(std::string_view s);

}  // namespace emg::study
