#include "edf_fields.h"

#include <emg/io/recording_io.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

namespace emg::io::detail {

std::string_view trimSpaces(std::string_view s) noexcept {
    const auto isSpace = [](char c) { return c == ' ' || c == '\0' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
    return s;
}

std::string asciiOnly(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 32 && c <= 126) {
            out.push_back(static_cast<char>(c));
        } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xB5) {  // µ (U+00B5)
            out.push_back('u');
            ++i;
        } else if (c == 0xCE && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBC) {  // μ (U+03BC)
            out.push_back('u');
            ++i;
        } else if (c == 0xB5) {  // Latin-1 µ
            out.push_back('u');
        } else if (c >= 0x80 && c < 0xC0) {
            // UTF-8 continuation byte of a character already replaced
        } else {
            out.push_back('_');
        }
    }
    return out;
}

std::string fixedField(std::string_view s, std::size_t width) {
    std::string out = asciiOnly(s);
    if (out.size() > width) out.resize(width);
    out.resize(width, ' ');
    return out;
}

double parseNumberField(std::string_view field, const char* what, const std::string& context) {
    const std::string_view t = trimSpaces(field);
    std::string text(t);
    for (char& c : text)
        if (c == ',') c = '.';  // some writers use a decimal comma
    const char* b = text.data();
    const char* e = text.data() + text.size();
    if (!text.empty() && *b == '+') ++b;
    double v = 0.0;
    const auto res = std::from_chars(b, e, v);
    if (text.empty() || b == e || res.ec != std::errc() || res.ptr != e || !std::isfinite(v))
        throw FormatError(context + ": " + what + " '" + asciiOnly(t) + "' is not a number");
    return v;
}

long long parseIntegerField(std::string_view field, const char* what, const std::string& context) {
    const double v = parseNumberField(field, what, context);
    if (v != std::floor(v) || std::fabs(v) > 9.0e15)
        throw FormatError(context + ": " + what + " '" + asciiOnly(trimSpaces(field)) + "' is not an integer");
    return static_cast<long long>(v);
}

namespace {
// Decimal text of `scaled` / 10^decimals (scaled is an integer value).
std::string decimalText(double scaled, int decimals) {
    const bool negative = scaled < 0;
    char digits[64];
    std::snprintf(digits, sizeof digits, "%.0f", std::fabs(scaled));
    std::string d = digits;
    if (decimals > 0) {
        if (d.size() <= static_cast<std::size_t>(decimals)) d.insert(0, static_cast<std::size_t>(decimals) + 1 - d.size(), '0');
        d.insert(d.size() - static_cast<std::size_t>(decimals), ".");
        while (d.back() == '0') d.pop_back();
        if (d.back() == '.') d.pop_back();
    }
    if (negative && d != "0") d.insert(0, "-");
    return d;
}
}  // namespace

std::string formatFixedWidth(double value, std::size_t width, Rounding rounding) {
    if (!std::isfinite(value)) throw FormatError("cannot write a non-finite number in a header field");
    for (int decimals = static_cast<int>(width); decimals >= 0; --decimals) {
        const double p = std::pow(10.0, decimals);
        const double x = value * p;
        if (std::fabs(x) > 9.0e15) continue;
        double s = std::nearbyint(x);
        if (rounding == Rounding::Down && s / p > value) s -= 1.0;
        if (rounding == Rounding::Up && s / p < value) s += 1.0;
        std::string text = decimalText(s, decimals);
        if (text.size() <= width) return text;
    }
    throw FormatError("the number " + std::to_string(value) + " does not fit a " + std::to_string(width) +
                      "-character header field");
}

std::string formatTalSeconds(double seconds) {
    const double scaled = std::nearbyint(seconds * 1e7);
    std::string t = decimalText(scaled, 7);
    if (t.front() != '-') t.insert(0, "+");
    return t;
}

}  // namespace emg::io::detail
