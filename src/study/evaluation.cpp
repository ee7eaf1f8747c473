// Study-level evaluation against the normative table, with derived side-to-side H-reflex values.
#include <emg/study/evaluation.h>

#include <emg/study/measurement_uncertainty.h>

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
/// The method of a value derived from the left and right `from`; marked uncertain when either was
/// (an H latency read on its main phase 1-2 ms late would otherwise make a side difference that
/// marks S1 abnormal).
std::string derivedMethod(const std::string& how, const std::string& from, bool fromUncertain) {
    const std::string method = "derived: " + how + " of left and right " + from;
    return fromUncertain ? uncertainMethod("from an uncertain " + from, method) : method;
}
}  // namespace

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
    // a value derived from one the engine marked uncertain is uncertain too (derivedMethod)
    auto derive = [&](const std::string& from, const std::string& name, const std::string& unit, double value, Side worse,
                      const std::string& how, bool fromUncertain) {
        if (!std::isfinite(value)) return;
        const Measurement m{name, value, unit, Provenance::Auto, derivedMethod(how, from, fromUncertain), ""};
        if (auto ev = norms.evaluate(TestKind::HReflex, left->nerve, left->recordingSite, name, value, unit, subject))
            out.push_back({{"left+right", TestKind::HReflex, left->nerve, left->recordingSite, Side::Bilateral, "", m, *ev}, worse});
    };
    const auto* l = findMeasurement(left->measurements, "hLatencyMs");
    const auto* r = findMeasurement(right->measurements, "hLatencyMs");
    if (l && r)
        derive("hLatencyMs", "hLatencySideDiffMs", "ms", std::fabs(l->value - r->value), l->value > r->value ? Side::Left : Side::Right,
               "absolute difference", isUncertain(*l) || isUncertain(*r));
    const auto* la = findMeasurement(left->measurements, "hAmplitudeUv");
    const auto* ra = findMeasurement(right->measurements, "hAmplitudeUv");
    if (la && ra && std::max(la->value, ra->value) > 0.0)
        derive("hAmplitudeUv", "hAmplitudeSideRatio", "ratio", std::min(la->value, ra->value) / std::max(la->value, ra->value),
               la->value < ra->value ? Side::Left : Side::Right, "smaller/larger ratio", isUncertain(*la) || isUncertain(*ra));
    return out;
}

namespace {
const std::vector<Measurement>* distalMeasurements(const Test& t) {
    const std::vector<StimSite>* sites = nullptr;
    if (const auto* m = std::get_if<MotorNcs>(&t)) sites = &m->sites;
    if (const auto* s = std::get_if<SensoryNcs>(&t)) sites = &s->sites;
    if (sites && !sites->empty()) return &sites->front().measurements;
    return nullptr;
}

/// The first right test of `left`'s kind, nerve and recording site.
const Test* rightOf(const Study& study, const Test& left) {
    for (const auto& t : study.tests)
        if (kindOf(t) == kindOf(left) && common(t).side == Side::Right && subjectOf(t) == subjectOf(left) &&
            recordingSiteOf(t) == recordingSiteOf(left))
            return &t;
    return nullptr;
}
}  // namespace

std::vector<SideToSideEvaluation> ncsSideToSide(const Study& study, const NormativeTable& norms, const SubjectInfo& subject) {
    std::vector<SideToSideEvaluation> out;
    std::vector<std::string> done;   // kind + nerve + recording site already paired
    for (const auto& l : study.tests) {
        const TestKind k = kindOf(l);
        if ((k != TestKind::Motor && k != TestKind::Sensory && k != TestKind::FWave) || common(l).side != Side::Left) continue;
        const std::string key = std::string(toString(k)) + "|" + subjectOf(l) + "|" + recordingSiteOf(l);
        if (std::find(done.begin(), done.end(), key) != done.end()) continue;
        const Test* r = rightOf(study, l);
        if (!r) continue;
        done.push_back(key);
        auto derive = [&](const std::string& from, const std::string& name, const std::string& unit, double value, Side worse,
                          const std::string& how, const std::string& site, bool fromUncertain) {
            if (!std::isfinite(value)) return;
            const Measurement m{name, value, unit, Provenance::Auto, derivedMethod(how, from, fromUncertain), ""};
            if (auto ev = norms.evaluate(k, subjectOf(l), recordingSiteOf(l), name, value, unit, subject))
                out.push_back({{"left+right", k, subjectOf(l), recordingSiteOf(l), Side::Bilateral, site, m, *ev}, worse});
        };
        if (k == TestKind::FWave) {
            const auto* lf = findMeasurement(common(l).measurements, "fMinLatencyMs");
            const auto* rf = findMeasurement(common(*r).measurements, "fMinLatencyMs");
            if (lf && rf)
                derive("fMinLatencyMs", "fMinLatencySideDiffMs", "ms", std::fabs(lf->value - rf->value),
                       lf->value > rf->value ? Side::Left : Side::Right, "absolute difference", "", isUncertain(*lf) || isUncertain(*rf));
            continue;
        }
        const auto *lm = distalMeasurements(l), *rm = distalMeasurements(*r);
        const auto* la = lm ? findMeasurement(*lm, "amplitudeUv") : nullptr;
        const auto* ra = rm ? findMeasurement(*rm, "amplitudeUv") : nullptr;
        if (la && ra && std::max(std::fabs(la->value), std::fabs(ra->value)) > 0.0) {
            const double lv = std::fabs(la->value), rv = std::fabs(ra->value);
            const auto& lt = k == TestKind::Motor ? std::get<MotorNcs>(l).sites : std::get<SensoryNcs>(l).sites;
            derive("distal amplitudeUv", "amplitudeSideRatio", "ratio", std::min(lv, rv) / std::max(lv, rv), lv < rv ? Side::Left : Side::Right,
                   "smaller/larger ratio", lt.front().name, isUncertain(*la) || isUncertain(*ra));
        }
    }
    return out;
}

bool judgedAgainstNorms(TestKind kind, std::size_t siteIndex, const std::string& name) {
    // (a proximal sensory site's peak latency against the distal limit read every normal elbow
    // SNAP "prolonged", and made the nerve's SNAP "abnormal" for the localization)
    return siteIndex == 0 || (kind == TestKind::Motor && (name == "conductionVelocityMps" || name == "areaDropPct")) ||
           name.rfind("acrossElbow", 0) == 0;
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
            for (std::size_t k = 0; k < sites->size(); ++k)
                for (const auto& m : (*sites)[k].measurements)
                    if (judgedAgainstNorms(kindOf(t), k, m.name)) add(m, (*sites)[k].name);
    }
    for (auto& d : hReflexSideToSide(study, norms, subject)) out.push_back(std::move(d.evaluation));
    return out;
}

}  // namespace emg::study
