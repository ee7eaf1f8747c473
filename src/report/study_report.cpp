#include <emg/report/study_report.h>

#include <emg/study/evaluation.h>
#include <emg/study/localization.h>
#include <emg/study/measurement_names.h>
#include <emg/study/measurement_uncertainty.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <variant>

namespace emg::report {
namespace {

using namespace emg::study;

// Names the registry (emg/study/measurement_names.h) does not know are read by their unit suffix,
// longest first so "UvMs" wins over "Ms".
struct UnitSuffix {
    std::string_view suffix;
    std::string_view label;
    int decimals;
};
constexpr UnitSuffix kUnits[] = {
    {"UvMs", "µV·ms", 1}, {"MvMs", "mV·ms", 2}, {"Mps", "m/s", 1}, {"Pct", "%", 1},  {"Ms", "ms", 2},
    {"Uv", "µV", 1},      {"Mv", "mV", 2},      {"Mm", "mm", 0},   {"Ma", "mA", 1},  {"Hz", "Hz", 1},
    {"Cm", "cm", 0},      {"PerS", "/s", 2},    {"PerMin", "/min", 1}, {"Percent", "%", 1}, {"Ratio", "", 3},
};

const UnitSuffix* suffixOf(const std::string& name) {
    const UnitSuffix* best = nullptr;
    for (const auto& u : kUnits)
        if (name.size() > u.suffix.size() && name.compare(name.size() - u.suffix.size(), u.suffix.size(), u.suffix) == 0 &&
            (!best || u.suffix.size() > best->suffix.size()))
            best = &u;
    return best;
}

/// Unit label and decimals of a measurement: the registry's, else its name's unit suffix.
struct UnitShown {
    std::string label;
    int decimals = 2;
};
std::optional<UnitShown> unitOf(const std::string& name) {
    if (const auto* r = findMeasurementName(name)) return UnitShown{unitLabel(r->unit), r->decimals};
    if (const auto* u = suffixOf(name)) return UnitShown{std::string(u->label), u->decimals};
    return std::nullopt;
}

std::string fmt(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string side(Side s) {
    switch (s) {
    case Side::Left: return "L";
    case Side::Right: return "R";
    case Side::Bilateral: return "Bil";
    case Side::Unspecified: break;
    }
    return "";
}

std::string capitalised(std::string s) {
    if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
}

std::string grade(int g) { return g <= 0 ? "0" : std::to_string(g) + "+"; }

std::string text(std::string_view v) {
    std::string s(v);
    if (s == "not-assessed" || s == "notassessed" || s == "not assessed") return "—";
    std::replace(s.begin(), s.end(), '-', ' ');
    return s;
}

/// Evaluations keyed by test id, site (empty for test-level values) and measurement name.
using EvalKey = std::tuple<std::string, std::string, std::string>;
using EvalMap = std::map<EvalKey, Evaluation>;

/// Motor responses are read in mV: their µV amplitudes are shown scaled.
bool shownInMv(const std::string& name, bool motor) { return motor && (name == "amplitudeUv" || name == "peakToPeakUv"); }

std::string displayTitle(const std::string& name, bool motor) {
    if (shownInMv(name, motor)) return columnTitle(name.substr(0, name.size() - 2) + "Mv");
    if (name == "areaUvMs" && motor) return columnTitle("areaMvMs");
    return columnTitle(name);
}

struct TableBuilder {
    const EvalMap& evals;
    std::set<std::string>& sourcesUsed;
    std::set<std::string>& notes;
    bool motor = false;

    ReportCell valueCell(const std::string& testId, const std::string& site, const Measurement& m) const {
        const bool mv = shownInMv(m.name, motor) || (motor && m.name == "areaUvMs");
        const double scale = mv ? 1e-3 : 1.0;
        ReportCell cell{mv ? fmt(m.value * scale, 1) : formatValue(m.value, m.name), false};
        if (m.provenance == Provenance::Clinician) {
            // the automatic value the clinician replaced stays visible beside the clinician's
            if (m.autoValue && *m.autoValue != m.value)
                cell.text += " (c; auto " + (mv ? fmt(*m.autoValue * scale, 1) : formatValue(*m.autoValue, m.name)) + ")";
            else
                cell.text += " (c)";
        }
        if (isUncertain(m)) {
            // not read confidently (e.g. an onset below 20 x the noise): shown, marked, explained
            cell.text += " (?)";
            notes.insert("(?) marks a value the automatic reading could not place confidently (its reason is kept with the study); "
                         "check its markers before relying on it.");
        }
        const auto it = evals.find({testId, site, m.name});
        if (it == evals.end()) return cell;
        const Evaluation& e = it->second;
        if (!e.source.empty()) sourcesUsed.insert(e.source);
        for (const auto& n : e.notes)
            if (n.find("temperature") != std::string::npos || n.find("cool") != std::string::npos) notes.insert(n);
        if (e.abnormal) {
            cell.abnormal = true;
            const auto u = unitOf(m.name);
            const int d = mv ? 1 : (u ? u->decimals : 2);
            cell.text += std::string(e.kind == LimitKind::Upper ? " (≤ " : " (≥ ") + fmt(e.limit * scale, d) + ")";
        }
        return cell;
    }
};

/// Measurement names in the registry's (clinically familiar) order, then the rest as first seen.
std::vector<std::string> orderedNames(const std::vector<std::string>& seen) {
    std::vector<std::string> out;
    for (const auto& r : measurementNames())
        if (std::find(seen.begin(), seen.end(), r.name) != seen.end()) out.emplace_back(r.name);
    for (const auto& s : seen)
        if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    return out;
}

void addName(std::vector<std::string>& names, const std::string& n) {
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
}

std::string footnote(const std::set<std::string>& sources, const std::set<std::string>& notes) {
    std::string f;
    if (!sources.empty()) {
        f = "Reference limits (flagged values show the limit in brackets): ";
        bool first = true;
        for (const auto& s : sources) {   // (a citation's own closing full stop dropped: no ".;" or "..")
            f += (first ? "" : "; ") + (s.ends_with('.') ? s.substr(0, s.size() - 1) : s);
            first = false;
        }
        f += ".";
    }
    for (const auto& n : notes) f += (f.empty() ? "" : " ") + n;
    return f;
}

/// One NCS table (motor or sensory): a row per stimulation site, test-level values on a row of their own.
template <typename Ncs>
ReportTable ncsTable(const std::string& title, const std::vector<const Ncs*>& tests, const EvalMap& evals, bool motor) {
    std::set<std::string> sources, notes;
    TableBuilder tb{evals, sources, notes, motor};
    std::vector<std::string> seen;
    for (const auto* t : tests) {
        for (const auto& s : t->sites)
            for (const auto& m : s.measurements) addName(seen, m.name);
        for (const auto& m : t->measurements) addName(seen, m.name);
    }
    const auto names = orderedNames(seen);
    ReportTable table;
    table.title = title;
    table.header = {"Nerve", "Side", "Recording", "Site", "Distance (mm)"};
    for (const auto& n : names) table.header.push_back(displayTitle(n, motor));
    for (const auto* t : tests) {
        for (const auto& s : t->sites) {
            std::vector<ReportCell> row{{capitalised(t->nerve), false}, {side(t->side), false}, {t->recordingSite, false},
                                        {s.name, false}, {s.distanceMm ? fmt(*s.distanceMm, 0) : "", false}};
            for (const auto& n : names) {
                const auto* m = findMeasurement(s.measurements, n);
                row.push_back(m ? tb.valueCell(t->id, s.name, *m) : ReportCell{});
            }
            table.rows.push_back(std::move(row));
        }
        if (!t->measurements.empty()) {
            std::vector<ReportCell> row{{capitalised(t->nerve), false}, {side(t->side), false}, {t->recordingSite, false},
                                        {"segment", false}, {"", false}};
            for (const auto& n : names) {
                const auto* m = findMeasurement(t->measurements, n);
                row.push_back(m ? tb.valueCell(t->id, "", *m) : ReportCell{});
            }
            table.rows.push_back(std::move(row));
        }
    }
    table.footnote = footnote(sources, notes);
    return table;
}

bool hasTableOfItsOwn(const Test& t) {
    const auto k = kindOf(t);
    return k == TestKind::Motor || k == TestKind::Sensory || k == TestKind::Rns || k == TestKind::Needle;
}

ReportTable lateResponseTable(const Study& study, const std::vector<MeasurementEvaluation>& all, const EvalMap& evals) {
    std::set<std::string> sources, notes;
    TableBuilder tb{evals, sources, notes, false};
    struct Row {
        std::string test, nerve, sideText, recording, stim, id;
        const std::vector<Measurement>* ms;
    };
    std::vector<Row> rows;
    std::vector<std::string> seen;
    for (const auto& t : study.tests) {
        if (const auto* f = std::get_if<FWave>(&t)) {
            rows.push_back({"F-wave" + (f->stimuli > 0 ? " (" + std::to_string(f->stimuli) + " stimuli)" : std::string()),
                            f->nerve, side(f->side), f->recordingSite, f->stimSite, f->id, &f->measurements});
        } else if (const auto* h = std::get_if<HReflex>(&t)) {
            rows.push_back({"H-reflex", h->nerve, side(h->side), h->recordingSite, h->stimSite, h->id, &h->measurements});
        } else if (hasTableOfItsOwn(t)) {
            continue;
        } else {   // a kind without a table of its own: its measurements here, by the registry's titles
            rows.push_back({std::string(toString(kindOf(t))), subjectOf(t), side(common(t).side), "", "", common(t).id,
                            &common(t).measurements});
        }
        for (const auto& m : *rows.back().ms) addName(seen, m.name);
    }
    // derived side-to-side values (e.g. H-reflex latency difference) evaluated by the study area
    std::vector<const MeasurementEvaluation*> derived;
    for (const auto& e : all)
        if (e.testId.find('+') != std::string::npos) {
            derived.push_back(&e);
            addName(seen, e.measurement.name);
        }
    ReportTable table;
    table.title = "Late responses";
    table.header = {"Test", "Nerve", "Side", "Recording", "Stimulation"};
    const auto names = orderedNames(seen);
    for (const auto& n : names) table.header.push_back(columnTitle(n));
    for (const auto& r : rows) {
        std::vector<ReportCell> row{{r.test, false}, {capitalised(r.nerve), false}, {r.sideText, false},
                                    {r.recording, false}, {r.stim, false}};
        for (const auto& n : names) {
            const auto* m = findMeasurement(*r.ms, n);
            row.push_back(m ? tb.valueCell(r.id, "", *m) : ReportCell{});
        }
        table.rows.push_back(std::move(row));
    }
    for (const auto* e : derived) {
        std::vector<ReportCell> row{{"side to side", false}, {capitalised(e->subject), false}, {"L vs R", false},
                                    {e->recordingSite, false}, {"", false}};
        for (const auto& n : names)
            row.push_back(n == e->measurement.name ? tb.valueCell(e->testId, e->site, e->measurement) : ReportCell{});
        table.rows.push_back(std::move(row));
    }
    table.footnote = footnote(sources, notes);
    return table;
}

ReportTable rnsTable(const std::vector<const Rns*>& tests, const EvalMap& evals) {
    std::set<std::string> sources, notes;
    TableBuilder tb{evals, sources, notes, false};
    std::vector<std::string> seen;
    for (const auto* t : tests)
        for (const auto& m : t->measurements) addName(seen, m.name);
    const auto names = orderedNames(seen);
    ReportTable table;
    table.title = "Repetitive nerve stimulation";
    table.header = {"Nerve", "Side", "Recording", "Rate (Hz)", "Train", "Condition"};
    for (const auto& n : names) table.header.push_back(columnTitle(n));
    for (const auto* t : tests) {
        std::vector<ReportCell> row{{capitalised(t->nerve), false}, {side(t->side), false}, {t->recordingSite, false},
                                    {t->rateHz > 0.0 ? fmt(t->rateHz, 0) : "not known", false}, {std::to_string(t->trainLength), false},
                                    {t->condition, false}};
        for (const auto& n : names) {
            const auto* m = findMeasurement(t->measurements, n);
            row.push_back(m ? tb.valueCell(t->id, "", *m) : ReportCell{});
        }
        table.rows.push_back(std::move(row));
    }
    table.footnote = footnote(sources, notes);
    return table;
}

/// The engine's reading in one word, flagged when it suggests an abnormal muscle; "—" for typed findings.
ReportCell automaticReadingCell(const std::optional<NeedleAutoReading>& r) {
    if (!r || r->pattern.empty()) return {"—", false};
    return {r->pattern, r->pattern == "neuropathic" || r->pattern == "myopathic" || r->pattern == "mixed"};
}

/// The engine's reasons in one sentence, its ASCII "uV" printed as µV.
std::string joinReasons(const std::vector<std::string>& reasons) {
    std::string s;
    for (const auto& r : reasons) s += (s.empty() ? "" : "; ") + r;
    for (std::size_t at = s.find(" uV"); at != std::string::npos; at = s.find(" uV", at + 3))
        if (at + 3 == s.size() || !std::isalpha(static_cast<unsigned char>(s[at + 3]))) s.replace(at, 3, " \u00b5V");
    return s;
}

ReportTable needleTable(const std::vector<const NeedleEmg*>& tests, const MyotomeMap& myotomes) {
    ReportTable table;
    std::string readings;
    table.title = "Needle EMG";
    table.header = {"Muscle", "Side", "Nerve / roots", "Insertional", "Fibs", "PSW", "Fasc",
                    "MUAP amplitude", "MUAP duration", "Polyphasia", "Recruitment", "Interference", "Automatic reading"};
    auto g3 = [](Grade3 g) {
        const char* t = g == Grade3::Increased ? "incr" : g == Grade3::Decreased ? "decr" : g == Grade3::Normal ? "N" : "—";
        return ReportCell{t, g == Grade3::Increased || g == Grade3::Decreased};
    };
    for (const auto* t : tests) {
        std::string innervation;
        if (const auto* info = myotomes.muscle(t->muscle)) {
            innervation = info->nerve;
            std::string roots;
            for (const auto& [root, weight] : info->roots)
                roots += (roots.empty() ? "" : ", ") + root + (weight == RootWeight::Major ? "" : "(minor)");
            if (!roots.empty()) innervation += " / " + roots;
        }
        table.rows.push_back({{capitalised(t->muscle), false},
                              {side(t->side), false},
                              {innervation, false},
                              g3(t->insertional),
                              {grade(t->fibrillations), t->fibrillations > 0},
                              {grade(t->positiveSharpWaves), t->positiveSharpWaves > 0},
                              {grade(t->fasciculations), t->fasciculations > 0},
                              g3(t->muapAmplitude),
                              g3(t->muapDuration),
                              g3(t->polyphasia),
                              {text(toString(t->recruitment)),
                               t->recruitment == Recruitment::Reduced || t->recruitment == Recruitment::Early},
                              {text(toString(t->interference)),
                               t->interference == Interference::Reduced || t->interference == Interference::SingleUnit ||
                                   t->interference == Interference::None},
                              automaticReadingCell(t->automaticReading)});
        // why it read what it did, for each muscle not read normal (a normal reading's column says it all)
        if (t->automaticReading && t->automaticReading->pattern != "normal" && !t->automaticReading->reasons.empty())
            readings += "\n" + capitalised(t->muscle) + " " + side(t->side) + ", " + t->automaticReading->pattern + ": " +
                        joinReasons(t->automaticReading->reasons) + ".";
    }
    table.footnote = "Spontaneous activity graded 0 to 4+; flagged cells are outside what is expected in a normal muscle.";
    if (!readings.empty())
        table.footnote += " The automatic reading is the needle analysis' suggestion for the examiner to confirm (the grades are what "
                          "the examiner confirmed); what decided it where it was not normal:" + readings;
    return table;
}

std::string joinList(const std::vector<std::string>& items) {
    std::string s;
    for (const auto& i : items) s += (s.empty() ? "" : "; ") + i;
    return s;
}

}  // namespace

std::string columnTitle(const std::string& name) {
    if (const auto* r = findMeasurementName(name)) {
        const auto unit = unitLabel(r->unit);
        return std::string(r->title) + (unit.empty() ? "" : " (" + unit + ")");
    }
    std::string base = name;
    std::string unit;
    if (const auto* u = suffixOf(name)) {
        base = name.substr(0, name.size() - u->suffix.size());
        unit = std::string(u->label);
    }
    std::string words;
    for (std::size_t i = 0; i < base.size(); ++i) {
        const char c = base[i];
        if (std::isupper(static_cast<unsigned char>(c)) && i > 0) words += ' ';
        words += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    // single-letter prefixes are wave names: "f min latency" -> "F min latency"
    if (words.size() > 1 && words[1] == ' ') words[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(words[0])));
    words = capitalised(words);
    return unit.empty() ? words : words + " (" + unit + ")";
}

std::string formatValue(double value, const std::string& name) {
    if (!std::isfinite(value)) return "—";
    const auto u = unitOf(name);
    int decimals = u ? u->decimals : 2;
    if (u && u->label == "µV" && std::fabs(value) >= 100.0) decimals = 0;
    return fmt(value, decimals);
}

ReportModel buildStudyReport(const Patient& patient, const Study& study, const NormativeTable& norms,
                             const MyotomeMap& myotomes) {
    ReportModel r;
    const SubjectInfo subject = subjectFor(patient, study);
    r.patientFields.push_back({"Name", patient.name.empty() ? patient.id : patient.name});
    r.patientFields.push_back({"Patient ID", patient.id});
    if (!patient.birthDate.empty())
        r.patientFields.push_back(
            {"Born", patient.birthDate + (subject.ageYears ? " (" + fmt(*subject.ageYears, 0) + " years)" : "")});
    if (patient.sex != Sex::Unknown) r.patientFields.push_back({"Sex", std::string(toString(patient.sex))});
    if (patient.heightCm) r.patientFields.push_back({"Height", fmt(*patient.heightCm, 0) + " cm"});
    if (patient.symptomSide != Side::Unspecified)
        r.patientFields.push_back({"Symptoms", std::string(toString(patient.symptomSide))});

    r.studyFields.push_back({"Date", study.date});
    if (!study.indication.empty()) r.studyFields.push_back({"Indication", study.indication});
    if (!study.referringPhysician.empty()) r.studyFields.push_back({"Referred by", study.referringPhysician});
    if (!study.examiner.empty()) r.studyFields.push_back({"Examiner", study.examiner});
    if (!study.technician.empty()) r.studyFields.push_back({"Technician", study.technician});
    if (study.limbTemperatureC) r.studyFields.push_back({"Limb temperature", fmt(*study.limbTemperatureC, 1) + " °C"});
    if (!study.protocolId.empty()) r.studyFields.push_back({"Protocol", study.protocolId});

    const auto evaluations = evaluateStudy(study, norms, subject);
    EvalMap evals;
    for (const auto& e : evaluations) evals[{e.testId, e.site, e.measurement.name}] = e.evaluation;

    std::vector<const MotorNcs*> motor;
    std::vector<const SensoryNcs*> sensory;
    std::vector<const Rns*> rns;
    std::vector<const NeedleEmg*> needle;
    bool late = false;
    for (const auto& t : study.tests) {
        if (const auto* m = std::get_if<MotorNcs>(&t)) motor.push_back(m);
        else if (const auto* s = std::get_if<SensoryNcs>(&t)) sensory.push_back(s);
        else if (const auto* n = std::get_if<Rns>(&t)) rns.push_back(n);
        else if (const auto* e = std::get_if<NeedleEmg>(&t)) needle.push_back(e);
        else late = true;
    }
    if (!motor.empty()) r.tables.push_back(ncsTable("Motor nerve conduction", motor, evals, true));
    if (!sensory.empty()) r.tables.push_back(ncsTable("Sensory nerve conduction", sensory, evals, false));
    if (late) r.tables.push_back(lateResponseTable(study, evaluations, evals));
    if (!rns.empty()) r.tables.push_back(rnsTable(rns, evals));
    if (auto sides = sideToSideTable(study)) r.tables.push_back(std::move(*sides));
    if (!needle.empty()) r.tables.push_back(needleTable(needle, myotomes));

    // Findings: what the clinician wrote, then the automatic localization as a suggestion.
    std::string findings;
    std::string impression;
    bool confirmedLocalization = false;
    std::string confirmedText;
    for (const auto& f : study.findings) {
        if (f.kind == "impression") {
            if (f.provenance == Provenance::Clinician || f.confirmed)
                impression += (impression.empty() ? "" : "\n") + f.text;
            continue;
        }
        if (f.kind == "localization" && f.confirmed) {
            confirmedLocalization = true;
            confirmedText = f.text;
        }
        const bool suggestion = f.provenance == Provenance::Auto && !f.confirmed;
        findings += (findings.empty() ? "" : "\n") + (suggestion ? std::string("Suggested (not confirmed): ") : std::string()) +
                    f.text;
    }
    if (!confirmedLocalization) {
        const auto hypotheses = localize(myotomes, observationsFrom(study, norms, subject));
        if (!hypotheses.empty()) {
            const auto& best = hypotheses.front();
            std::string s = "Automatic localization suggestion, for the examiner to confirm: " + best.label + " (" +
                            best.confidenceLabel + " confidence).";
            if (!best.evidenceFor.empty()) s += " Supporting: " + joinList(best.evidenceFor) + ".";
            if (!best.evidenceAgainst.empty()) s += " Against: " + joinList(best.evidenceAgainst) + ".";
            if (hypotheses.size() > 1) {
                std::vector<std::string> others;
                for (std::size_t i = 1; i < hypotheses.size() && i < 3; ++i) others.push_back(hypotheses[i].label);
                s += " Also considered: " + joinList(others) + ".";
            }
            findings += (findings.empty() ? "" : "\n") + s;
        } else if (!study.tests.empty()) {
            findings += (findings.empty() ? "" : "\n") +
                        std::string("The automatic reading suggests no root, plexus or nerve localization.");
        }
    }
    std::size_t flaggedValues = 0, flaggedUncertain = 0;
    for (const auto& t : r.tables)
        if (t.title != "Needle EMG")
            for (const auto& row : t.rows)
                for (const auto& cell : row) {
                    flaggedValues += cell.abnormal ? 1 : 0;
                    flaggedUncertain += cell.abnormal && cell.text.find(" (?)") != std::string::npos ? 1 : 0;
                }
    std::size_t abnormalMuscles = 0;
    for (const auto* n : needle) abnormalMuscles += n->abnormal() ? 1 : 0;
    std::string summary = std::to_string(flaggedValues) + (flaggedValues == 1 ? " conduction value is" : " conduction values are") +
                          " outside the reference limits (flagged)" +
                          (flaggedUncertain ? ", " + std::to_string(flaggedUncertain) + " of them uncertain (?) and left out of the localization" : std::string()) +
                          ".";
    if (!needle.empty())
        summary += " Needle EMG: " + std::to_string(abnormalMuscles) + " of " + std::to_string(needle.size()) +
                   " muscles abnormal.";
    findings = summary + (findings.empty() ? "" : "\n" + findings);
    r.findings = findings;
    // no impression written: the localization the examiner confirmed is the conclusion
    if (impression.empty() && confirmedLocalization) impression = "Localization confirmed by the examiner: " + confirmedText;
    r.impression = impression.empty() ? "(awaiting the examiner's interpretation)" : impression;
    r.signedBy = study.examiner;
    return r;
}

}  // namespace emg::report
