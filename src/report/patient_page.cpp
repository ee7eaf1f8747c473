// The page for the patient from a study's confirmed impression and its tests.
#include <emg/report/patient_page.h>

#include "patient_words.h"

#include <algorithm>
#include <cctype>

namespace emg::report {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

/// "upper" or "lower" for a limb test: the recording muscle's region, else any muscle of the
/// nerve, else the sensory nerve's; "" when the map does not know it.
std::string limbRegion(const study::Test& t, const study::MyotomeMap& map) {
    if (const auto* m = map.muscle(study::recordingSiteOf(t))) return m->region;
    const std::string nerve = lower(study::subjectOf(t));
    for (const auto& m : map.muscles())
        if (lower(m.nerve) == nerve || lower(m.branch) == nerve) return m.region;
    if (const auto* s = map.sensoryNerve(nerve)) return s->region;
    return "";
}

void addRegion(std::vector<std::string>& out, const std::string& region) {
    if (std::find(out.begin(), out.end(), region) == out.end()) out.push_back(region);
}

std::string joined(const std::vector<std::string>& items) {
    std::string s;
    for (std::size_t i = 0; i < items.size(); ++i) s += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
    return s;
}

/// "Jane Doe" from the stored "Doe, Jane".
std::string givenFirst(const std::string& name) {
    const auto comma = name.find(',');
    if (comma == std::string::npos) return name;
    std::string given = name.substr(comma + 1);
    given.erase(0, given.find_first_not_of(' '));
    return given.empty() ? name.substr(0, comma) : given + " " + name.substr(0, comma);
}

/// The confirmed impression: confirmed localization first (the clinician's conclusion), else
/// every confirmed impression; "" when nothing is confirmed.
std::string confirmedImpression(const study::Study& s) {
    for (const auto& f : s.findings)
        if (f.kind == "localization" && f.confirmed && !f.text.empty()) return f.text;
    std::string text;
    for (const auto& f : s.findings)
        if (f.kind == "impression" && f.confirmed && !f.text.empty()) text += (text.empty() ? "" : " ") + f.text;
    return text;
}

PatientPageSection whatWasTested(const study::Study& s, const std::vector<std::string>& regions) {
    bool needle = false, nerves = false;
    for (const auto& t : s.tests) (study::kindOf(t) == TestKind::Needle ? needle : nerves) = true;
    std::vector<std::string> yourRegions;
    for (const auto& r : regions) yourRegions.push_back("your " + r);
    PatientPageSection sec{"What we tested", {"We tested the nerves and muscles of " + joined(yourRegions) + "."}};
    if (nerves) sec.paragraphs.push_back("We gave small electric pulses to your nerves. This shows how well the nerves carry signals.");
    if (needle) sec.paragraphs.push_back("We also put a thin needle into some muscles. This lets us see and hear how each muscle works.");
    return sec;
}

}  // namespace

std::vector<std::string> testedRegions(const study::Study& study, const study::MyotomeMap& myotomes) {
    std::vector<std::string> out;
    for (const auto& t : study.tests) {
        const auto* muscle = study::kindOf(t) == TestKind::Needle ? myotomes.muscle(study::subjectOf(t)) : nullptr;
        const std::string region = muscle ? muscle->region : limbRegion(t, myotomes);
        if (muscle && muscle->paraspinal) {
            addRegion(out, region == "upper" ? "neck" : "lower back");
            continue;
        }
        const std::string limb = region == "upper" ? "arm" : region == "lower" ? "leg" : "";
        if (limb.empty()) continue;
        const auto side = study::common(t).side;
        if (side == study::Side::Left || side == study::Side::Bilateral) addRegion(out, "left " + limb);
        if (side == study::Side::Right || side == study::Side::Bilateral) addRegion(out, "right " + limb);
        if (side == study::Side::Unspecified) addRegion(out, limb + "s");
    }
    return out;
}

PatientPage patientPageFor(const study::Patient& patient, const study::Study& study, const study::MyotomeMap& myotomes) {
    const std::string impression = confirmedImpression(study);
    if (impression.empty())
        throw UnconfirmedImpression("study " + study.id + " has no confirmed impression: the page for the patient is made only from "
                                    "the clinician's confirmed impression (confirm the localization in the Study tab, or store an "
                                    "impression with \"confirmed\": true). Nothing was written.");
    const auto plain = detail::plainWordsFor(impression);
    PatientPage page;
    page.patientName = givenFirst(patient.name);
    page.patientId = patient.id;
    page.studyDate = study.date;
    page.regions = testedRegions(study, myotomes);
    if (page.regions.empty()) throw std::invalid_argument("study " + study.id + " has no test of a known part of the body to name");
    page.confirmedBy = study.examiner;
    page.sections.push_back(whatWasTested(study, page.regions));
    page.sections.push_back({"What we found", plain.found});
    page.sections.push_back({"What usually comes next", plain.next});
    return page;
}

PatientPage storedPatientPage(study::SessionStore& store, const std::string& studyId, const study::MyotomeMap& myotomes) {
    const auto s = store.study(studyId);
    if (!s) throw study::StoreError("no study '" + studyId + "' in the store (emgws-cli studies list)");
    const auto p = store.patient(s->patientId);
    if (!p) throw study::StoreError("study '" + studyId + "' names patient '" + s->patientId + "', who is not in the store");
    auto page = patientPageFor(*p, *s, myotomes);
    if (const auto sig = store.signature(studyId)) page.confirmedBy = sig->examinerName;   // who signed the report
    return page;
}

}  // namespace emg::report
