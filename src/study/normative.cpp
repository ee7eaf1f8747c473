// Normative tables: loading with validation (every number has a known source) and evaluation of a
// measured value against the limit for this patient.
#include "json_reader.h"

#include <emg/study/json.h>
#include <emg/study/normative.h>
#include <emg/study/measurement_names.h>
#include <emg/study/resources.h>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace emg::study {

using detail::JsonReader;

namespace {
std::string fmt(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}
std::string normUnit(std::string u) {
    if (u == "µV" || u == "uV" || u == "microvolt") return "uV";
    if (u == "mV") return "mV";
    return u;
}
}  // namespace

double convertUnit(double value, const std::string& from, const std::string& to) {
    const std::string f = normUnit(from), t = normUnit(to);
    if (f == t || f.empty() || t.empty()) return value;
    if (f == "mV" && t == "uV") return value * 1000.0;
    if (f == "uV" && t == "mV") return value / 1000.0;
    throw FormatError("cannot convert " + from + " to " + to);
}

NormativeTable NormativeTable::load(const std::filesystem::path& file) {
    const auto j = readJsonFile(file.string());
    const std::string base = file.filename().string();
    JsonReader r(j, base);
    if (r.str("format") != "emgws-normative") r.fail("format", "expected \"emgws-normative\"");
    NormativeTable t;
    for (const auto& [k, v] : r.object("sources").items()) {
        if (!v.is_string() || v.get<std::string>().empty()) throw FormatError(r.child("sources") + "." + k + ": expected a citation string");
        t.sources_[k] = v.get<std::string>();
    }
    auto needSource = [&](const JsonReader& er, const char* key) {
        const std::string s = er.requiredStr(key);
        if (!t.sources_.count(s)) er.fail(key, "unknown source '" + s + "' (not in \"sources\")");
        return s;
    };
    if (r.has("temperature")) {
        JsonReader tr(r.raw().at("temperature"), r.child("temperature"));
        t.upperLimbMinC_ = tr.num("upperLimbMinC", 32.0);
        t.lowerLimbMinC_ = tr.num("lowerLimbMinC", 30.0);
        needSource(tr, "source");
        t.temperatureNote_ = tr.str("note");
    }
    const auto& entries = r.array("entries");
    if (entries.empty()) r.fail("entries", "must contain at least one entry");
    for (std::size_t i = 0; i < entries.size(); ++i) {
        JsonReader er(entries[i], base + ".entries[" + std::to_string(i) + "]");
        NormativeEntry e;
        try {
            e.test = parseTestKind(er.requiredStr("test"));
        } catch (const FormatError& ex) {
            er.fail("test", ex.what());
        }
        e.nerve = er.requiredStr("nerve");
        e.recordingSite = er.str("recordingSite");
        e.limb = er.str("limb");
        e.parameter = canonicalMeasurementName(er.requiredStr("parameter"));   // the registry's spelling
        const std::string lim = er.requiredStr("limit");
        if (lim != "upper" && lim != "lower") er.fail("limit", "expected \"upper\" or \"lower\"");
        e.limit = lim == "upper" ? LimitKind::Upper : LimitKind::Lower;
        e.value = er.requiredNum("value");
        e.unit = er.requiredStr("unit");
        e.distanceMm = er.optNum("distanceMm");
        e.source = needSource(er, "source");
        e.note = er.str("note");
        const auto& strata = er.array("strata");
        for (std::size_t k = 0; k < strata.size(); ++k) {
            JsonReader sr(strata[k], er.child("strata") + "[" + std::to_string(k) + "]");
            LimitStratum s{sr.optNum("minAgeYears"), sr.optNum("maxAgeYears"), sr.optNum("minHeightCm"), sr.optNum("maxHeightCm"),
                           sr.requiredNum("value"), needSource(sr, "source")};
            e.strata.push_back(s);
        }
        const auto& adj = er.array("adjustments");
        for (std::size_t k = 0; k < adj.size(); ++k) {
            JsonReader ar(adj[k], er.child("adjustments") + "[" + std::to_string(k) + "]");
            LinearAdjustment a{ar.requiredStr("variable"), ar.requiredNum("reference"), ar.requiredNum("perUnit"), needSource(ar, "source")};
            if (a.variable != "heightCm" && a.variable != "ageYears") ar.fail("variable", "expected heightCm or ageYears");
            e.adjustments.push_back(a);
        }
        for (const auto& other : t.entries_)
            if (other.test == e.test && other.nerve == e.nerve && other.recordingSite == e.recordingSite && other.parameter == e.parameter)
                throw FormatError(er.path() + ": duplicate entry for " + e.nerve + " " + e.parameter);
        t.entries_.push_back(std::move(e));
    }
    return t;
}

NormativeTable NormativeTable::loadDirectory(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const auto& f : std::filesystem::directory_iterator(dir, ec))
        if (f.path().extension() == ".json") files.push_back(f.path());
    if (ec) throw FormatError(dir.string() + ": cannot list normative tables (" + ec.message() + ")");
    if (files.empty()) throw FormatError(dir.string() + ": no normative tables (*.json)");
    std::sort(files.begin(), files.end());
    NormativeTable all = load(files.front());
    for (std::size_t i = 1; i < files.size(); ++i) {
        NormativeTable t = load(files[i]);
        for (auto& [k, v] : t.sources_) all.sources_.emplace(k, v);
        for (auto& e : t.entries_) {
            const bool dup = std::any_of(all.entries_.begin(), all.entries_.end(), [&](const NormativeEntry& o) {
                return o.test == e.test && o.nerve == e.nerve && o.recordingSite == e.recordingSite && o.parameter == e.parameter;
            });
            if (dup)
                throw FormatError(files[i].string() + ": entry " + e.nerve + " " + e.parameter + " duplicates another table");
            all.entries_.push_back(e);
        }
    }
    return all;
}

NormativeTable NormativeTable::loadDefault() { return loadDirectory(resourceDir() / "normative"); }

const NormativeEntry* NormativeTable::find(TestKind test, const std::string& nerve, const std::string& recordingSite,
                                           const std::string& parameter) const {
    // A limit belongs to its recording site: ulnar motor limits recorded at the abductor digiti
    // minimi do not apply to a recording from the first dorsal interosseous. Only an entry
    // without a site, or a query without one, matches any site.
    const NormativeEntry* any = nullptr;
    int candidates = 0;
    for (const auto& e : entries_) {
        if (e.test != test || e.nerve != nerve || e.parameter != parameter) continue;
        if (e.recordingSite == recordingSite) return &e;
        if (recordingSite.empty() || e.recordingSite.empty()) {
            any = &e;
            ++candidates;
        }
    }
    return candidates == 1 ? any : nullptr;
}

std::optional<Evaluation> NormativeTable::evaluate(TestKind test, const std::string& nerve, const std::string& recordingSite,
                                                   const std::string& parameter, double value, const std::string& unit,
                                                   const SubjectInfo& subject) const {
    const NormativeEntry* e = find(test, nerve, recordingSite, parameter);
    if (!e) return std::nullopt;
    Evaluation ev;
    ev.parameter = parameter;
    ev.value = value;
    ev.unit = unit.empty() ? e->unit : unit;
    ev.kind = e->limit;
    double limit = e->value;
    std::string source = e->source;
    for (const auto& s : e->strata) {
        auto inRange = [](std::optional<double> x, std::optional<double> lo, std::optional<double> hi) {
            if (!lo && !hi) return true;
            if (!x) return false;
            return (!lo || *x >= *lo) && (!hi || *x < *hi);
        };
        if (inRange(subject.ageYears, s.minAgeYears, s.maxAgeYears) && inRange(subject.heightCm, s.minHeightCm, s.maxHeightCm)) {
            limit = s.value;
            source = s.source;
            ev.notes.push_back("limit from the stratum for this patient's age/height (" + s.source + ")");
            break;
        }
    }
    for (const auto& a : e->adjustments) {
        const auto x = a.variable == "heightCm" ? subject.heightCm : subject.ageYears;
        if (!x) {
            ev.notes.push_back("no " + a.variable + ": limit not adjusted for it");
            continue;
        }
        limit += a.perUnit * (*x - a.reference);
        ev.notes.push_back("limit adjusted for " + a.variable + " = " + fmt(*x) + " (" + a.source + ")");
    }
    ev.limit = convertUnit(limit, e->unit, ev.unit);
    ev.source = sources_.at(source);
    if (e->limit == LimitKind::Upper && value > ev.limit) {
        ev.abnormal = true;
        ev.deviation = Deviation::High;
    } else if (e->limit == LimitKind::Lower && value < ev.limit) {
        ev.abnormal = true;
        ev.deviation = Deviation::Low;
    }
    if (e->distanceMm) ev.notes.push_back("limit assumes a distance of " + fmt(*e->distanceMm) + " mm");
    if (!e->note.empty()) ev.notes.push_back(e->note);
    if (subject.limbTemperatureC && e->limb != "head") {
        const double minC = e->limb == "upper" ? upperLimbMinC_ : lowerLimbMinC_;
        if (*subject.limbTemperatureC < minC) {
            std::string w = "limb temperature " + fmt(*subject.limbTemperatureC) + " C is below " + fmt(minC) + " C";
            if (ev.deviation == Deviation::High && parameter.find("Latency") != std::string::npos)
                w += ": the prolonged latency may be due to cooling";
            if (ev.deviation == Deviation::Low && parameter.find("Velocity") != std::string::npos)
                w += ": the slowing may be due to cooling";
            if (!temperatureNote_.empty()) w += ". " + temperatureNote_;
            ev.notes.push_back(w);
        }
    }
    return ev;
}

std::set<std::string> NormativeTable::nerves() const {
    std::set<std::string> out;
    for (const auto& e : entries_) out.insert(e.nerve);
    return out;
}

}  // namespace emg::study
