#pragma once
// Whole-study evaluation: every measurement compared with its normative limit for this patient,
// plus derived side-to-side comparisons (H-reflex latency difference and amplitude ratio).

#include <emg/study/normative.h>
#include <emg/study/study.h>

#include <string>
#include <vector>

namespace emg::study {

struct MeasurementEvaluation {
    std::string testId;          ///< "left+right" for a derived side-to-side value
    TestKind kind = TestKind::Motor;
    std::string subject;         ///< nerve or muscle
    std::string recordingSite;
    Side side = Side::Unspecified;
    std::string site;            ///< stimulation site, empty for test-level values
    Measurement measurement;
    Evaluation evaluation;
};

/// Age at the study date, height and limb temperature for the evaluator.
SubjectInfo subjectFor(const Patient& patient, const Study& study);

/// A derived H-reflex side-to-side value (latency difference, smaller/larger amplitude ratio) of
/// the study's first left and first right H-reflex tests, evaluated, and the side it speaks
/// against (the later latency, the smaller H).
struct SideToSideEvaluation {
    MeasurementEvaluation evaluation;
    Side worseSide = Side::Unspecified;
};
std::vector<SideToSideEvaluation> hReflexSideToSide(const Study& study, const NormativeTable& norms, const SubjectInfo& subject);

/// Derived side-to-side values of nerve conduction, evaluated: for each nerve studied on both
/// sides with the same recording site (the first left and first right test of a kind), the
/// distal CMAP's and SNAP's amplitude as the smaller side's share of the larger
/// (amplitudeSideRatio) and the F-waves' minimal latency difference (fMinLatencySideDiffMs),
/// each with the side it speaks against. A value without a normative limit is left out.
std::vector<SideToSideEvaluation> ncsSideToSide(const Study& study, const NormativeTable& norms, const SubjectInfo& subject);

/// A measurement by name (the first) among a test's or a site's measurements, or null.
const Measurement* findMeasurement(const std::vector<Measurement>& measurements, const std::string& name);

/// Whether measurement `name` of stimulation site `siteIndex` (0 = the most distal) of a `kind`
/// nerve test is judged against the normative table. The limits of a site's latency and amplitude
/// are the distal site's (stimulation at the reference distance): every measurement of site 0 is
/// judged; of a proximal site, a motor nerve's segment velocity (a motor CV limit is a segment's,
/// forearm or leg), its CMAP's area drop from the next more distal site (conduction block or
/// dispersion) and the across-elbow values (their limits are that segment's), nothing else. A proximal site's amplitude is judged against the distal one's (the
/// amplitude drop), not against the distal limit; a sensory CV limit is the distal one's over
/// its reference distance, so a proximal sensory segment has none.
bool judgedAgainstNorms(TestKind kind, std::size_t siteIndex, const std::string& name);

/// Evaluations of every measurement that has a normative entry (others are skipped; a site's:
/// judgedAgainstNorms), followed by the derived side-to-side values (hReflexSideToSide).
std::vector<MeasurementEvaluation> evaluateStudy(const Study& study, const NormativeTable& norms, const SubjectInfo& subject);

}  // namespace emg::study
