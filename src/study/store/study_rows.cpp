// A study as store rows, and the pairing of stored with wanted measurements.
#include "study_rows.h"

#include <emg/study/json.h>

#include <map>

namespace emg::study::store {

namespace {
std::string keyOf(const MeasurementRow& m) { return m.testId + '\x1f' + std::to_string(m.siteIndex) + '\x1f' + m.name; }

std::vector<std::pair<std::string, std::size_t>> keyed(const std::vector<MeasurementRow>& rows) {
    std::map<std::string, int> seen;
    std::vector<std::pair<std::string, std::size_t>> out;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const std::string k = keyOf(rows[i]);
        out.emplace_back(k + '\x1f' + std::to_string(seen[k]++), i);
    }
    return out;
}
}  // namespace

StudyRows rowsOf(const Study& s) {
    StudyRows rows;
    for (std::size_t i = 0; i < s.tests.size(); ++i) {
        const Test& t = s.tests[i];
        const TestCommon& c = common(t);
        nlohmann::json payload = toJson(t);
        payload.erase("measurements");
        if (payload.contains("sites"))
            for (auto& site : payload["sites"]) site.erase("measurements");
        if (payload.contains("raw")) payload["raw"].erase("sha256");
        rows.tests.push_back({c.id, static_cast<int>(i), std::string(toString(kindOf(t))), subjectOf(t), std::string(toString(c.side)),
                              c.raw.path, payload.dump()});
        int ordinal = 0;
        auto add = [&](const std::vector<Measurement>& ms, int siteIndex, const std::string& site) {
            for (const auto& m : ms)
                rows.measurements.push_back({c.id, ordinal++, siteIndex, site, m.name, m.value, m.unit, std::string(toString(m.provenance)),
                                             m.method, m.placedBy, m.autoValue});
        };
        add(c.measurements, -1, "");
        const std::vector<StimSite>* sites = nullptr;
        if (const auto* m = std::get_if<MotorNcs>(&t)) sites = &m->sites;
        if (const auto* m = std::get_if<SensoryNcs>(&t)) sites = &m->sites;
        if (sites)
            for (std::size_t k = 0; k < sites->size(); ++k) add((*sites)[k].measurements, static_cast<int>(k), (*sites)[k].name);
    }
    for (std::size_t i = 0; i < s.findings.size(); ++i) {
        const Finding& f = s.findings[i];
        rows.findings.push_back({static_cast<int>(i), f.kind, f.text, std::string(toString(f.provenance)), f.confirmed});
    }
    return rows;
}

MeasurementPairing pairMeasurements(const std::vector<MeasurementRow>& stored, const std::vector<MeasurementRow>& wanted) {
    MeasurementPairing p;
    std::map<std::string, std::size_t> wantedByKey;
    for (const auto& [k, i] : keyed(wanted)) wantedByKey[k] = i;
    std::vector<bool> taken(wanted.size(), false);
    for (const auto& [k, i] : keyed(stored)) {
        const auto it = wantedByKey.find(k);
        if (it == wantedByKey.end()) {
            p.removed.push_back(i);
        } else {
            p.kept.emplace_back(i, it->second);
            taken[it->second] = true;
        }
    }
    for (std::size_t i = 0; i < wanted.size(); ++i)
        if (!taken[i]) p.added.push_back(i);
    return p;
}

bool measurementChanged(const MeasurementRow& a, const MeasurementRow& b) {
    return a.site != b.site || a.value != b.value || a.unit != b.unit || a.provenance != b.provenance || a.method != b.method ||
           a.placedBy != b.placedBy || (b.autoValue && a.autoValue != b.autoValue);
}

}  // namespace emg::study::store
