#include <emg/core/header_comments.h>
#include <emg/study/patient.h>
#include <emg/study/recording_age.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>
#include <vector>

namespace emg::study {

namespace {
constexpr double kMaxAgeYears = 120.0;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

/// "<age>: 62" anywhere in a WFDB comment (PhysioNet's convention), case ignored.
std::optional<double> ageFromWfdbComment(const std::string& text, std::string* quoted) {
    const auto at = lower(text).find("<age>:");
    if (at == std::string::npos) return std::nullopt;
    std::size_t from = at + 6;
    while (from < text.size() && (text[from] == ' ' || text[from] == '_')) ++from;   // '_' as EDF+ writes the comment's spaces
    const char* first = text.c_str() + from;
    char* end = nullptr;
    const double age = std::strtod(first, &end);
    if (end == first || !(age >= 0.0 && age <= kMaxAgeYears)) return std::nullopt;
    *quoted = text.substr(at, static_cast<std::size_t>(end - text.c_str()) - at);
    return age;
}

/// An EDF+ patient field's birthdate ("dd-MMM-yyyy", third subfield) as YYYY-MM-DD; empty when
/// the subfield is not such a date ("X" when unknown).
std::string isoBirthDate(const std::string& patientField) {
    std::istringstream fields(patientField);
    std::vector<std::string> sub;
    for (std::string f; sub.size() < 3 && fields >> f;) sub.push_back(f);
    if (sub.size() < 3 || sub[2].size() != 11 || sub[2][2] != '-' || sub[2][6] != '-') return {};
    static const char* const kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
    const std::string mon = lower(sub[2].substr(3, 3));
    const auto* m = std::find_if(std::begin(kMonths), std::end(kMonths), [&](const char* k) { return mon == k; });
    if (m == std::end(kMonths)) return {};
    const auto month = m - std::begin(kMonths) + 1;
    return sub[2].substr(7, 4) + (month < 10 ? "-0" : "-") + std::to_string(month) + "-" + sub[2].substr(0, 2);
}

/// An EDF+ birthdate against the recording's start date, when the recording field gives a real date.
std::optional<double> ageFromEdfPlus(const Recording& rec, std::string* quoted) {
    if (rec.recordingId.rfind("Startdate ", 0) != 0 || rec.recordingId.rfind("Startdate X", 0) == 0) return std::nullopt;
    const std::string birth = isoBirthDate(rec.patientId), on = rec.startDateTime.substr(0, 10);
    const auto years = ageYears(birth, on);   // completed years; nullopt for a bad date or a birth after the recording
    if (!years || *years > kMaxAgeYears) return std::nullopt;
    *quoted = "birthdate " + birth + ", recorded " + on;
    return *years;
}

/// "age: 25" as a header comment of its own (EMGLAB), "<age>: 62" within one (PhysioNet).
std::optional<double> ageFromHeaderComments(const std::vector<std::string>& comments, std::string* quoted) {
    for (const auto& c : comments)
        if (const auto a = ageFromWfdbComment(c, quoted)) return a;
    const auto v = headerCommentValue(comments, "age");
    if (!v) return std::nullopt;
    char* end = nullptr;
    const double age = std::strtod(v->c_str(), &end);
    if (end == v->c_str() || !(age >= 0.0 && age <= kMaxAgeYears)) return std::nullopt;
    *quoted = "age: " + *v;
    return age;
}
}  // namespace

std::optional<double> ageFromRecording(const Recording& rec, std::string* source) {
    std::string quoted;
    auto age = ageFromWfdbComment(rec.patientId, &quoted);
    if (!age) age = ageFromHeaderComments(rec.headerComments, &quoted);
    if (!age) age = ageFromEdfPlus(rec, &quoted);
    if (age && source) *source = "file: '" + quoted + "'";
    return age;
}

}  // namespace emg::study
