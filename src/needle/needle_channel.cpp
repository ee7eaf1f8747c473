#include <emg/needle/needle_channel.h>
#include <emg/needle/reference_values.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace emg::needle {

namespace {
std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}
}  // namespace

bool isNeedleChannel(const RecordedChannel& c) {
    const auto t = lower(c.transducer), l = lower(c.label);
    return t.find("needle") != std::string::npos || t.find("concentric") != std::string::npos ||
           t.find("monopolar") != std::string::npos || l.find("needle") != std::string::npos;
}

int pickNeedleChannel(const Recording& rec, std::optional<int> asked) {
    if (asked) {
        if (*asked < 0 || *asked >= static_cast<int>(rec.channels.size()))
            throw std::invalid_argument("channel " + std::to_string(*asked) + " does not exist (the recording has " +
                                        std::to_string(rec.channels.size()) + " channels, 0-based)");
        if (rec.channels[static_cast<std::size_t>(*asked)].isAnnotationOrTrigger)
            throw std::invalid_argument("channel " + std::to_string(*asked) + " is an annotation/trigger channel");
        return *asked;
    }
    for (std::size_t i = 0; i < rec.channels.size(); ++i)
        if (!rec.channels[i].isAnnotationOrTrigger && isNeedleChannel(rec.channels[i])) return static_cast<int>(i);
    for (std::size_t i = 0; i < rec.channels.size(); ++i)
        if (!rec.channels[i].isAnnotationOrTrigger) return static_cast<int>(i);
    return -1;
}

std::string muscleFor(const RecordedChannel& channel, const std::string& typed, std::string* source) {
    if (!typed.empty()) {
        if (source) *source = "--muscle";
        return typed;
    }
    if (muapReference(channel.label, std::nullopt).muscle != "general") {
        if (source) *source = "channel label";
        return channel.label;
    }
    if (source) *source = "none";
    return {};
}

namespace {
constexpr double kMaxAgeYears = 120.0;

/// "<age>: 62" anywhere in a WFDB comment (PhysioNet's convention), case ignored.
std::optional<double> ageFromWfdbComment(const std::string& text, std::string* quoted) {
    const std::string l = lower(text);
    const auto at = l.find("<age>:");
    if (at == std::string::npos) return std::nullopt;
    std::size_t from = at + 6;
    while (from < text.size() && (text[from] == ' ' || text[from] == '_')) ++from;   // '_' as EDF+ writes the comment's spaces
    const char* first = text.c_str() + from;
    char* end = nullptr;
    const double age = std::strtod(first, &end);
    if (end == first || !(age >= 0.0 && age <= kMaxAgeYears)) return std::nullopt;
    if (quoted) *quoted = text.substr(at, static_cast<std::size_t>(end - text.c_str()) - at);
    return age;
}

/// Days since 1 Jan 1 of a proleptic Gregorian date (only differences are used).
long daysOf(int y, int m, int d) {
    const int a = m <= 2 ? 1 : 0;
    const long yy = y - a, mm = m + 12 * a - 3;
    return d + (153 * mm + 2) / 5 + 365 * yy + yy / 4 - yy / 100 + yy / 400;
}

/// An EDF+ patient field's birthdate ("dd-MMM-yyyy", third subfield) against the recording's
/// ISO start date, when the recording field gives a real date.
std::optional<double> ageFromEdfPlus(const Recording& rec, std::string* quoted) {
    if (rec.startDateTime.size() < 10 || rec.recordingId.rfind("Startdate ", 0) != 0 || rec.recordingId.rfind("Startdate X", 0) == 0)
        return std::nullopt;
    std::istringstream fields(rec.patientId);
    std::vector<std::string> sub;
    for (std::string f; fields >> f && sub.size() < 3;) sub.push_back(f);
    if (sub.size() < 3 || sub[2].size() != 11 || sub[2][2] != '-' || sub[2][6] != '-') return std::nullopt;
    static const char* const kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
    const std::string mon = lower(sub[2].substr(3, 3));
    int bm = 0;
    for (int i = 0; i < 12; ++i)
        if (mon == kMonths[i]) bm = i + 1;
    int bd = 0, by = 0, sy = 0, sm = 0, sd = 0;
    if (bm == 0 || std::sscanf(sub[2].c_str(), "%2d", &bd) != 1 || std::sscanf(sub[2].c_str() + 7, "%4d", &by) != 1 ||
        std::sscanf(rec.startDateTime.c_str(), "%4d-%2d-%2d", &sy, &sm, &sd) != 3)
        return std::nullopt;
    // completed years, as an age is stated (and as the needle panel's whole-year field holds it)
    const double age = std::floor(static_cast<double>(daysOf(sy, sm, sd) - daysOf(by, bm, bd)) / 365.2425);
    if (!(age >= 0.0 && age <= kMaxAgeYears)) return std::nullopt;
    if (quoted) *quoted = "birthdate " + sub[2] + ", recorded " + rec.startDateTime.substr(0, 10);
    return age;
}
}  // namespace

std::optional<double> ageFromRecording(const Recording& rec, std::string* source) {
    std::string quoted;
    auto age = ageFromWfdbComment(rec.patientId, &quoted);
    if (!age) age = ageFromEdfPlus(rec, &quoted);
    if (age && source) *source = "file: '" + quoted + "'";
    return age;
}

}  // namespace emg::needle
