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

const Measurement* findMeasurement(const std::vector<Measurement>& measurements, const std::string& name) {
    for (const auto& m : measurements)
        if (m.name == name) return &m;
    return nullptr;
}

std::vector<SideToSideEvaluation> hReflexSideToSide(const Study& study, const NormativeTable& norms, const SubjectInfo& subject) {
    // Braddom & Johnson 1974 (latency difference); Jankus et al. 1994 (amplitude ratio)
    std::vector<SideToSideEvaluation> out;
    const HReflex *left = nullptr, *right = nullptr;
    for (const auto& t : study.tests)
        if (const auto* h = std::get_if<HReflex>(&t)) {
            if (h->side == Side::Left && !left) left = h;
            if (h->side == Side::Right && !right) right = h;
        }
    if (!left || !right) return out;
    auto derive = [&](const std::string& from, const std::string& name, const std::string& unit, double value, Side worse,
                      const std::string& how) {
        if (!std::isfinite(value)) return;
        Measurement m{name, value, unit, Provenance::Auto, "derived: " + how + " of left and right " + from, ""};
        if (auto ev = norms.evaluate(TestKind::HReflex, left->nerve, left->recordingSite, name, value, unit, subject))
            out.push_back({{"left+right", TestKind::HReflex, left->nerve, left->recordingSite, Side::Bilateral, "", m, *ev}, worse});
    };
    const auto* l = findMeasurement(left->measurements, "hLatencyMs");
    const auto* r = findMeasurement(right->measurements, "hLatencyMs");
    if (l && r)
        derive("hLatencyMs", "hLatencySideDiffMs", "ms", std::fabs(l->value - r->value), l->value > r->value ? Side::Left : Side::Right,
               "absolute difference");
    const auto* la = findMeasurement(left->measurements, "hAmplitudeUv");
    const auto* ra = findMeasurement(right->measurements, "hAmplitudeUv");
    if (la && ra && std::max(la->value, ra->value) > 0.0)
        derive("hAmplitudeUv", "hAmplitudeSideRatio", "ratio", std::min(la->value, ra->value) / std::max(la->value, ra->value),
               la->value < ra->value ? Side::Left : Side::Right, "smaller/larger ratio");
    return out;
}

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
    for (auto& d : hReflexSideToSide(study, norms, subject)) out.push_back(std::move(d.evaluation));
    return out;
}

}  // namespace emg::study
