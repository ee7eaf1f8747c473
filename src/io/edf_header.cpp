#include "edf_header.h"

#include "edf_fields.h"

#include <emg/io/recording_io.h>

#include <array>
#include <cctype>
#include <cmath>
#include <utility>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string_view>

namespace emg::io::detail {

namespace {
constexpr std::array<const char*, 12> kMonths = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                 "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::size_t kMaxSignals = 4096;
// The fastest sampling any nerve or muscle recording needs is ~100 kHz; 10 MHz is the bound
// every reader (EDF/BDF, WFDB, headerless --rate) puts on a signal's rate.
constexpr double kMaxSampleRateHz = 1e7;
// A data record is a few ms to some seconds long; a record of more than a day is a header lie.
constexpr double kMaxRecordDurationSec = 86400.0;

std::string shortNumber(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::string_view field(const std::uint8_t* data, std::size_t offset, std::size_t width) {
    return {reinterpret_cast<const char*>(data) + offset, width};
}
std::string text(const std::uint8_t* data, std::size_t offset, std::size_t width) {
    return std::string(trimSpaces(field(data, offset, width)));
}
}  // namespace

std::size_t EdfHeader::recordBytes() const noexcept {
    std::size_t n = 0;
    for (const auto& s : signals) n += static_cast<std::size_t>(s.samplesPerRecord) * bytesPerSample();
    return n;
}

EdfHeader parseEdfHeader(const std::uint8_t* data, std::size_t size, const std::string& context) {
    if (size < 256)
        throw FormatError(context + ": truncated: the file has " + std::to_string(size) +
                          " bytes, an EDF/BDF header needs at least 256");
    EdfHeader h;
    if (data[0] == 0xFF) {
        h.bdf = true;  // BDF: 0xFF "BIOSEMI"
    } else {
        const std::string_view version = field(data, 0, 8);
        if (trimSpaces(version) != "0")
            throw FormatError(context + ": not an EDF or BDF file (version field '" + asciiOnly(version) + "')");
    }
    h.patient = text(data, 8, 80);
    h.recording = text(data, 88, 80);
    h.startDate = text(data, 168, 8);
    h.startTime = text(data, 176, 8);
    const long long headerBytes = parseIntegerField(field(data, 184, 8), "header size", context);
    h.reserved = text(data, 192, 44);
    h.dataRecords = parseIntegerField(field(data, 236, 8), "number of data records", context);
    h.recordDurationSec = parseNumberField(field(data, 244, 8), "data record duration", context);
    const long long ns = parseIntegerField(field(data, 252, 4), "number of signals", context);
    if (ns < 1 || static_cast<std::size_t>(ns) > kMaxSignals)
        throw FormatError(context + ": number of signals " + std::to_string(ns) + " outside 1.." + std::to_string(kMaxSignals));
    if (headerBytes != 256 * (ns + 1))
        throw FormatError(context + ": wrong header size: the header says " + std::to_string(headerBytes) + " bytes, " +
                          std::to_string(ns) + " signals need " + std::to_string(256 * (ns + 1)));
    if (h.dataRecords < -1)
        throw FormatError(context + ": number of data records " + std::to_string(h.dataRecords) + " is negative");
    if (h.recordDurationSec < 0)
        throw FormatError(context + ": data record duration " + std::to_string(h.recordDurationSec) + " s is negative");
    const std::size_t need = static_cast<std::size_t>(headerBytes);
    if (size < need)
        throw FormatError(context + ": truncated header: " + std::to_string(size) + " bytes, the header needs " +
                          std::to_string(need));

    const std::size_t n = static_cast<std::size_t>(ns);
    h.signals.resize(n);
    std::size_t off = 256;
    auto each = [&](std::size_t width, auto&& fn) {
        for (std::size_t i = 0; i < n; ++i) fn(h.signals[i], field(data, off + i * width, width), i);
        off += n * width;
    };
    const auto sigContext = [&](std::size_t i) { return context + ": signal " + std::to_string(i + 1); };
    each(16, [&](EdfSignalHeader& s, std::string_view f, std::size_t) { s.label = std::string(trimSpaces(f)); });
    each(80, [&](EdfSignalHeader& s, std::string_view f, std::size_t) { s.transducer = std::string(trimSpaces(f)); });
    each(8, [&](EdfSignalHeader& s, std::string_view f, std::size_t) { s.physicalDimension = std::string(trimSpaces(f)); });
    each(8, [&](EdfSignalHeader& s, std::string_view f, std::size_t i) {
        s.physicalMin = s.isAnnotation() ? 0.0 : parseNumberField(f, "physical minimum", sigContext(i));
    });
    each(8, [&](EdfSignalHeader& s, std::string_view f, std::size_t i) {
        s.physicalMax = s.isAnnotation() ? 1.0 : parseNumberField(f, "physical maximum", sigContext(i));
    });
    // 99999999 is the largest plain number 8 characters hold; "1E300" µV is no signal's range
    for (std::size_t i = 0; i < n; ++i) {
        const auto& s = h.signals[i];
        for (const auto& [name, v] : {std::pair{"physical minimum", s.physicalMin}, std::pair{"physical maximum", s.physicalMax}})
            if (std::fabs(v) > 99999999.0)
                throw FormatError(sigContext(i) + " ('" + asciiOnly(s.label) + "'): " + name + " " + shortNumber(v) +
                                  " is beyond the 8-character field's plain numbers (+-99999999)");
    }
    const long long dLo = h.bdf ? -8388608 : -32768;
    const long long dHi = h.bdf ? 8388607 : 32767;
    const char* bits = h.bdf ? "24-bit" : "16-bit";
    each(8, [&](EdfSignalHeader& s, std::string_view f, std::size_t i) {
        if (s.isAnnotation()) { s.digitalMin = static_cast<std::int32_t>(dLo); return; }
        const long long v = parseIntegerField(f, "digital minimum", sigContext(i));
        if (v < dLo || v > dHi)
            throw FormatError(sigContext(i) + ": digital minimum " + std::to_string(v) + " outside the " + bits + " range");
        s.digitalMin = static_cast<std::int32_t>(v);
    });
    each(8, [&](EdfSignalHeader& s, std::string_view f, std::size_t i) {
        if (s.isAnnotation()) { s.digitalMax = static_cast<std::int32_t>(dHi); return; }
        const long long v = parseIntegerField(f, "digital maximum", sigContext(i));
        if (v < dLo || v > dHi)
            throw FormatError(sigContext(i) + ": digital maximum " + std::to_string(v) + " outside the " + bits + " range");
        s.digitalMax = static_cast<std::int32_t>(v);
    });
    each(80, [&](EdfSignalHeader& s, std::string_view f, std::size_t) { s.prefilter = std::string(trimSpaces(f)); });
    each(8, [&](EdfSignalHeader& s, std::string_view f, std::size_t i) {
        const long long v = parseIntegerField(f, "samples per data record", sigContext(i));
        if (v < 1 || v > 50'000'000)
            throw FormatError(sigContext(i) + ": samples per data record " + std::to_string(v) + " outside 1..50000000");
        s.samplesPerRecord = v;
    });
    for (std::size_t i = 0; i < n; ++i) {
        const auto& s = h.signals[i];
        if (s.isAnnotation()) continue;
        if (s.digitalMin >= s.digitalMax)
            throw FormatError(sigContext(i) + " ('" + asciiOnly(s.label) + "'): impossible digital range: minimum " +
                              std::to_string(s.digitalMin) + " >= maximum " + std::to_string(s.digitalMax));
        if (s.physicalMin == s.physicalMax)
            throw FormatError(sigContext(i) + " ('" + asciiOnly(s.label) + "'): impossible physical range: minimum == maximum (" +
                              std::to_string(s.physicalMin) + ")");
    }
    if (h.recordBytes() > 512u * 1024 * 1024)
        throw FormatError(context + ": a data record of " + std::to_string(h.recordBytes()) + " bytes is implausibly large");
    bool hasSignal = false;
    for (const auto& s : h.signals) hasSignal = hasSignal || !s.isAnnotation();
    if (hasSignal && !(h.recordDurationSec > 0))
        throw FormatError(context + ": data record duration is 0 but the file has signals");
    if (h.recordDurationSec > kMaxRecordDurationSec)
        throw FormatError(context + ": data record duration " + shortNumber(h.recordDurationSec) +
                          " s is longer than a day: not a recording's data record");
    for (std::size_t i = 0; i < n && hasSignal; ++i) {
        const auto& s = h.signals[i];
        if (s.isAnnotation()) continue;
        const double rateHz = static_cast<double>(s.samplesPerRecord) / h.recordDurationSec;
        if (!(rateHz <= kMaxSampleRateHz))
            throw FormatError(sigContext(i) + " ('" + asciiOnly(s.label) + "'): samples per data record " +
                              std::to_string(s.samplesPerRecord) + " in a data record duration of " + shortNumber(h.recordDurationSec) +
                              " s make " + shortNumber(rateHz) + " Hz, above the 10 MHz limit (data record duration wrong?)");
    }
    return h;
}

std::string formatEdfHeader(const EdfHeader& h) {
    std::string out;
    out.reserve(h.headerBytes());
    if (h.bdf) {
        out += '\xFF';
        out += "BIOSEMI";
    } else {
        out += fixedField("0", 8);
    }
    out += fixedField(h.patient, 80);
    out += fixedField(h.recording, 80);
    out += fixedField(h.startDate, 8);
    out += fixedField(h.startTime, 8);
    out += fixedField(std::to_string(h.headerBytes()), 8);
    out += fixedField(h.reserved, 44);
    out += fixedField(std::to_string(h.dataRecords), 8);
    out += fixedField(formatFixedWidth(h.recordDurationSec, 8, Rounding::Nearest), 8);
    out += fixedField(std::to_string(h.signals.size()), 4);
    for (const auto& s : h.signals) out += fixedField(s.label, 16);
    for (const auto& s : h.signals) out += fixedField(s.transducer, 80);
    for (const auto& s : h.signals) out += fixedField(s.physicalDimension, 8);
    for (const auto& s : h.signals) out += fixedField(formatFixedWidth(s.physicalMin, 8, Rounding::Nearest), 8);
    for (const auto& s : h.signals) out += fixedField(formatFixedWidth(s.physicalMax, 8, Rounding::Nearest), 8);
    for (const auto& s : h.signals) out += fixedField(std::to_string(s.digitalMin), 8);
    for (const auto& s : h.signals) out += fixedField(std::to_string(s.digitalMax), 8);
    for (const auto& s : h.signals) out += fixedField(s.prefilter, 80);
    for (const auto& s : h.signals) out += fixedField(std::to_string(s.samplesPerRecord), 8);
    for (std::size_t i = 0; i < h.signals.size(); ++i) out += std::string(32, ' ');
    return out;
}

EdfDateTime edfDateTimeFrom(const std::string& iso) {
    int y = 0, mo = 0, d = 0, hh = 0, mi = 0, ss = 0;
    const bool ok = std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &hh, &mi, &ss) >= 3 &&
                    y >= 1985 && y <= 2084 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && hh >= 0 && hh < 24 &&
                    mi >= 0 && mi < 60 && ss >= 0 && ss < 61;
    if (!ok) {
        const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
        std::tm tm{};
        gmtime_r(&now, &tm);
        y = tm.tm_year + 1900;
        mo = tm.tm_mon + 1;
        d = tm.tm_mday;
        hh = tm.tm_hour;
        mi = tm.tm_min;
        ss = tm.tm_sec;
    }
    char buf[64];
    EdfDateTime r;
    std::snprintf(buf, sizeof buf, "%02d.%02d.%02d", d, mo, y % 100);
    r.date = buf;
    std::snprintf(buf, sizeof buf, "%02d.%02d.%02d", hh, mi, ss);
    r.time = buf;
    std::snprintf(buf, sizeof buf, "%02d-%s-%04d", d, kMonths[static_cast<std::size_t>(mo - 1)], y);
    r.plusDate = buf;
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, hh, mi, ss);
    r.iso = buf;
    return r;
}

std::string isoFromEdfHeader(const EdfHeader& h) {
    int d = 0, mo = 0, yy = 0, hh = 0, mi = 0, ss = 0;
    if (std::sscanf(h.startDate.c_str(), "%2d.%2d.%2d", &d, &mo, &yy) != 3) return {};
    if (std::sscanf(h.startTime.c_str(), "%2d.%2d.%2d", &hh, &mi, &ss) != 3) hh = mi = ss = 0;
    int year = yy >= 85 ? 1900 + yy : 2000 + yy;
    // EDF+: "Startdate dd-MMM-yyyy ..." carries the 4-digit year
    if (h.recording.rfind("Startdate ", 0) == 0 && h.recording.size() >= 21) {
        int y4 = 0;
        if (std::sscanf(h.recording.c_str() + 17, "%4d", &y4) == 1 && y4 > 1900 && y4 < 3000) year = y4;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", year, mo, d, hh, mi, ss);
    return buf;
}

namespace {
std::string subfield(const std::string& s) {
    std::string out = asciiOnly(trimSpaces(s));
    for (char& c : out)
        if (c == ' ') c = '_';
    return out.empty() ? std::string("X") : out;
}
std::size_t countSubfields(const std::string& s) {
    std::size_t n = 0;
    bool in = false;
    for (char c : s) {
        if (c != ' ' && !in) ++n;
        in = c != ' ';
    }
    return n;
}
}  // namespace

std::string edfPlusPatientField(const std::string& patientId) {
    const std::string ascii = asciiOnly(patientId);
    if (countSubfields(ascii) >= 4) return ascii;
    return subfield(patientId) + " X X X";
}

std::string edfPlusRecordingField(const std::string& recordingId, const EdfDateTime& when) {
    const std::string ascii = asciiOnly(recordingId);
    if (ascii.rfind("Startdate ", 0) == 0) return ascii;
    return "Startdate " + when.plusDate + " " + subfield(recordingId) + " X emgws";
}

}  // namespace emg::io::detail
