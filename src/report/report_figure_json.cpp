// The JSON form of the report's figures (docs/report.md, "figures").
#include <emg/report/report_model.h>

#include <stdexcept>

namespace emg::report {
namespace {

using nlohmann::json;

std::string text(const json& j, const char* key, const std::string& where) {
    if (!j.contains(key) || j.at(key).is_null()) return {};
    if (!j.at(key).is_string()) throw std::invalid_argument(where + "." + key + " must be a string");
    return j.at(key).get<std::string>();
}

double number(const json& j, const char* key, const std::string& where) {
    if (!j.contains(key) || j.at(key).is_null()) return 0.0;
    if (!j.at(key).is_number()) throw std::invalid_argument(where + "." + key + " must be a number");
    return j.at(key).get<double>();
}

std::vector<ReportMarker> markers(const json& j, const std::string& where) {
    std::vector<ReportMarker> out;
    if (!j.contains("markers")) return out;
    if (!j.at("markers").is_array()) throw std::invalid_argument(where + ".markers must be an array");
    std::size_t i = 0;
    for (const auto& m : j.at("markers")) {
        const std::string at = where + ".markers[" + std::to_string(i++) + "]";
        if (!m.is_object()) throw std::invalid_argument(at + " must be an object");
        out.push_back({text(m, "label", at), number(m, "timeMs", at)});
    }
    return out;
}

ReportTrace traceFromJson(const json& t, const std::string& where) {
    if (!t.is_object()) throw std::invalid_argument(where + " must be an object");
    ReportTrace trace;
    trace.label = text(t, "label", where);
    trace.sampleRateHz = number(t, "sampleRateHz", where);
    if (!(trace.sampleRateHz > 0)) throw std::invalid_argument(where + ".sampleRateHz must be positive");
    trace.preTriggerMs = number(t, "preTriggerMs", where);
    if (!t.contains("samplesUv") || !t.at("samplesUv").is_array())
        throw std::invalid_argument(where + ".samplesUv must be an array of numbers");
    for (const auto& s : t.at("samplesUv")) {
        if (!s.is_number()) throw std::invalid_argument(where + ".samplesUv must hold numbers only");
        trace.samplesUv.push_back(s.get<double>());
    }
    trace.markers = markers(t, where);
    return trace;
}

json markersJson(const std::vector<ReportMarker>& ms) {
    json a = json::array();
    for (const auto& m : ms) a.push_back({{"label", m.label}, {"timeMs", m.timeMs}});
    return a;
}

}  // namespace

std::string_view layoutName(FigureLayout layout) noexcept {
    switch (layout) {
    case FigureLayout::Cascade: return "cascade";
    case FigureLayout::Raster: return "raster";
    case FigureLayout::Templates: return "templates";
    }
    return "cascade";
}

FigureLayout parseFigureLayout(std::string_view s) {
    if (s == "cascade") return FigureLayout::Cascade;
    if (s == "raster") return FigureLayout::Raster;
    if (s == "templates") return FigureLayout::Templates;
    throw std::invalid_argument("'" + std::string(s) + "' is not a figure layout (cascade, raster, templates)");
}

std::vector<ReportFigure> figuresFromJson(const json& array, const std::string& where) {
    if (!array.is_array()) throw std::invalid_argument(where + " must be an array");
    std::vector<ReportFigure> out;
    std::size_t i = 0;
    for (const auto& f : array) {
        const std::string at = where + "[" + std::to_string(i++) + "]";
        if (!f.is_object()) throw std::invalid_argument(at + " must be an object");
        ReportFigure fig;
        fig.title = text(f, "title", at);
        try {
            fig.layout = parseFigureLayout(f.contains("layout") ? text(f, "layout", at) : "cascade");
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(at + ".layout: " + e.what());
        }
        fig.sweepMsPerDiv = number(f, "sweepMsPerDiv", at);
        fig.sensitivityUvPerDiv = number(f, "sensitivityUvPerDiv", at);
        fig.source = text(f, "source", at);
        fig.unavailable = text(f, "unavailable", at);
        fig.markers = markers(f, at);
        if (f.contains("traces")) {
            if (!f.at("traces").is_array()) throw std::invalid_argument(at + ".traces must be an array");
            std::size_t k = 0;
            for (const auto& t : f.at("traces")) fig.traces.push_back(traceFromJson(t, at + ".traces[" + std::to_string(k++) + "]"));
        }
        out.push_back(std::move(fig));
    }
    return out;
}

json toJson(const ReportFigure& f) {
    json j{{"title", f.title},
           {"layout", std::string(layoutName(f.layout))},
           {"sweepMsPerDiv", f.sweepMsPerDiv},
           {"sensitivityUvPerDiv", f.sensitivityUvPerDiv},
           {"source", f.source},
           {"markers", markersJson(f.markers)}};
    if (!f.unavailable.empty()) j["unavailable"] = f.unavailable;
    j["traces"] = json::array();
    for (const auto& t : f.traces)
        j["traces"].push_back({{"label", t.label},
                               {"sampleRateHz", t.sampleRateHz},
                               {"preTriggerMs", t.preTriggerMs},
                               {"samplesUv", t.samplesUv},
                               {"markers", markersJson(t.markers)}});
    return j;
}

}  // namespace emg::report
