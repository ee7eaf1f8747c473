#pragma once
// Flesch-Kincaid grade level of a text, with a syllable counter of its own (vowel groups, a
// silent final e, a consonant + "le" ending): grade = 0.39 words/sentence + 11.8 syllables/word
// - 15.59 (Kincaid et al. 1975).
#include <cctype>
#include <sstream>
#include <string>
#include <vector>

namespace emg::test {

inline std::string lettersOf(const std::string& word) {
    std::string w;
    for (char c : word)
        if (std::isalpha(static_cast<unsigned char>(c))) w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return w;
}

inline int syllables(const std::string& word) {
    const std::string w = lettersOf(word);
    if (w.empty()) return 0;
    auto vowel = [](char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'; };
    int groups = 0;
    for (std::size_t i = 0; i < w.size(); ++i)
        if (vowel(w[i]) && (i == 0 || !vowel(w[i - 1]))) ++groups;
    const std::size_t n = w.size();
    if (n > 2 && w[n - 1] == 'e' && !vowel(w[n - 2]) && !(w[n - 2] == 'l' && !vowel(w[n - 3]))) --groups;   // "care", not "table"
    if (n > 3 && w.compare(n - 2, 2, "ed") == 0 && w[n - 3] != 't' && w[n - 3] != 'd' && !vowel(w[n - 3])) --groups;   // "pressed"
    return groups < 1 ? 1 : groups;
}

struct Readability {
    int words = 0, sentences = 0, syllables = 0;
    double grade() const { return words == 0 || sentences == 0 ? 0.0 : 0.39 * words / sentences + 11.8 * syllables / words - 15.59; }
};

/// Blocks are separated by blank lines (pdftotext puts one between paragraphs); a block that does
/// not end a sentence (a title, a heading, the name line) counts as one sentence.
inline Readability readability(const std::string& text) {
    Readability r;
    std::istringstream lines(text + "\n\n");
    std::string line;
    bool open = false;   // words since the last sentence end, in this block
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::string word;
        bool any = false;
        while (words >> word) {
            any = true;
            if (lettersOf(word).empty()) continue;
            ++r.words;
            r.syllables += syllables(word);
            const char last = word.back();
            open = !(last == '.' || last == '!' || last == '?');
            if (!open) ++r.sentences;
        }
        if (!any && open) {   // the block ended without a full stop
            ++r.sentences;
            open = false;
        }
    }
    return r;
}

}  // namespace emg::test
