#include <emg/core/header_comments.h>

#include <cctype>

namespace emg {

std::optional<std::string> headerCommentValue(const std::vector<std::string>& comments, std::string_view key) {
    const auto same = [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b)); };
    for (const auto& c : comments) {
        std::size_t p = c.find_first_not_of(" \t");
        if (p == std::string::npos) continue;
        if (c[p] == '<') ++p;
        if (c.size() < p + key.size()) continue;
        bool match = true;
        for (std::size_t k = 0; k < key.size() && match; ++k) match = same(c[p + k], key[k]);
        if (!match) continue;
        p += key.size();
        if (p < c.size() && c[p] == '>') ++p;
        if (p >= c.size() || c[p] != ':') continue;
        const auto b = c.find_first_not_of(" \t", p + 1);
        if (b == std::string::npos) return std::string();
        const auto e = c.find_last_not_of(" \t\r");
        return c.substr(b, e + 1 - b);
    }
    return std::nullopt;
}

}  // namespace emg
