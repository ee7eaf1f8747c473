#pragma once
// One electrodiagnostic study (a visit): who, why, by whom, at which limb temperature, the tests
// performed and the findings (a clinician-confirmed or suggested interpretation).

#include <emg/study/patient.h>
#include <emg/study/tests.h>

#include <optional>
#include <string>
#include <vector>

namespace emg::study {

struct Finding {
    std::string kind = "impression";   ///< impression, localization, comment
    std::string text;
    Provenance provenance = Provenance::Clinician;
    bool confirmed = false;            ///< a suggestion becomes a finding when the clinician confirms it
};

struct Study {
    std::string id;                    ///< assigned by the store (UUID) when empty
    std::string patientId;
    std::string date;                  ///< YYYY-MM-DD
    std::string indication;            ///< e.g. "low back pain with left leg symptoms"
    std::string referringPhysician;
    std::string examiner;
    std::string technician;
    std::optional<double> limbTemperatureC;
    std::string protocolId;            ///< e.g. "lumbosacral-radiculopathy"
    std::vector<Test> tests;
    std::vector<Finding> findings;
};

/// Throws FormatError for a study that must not be stored (no patient, bad date, duplicate test
/// ids, grades outside 0..4, negative distances, temperature outside 15..45 °C).
void validate(const Study& s);

}  // namespace emg::study
