#pragma once
// The patient as the study needs them: identity, the anthropometrics normative values depend on
// (age from the birth date, height), and the side of symptoms.

#include <emg/study/types.h>

#include <optional>
#include <string>

namespace emg::study {

struct Patient {
    std::string id;            ///< the lab's patient identifier (e.g. MRN); unique in a store
    std::string name;          ///< "Family, Given"
    std::string birthDate;     ///< ISO date YYYY-MM-DD, empty when unknown
    Sex sex = Sex::Unknown;
    std::optional<double> heightCm;
    Side symptomSide = Side::Unspecified;
};

/// Checks an ISO calendar date (YYYY-MM-DD, real day of month); false for anything else.
bool isIsoDate(const std::string& date) noexcept;

/// Whole years between birthDate and onDate (both YYYY-MM-DD); nullopt if either is invalid or
/// onDate precedes the birth date.
std::optional<int> ageYears(const std::string& birthDate, const std::string& onDate) noexcept;

/// Throws FormatError when the patient cannot be stored (empty id, bad date, implausible height).
void validate(const Patient& p);

}  // namespace emg::study
