#pragma once
// The page for the patient (docs/report.md, "The page for the patient"): what was tested (every
// tested region of the body named), what was found, and what usually comes next, in plain words
// made only from the clinician's CONFIRMED impression, never from measured values. The clinician
// reviews it before it is printed (the GUI shows it with Print/Save; the CLI writes the PDF to
// look at). Qt-free; drawn by patient_page_pdf.h.
#include <emg/study/myotomes.h>
#include <emg/study/patient.h>
#include <emg/study/session_store.h>
#include <emg/study/study.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace emg::report {

struct PatientPageSection {
    std::string heading;
    std::vector<std::string> paragraphs;
};

struct PatientPage {
    std::string title = "Your nerve and muscle test";
    std::string patientName;                   ///< "Jane Doe" (given name first)
    std::string patientId;
    std::string studyDate;                     ///< YYYY-MM-DD
    std::vector<std::string> regions;          ///< every tested region, e.g. "left leg", "lower back"
    std::vector<PatientPageSection> sections;  ///< what was tested, what was found, what comes next
    std::string confirmedBy;                   ///< the examiner whose confirmed impression it is made from
};

/// The study has no confirmed impression: nothing may be said to the patient yet.
class UnconfirmedImpression : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The confirmed impression (a finding of kind "impression" or "localization" with confirmed
/// set) in plain words. Throws UnconfirmedImpression when there is none, std::invalid_argument
/// when the confirmed text is not one this page can say in plain words (it names the text).
PatientPage patientPageFor(const study::Patient& patient, const study::Study& study, const study::MyotomeMap& myotomes);

/// The same for a stored study (a signed one: as signed). Throws study::StoreError when the study
/// or its patient is not in the store.
PatientPage storedPatientPage(study::SessionStore& store, const std::string& studyId, const study::MyotomeMap& myotomes);

/// The tested regions of a study, in test order without repeats: "left leg", "right arm",
/// "lower back" (lumbosacral paraspinals), "neck" (cervical paraspinals).
std::vector<std::string> testedRegions(const study::Study& study, const study::MyotomeMap& myotomes);

}  // namespace emg::report
