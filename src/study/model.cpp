// Model helpers: dates and age, test variant access, validation before storing.
#include <emg/study/study.h>

#include <cctype>
#include <set>
#include <type_traits>

namespace emg::study {

namespace {
struct Ymd {
    int y, m, d;
};
std::optional<Ymd> parseYmd(const std::string& s) noexcept {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    const int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
    if (y < 1850 || y > 2200 || m < 1 || m > 12 || d < 1) return std::nullopt;
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    const int maxDay = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
    if (d > maxDay) return std::nullopt;
    return Ymd{y, m, d};
}
}  // namespace

bool isIsoDate(const std::string& date) noexcept { return parseYmd(date).has_value(); }

std::optional<int> ageYears(const std::string& birthDate, const std::string& onDate) noexcept {
    const auto b = parseYmd(birthDate), o = parseYmd(onDate);
    if (!b || !o) return std::nullopt;
    int age = o->y - b->y;
    if (o->m < b->m || (o->m == b->m && o->d < b->d)) --age;
    if (age < 0) return std::nullopt;
    return age;
}

void validate(const Patient& p) {
    if (p.id.empty()) throw FormatError("patient.id: must not be empty");
    for (char c : p.id)
        if (std::iscntrl(static_cast<unsigned char>(c))) throw FormatError("patient.id: control characters are not allowed");
    if (!p.birthDate.empty() && !isIsoDate(p.birthDate))
        throw FormatError("patient.birthDate: '" + p.birthDate + "' is not a date YYYY-MM-DD");
    if (p.heightCm && (*p.heightCm < 40.0 || *p.heightCm > 250.0))
        throw FormatError("patient.heightCm: " + std::to_string(*p.heightCm) + " cm is outside 40..250 cm");
}

TestKind kindOf(const Test& t) noexcept {
    return std::visit([](const auto& x) { return std::decay_t<decltype(x)>::kKind; }, t);
}

const TestCommon& common(const Test& t) noexcept {
    return std::visit([](const auto& x) -> const TestCommon& { return x; }, t);
}
TestCommon& common(Test& t) noexcept {
    return std::visit([](auto& x) -> TestCommon& { return x; }, t);
}

std::string subjectOf(const Test& t) {
    if (const auto* n = std::get_if<NeedleEmg>(&t)) return n->muscle;
    return std::visit(
        [](const auto& x) -> std::string {
            if constexpr (requires { x.nerve; }) return x.nerve;
            else return {};
        },
        t);
}

std::string recordingSiteOf(const Test& t) {
    return std::visit(
        [](const auto& x) -> std::string {
            if constexpr (requires { x.recordingSite; }) return x.recordingSite;
            else return {};
        },
        t);
}

bool NeedleEmg::neurogenic() const noexcept {
    return fibrillations >= 1 || positiveSharpWaves >= 1 || recruitment == Recruitment::Reduced ||
           (muapDuration == Grade3::Increased && muapAmplitude == Grade3::Increased);
}

bool NeedleEmg::abnormal() const noexcept {
    return neurogenic() || fasciculations >= 1 || insertional == Grade3::Increased || insertional == Grade3::Decreased ||
           muapAmplitude == Grade3::Decreased || muapDuration == Grade3::Decreased || polyphasia == Grade3::Increased ||
           recruitment == Recruitment::Early || muapAmplitude == Grade3::Increased || muapDuration == Grade3::Increased;
}

void validate(const Study& s) {
    if (s.patientId.empty()) throw FormatError("study.patientId: must not be empty");
    if (!isIsoDate(s.date)) throw FormatError("study.date: '" + s.date + "' is not a date YYYY-MM-DD");
    if (s.limbTemperatureC && (*s.limbTemperatureC < 15.0 || *s.limbTemperatureC > 45.0))
        throw FormatError("study.limbTemperatureC: " + std::to_string(*s.limbTemperatureC) + " °C is outside 15..45 °C");
    std::set<std::string> ids;
    for (std::size_t i = 0; i < s.tests.size(); ++i) {
        const std::string path = "study.tests[" + std::to_string(i) + "]";
        const auto& c = common(s.tests[i]);
        if (!c.id.empty() && !ids.insert(c.id).second) throw FormatError(path + ".id: duplicate test id '" + c.id + "'");
        if (subjectOf(s.tests[i]).empty())
            throw FormatError(path + ": " + std::string(kindOf(s.tests[i]) == TestKind::Needle ? "muscle" : "nerve") + " must not be empty");
        if (c.raw.startSec && c.raw.endSec && *c.raw.endSec < *c.raw.startSec)
            throw FormatError(path + ".raw: endSec precedes startSec");
        auto checkSites = [&](const std::vector<StimSite>& sites) {
            for (std::size_t k = 0; k < sites.size(); ++k)
                if (sites[k].distanceMm && *sites[k].distanceMm <= 0.0)
                    throw FormatError(path + ".sites[" + std::to_string(k) + "].distanceMm: must be positive");
        };
        if (const auto* m = std::get_if<MotorNcs>(&s.tests[i])) checkSites(m->sites);
        if (const auto* m = std::get_if<SensoryNcs>(&s.tests[i])) checkSites(m->sites);
        if (const auto* n = std::get_if<NeedleEmg>(&s.tests[i])) {
            for (auto [name, g] : {std::pair{"fibrillations", n->fibrillations}, std::pair{"positiveSharpWaves", n->positiveSharpWaves},
                                   std::pair{"fasciculations", n->fasciculations}})
                if (g < 0 || g > 4) throw FormatError(path + "." + name + ": grade " + std::to_string(g) + " is outside 0..4");
        }
        if (const auto* r = std::get_if<Rns>(&s.tests[i]))
            // rateHz 0: not known (records of separate acquisitions glued back to back keep no time between them)
            if (!(r->rateHz >= 0.0 && r->rateHz <= 100.0) || r->trainLength < 2)
                throw FormatError(path + ": repetitive stimulation needs rateHz 0 (not known) or in (0, 100] and trainLength >= 2");
    }
}

}  // namespace emg::study
