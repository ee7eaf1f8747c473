#pragma once
// Small vocabulary shared by the study model: sides, sex, who placed a measurement, test kinds.
// Every enum has a stable lower-case text form used in JSON and in the session store.

#include <emg/core/test_kind.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace emg::study {

/// Malformed study/protocol/normative/myotome data. what() names the JSON path, e.g.
/// "tests[2].sites[0].distanceMm: expected a number, got string".
class FormatError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class Sex { Unknown, Female, Male, Other };
enum class Side { Unspecified, Left, Right, Bilateral };
enum class Provenance { Auto, Clinician };
using emg::TestKind;   ///< the one test-kind enum (emg/core/test_kind.h)

std::string_view toString(Sex v) noexcept;
std::string_view toString(Side v) noexcept;
std::string_view toString(Provenance v) noexcept;
std::string_view toString(TestKind v) noexcept;

// Parsers throw FormatError naming the accepted words.
Sex parseSex(std::string_view s);
Side parseSide(std::string_view s);
Provenance parseProvenance(std::string_view s);
TestKind parseTestKind(std::string_view s);

}  // namespace emg::study
