// Loading the myotome map with validation (unknown roots, weights, dangling muscle references).
#include "json_reader.h"

#include <emg/study/json.h>
#include <emg/study/myotomes.h>
#include <emg/study/resources.h>

#include <algorithm>
#include <regex>
#include <set>

namespace emg::study {

using detail::JsonReader;

namespace {
bool isRootName(const std::string& r) {
    static const std::regex re("^(C[1-8]|T(1[0-2]|[1-9])|L[1-5]|S[1-5])$");
    return std::regex_match(r, re);
}
std::string at(const std::string& p, const char* key, std::size_t i) { return p + "." + key + "[" + std::to_string(i) + "]"; }
}  // namespace

MyotomeMap MyotomeMap::load(const std::filesystem::path& file) {
    const auto j = readJsonFile(file.string());
    const std::string base = file.filename().string();
    JsonReader r(j, base);
    if (r.str("format") != "emgws-myotomes") r.fail("format", "expected \"emgws-myotomes\"");
    MyotomeMap m;
    for (const auto& [k, v] : r.object("sources").items()) {
        if (!v.is_string()) throw FormatError(r.child("sources") + "." + k + ": expected a string");
        m.sources_[k] = v.get<std::string>();
    }
    auto checkSource = [&](const std::string& path, const std::string& src) {
        // "a; b" lists several sources
        std::size_t start = 0;
        while (start <= src.size()) {
            auto end = src.find(';', start);
            std::string key = src.substr(start, end == std::string::npos ? std::string::npos : end - start);
            key.erase(0, key.find_first_not_of(' '));
            key.erase(key.find_last_not_of(' ') + 1);
            if (key.empty() || !m.sources_.count(key)) throw FormatError(path + ".source: unknown source '" + key + "'");
            if (end == std::string::npos) break;
            start = end + 1;
        }
    };
    const auto& muscles = r.array("muscles");
    if (muscles.empty()) r.fail("muscles", "must list at least one muscle");
    std::set<std::string> names;
    for (std::size_t i = 0; i < muscles.size(); ++i) {
        JsonReader mr(muscles[i], at(base, "muscles", i));
        MuscleInfo mi;
        mi.name = mr.requiredStr("name");
        if (!names.insert(mi.name).second) mr.fail("name", "duplicate muscle '" + mi.name + "'");
        mi.nerve = mr.requiredStr("nerve");
        mi.branch = mr.str("branch");
        mi.region = mr.requiredStr("region");
        if (mi.region != "upper" && mi.region != "lower") mr.fail("region", "expected upper or lower");
        mi.plexus = mr.str("plexus");
        mi.paraspinal = mr.boolean("paraspinal", false);
        mi.distal = mr.boolean("distal", false);
        for (const auto& [root, w] : mr.object("roots").items()) {
            if (!isRootName(root)) throw FormatError(mr.child("roots") + ": '" + root + "' is not a spinal root (C1..S5)");
            if (w != "major" && w != "minor") throw FormatError(mr.child("roots") + "." + root + ": expected \"major\" or \"minor\"");
            mi.roots[root] = w == "major" ? RootWeight::Major : RootWeight::Minor;
        }
        if (mi.roots.empty()) mr.fail("roots", "must name at least one root");
        mi.source = mr.requiredStr("source");
        checkSource(mr.path(), mi.source);
        m.muscles_.push_back(std::move(mi));
    }
    const auto& sensory = r.array("sensoryNerves");
    for (std::size_t i = 0; i < sensory.size(); ++i) {
        JsonReader sr(sensory[i], at(base, "sensoryNerves", i));
        SensoryNerveInfo s;
        s.nerve = sr.requiredStr("nerve");
        s.recordingSite = sr.str("recordingSite");
        s.region = sr.str("region");
        s.parentNerve = sr.str("parentNerve", s.nerve);
        s.roots = detail::stringArray(sr.array("roots"), sr.child("roots"));
        for (const auto& root : s.roots)
            if (!isRootName(root)) sr.fail("roots", "'" + root + "' is not a spinal root");
        s.source = sr.requiredStr("source");
        checkSource(sr.path(), s.source);
        m.sensory_.push_back(std::move(s));
    }
    const auto& lesions = r.array("nerveLesions");
    for (std::size_t i = 0; i < lesions.size(); ++i) {
        JsonReader lr(lesions[i], at(base, "nerveLesions", i));
        NerveLesionPattern p;
        p.label = lr.requiredStr("label");
        p.nerve = lr.requiredStr("nerve");
        p.muscles = detail::stringArray(lr.array("muscles"), lr.child("muscles"));
        p.sensory = detail::stringArray(lr.array("sensory"), lr.child("sensory"));
        p.spares = detail::stringArray(lr.array("spares"), lr.child("spares"));
        for (const auto* list : {&p.muscles, &p.spares})
            for (const auto& mus : *list)
                if (!names.count(mus)) throw FormatError(lr.path() + ": unknown muscle '" + mus + "'");
        for (const auto& s : p.sensory)
            if (!m.sensoryNerve(s)) throw FormatError(lr.path() + ": unknown sensory nerve '" + s + "'");
        if (p.muscles.empty()) lr.fail("muscles", "must list at least one muscle");
        p.source = lr.requiredStr("source");
        checkSource(lr.path(), p.source);
        m.lesions_.push_back(std::move(p));
    }
    const auto& sets = r.array("screeningSets");
    for (std::size_t i = 0; i < sets.size(); ++i) {
        JsonReader sr(sets[i], at(base, "screeningSets", i));
        ScreeningSet s{sr.requiredStr("id"), sr.str("region"), sr.requiredStr("source"), sr.str("note"), {}};
        s.muscles = detail::stringArray(sr.array("muscles"), sr.child("muscles"));
        for (const auto& mus : s.muscles)
            if (!names.count(mus)) throw FormatError(sr.path() + ": unknown muscle '" + mus + "'");
        checkSource(sr.path(), s.source);
        m.screening_.push_back(std::move(s));
    }
    m.localizableRoots_ = detail::stringArray(r.array("localizableRoots"), r.child("localizableRoots"));
    for (const auto& root : m.localizableRoots_)
        if (!isRootName(root)) r.fail("localizableRoots", "'" + root + "' is not a spinal root");
    if (r.has("plexusByRoot"))
        for (const auto& [root, v] : r.object("plexusByRoot").items()) {
            if (!v.is_string()) throw FormatError(r.child("plexusByRoot") + "." + root + ": expected a string");
            m.plexusByRoot_[root] = v.get<std::string>();
        }
    return m;
}

MyotomeMap MyotomeMap::loadDefault() { return load(resourceDir() / "myotomes.json"); }

const MuscleInfo* MyotomeMap::muscle(const std::string& name) const {
    for (const auto& m : muscles_)
        if (m.name == name) return &m;
    return nullptr;
}

const SensoryNerveInfo* MyotomeMap::sensoryNerve(const std::string& nerve) const {
    for (const auto& s : sensory_)
        if (s.nerve == nerve) return &s;
    return nullptr;
}

std::string MyotomeMap::plexusFor(const std::string& root) const {
    auto it = plexusByRoot_.find(root);
    return it == plexusByRoot_.end() ? "plexopathy" : it->second;
}

std::vector<std::string> MyotomeMap::musclesOfRoot(const std::string& root) const {
    std::vector<std::string> major, minor;
    for (const auto& m : muscles_) {
        auto it = m.roots.find(root);
        if (it == m.roots.end()) continue;
        (it->second == RootWeight::Major ? major : minor).push_back(m.name);
    }
    major.insert(major.end(), minor.begin(), minor.end());
    return major;
}

}  // namespace emg::study
