// JSON form of the study model. Writing omits empty optional values; reading tolerates absent
// keys and unknown keys, and names the path of anything malformed.
#include "json_reader.h"

#include <emg/study/json.h>
#include <emg/study/measurement_names.h>

#include <fstream>
#include <sstream>

namespace emg::study {

using nlohmann::json;
using detail::JsonReader;

namespace {
std::string idx(const std::string& path, const char* key, std::size_t i) { return path + "." + key + "[" + std::to_string(i) + "]"; }

template <typename F>
auto parsed(const JsonReader& r, const char* key, const std::string& def, F parse) {
    const std::string s = r.str(key, def);
    try {
        return parse(s);
    } catch (const FormatError& e) {
        throw FormatError(r.child(key) + ": " + e.what());
    }
}

json measurementsJson(const std::vector<Measurement>& ms) {
    json a = json::array();
    for (const auto& m : ms) a.push_back(toJson(m));
    return a;
}
std::vector<Measurement> measurementsFrom(const JsonReader& r) {
    std::vector<Measurement> out;
    const auto& a = r.array("measurements");
    for (std::size_t i = 0; i < a.size(); ++i) out.push_back(measurementFromJson(a[i], idx(r.path(), "measurements", i)));
    return out;
}

json sitesJson(const std::vector<StimSite>& sites) {
    json a = json::array();
    for (const auto& s : sites) {
        json j{{"name", s.name}};
        if (s.distanceMm) j["distanceMm"] = *s.distanceMm;
        if (!s.measurements.empty()) j["measurements"] = measurementsJson(s.measurements);
        a.push_back(std::move(j));
    }
    return a;
}
std::vector<StimSite> sitesFrom(const JsonReader& r) {
    std::vector<StimSite> out;
    const auto& a = r.array("sites");
    for (std::size_t i = 0; i < a.size(); ++i) {
        JsonReader s(a[i], idx(r.path(), "sites", i));
        StimSite site;
        site.name = s.requiredStr("name");
        site.distanceMm = s.optNum("distanceMm");
        site.measurements = measurementsFrom(s);
        out.push_back(std::move(site));
    }
    return out;
}

void commonToJson(const TestCommon& c, json& j) {
    if (!c.id.empty()) j["id"] = c.id;
    j["side"] = toString(c.side);
    if (!c.raw.empty()) j["raw"] = toJson(c.raw);
    if (!c.measurements.empty()) j["measurements"] = measurementsJson(c.measurements);
    if (!c.note.empty()) j["note"] = c.note;
}
void commonFrom(const JsonReader& r, TestCommon& c) {
    c.id = r.str("id");
    c.side = parsed(r, "side", "unspecified", parseSide);
    if (r.has("raw")) c.raw = rawDataFromJson(r.raw().at("raw"), r.child("raw"));
    c.measurements = measurementsFrom(r);
    c.note = r.str("note");
}

int grade(const JsonReader& r, const char* key) {
    const int g = r.integer(key, 0);
    if (g < 0 || g > 4) r.fail(key, "grade " + std::to_string(g) + " is outside 0..4");
    return g;
}
}  // namespace

json toJson(const Patient& p) {
    json j{{"id", p.id}, {"name", p.name}, {"sex", toString(p.sex)}, {"symptomSide", toString(p.symptomSide)}};
    if (!p.birthDate.empty()) j["birthDate"] = p.birthDate;
    if (p.heightCm) j["heightCm"] = *p.heightCm;
    return j;
}

Patient patientFromJson(const json& j, const std::string& path) {
    JsonReader r(j, path);
    Patient p;
    p.id = r.requiredStr("id");
    p.name = r.str("name");
    p.birthDate = r.str("birthDate");
    if (!p.birthDate.empty() && !isIsoDate(p.birthDate)) r.fail("birthDate", "'" + p.birthDate + "' is not a date YYYY-MM-DD");
    p.sex = parsed(r, "sex", "unknown", parseSex);
    p.heightCm = r.optNum("heightCm");
    if (p.heightCm && (*p.heightCm < 40.0 || *p.heightCm > 250.0)) r.fail("heightCm", "outside 40..250 cm");
    p.symptomSide = parsed(r, "symptomSide", "unspecified", parseSide);
    return p;
}

json toJson(const Measurement& m) {
    json j{{"name", m.name}, {"value", m.value}, {"unit", m.unit}, {"provenance", toString(m.provenance)}};
    if (!m.method.empty()) j["method"] = m.method;
    if (!m.placedBy.empty()) j["placedBy"] = m.placedBy;
    if (m.autoValue) j["autoValue"] = *m.autoValue;
    return j;
}

Measurement measurementFromJson(const json& j, const std::string& path) {
    JsonReader r(j, path);
    Measurement m;
    m.name = canonicalMeasurementName(r.requiredStr("name"));   // older spellings read as today's
    m.value = r.requiredNum("value");
    m.unit = r.str("unit");
    m.provenance = parsed(r, "provenance", "auto", parseProvenance);
    m.method = r.str("method");
    m.placedBy = r.str("placedBy");
    m.autoValue = r.optNum("autoValue");
    return m;
}

json toJson(const RawDataLink& l) {
    json j{{"path", l.path}};
    if (!l.sha256.empty()) j["sha256"] = l.sha256;
    if (!l.channel.empty()) j["channel"] = l.channel;
    if (l.startSec) j["startSec"] = *l.startSec;
    if (l.endSec) j["endSec"] = *l.endSec;
    return j;
}

RawDataLink rawDataFromJson(const json& j, const std::string& path) {
    JsonReader r(j, path);
    RawDataLink l;
    l.path = r.requiredStr("path");
    l.sha256 = r.str("sha256");
    if (!l.sha256.empty()) {
        bool hex = l.sha256.size() == 64;
        for (char c : l.sha256) hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
        if (!hex) r.fail("sha256", "expected 64 lower-case hex digits");
    }
    l.channel = r.str("channel");
    l.startSec = r.optNum("startSec");
    l.endSec = r.optNum("endSec");
    return l;
}

json toJson(const Test& t) {
    json j{{"kind", toString(kindOf(t))}};
    commonToJson(common(t), j);
    std::visit(
        [&j](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, MotorNcs>) {
                j["nerve"] = x.nerve;
                j["recordingSite"] = x.recordingSite;
                j["sites"] = sitesJson(x.sites);
            } else if constexpr (std::is_same_v<T, SensoryNcs>) {
                j["nerve"] = x.nerve;
                j["recordingSite"] = x.recordingSite;
                j["antidromic"] = x.antidromic;
                j["sites"] = sitesJson(x.sites);
            } else if constexpr (std::is_same_v<T, FWave>) {
                j["nerve"] = x.nerve;
                j["recordingSite"] = x.recordingSite;
                j["stimSite"] = x.stimSite;
                j["stimuli"] = x.stimuli;
            } else if constexpr (std::is_same_v<T, HReflex>) {
                j["nerve"] = x.nerve;
                j["recordingSite"] = x.recordingSite;
                j["stimSite"] = x.stimSite;
            } else if constexpr (std::is_same_v<T, Rns>) {
                j["nerve"] = x.nerve;
                j["recordingSite"] = x.recordingSite;
                j["rateHz"] = x.rateHz;
                j["trainLength"] = x.trainLength;
                j["condition"] = x.condition;
            } else {
                j["muscle"] = x.muscle;
                j["insertional"] = toString(x.insertional);
                j["fibrillations"] = x.fibrillations;
                j["positiveSharpWaves"] = x.positiveSharpWaves;
                j["fasciculations"] = x.fasciculations;
                j["muapAmplitude"] = toString(x.muapAmplitude);
                j["muapDuration"] = toString(x.muapDuration);
                j["polyphasia"] = toString(x.polyphasia);
                j["recruitment"] = toString(x.recruitment);
                j["interference"] = toString(x.interference);
                if (x.automaticReading)   // absent for typed findings (and in studies saved before it was kept)
                    j["automaticReading"] = json{{"pattern", x.automaticReading->pattern}, {"reasons", x.automaticReading->reasons}};
            }
        },
        t);
    return j;
}

Test testFromJson(const json& j, const std::string& path) {
    JsonReader r(j, path);
    const TestKind kind = parsed(r, "kind", "", parseTestKind);
    auto fill = [&](auto t) -> Test {
        commonFrom(r, t);
        return t;
    };
    switch (kind) {
        case TestKind::Motor: {
            MotorNcs t;
            t.nerve = r.requiredStr("nerve");
            t.recordingSite = r.str("recordingSite");
            t.sites = sitesFrom(r);
            return fill(std::move(t));
        }
        case TestKind::Sensory: {
            SensoryNcs t;
            t.nerve = r.requiredStr("nerve");
            t.recordingSite = r.str("recordingSite");
            t.antidromic = r.boolean("antidromic", true);
            t.sites = sitesFrom(r);
            return fill(std::move(t));
        }
        case TestKind::FWave: {
            FWave t;
            t.nerve = r.requiredStr("nerve");
            t.recordingSite = r.str("recordingSite");
            t.stimSite = r.str("stimSite");
            t.stimuli = r.integer("stimuli", 0);
            if (t.stimuli < 0) r.fail("stimuli", "must not be negative");
            return fill(std::move(t));
        }
        case TestKind::HReflex: {
            HReflex t;
            t.nerve = r.str("nerve", t.nerve);
            t.recordingSite = r.str("recordingSite", t.recordingSite);
            t.stimSite = r.str("stimSite", t.stimSite);
            return fill(std::move(t));
        }
        case TestKind::Rns: {
            Rns t;
            t.nerve = r.requiredStr("nerve");
            t.recordingSite = r.str("recordingSite");
            t.rateHz = r.num("rateHz", t.rateHz);
            t.trainLength = r.integer("trainLength", t.trainLength);
            t.condition = r.str("condition", t.condition);
            if (!(t.rateHz >= 0.0 && t.rateHz <= 100.0)) r.fail("rateHz", "must be 0 (not known) or in (0, 100] Hz");
            if (t.trainLength < 2) r.fail("trainLength", "must be at least 2");
            return fill(std::move(t));
        }
        case TestKind::Needle: {
            NeedleEmg t;
            t.muscle = r.requiredStr("muscle");
            t.insertional = parsed(r, "insertional", "not assessed", parseGrade3);
            t.fibrillations = grade(r, "fibrillations");
            t.positiveSharpWaves = grade(r, "positiveSharpWaves");
            t.fasciculations = grade(r, "fasciculations");
            t.muapAmplitude = parsed(r, "muapAmplitude", "not assessed", parseGrade3);
            t.muapDuration = parsed(r, "muapDuration", "not assessed", parseGrade3);
            t.polyphasia = parsed(r, "polyphasia", "not assessed", parseGrade3);
            t.recruitment = parsed(r, "recruitment", "not assessed", parseRecruitment);
            t.interference = parsed(r, "interference", "not assessed", parseInterference);
            if (r.has("automaticReading")) {
                const JsonReader a(r.object("automaticReading"), r.child("automaticReading"));
                NeedleAutoReading auto_;
                auto_.pattern = a.requiredStr("pattern");
                auto_.reasons = detail::stringArray(a.array("reasons"), a.child("reasons"));
                t.automaticReading = std::move(auto_);
            }
            return fill(std::move(t));
        }
    }
    throw FormatError(path + ": unreachable test kind");
}

json toJson(const Finding& f) {
    return json{{"kind", f.kind}, {"text", f.text}, {"provenance", toString(f.provenance)}, {"confirmed", f.confirmed}};
}

Finding findingFromJson(const json& j, const std::string& path) {
    JsonReader r(j, path);
    Finding f;
    f.kind = r.str("kind", f.kind);
    f.text = r.requiredStr("text");
    f.provenance = parsed(r, "provenance", "clinician", parseProvenance);
    f.confirmed = r.boolean("confirmed", false);
    return f;
}

json toJson(const Study& s) {
    json j{{"id", s.id},
           {"patientId", s.patientId},
           {"date", s.date},
           {"indication", s.indication},
           {"referringPhysician", s.referringPhysician},
           {"examiner", s.examiner},
           {"technician", s.technician},
           {"protocolId", s.protocolId}};
    if (s.limbTemperatureC) j["limbTemperatureC"] = *s.limbTemperatureC;
    j["tests"] = json::array();
    for (const auto& t : s.tests) j["tests"].push_back(toJson(t));
    j["findings"] = json::array();
    for (const auto& f : s.findings) j["findings"].push_back(toJson(f));
    return j;
}

Study studyFromJson(const json& j, const std::string& path) {
    JsonReader r(j, path);
    Study s;
    s.id = r.str("id");
    s.patientId = r.requiredStr("patientId");
    s.date = r.requiredStr("date");
    if (!isIsoDate(s.date)) r.fail("date", "'" + s.date + "' is not a date YYYY-MM-DD");
    s.indication = r.str("indication");
    s.referringPhysician = r.str("referringPhysician");
    s.examiner = r.str("examiner");
    s.technician = r.str("technician");
    s.protocolId = r.str("protocolId");
    s.limbTemperatureC = r.optNum("limbTemperatureC");
    const auto& tests = r.array("tests");
    for (std::size_t i = 0; i < tests.size(); ++i) s.tests.push_back(testFromJson(tests[i], idx(path, "tests", i)));
    const auto& findings = r.array("findings");
    for (std::size_t i = 0; i < findings.size(); ++i) s.findings.push_back(findingFromJson(findings[i], idx(path, "findings", i)));
    validate(s);
    return s;
}

json parseJsonText(const std::string& text, const std::string& what) {
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        throw FormatError(what + ": malformed JSON (" + std::string(e.what()) + ")");
    }
}

json readJsonFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FormatError(path + ": cannot open file");
    std::stringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw FormatError(path + ": read error");
    return parseJsonText(ss.str(), path);
}

}  // namespace emg::study
