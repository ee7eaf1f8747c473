// The side-to-side table: every value measured on both sides of a nerve, left beside right.
#include <emg/report/study_report.h>
#include <emg/study/measurement_uncertainty.h>
#include <emg/study/test_identity.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace emg::report {
namespace {

using namespace emg::study;

std::string key(std::string s) {
    std::replace_if(s.begin(), s.end(), [](char c) { return c == '-' || c == '_'; }, ' ');
    return identityText(s);
}

/// Same kind, nerve and recording site, one left and one right.
bool pairOf(const Test& l, const Test& r) {
    return kindOf(l) == kindOf(r) && common(l).side == Side::Left && common(r).side == Side::Right &&
           key(subjectOf(l)) == key(subjectOf(r)) && key(recordingSiteOf(l)) == key(recordingSiteOf(r));
}

bool isAmplitude(const std::string& name) {
    return name.find("mplitude") != std::string::npos || name.find("area") == 0 || name.find("peakToPeak") == 0;
}

struct Shown {
    std::string title, left, right;
};

Shown shown(const std::string& name, double l, double r, bool motor) {
    if (motor && (name == "amplitudeUv" || name == "peakToPeakUv")) {   // a CMAP in mV, as in the motor table
        char a[32], b[32];
        std::snprintf(a, sizeof a, "%.2f", l / 1000.0);
        std::snprintf(b, sizeof b, "%.2f", r / 1000.0);
        return {name == "amplitudeUv" ? "Amplitude (mV)" : "Peak to peak (mV)", a, b};
    }
    return {columnTitle(name), formatValue(l, name), formatValue(r, name)};
}

std::string difference(const std::string& name, double l, double r) {
    char buf[64];
    if (isAmplitude(name)) {
        const double hi = std::max(std::abs(l), std::abs(r)), lo = std::min(std::abs(l), std::abs(r));
        if (hi <= 0) return "";
        std::snprintf(buf, sizeof buf, "%s %.0f %% of %s", std::abs(l) < std::abs(r) ? "L" : "R", 100.0 * lo / hi,
                      std::abs(l) < std::abs(r) ? "R" : "L");
        return buf;
    }
    return "L − R " + formatValue(l - r, name);
}

/// Rows of the values measured on both sides; a value the engine marked uncertain, and a difference
/// made with it, carry "(?)" as in the study's tables (`uncertain` is then set).
void addRows(ReportTable& t, const std::string& where, const std::vector<Measurement>& left, const std::vector<Measurement>& right,
             bool motor, bool& uncertain) {
    for (const auto& l : left) {
        const auto r = std::find_if(right.begin(), right.end(), [&](const Measurement& m) { return m.name == l.name; });
        if (r == right.end()) continue;
        Shown s = shown(l.name, l.value, r->value, motor);
        std::string diff = difference(l.name, l.value, r->value);
        const bool lu = isUncertain(l), ru = isUncertain(*r);
        if (lu) s.left += " (?)";
        if (ru) s.right += " (?)";
        if ((lu || ru) && !diff.empty()) diff += " (?)";
        uncertain = uncertain || lu || ru;
        t.rows.push_back({{where, false}, {s.title, false}, {s.left, false}, {s.right, false}, {diff, false}});
    }
}

template <typename Ncs>
void addNcsPair(ReportTable& t, const Ncs& l, const Ncs& r, const std::string& name, bool motor, bool& uncertain) {
    for (const auto& ls : l.sites) {
        const auto rs = std::find_if(r.sites.begin(), r.sites.end(), [&](const StimSite& s) { return key(s.name) == key(ls.name); });
        if (rs != r.sites.end()) addRows(t, name + ", " + ls.name, ls.measurements, rs->measurements, motor, uncertain);
    }
    addRows(t, name, l.measurements, r.measurements, motor, uncertain);
}

}  // namespace

std::optional<ReportTable> sideToSideTable(const Study& study) {
    ReportTable t;
    t.title = "Side to side";
    t.header = {"Nerve / site", "Value", "Left", "Right", "Difference"};
    bool uncertain = false;
    for (const auto& l : study.tests) {
        const TestKind k = kindOf(l);
        if (k != TestKind::Motor && k != TestKind::Sensory && k != TestKind::FWave) continue;
        const auto r = std::find_if(study.tests.begin(), study.tests.end(), [&](const Test& x) { return pairOf(l, x); });
        if (r == study.tests.end()) continue;
        const std::string name = subjectOf(l) + (k == TestKind::FWave ? " F-waves" : k == TestKind::Motor ? " motor" : " sensory");
        if (const auto* m = std::get_if<MotorNcs>(&l)) addNcsPair(t, *m, std::get<MotorNcs>(*r), name, true, uncertain);
        else if (const auto* s = std::get_if<SensoryNcs>(&l)) addNcsPair(t, *s, std::get<SensoryNcs>(*r), name, false, uncertain);
        else addRows(t, name, common(l).measurements, common(*r).measurements, false, uncertain);
    }
    if (t.rows.empty()) return std::nullopt;
    t.footnote = "Both sides of a nerve studied with the same recording site; amplitudes as the smaller side's share of the larger.";
    if (uncertain)
        t.footnote += " (?) marks a value the automatic reading could not place confidently, and a difference made with it; check its "
                      "markers before relying on it.";
    return t;
}

}  // namespace emg::report
