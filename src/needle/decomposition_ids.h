#pragma once
// Unit ids and quoted fields of an expert decomposition, shared by its readers (CSV, EMGlab annotation).

#include <charconv>
#include <cmath>
#include <string>
#include <string_view>

namespace emg::needle::detail {

/// "3", "03", "3.0" -> "3"; other ids as written (surrounding blanks dropped).
inline std::string canonicalUnitId(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    std::string_view digits = s;
    if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
    double v = 0.0;
    const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (!digits.empty() && r.ec == std::errc() && r.ptr == digits.data() + digits.size() && std::isfinite(v) && std::floor(v) == v &&
        std::abs(v) < 1e15)
        return std::to_string(static_cast<long long>(v));
    return std::string(s);
}

/// A field as an error message quotes it: printable ASCII ('?' for other bytes), at most 40 characters.
inline std::string quotedField(std::string_view s) {
    std::string o;
    for (char c : s.substr(0, 40)) o.push_back(static_cast<unsigned char>(c) >= 32 && static_cast<unsigned char>(c) < 127 ? c : '?');
    if (s.size() > 40) o += "...";
    return o;
}

}  // namespace emg::needle::detail
