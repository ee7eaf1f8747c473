#pragma once
// Unit ids of an expert decomposition, shared by its readers (CSV, EMGlab annotation).

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

}  // namespace emg::needle::detail
