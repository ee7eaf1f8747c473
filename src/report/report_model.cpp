#include <emg/report/report_model.h>

#include <stdexcept>

namespace emg::report {
namespace {

std::string str(const nlohmann::json& j, const char* key, const std::string& where) {
    if (!j.contains(key)) return {};
    const auto& v = j.at(key);
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number()) return v.dump();
    if (v.is_null()) return {};
    throw std::invalid_argument(where + "." + key + " must be a string");
}

double num(const nlohmann::json& j, const char* key, const std::string& where, double fallback = 0.0) {
    if (!j.contains(key) || j.at(key).is_null()) return fallback;
    if (!j.at(key).is_number()) throw std::invalid_argument(where + "." + key + " must be a number");
    return j.at(key).get<double>();
}

std::vector<std::pair<std::string, std::string>> fields(const nlohmann::json& j, const char* key) {
    std::vector<std::pair<std::string, std::string>> out;
    if (!j.contains(key)) return out;
    const auto& f = j.at(key);
    const std::string where = std::string("report.") + key;
    if (f.is_array()) {  // [["Name","Doe, Jane"], ...] keeps the order
        for (const auto& e : f) {
            if (!e.is_array() || e.size() != 2 || !e[0].is_string())
                throw std::invalid_argument(where + " entries must be [label, value] pairs");
            out.emplace_back(e[0].get<std::string>(), e[1].is_string() ? e[1].get<std::string>() : e[1].dump());
        }
    } else if (f.is_object()) {
        for (auto it = f.begin(); it != f.end(); ++it)
            out.emplace_back(it.key(), it.value().is_string() ? it.value().get<std::string>() : it.value().dump());
    } else {
        throw std::invalid_argument(where + " must be an array of [label, value] pairs or an object");
    }
    return out;
}

}  // namespace

ReportModel reportModelFromJson(const nlohmann::json& j) {
    if (!j.is_object()) throw std::invalid_argument("report: the document must be a JSON object");
    ReportModel m;
    if (j.contains("title")) m.title = str(j, "title", "report");
    m.institution = str(j, "institution", "report");
    m.patientFields = fields(j, "patient");
    m.studyFields = fields(j, "study");
    if (j.contains("tables")) {
        if (!j.at("tables").is_array()) throw std::invalid_argument("report.tables must be an array");
        std::size_t ti = 0;
        for (const auto& t : j.at("tables")) {
            const std::string where = "report.tables[" + std::to_string(ti++) + "]";
            ReportTable table;
            table.title = str(t, "title", where);
            table.footnote = str(t, "footnote", where);
            if (t.contains("header"))
                for (const auto& h : t.at("header")) table.header.push_back(h.is_string() ? h.get<std::string>() : h.dump());
            if (t.contains("rows")) {
                for (const auto& r : t.at("rows")) {
                    if (!r.is_array()) throw std::invalid_argument(where + ".rows entries must be arrays");
                    std::vector<ReportCell> row;
                    for (const auto& c : r) {
                        ReportCell cell;
                        if (c.is_object()) {
                            cell.text = str(c, "text", where);
                            cell.abnormal = c.value("abnormal", false);
                        } else if (c.is_string()) {
                            cell.text = c.get<std::string>();
                        } else if (!c.is_null()) {
                            cell.text = c.dump();
                        }
                        row.push_back(std::move(cell));
                    }
                    if (!table.header.empty() && row.size() > table.header.size())
                        throw std::invalid_argument(where + " has a row longer than its header");
                    table.rows.push_back(std::move(row));
                }
            }
            m.tables.push_back(std::move(table));
        }
    }
    if (j.contains("waveforms")) {
        std::size_t wi = 0;
        for (const auto& w : j.at("waveforms")) {
            const std::string where = "report.waveforms[" + std::to_string(wi++) + "]";
            ReportWaveform wf;
            wf.title = str(w, "title", where);
            wf.sampleRateHz = num(w, "sampleRateHz", where);
            if (!(wf.sampleRateHz > 0)) throw std::invalid_argument(where + ".sampleRateHz must be positive");
            wf.preTriggerMs = num(w, "preTriggerMs", where);
            wf.sensitivityUvPerDiv = num(w, "sensitivityUvPerDiv", where);
            wf.sweepMsPerDiv = num(w, "sweepMsPerDiv", where);
            if (!w.contains("samplesUv") || !w.at("samplesUv").is_array())
                throw std::invalid_argument(where + ".samplesUv must be an array of numbers");
            for (const auto& s : w.at("samplesUv")) {
                if (!s.is_number()) throw std::invalid_argument(where + ".samplesUv must hold numbers only");
                wf.samplesUv.push_back(s.get<double>());
            }
            if (w.contains("markers"))
                for (const auto& mk : w.at("markers")) wf.markers.push_back({str(mk, "label", where), num(mk, "timeMs", where)});
            m.waveforms.push_back(std::move(wf));
        }
    }
    if (j.contains("figures")) m.figures = figuresFromJson(j.at("figures"), "report.figures");
    m.figuresNote = str(j, "figuresNote", "report");
    m.findings = str(j, "findings", "report");
    m.impression = str(j, "impression", "report");
    m.signedBy = str(j, "signedBy", "report");
    m.generatedAt = str(j, "generatedAt", "report");
    if (j.contains("signature") && !j.at("signature").is_null()) {
        const auto& sj = j.at("signature");
        if (!sj.is_object()) throw std::invalid_argument("report.signature must be an object");
        m.signature = ReportSignature{str(sj, "examiner", "report.signature"), str(sj, "osLogin", "report.signature"),
                                      str(sj, "signedAt", "report.signature"), str(sj, "studySha256", "report.signature")};
    }
    if (j.contains("addenda")) {
        if (!j.at("addenda").is_array()) throw std::invalid_argument("report.addenda must be an array");
        int n = 0;
        for (const auto& a : j.at("addenda")) {
            const std::string where = "report.addenda[" + std::to_string(n++) + "]";
            if (!a.is_object()) throw std::invalid_argument(where + " must be an object");
            m.addenda.push_back({n, str(a, "text", where), str(a, "author", where), str(a, "osLogin", where), str(a, "createdAt", where)});
        }
    }
    return m;
}

nlohmann::json toJson(const ReportModel& m) {
    nlohmann::json j;
    j["title"] = m.title;
    j["institution"] = m.institution;
    auto pairs = [](const auto& v) {
        nlohmann::json a = nlohmann::json::array();
        for (const auto& [k, val] : v) a.push_back({k, val});
        return a;
    };
    j["patient"] = pairs(m.patientFields);
    j["study"] = pairs(m.studyFields);
    j["tables"] = nlohmann::json::array();
    for (const auto& t : m.tables) {
        nlohmann::json jt{{"title", t.title}, {"header", t.header}, {"footnote", t.footnote}};
        jt["rows"] = nlohmann::json::array();
        for (const auto& r : t.rows) {
            nlohmann::json jr = nlohmann::json::array();
            for (const auto& c : r) jr.push_back({{"text", c.text}, {"abnormal", c.abnormal}});
            jt["rows"].push_back(jr);
        }
        j["tables"].push_back(jt);
    }
    j["waveforms"] = nlohmann::json::array();
    for (const auto& w : m.waveforms) {
        nlohmann::json jw{{"title", w.title}, {"sampleRateHz", w.sampleRateHz}, {"preTriggerMs", w.preTriggerMs},
                          {"samplesUv", w.samplesUv}, {"sensitivityUvPerDiv", w.sensitivityUvPerDiv},
                          {"sweepMsPerDiv", w.sweepMsPerDiv}};
        jw["markers"] = nlohmann::json::array();
        for (const auto& mk : w.markers) jw["markers"].push_back({{"label", mk.label}, {"timeMs", mk.timeMs}});
        j["waveforms"].push_back(jw);
    }
    if (!m.figures.empty()) {
        j["figures"] = nlohmann::json::array();
        for (const auto& f : m.figures) j["figures"].push_back(toJson(f));
    }
    if (!m.figuresNote.empty()) j["figuresNote"] = m.figuresNote;
    j["findings"] = m.findings;
    j["impression"] = m.impression;
    j["signedBy"] = m.signedBy;
    j["generatedAt"] = m.generatedAt;
    if (m.signature)
        j["signature"] = {{"examiner", m.signature->examiner}, {"osLogin", m.signature->osLogin}, {"signedAt", m.signature->signedAt},
                          {"studySha256", m.signature->studySha256}};
    if (!m.addenda.empty()) {
        j["addenda"] = nlohmann::json::array();
        for (const auto& a : m.addenda)
            j["addenda"].push_back({{"text", a.text}, {"author", a.author}, {"osLogin", a.osLogin}, {"createdAt", a.createdAt}});
    }
    return j;
}

std::size_t countAbnormal(const ReportModel& model) {
    std::size_t n = 0;
    for (const auto& t : model.tables)
        for (const auto& r : t.rows)
            for (const auto& c : r) n += c.abnormal;
    return n;
}

}  // namespace emg::report
