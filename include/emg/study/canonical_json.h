#pragma once
// The canonical text of a study: what a signature's SHA-256 is computed over (docs/study-model.md,
// "Canonical study JSON"). It is the study's JSON form (toJson) written
//   - without any whitespace, object keys in ascending byte order (UTF-8), arrays in their order;
//   - strings as UTF-8, escaping only '"', '\\' and control characters (\b \f \n \r \t, else \u00XX);
//   - numbers: integers in decimal; other numbers with 12 significant digits in the shortest of
//     fixed or exponent form ("4.9", "4100", "1.5e-07"), "-0" written "0"; true/false/null as is.
// Twelve digits hold every clinical value exactly (a latency has 3-4) while a value that went
// through either database's floating-point text and back gives the same text.
#include <emg/study/study.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace emg::study {

/// Canonical text of any JSON value (rules above).
std::string canonicalJsonText(const nlohmann::json& j);
/// Canonical text of a study: canonicalJsonText(toJson(study)).
std::string canonicalStudyJson(const Study& s);

/// What differs between the study JSON that was signed and the one stored now, one line per
/// difference, named for a reader: "test t1 (motor peroneal, left), site 'ankle', distalLatencyMs:
/// value 4.9 -> 5.4". Empty when the two are equal.
std::vector<std::string> describeStudyDifferences(const nlohmann::json& signedStudy, const nlohmann::json& currentStudy);
/// The same for any two JSON objects (e.g. a test's stored fields before and after a change):
/// "fibrillations: 2 -> 3".
std::vector<std::string> describeJsonDifferences(const nlohmann::json& before, const nlohmann::json& after);

}  // namespace emg::study
