#pragma once
// The one rule that decides whether a result saved to a study replaces a test already there
// (upsert): two tests are the same test when they have the same kind and side and the same
// subject (the nerve, or the needle muscle), recording site and, for RNS, condition, the texts
// compared case-insensitively and without surrounding blanks ("Peroneal " = "peroneal").
// Stimulation sites within a nerve conduction test match by name the same way.

#include <emg/study/study.h>

#include <string>
#include <string_view>

namespace emg::study {

/// Text as the rule compares it: lower case (ASCII), surrounding blanks removed.
std::string identityText(std::string_view s);

/// True when `a` and `b` are the same test of a study under the rule above.
bool sameTest(const Test& a, const Test& b);

/// The test of `study` that is the same test as `probe`, or nullptr.
Test* findSameTest(Study& study, const Test& probe);

struct UpsertResult {
    std::string testId;     ///< the kept id of a replaced test (empty for a new one until the store assigns it)
    bool replaced = false;
    std::size_t index = 0;  ///< position in study.tests
};

/// Puts `test` into the study: replaces the same test (keeping its id and position) or appends it.
/// Throws std::invalid_argument when the test has no subject (no nerve / muscle).
UpsertResult upsertTest(Study& study, Test test);

}  // namespace emg::study
