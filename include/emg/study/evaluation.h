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

/// Evaluations of every measurement that has a normative entry (others are skipped).
std::vector<MeasurementEvaluation> evaluateStudy(const Study& study, const NormativeTable& norms, const SubjectInfo& subject);

}  // namespace emg::study
