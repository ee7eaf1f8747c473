// Study-level evaluation against the normative table, with derived side-to-side H-reflex values.
#include <emg/study/evaluation.h>

#include <algorithm>
#include <cmath>

namespace emg::study {

SubjectInfo subjectFor(const Patient& patient, const Study& study) {
    SubjectInfo s;
    if (auto age = ageYears(patient.birthDate, study.date)) s.ageYears = *age;
    s.heightCm = patient.heightCm;
    s.limbTemperatureC = study.limbTemperatureC;
    return s;
}

namespace {
std::string recordingSiteOf(const Test& t) {
    return std::visit(
        [](const auto& x) -> std::string {
            if constexpr (requires { x.recordingSite; }) return x.recordingSite;
            else return {};
        },
        t);
}

const Measurement* findMeasurement(const TestCommon& c, const std::string& name) {
    for (const auto& m : c.measurements)
        if (m.name == name) return &m;
    return nullptr;
}
}  // namespace

std::vector<MeasurementEvaluation> evaluateStudy(const Study& study, const NormativeTable& norms, const SubjectInfo& subject) {
    std::vector<MeasurementEvaluation> out;
    for (const auto& t : study.tests) {
        const auto& c = common(t);
        const std::string subj = subjectOf(t), rec = recordingSiteOf(t);
        auto add = [&](const Measurement& m, const std::string& site) {
            if (auto ev = norms.evaluate(kindOf(t), subj, rec, m.name, m.value, m.unit, subject))
                out.push_back({c.id, kindOf(t), subj, rec, c.side, site, m, *ev});
        };
        for (const auto& m : c.measurements) add(m, "");
        const std::vector<StimSite>* sites = nullptr;
        if (const auto* mo = std::get_if<MotorNcs>(&t)) sites = &mo->sites;
        if (const auto* se = std::get_if<SensoryNcs>(&t)) sites = &se->sites;
        if (sites)
            for (const auto& s : *sites)
                for (const auto& m : s.measurements) add(m, s.name);
    }
    // Derived: H-reflex side to side (Braddom & Johnson 1974; Jankus et al. 1994).
    const HReflex *left = nullptr, *right = nullptr;
    for (const auto& t : study.tests)
        if (const auto* h = std::get_if<HReflex>(&t)) {
            if (h->side == Side::Left && !left) left = h;
            if (h->side == Side::Right && !right) right = h;
        }
    if (left && right) {
        auto derive = [&](const std::string& from, const std::string& name, const std::string& unit, auto combine, const std::string& how) {
            const auto* l = findMeasurement(*left, from);
            const auto* r = findMeasurement(*right, from);
            if (!l || !r) return;
            const double v = combine(l->value, r->value);
            if (!std::isfinite(v)) return;
            Measurement m{name, v, unit, Provenance::Auto, "derived: " + how + " of left and right " + from, ""};
            if (auto ev = norms.evaluate(TestKind::HReflex, left->nerve, left->recordingSite, name, v, unit, subject))
                out.push_back({"left+right", TestKind::HReflex, left->nerve, left->recordingSite, Side::Bilateral, "", m, *ev});
        };
        derive("hLatencyMs", "hLatencySideDiffMs", "ms", [](double a, double b) { return std::fabs(a - b); }, "absolute difference");
        derive("hAmplitudeUv", "hAmplitudeSideRatio", "ratio",
               [](double a, double b) { return std::max(a, b) > 0 ? std::min(a, b) / std::max(a, b) : NAN; }, "smaller/larger ratio");
    }
    return out;
}

}  // namespace emg::study
