#include <emg/needle/effort.h>

#include <emg/core/header_comments.h>

#include <cctype>
#include <cstdlib>

namespace emg::needle {

const char* toString(DeclaredEffort e) noexcept {
    switch (e) {
        case DeclaredEffort::Rest: return "rest";
        case DeclaredEffort::Slight: return "slight";
        case DeclaredEffort::Moderate: return "moderate";
        case DeclaredEffort::Maximal: return "maximal";
    }
    return "rest";
}

std::optional<DeclaredEffort> parseDeclaredEffort(const std::string& text) {
    std::string t;
    for (char c : text) t.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (t == "rest" || t == "relaxed") return DeclaredEffort::Rest;
    if (t == "slight" || t == "weak" || t == "minimal") return DeclaredEffort::Slight;
    if (t == "moderate") return DeclaredEffort::Moderate;
    if (t == "maximal" || t == "max" || t == "strong") return DeclaredEffort::Maximal;
    return std::nullopt;
}

std::optional<DeclaredEffort> declaredEffortFromText(const std::string& text) {
    std::string t;
    for (char c : text) t.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    // "10% MVC", "10 % of MVC", "30%mvc": the number before the '%' of a text naming the MVC
    if (const auto pct = t.find('%'); pct != std::string::npos && t.find("mvc", pct) != std::string::npos) {
        std::size_t b = pct;
        while (b > 0 && t[b - 1] == ' ') --b;
        std::size_t a = b;
        while (a > 0 && (std::isdigit(static_cast<unsigned char>(t[a - 1])) || t[a - 1] == '.')) --a;
        if (a < b) {
            const double v = std::atof(t.substr(a, b - a).c_str());
            if (v > 0.0 && v <= 100.0) return v <= 30.0 ? DeclaredEffort::Slight : v <= 60.0 ? DeclaredEffort::Moderate : DeclaredEffort::Maximal;
        }
    }
    std::string word;
    for (std::size_t i = 0; i <= t.size(); ++i) {
        if (i < t.size() && std::isalpha(static_cast<unsigned char>(t[i]))) {
            word.push_back(t[i]);
            continue;
        }
        if (const auto e = parseDeclaredEffort(word)) return e;
        word.clear();
    }
    return std::nullopt;
}

std::optional<StatedEffort> effortStatedInHeader(const std::vector<std::string>& comments) {
    for (const char* key : {"level", "effort", "contraction"})
        if (const auto v = headerCommentValue(comments, key))
            if (const auto e = declaredEffortFromText(*v)) return StatedEffort{*e, std::string(key) + ": " + *v};
    return std::nullopt;
}

}  // namespace emg::needle
