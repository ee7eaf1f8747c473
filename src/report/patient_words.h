#pragma once
// Private to src/report: a confirmed impression's text read as one of the kinds of result the
// patient page can say in plain words, and those words (patient_words.cpp).
#include <string>
#include <vector>

namespace emg::report::detail {

struct PlainResult {
    std::vector<std::string> found;   ///< "What we found" paragraphs
    std::vector<std::string> next;    ///< "What usually comes next" paragraphs
};

/// Throws std::invalid_argument naming the text when it is none of: a normal study, a root
/// lesion (radiculopathy, with its root and side), a polyneuropathy, a plexopathy, carpal tunnel
/// or another single-nerve lesion, a myopathy, a neuromuscular junction disorder.
PlainResult plainWordsFor(const std::string& impression);

}  // namespace emg::report::detail
