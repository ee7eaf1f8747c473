// Text forms of the study vocabulary (stable: used in JSON files and the session store).
#include <emg/study/tests.h>
#include <emg/study/types.h>

#include <array>
#include <utility>

namespace emg::study {

namespace {
template <typename E, std::size_t N>
std::string_view nameOf(const std::array<std::pair<E, std::string_view>, N>& table, E v) noexcept {
    for (const auto& [e, s] : table)
        if (e == v) return s;
    return "?";
}
template <typename E, std::size_t N>
E parseOf(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view s, const char* what) {
    for (const auto& [e, name] : table)
        if (name == s) return e;
    std::string accepted;
    for (const auto& [e, name] : table) accepted += (accepted.empty() ? "" : ", ") + std::string(name);
    throw FormatError("unknown " + std::string(what) + " '" + std::string(s) + "' (accepted: " + accepted + ")");
}

constexpr std::array<std::pair<Sex, std::string_view>, 4> kSex{{
    {Sex::Unknown, "unknown"}, {Sex::Female, "female"}, {Sex::Male, "male"}, {Sex::Other, "other"}}};
constexpr std::array<std::pair<Side, std::string_view>, 4> kSide{{
    {Side::Unspecified, "unspecified"}, {Side::Left, "left"}, {Side::Right, "right"}, {Side::Bilateral, "bilateral"}}};
constexpr std::array<std::pair<Provenance, std::string_view>, 2> kProv{{{Provenance::Auto, "auto"}, {Provenance::Clinician, "clinician"}}};
constexpr std::array<std::pair<Grade3, std::string_view>, 4> kGrade3{{
    {Grade3::Normal, "normal"}, {Grade3::Increased, "increased"}, {Grade3::Decreased, "decreased"}, {Grade3::NotAssessed, "not assessed"}}};
constexpr std::array<std::pair<Recruitment, std::string_view>, 4> kRecruit{{
    {Recruitment::Normal, "normal"}, {Recruitment::Reduced, "reduced"}, {Recruitment::Early, "early"}, {Recruitment::NotAssessed, "not assessed"}}};
constexpr std::array<std::pair<Interference, std::string_view>, 5> kInterf{{{Interference::Full, "full"},
                                                                            {Interference::Reduced, "reduced"},
                                                                            {Interference::SingleUnit, "single unit"},
                                                                            {Interference::None, "none"},
                                                                            {Interference::NotAssessed, "not assessed"}}};
}  // namespace

std::string_view toString(Sex v) noexcept { return nameOf(kSex, v); }
std::string_view toString(Side v) noexcept { return nameOf(kSide, v); }
std::string_view toString(Provenance v) noexcept { return nameOf(kProv, v); }
std::string_view toString(TestKind v) noexcept { return testKindName(v); }
std::string_view toString(Grade3 v) noexcept { return nameOf(kGrade3, v); }
std::string_view toString(Recruitment v) noexcept { return nameOf(kRecruit, v); }
std::string_view toString(Interference v) noexcept { return nameOf(kInterf, v); }

Sex parseSex(std::string_view s) { return parseOf(kSex, s, "sex"); }
Side parseSide(std::string_view s) { return parseOf(kSide, s, "side"); }
Provenance parseProvenance(std::string_view s) { return parseOf(kProv, s, "provenance"); }
TestKind parseTestKind(std::string_view s) {
    std::string accepted;
    for (const auto k : kTestKinds) {
        if (s == testKindName(k)) return k;
        accepted += (accepted.empty() ? "" : ", ") + std::string(testKindName(k));
    }
    throw FormatError("unknown test kind '" + std::string(s) + "' (accepted: " + accepted + ")");
}
Grade3 parseGrade3(std::string_view s) { return parseOf(kGrade3, s, "finding grade"); }
Recruitment parseRecruitment(std::string_view s) { return parseOf(kRecruit, s, "recruitment"); }
Interference parseInterference(std::string_view s) { return parseOf(kInterf, s, "interference pattern"); }

}  // namespace emg::study
