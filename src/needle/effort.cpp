#include <emg/needle/effort.h>

#include <cctype>

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

}  // namespace emg::needle
