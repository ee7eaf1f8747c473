#pragma once
// Localization helper: from abnormal and normal muscles (needle EMG), nerve conduction results and
// SNAPs it ranks root, plexus, peripheral nerve and polyneuropathy hypotheses with the evidence
// for and against each and a confidence. It is a suggestion: the clinician confirms or edits it.

#include <emg/study/myotomes.h>
#include <emg/study/normative.h>
#include <emg/study/study.h>

#include <string>
#include <vector>

namespace emg::study {

struct MuscleObservation {
    std::string muscle;
    Side side = Side::Unspecified;
    bool abnormal = false;   ///< neurogenic: denervation and/or reduced recruitment of large units
};

struct NerveObservation {
    std::string nerve;
    TestKind kind = TestKind::Sensory;   ///< Sensory = SNAP; Motor, FWave, HReflex
    Side side = Side::Unspecified;
    bool abnormal = false;
    bool focal = false;                  ///< focal slowing or conduction block along the nerve
};

struct LocalizationInput {
    std::vector<MuscleObservation> muscles;
    std::vector<NerveObservation> nerves;
};

enum class HypothesisKind { Root, Plexus, Nerve, Polyneuropathy };

struct Hypothesis {
    HypothesisKind kind = HypothesisKind::Root;
    std::string label;                    ///< e.g. "left L5 radiculopathy"
    std::vector<std::string> roots;       ///< for Root/Plexus
    Side side = Side::Unspecified;
    double score = 0.0;                   ///< ranking score (unbounded)
    double confidence = 0.0;              ///< 0..1
    std::string confidenceLabel;          ///< low / moderate / high
    std::vector<std::string> evidenceFor, evidenceAgainst;
};

std::string_view toString(HypothesisKind k) noexcept;

/// Ranked hypotheses (best first), only those with a positive score.
std::vector<Hypothesis> localize(const MyotomeMap& map, const LocalizationInput& input);

/// Observations from a study: needle tests (abnormal = neurogenic()), NCS/late responses
/// evaluated against the normative table (abnormal when any value is outside its limit; focal
/// when an across-segment parameter is flagged).
LocalizationInput observationsFrom(const Study& study, const NormativeTable& norms, const SubjectInfo& subject);

/// The best hypothesis as an unconfirmed, automatically generated finding.
Finding suggestionFinding(const Hypothesis& h);

}  // namespace emg::study
