#include "dicom_values.h"

#include <emg/io/sha256.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <stdexcept>

namespace emg::report::dicom {

namespace {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

bool allDigits(const std::string& s, std::size_t from, std::size_t n) {
    if (s.size() < from + n) return false;
    for (std::size_t i = from; i < from + n; ++i)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

/// 16 bytes as a UUID of `version` (RFC 9562 variant bits 10), then as "2.25.<decimal>".
std::string uidFromBytes(std::array<std::uint8_t, 16> b, int version) {
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | (version << 4));
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);
    std::string digits;   // the 128-bit big-endian number in decimal, by repeated division by 10
    while (std::any_of(b.begin(), b.end(), [](std::uint8_t x) { return x != 0; })) {
        unsigned remainder = 0;
        for (auto& byte : b) {
            const unsigned cur = (remainder << 8) | byte;
            byte = static_cast<std::uint8_t>(cur / 10);
            remainder = cur % 10;
        }
        digits.insert(digits.begin(), static_cast<char>('0' + remainder));
    }
    if (digits.empty()) digits = "0";
    return "2.25." + digits;
}

}  // namespace

std::string limitText(const std::string& text, std::size_t maxChars) {
    if (text.size() <= maxChars) return text;
    std::size_t cut = maxChars;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;   // not inside a UTF-8 sequence
    return text.substr(0, cut);
}

std::string personName(const std::string& name) {
    const auto comma = name.find(',');
    if (comma == std::string::npos) return limitText(trim(name), 64);
    const std::string family = limitText(trim(name.substr(0, comma)), 64);
    const std::string given = limitText(trim(name.substr(comma + 1)), 64);
    return given.empty() ? family : family + "^" + given;
}

std::string sexCode(study::Sex sex) {
    switch (sex) {
        case study::Sex::Male: return "M";
        case study::Sex::Female: return "F";
        case study::Sex::Other: return "O";
        case study::Sex::Unknown: break;
    }
    return "";
}

std::string dicomDate(const std::string& iso) {
    if (iso.size() < 10 || !allDigits(iso, 0, 4) || iso[4] != '-' || !allDigits(iso, 5, 2) || iso[7] != '-' || !allDigits(iso, 8, 2))
        return "";
    return iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2);
}

DateTimeParts dicomDateTime(const std::string& iso) {
    DateTimeParts p;
    p.date = dicomDate(iso);
    if (p.date.empty() || iso.size() < 19 || (iso[10] != 'T' && iso[10] != ' ')) return p;
    if (allDigits(iso, 11, 2) && iso[13] == ':' && allDigits(iso, 14, 2) && iso[16] == ':' && allDigits(iso, 17, 2))
        p.time = iso.substr(11, 2) + iso.substr(14, 2) + iso.substr(17, 2);
    return p;
}

std::string decimalString(double value) {
    if (!std::isfinite(value)) throw std::invalid_argument("a DICOM decimal string needs a finite number");
    if (value == 0.0) return "0";
    // the more significant digits the better: plain %G, or the exponent without its padding
    // ("5.45905861014E-4" keeps 12 digits where "0.00054590586101" keeps 11)
    char buf[40];
    for (int precision = 15; precision >= 1; --precision) {
        std::snprintf(buf, sizeof buf, "%.*G", precision, value);
        if (std::string(buf).size() <= 16) return buf;
        std::snprintf(buf, sizeof buf, "%.*E", precision - 1, value);
        std::string e(buf);
        const auto at = e.find('E');
        std::string exponent = e.substr(at + 1);
        const bool negative = exponent[0] == '-';
        exponent.erase(0, 1);
        while (exponent.size() > 1 && exponent[0] == '0') exponent.erase(0, 1);
        e = e.substr(0, at) + "E" + (negative ? "-" : "") + exponent;
        if (e.size() <= 16) return e;
    }
    throw std::invalid_argument("cannot write " + std::to_string(value) + " in 16 characters");
}

std::string uidFromName(const std::string& name) {
    io::Sha256 h;
    h.update(name);
    const auto digest = h.finish();
    std::array<std::uint8_t, 16> b{};
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = digest[i];
    return uidFromBytes(b, 8);
}

std::string randomUid() {
    static thread_local std::random_device device;
    std::array<std::uint8_t, 16> b{};
    for (std::size_t i = 0; i < b.size(); i += 4) {
        const std::uint32_t r = device();
        for (std::size_t k = 0; k < 4; ++k) b[i + k] = static_cast<std::uint8_t>(r >> (8 * k));
    }
    return uidFromBytes(b, 4);
}

std::string studyInstanceUid(const std::string& studyId) { return uidFromName("emgws study " + studyId); }

}  // namespace emg::report::dicom
