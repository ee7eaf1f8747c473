#include "edf_strict_fields.h"

#include "edf_fields.h"

#include <array>
#include <cstdio>

namespace emg::io::detail {

namespace {
constexpr std::array<std::string_view, 12> kMonths = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                      "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
bool digit(char c) noexcept { return c >= '0' && c <= '9'; }
int twoDigits(std::string_view s, std::size_t at) noexcept { return (s[at] - '0') * 10 + (s[at + 1] - '0'); }

// Only spaces from `i` on.
bool restBlank(std::string_view f, std::size_t i) noexcept {
    for (; i < f.size(); ++i)
        if (f[i] != ' ') return false;
    return true;
}
std::size_t digitsFrom(std::string_view f, std::size_t& i) noexcept {
    const std::size_t start = i;
    while (i < f.size() && digit(f[i])) ++i;
    return i - start;
}
// "dd-MMM-yyyy": day 1-31, upper-case month; returns month 1-12 or 0.
int plusDateMonth(std::string_view d) noexcept {
    if (d.size() != 11 || d[2] != '-' || d[6] != '-') return 0;
    for (std::size_t i : {0u, 1u, 7u, 8u, 9u, 10u})
        if (!digit(d[i])) return 0;
    const int day = twoDigits(d, 0);
    if (day < 1 || day > 31) return 0;
    for (std::size_t m = 0; m < kMonths.size(); ++m)
        if (d.substr(3, 3) == kMonths[m]) return static_cast<int>(m) + 1;
    return 0;
}
}  // namespace

std::string printableBytes(std::string_view raw, bool unit) {
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const auto c = static_cast<unsigned char>(raw[i]);
        if (c >= 32 && c <= 126) {
            out.push_back(static_cast<char>(c));
        } else if (c == 0 || c == '\t' || c == '\r' || c == '\n') {
            out.push_back(' ');
        } else if (unit && ((c == 0xC2 && i + 1 < raw.size() && static_cast<unsigned char>(raw[i + 1]) == 0xB5) ||
                            (c == 0xCE && i + 1 < raw.size() && static_cast<unsigned char>(raw[i + 1]) == 0xBC))) {
            out.push_back('u');
            ++i;
        } else if (unit && c == 0xB5) {
            out.push_back('u');
        } else {
            out.push_back('_');
        }
    }
    out.resize(raw.size(), ' ');
    return out;
}

bool isStrictNumberField(std::string_view f) noexcept {
    std::size_t i = 0;
    if (i < f.size() && (f[i] == '+' || f[i] == '-')) ++i;
    std::size_t digits = digitsFrom(f, i);
    if (i < f.size() && f[i] == '.') {
        ++i;
        digits += digitsFrom(f, i);
    }
    if (digits == 0) return false;
    if (i < f.size() && (f[i] == 'e' || f[i] == 'E')) {
        ++i;
        if (i < f.size() && (f[i] == '+' || f[i] == '-')) ++i;
        if (digitsFrom(f, i) == 0) return false;
    }
    return restBlank(f, i);
}

bool isStrictIntegerField(std::string_view f) noexcept {
    std::size_t i = 0;
    if (i < f.size() && (f[i] == '+' || f[i] == '-')) ++i;
    if (digitsFrom(f, i) == 0) return false;
    return restBlank(f, i);
}

bool isStrictDurationField(std::string_view f) noexcept {
    std::size_t i = 0;
    std::size_t digits = digitsFrom(f, i);
    if (i < f.size() && f[i] == '.') {
        ++i;
        digits += digitsFrom(f, i);
    }
    return digits > 0 && restBlank(f, i);
}

bool isStrictDateField(std::string_view f) noexcept {
    if (f.size() != 8 || f[2] != '.' || f[5] != '.') return false;
    for (std::size_t i : {0u, 1u, 3u, 4u, 6u, 7u})
        if (!digit(f[i])) return false;
    const int d = twoDigits(f, 0), m = twoDigits(f, 3);
    return d >= 1 && d <= 31 && m >= 1 && m <= 12;
}

bool isStrictTimeField(std::string_view f) noexcept {
    if (f.size() != 8 || f[2] != '.' || f[5] != '.') return false;
    for (std::size_t i : {0u, 1u, 3u, 4u, 6u, 7u})
        if (!digit(f[i])) return false;
    return twoDigits(f, 0) <= 23 && twoDigits(f, 3) <= 59 && twoDigits(f, 6) <= 59;
}

bool isEdfPlusPatientField(std::string_view f) noexcept {
    if (f.size() != 80) return false;
    const std::size_t s1 = f.find(' ');
    if (s1 == std::string_view::npos || s1 < 1 || s1 > 72) return false;
    if (s1 + 3 >= f.size()) return false;
    const char sex = f[s1 + 1];
    if ((sex != 'M' && sex != 'F' && sex != 'X') || f[s1 + 2] != ' ') return false;
    const std::size_t b = s1 + 3;
    if (f[b] == 'X') return b + 2 < f.size() && f[b + 1] == ' ' && f[b + 2] != ' ';
    if (s1 + 1 > 65 || b + 12 >= f.size()) return false;
    return plusDateMonth(f.substr(b, 11)) != 0 && f[b + 11] == ' ' && f[b + 12] != ' ';
}

bool isEdfPlusRecordingField(std::string_view f, std::string_view date8) noexcept {
    if (f.size() != 80 || f.substr(0, 10) != "Startdate ") return false;
    std::size_t p = 0;
    if (f[10] == 'X') {
        if (f[11] != ' ' || f[12] == ' ') return false;
        p = 12;
    } else {
        const std::string_view d = f.substr(10, 11);
        const int month = plusDateMonth(d);
        if (month == 0 || f[21] != ' ' || f[22] == ' ') return false;
        if (!isStrictDateField(date8)) return false;
        const int yy = twoDigits(date8, 6);
        const int year = (d[7] - '0') * 1000 + (d[8] - '0') * 100 + twoDigits(d, 9);
        if (twoDigits(date8, 0) != twoDigits(d, 0) || twoDigits(date8, 3) != month || year != (yy > 84 ? 1900 : 2000) + yy)
            return false;
        p = 22;
    }
    // admincode, technician and equipment: two single spaces before the last byte
    int spaces = 0;
    for (std::size_t i = p; i < 80; ++i) {
        if (i > 78) return false;
        if (f[i] == ' ') {
            ++spaces;
            if (f[i + 1] == ' ') return false;
        }
        if (spaces > 1) return true;
    }
    return false;
}

std::string edfPlusStartdate(std::string_view date8) {
    if (!isStrictDateField(date8)) return "X";
    const int yy = twoDigits(date8, 6);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d-%s-%04d", twoDigits(date8, 0), std::string(kMonths[static_cast<std::size_t>(twoDigits(date8, 3) - 1)]).c_str(),
                  (yy > 84 ? 1900 : 2000) + yy);
    return buf;
}

std::string repairedEdfPlusPatientField(std::string_view original) {
    std::string code = printableBytes(trimSpaces(original));
    for (char& c : code)
        if (c == ' ') c = '_';
    if (code.empty()) code = "X";
    if (code.size() > 72) code.resize(72);
    return fixedField(code + " X X X", 80);
}

std::string repairedEdfPlusRecordingField(std::string_view original, std::string_view date8) {
    // already "Startdate dd-MMM-yyyy admincode technician equipment" but with another date than the
    // header's (the EDF+ specification's own nerve conduction example: 02-MAR-2002 against 17.04.01):
    // only the date is replaced, the rest kept as it was
    const std::string_view trimmed = trimSpaces(original);
    if (trimmed.size() > 22 && trimmed.substr(0, 10) == "Startdate " && plusDateMonth(trimmed.substr(10, 11)) != 0 && trimmed[21] == ' ') {
        std::string dated = std::string(trimmed.substr(0, 10)) + edfPlusStartdate(date8) + std::string(trimmed.substr(21));
        dated = fixedField(dated, 80);
        if (isEdfPlusRecordingField(dated, date8)) return dated;
    }
    std::string out = "Startdate " + edfPlusStartdate(date8) + " X X X";
    const std::string rest = printableBytes(trimSpaces(original));
    if (!rest.empty()) out += " " + rest;
    return fixedField(out, 80);
}

}  // namespace emg::io::detail
