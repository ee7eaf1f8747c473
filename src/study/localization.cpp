// Localization: ranks root, plexus, peripheral-nerve and polyneuropathy hypotheses from needle EMG
// and nerve conduction observations. Scores are explicit sums of named evidence (see
// docs/study-model.md, "Localization rules") so the clinician can see why a suggestion was made.
#include <emg/study/localization.h>

#include <emg/study/evaluation.h>
#include <emg/study/measurement_uncertainty.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace emg::study {

namespace {

// Weights of the evidence (documented in docs/study-model.md).
constexpr double kContradictionRoot = 0.6;    // x fraction of the root's tested major muscles that are normal
constexpr double kContradictionNerve = 0.4;   // x fraction of the lesion's expected muscles that are normal
constexpr double kParaspinalRoot = 0.25;
constexpr double kParaspinalAgainstNerve = 0.4;
constexpr double kMultiNerveRoot = 0.15;
constexpr double kSingleNerveRoot = 0.3;      // penalty: one peripheral nerve is better explained by a mononeuropathy
constexpr double kSnapAbnormalRoot = 0.3;     // penalty: roots are preganglionic, SNAPs are preserved
constexpr double kSnapNormalRoot = 0.05;
constexpr double kHReflexS1 = 0.1;
constexpr double kSnapAbnormalNerve = 0.2;
constexpr double kMotorFocalNerve = 0.3;
constexpr double kMotorAbnormalNerve = 0.1;
constexpr double kSparedAbnormalNerve = 0.5;  // per spared muscle that is abnormal
constexpr double kSymmetricFocal = 0.7;       // penalty: a one-sided lesion with the same findings on the other side

std::string sideWord(Side s) { return s == Side::Left ? "left " : s == Side::Right ? "right " : ""; }

std::string fmt(double v) {
    std::ostringstream o;
    o.precision(2);
    o << std::fixed << v;
    return o.str();
}

void setConfidence(Hypothesis& h) {
    h.confidence = std::clamp(h.score, 0.0, 1.0);
    h.confidenceLabel = h.confidence >= 0.75 ? "high" : h.confidence >= 0.5 ? "moderate" : "low";
}

bool sameSide(Side a, Side b) { return a == b || a == Side::Bilateral || b == Side::Bilateral; }

struct SideView {
    Side side;
    std::vector<const MuscleInfo*> abnormal, normal;   // limb muscles (no paraspinals)
    std::optional<bool> paraspinalAbnormal;             // nullopt = not sampled
    std::vector<const NerveObservation*> nerves;
};

std::vector<Hypothesis> rootAndPlexus(const MyotomeMap& map, const SideView& v) {
    std::vector<Hypothesis> out;
    if (v.abnormal.empty()) return out;
    for (const auto& root : map.localizableRoots()) {
        double explained = 0.0;
        std::set<std::string> nerves;
        std::vector<std::string> forMuscles;
        for (const auto* m : v.abnormal) {
            auto it = m->roots.find(root);
            if (it == m->roots.end()) continue;
            explained += it->second == RootWeight::Major ? 1.0 : 0.5;
            nerves.insert(m->nerve);
            forMuscles.push_back(m->name + (it->second == RootWeight::Major ? "" : " (minor " + root + ")"));
        }
        if (explained == 0.0) continue;
        Hypothesis h;
        h.kind = HypothesisKind::Root;
        h.roots = {root};
        h.side = v.side;
        h.label = sideWord(v.side) + root + " radiculopathy";
        const double coverage = explained / static_cast<double>(v.abnormal.size());
        h.score = coverage;
        std::string list;
        for (const auto& s : forMuscles) list += (list.empty() ? "" : ", ") + s;
        h.evidenceFor.push_back("abnormal " + root + " muscles: " + list + " (coverage " + fmt(coverage) + ")");
        int testedMajor = 0, normalMajor = 0;
        std::string normalList;
        for (const auto* m : v.normal) {
            auto it = m->roots.find(root);
            if (it != m->roots.end() && it->second == RootWeight::Major) {
                ++normalMajor;
                normalList += (normalList.empty() ? "" : ", ") + m->name;
            }
        }
        for (const auto* m : v.abnormal) {
            auto it = m->roots.find(root);
            if (it != m->roots.end() && it->second == RootWeight::Major) ++testedMajor;
        }
        testedMajor += normalMajor;
        if (normalMajor > 0) {
            const double frac = static_cast<double>(normalMajor) / testedMajor;
            h.score -= kContradictionRoot * frac;
            h.evidenceAgainst.push_back("normal muscles with a major " + root + " supply: " + normalList);
        }
        std::vector<std::string> unexplained;
        for (const auto* m : v.abnormal)
            if (!m->roots.count(root)) unexplained.push_back(m->name);
        if (!unexplained.empty()) {
            std::string u;
            for (const auto& s : unexplained) u += (u.empty() ? "" : ", ") + s;
            h.evidenceAgainst.push_back("abnormal muscles without " + root + " supply: " + u);
        }
        if (nerves.size() >= 2) {
            h.score += kMultiNerveRoot;
            h.evidenceFor.push_back("abnormal muscles span " + std::to_string(nerves.size()) + " peripheral nerves");
        } else {
            h.score -= kSingleNerveRoot;
            h.evidenceAgainst.push_back("all abnormal " + root + " muscles belong to one nerve (" + *nerves.begin() + ")");
        }
        if (v.paraspinalAbnormal == true) {
            h.score += kParaspinalRoot;
            h.evidenceFor.push_back("paraspinal denervation (lesion at or proximal to the root's posterior ramus)");
        } else if (v.paraspinalAbnormal == false) {
            h.evidenceAgainst.push_back("paraspinals normal (common in radiculopathy; does not exclude it)");
        }
        bool snapAbnormal = false;
        for (const auto* n : v.nerves) {
            if (n->kind == TestKind::HReflex && root == "S1") {
                if (n->abnormal) {
                    h.score += kHReflexS1;
                    h.evidenceFor.push_back("H-reflex abnormal (S1 pathway)");
                }
                continue;
            }
            if (n->kind != TestKind::Sensory) continue;
            const auto* s = map.sensoryNerve(n->nerve);
            if (!s || std::find(s->roots.begin(), s->roots.end(), root) == s->roots.end()) continue;
            if (n->abnormal) {
                snapAbnormal = true;
                h.score -= kSnapAbnormalRoot;
                h.evidenceAgainst.push_back(n->nerve + " SNAP abnormal: the lesion is postganglionic (plexus or nerve), roots spare SNAPs");
            } else {
                h.score += kSnapNormalRoot;
                h.evidenceFor.push_back(n->nerve + " SNAP normal (preganglionic lesion spares it)");
            }
        }
        setConfidence(h);
        out.push_back(h);
        if (snapAbnormal) {
            Hypothesis p = h;
            p.kind = HypothesisKind::Plexus;
            p.label = sideWord(v.side) + map.plexusFor(root) + " (" + root + " distribution, SNAP abnormal)";
            p.score = h.score + 2 * kSnapAbnormalRoot;   // the SNAP now speaks for, not against
            if (v.paraspinalAbnormal == true) {
                p.score -= 2 * kParaspinalRoot;
                p.evidenceAgainst.push_back("paraspinal denervation points proximal to the plexus");
            }
            p.evidenceAgainst.erase(std::remove_if(p.evidenceAgainst.begin(), p.evidenceAgainst.end(),
                                                   [](const std::string& e) { return e.find("SNAP abnormal") != std::string::npos; }),
                                    p.evidenceAgainst.end());
            p.evidenceFor.push_back("SNAP abnormal in the " + root + " distribution: postganglionic lesion");
            setConfidence(p);
            out.push_back(p);
        }
    }
    return out;
}

std::vector<Hypothesis> nerveLesions(const MyotomeMap& map, const SideView& v) {
    std::vector<Hypothesis> out;
    for (const auto& L : map.nerveLesions()) {
        auto inList = [](const std::vector<std::string>& l, const std::string& n) { return std::find(l.begin(), l.end(), n) != l.end(); };
        int explained = 0;
        std::string forList;
        for (const auto* m : v.abnormal)
            if (inList(L.muscles, m->name)) {
                ++explained;
                forList += (forList.empty() ? "" : ", ") + m->name;
            }
        bool ncsFocal = false, ncsAbnormal = false;
        for (const auto* n : v.nerves)
            if (n->kind == TestKind::Motor && n->nerve == L.nerve && n->abnormal) (n->focal ? ncsFocal : ncsAbnormal) = true;
        if (explained == 0 && !ncsFocal) continue;
        Hypothesis h;
        h.kind = HypothesisKind::Nerve;
        h.side = v.side;
        h.label = sideWord(v.side) + L.label;
        const double coverage = v.abnormal.empty() ? 0.5 : static_cast<double>(explained) / static_cast<double>(v.abnormal.size());
        h.score = coverage;
        if (explained > 0) h.evidenceFor.push_back("abnormal muscles in the " + L.nerve + " territory: " + forList + " (coverage " + fmt(coverage) + ")");
        int normalExpected = 0, testedExpected = explained;
        std::string normalList;
        for (const auto* m : v.normal)
            if (inList(L.muscles, m->name)) {
                ++normalExpected;
                ++testedExpected;
                normalList += (normalList.empty() ? "" : ", ") + m->name;
            }
        if (normalExpected > 0) {
            h.score -= kContradictionNerve * normalExpected / testedExpected;
            h.evidenceAgainst.push_back("normal muscles distal to this lesion: " + normalList);
        }
        for (const auto* m : v.abnormal)
            if (inList(L.spares, m->name)) {
                h.score -= kSparedAbnormalNerve;
                h.evidenceAgainst.push_back(m->name + " is abnormal but lies proximal to this lesion site");
            }
        std::string spared;
        for (const auto* m : v.normal)
            if (inList(L.spares, m->name)) spared += (spared.empty() ? "" : ", ") + m->name;
        if (!spared.empty()) h.evidenceFor.push_back("muscles proximal to the site are normal: " + spared);
        if (v.paraspinalAbnormal == true) {
            h.score -= kParaspinalAgainstNerve;
            h.evidenceAgainst.push_back("paraspinal denervation is not explained by a peripheral nerve lesion");
        }
        for (const auto* n : v.nerves) {
            if (n->kind != TestKind::Sensory || !inList(L.sensory, n->nerve)) continue;
            if (n->abnormal) {
                h.score += kSnapAbnormalNerve;
                h.evidenceFor.push_back(n->nerve + " SNAP abnormal (postganglionic lesion in this nerve's territory)");
            } else {
                h.evidenceAgainst.push_back(n->nerve + " SNAP normal");
            }
        }
        if (ncsFocal) {
            h.score += kMotorFocalNerve;
            h.evidenceFor.push_back(L.nerve + " motor conduction: focal slowing or conduction block");
        } else if (ncsAbnormal) {
            h.score += kMotorAbnormalNerve;
            h.evidenceFor.push_back(L.nerve + " motor conduction abnormal");
        }
        setConfidence(h);
        out.push_back(h);
    }
    return out;
}

Hypothesis polyneuropathy(const MyotomeMap& map, const LocalizationInput& in) {
    Hypothesis h;
    h.kind = HypothesisKind::Polyneuropathy;
    h.side = Side::Bilateral;
    h.label = "length-dependent polyneuropathy";
    std::set<std::pair<std::string, Side>> sensAbn;
    std::set<std::string> sensNerves, motorNerves;
    std::set<Side> sides;
    int lowerSens = 0, upperSens = 0, upperSensNormal = 0;
    for (const auto& n : in.nerves) {
        if (!n.abnormal) {
            if (n.kind == TestKind::Sensory) {
                const auto* s = map.sensoryNerve(n.nerve);
                if (s && s->region == "upper") ++upperSensNormal;
            }
            continue;
        }
        sides.insert(n.side);
        if (n.kind == TestKind::Sensory) {
            sensAbn.insert({n.nerve, n.side});
            sensNerves.insert(n.nerve);
            const auto* s = map.sensoryNerve(n.nerve);
            if (s && s->region == "lower") ++lowerSens;
            if (s && s->region == "upper") ++upperSens;
        } else if (n.kind == TestKind::Motor && !n.focal) {
            motorNerves.insert(n.nerve + "/" + std::string(toString(n.side)));
        }
    }
    std::set<Side> distalSides;
    bool proximalAbnormal = false;
    for (const auto& m : in.muscles) {
        const auto* mi = map.muscle(m.muscle);
        if (!mi || !m.abnormal) continue;
        if (mi->distal) distalSides.insert(m.side);
        else if (!mi->paraspinal) proximalAbnormal = true;
    }
    if (sensAbn.size() < 2) return h;   // score 0: not suggested
    h.score = 0.5;
    std::string list;
    for (const auto& [n, s] : sensAbn) list += (list.empty() ? "" : ", ") + sideWord(s) + n;
    h.evidenceFor.push_back("abnormal SNAPs: " + list);
    const bool bilateral = sides.count(Side::Left) && sides.count(Side::Right);
    if (bilateral) {
        h.score += 0.2;
        h.evidenceFor.push_back("abnormalities on both sides");
    } else if (sensNerves.size() >= 2) {
        h.score += 0.1;
        h.evidenceFor.push_back("SNAPs of " + std::to_string(sensNerves.size()) + " different nerves abnormal");
    }
    if (motorNerves.size() >= 2) {
        h.score += 0.1;
        h.evidenceFor.push_back("motor conduction abnormal in " + std::to_string(motorNerves.size()) + " nerves without a focal block");
    }
    if (distalSides.count(Side::Left) && distalSides.count(Side::Right)) {
        h.score += 0.1;
        h.evidenceFor.push_back("distal muscles neurogenic on both sides");
    }
    if (lowerSens > 0 && upperSens == 0) {
        h.score += 0.1;
        h.evidenceFor.push_back("leg SNAPs abnormal" + std::string(upperSensNormal > 0 ? " with normal arm SNAPs" : "") + " (length-dependent)");
    } else if (upperSens > 0 && lowerSens == 0) {
        h.score -= 0.3;
        h.evidenceAgainst.push_back("arm SNAPs abnormal with normal leg SNAPs: not length-dependent");
    }
    if (proximalAbnormal && distalSides.empty()) {
        h.score -= 0.2;
        h.evidenceAgainst.push_back("proximal muscles abnormal while distal ones are normal");
    }
    setConfidence(h);
    return h;
}

}  // namespace

std::string_view toString(HypothesisKind k) noexcept {
    switch (k) {
        case HypothesisKind::Root: return "root";
        case HypothesisKind::Plexus: return "plexus";
        case HypothesisKind::Nerve: return "nerve";
        case HypothesisKind::Polyneuropathy: return "polyneuropathy";
    }
    return "?";
}

std::vector<Hypothesis> localize(const MyotomeMap& map, const LocalizationInput& input) {
    std::vector<Hypothesis> all;
    std::set<Side> sides;
    for (const auto& m : input.muscles)
        if (m.abnormal) sides.insert(m.side == Side::Bilateral ? Side::Unspecified : m.side);
    for (const auto& n : input.nerves)
        if (n.abnormal && n.kind == TestKind::Motor && n.focal) sides.insert(n.side == Side::Bilateral ? Side::Unspecified : n.side);
    for (Side side : sides) {
        SideView v{side, {}, {}, std::nullopt, {}};
        for (const auto& m : input.muscles) {
            if (!sameSide(m.side, side)) continue;
            const auto* mi = map.muscle(m.muscle);
            if (!mi) continue;
            if (mi->paraspinal) v.paraspinalAbnormal = v.paraspinalAbnormal.value_or(false) || m.abnormal;
            else (m.abnormal ? v.abnormal : v.normal).push_back(mi);
        }
        for (const auto& n : input.nerves)
            if (sameSide(n.side, side)) v.nerves.push_back(&n);
        for (auto& h : rootAndPlexus(map, v)) all.push_back(std::move(h));
        for (auto& h : nerveLesions(map, v)) all.push_back(std::move(h));
    }
    // A unilateral focal lesion does not explain the same abnormalities on the other side.
    auto abnormalNames = [&](Side side) {
        std::set<std::string> names;
        for (const auto& m : input.muscles)
            if (m.abnormal && m.side == side) names.insert("muscle:" + m.muscle);
        for (const auto& n : input.nerves)
            if (n.abnormal && n.side == side && n.kind == TestKind::Sensory) names.insert("snap:" + n.nerve);
        return names;
    };
    const auto leftAbn = abnormalNames(Side::Left), rightAbn = abnormalNames(Side::Right);
    std::size_t shared = 0;
    for (const auto& n : leftAbn) shared += rightAbn.count(n);
    const bool symmetric = shared > 0 && 2 * shared >= std::min(leftAbn.size(), rightAbn.size());
    if (symmetric)
        for (auto& h : all)
            if (h.side == Side::Left || h.side == Side::Right) {
                h.score -= kSymmetricFocal;
                h.evidenceAgainst.push_back("the other side shows the same abnormalities (a symmetric process)");
                setConfidence(h);
            }
    Hypothesis pn = polyneuropathy(map, input);
    if (pn.score > 0) {
        // A diffuse process also explains distal denervation: temper focal suggestions.
        for (auto& h : all)
            if (h.kind != HypothesisKind::Polyneuropathy && pn.score >= 0.7) {
                h.score -= 0.2;
                h.evidenceAgainst.push_back("a generalised (polyneuropathy) pattern is present");
                setConfidence(h);
            }
        all.push_back(pn);
    }
    all.erase(std::remove_if(all.begin(), all.end(), [](const Hypothesis& h) { return h.score <= 0.0; }), all.end());
    std::stable_sort(all.begin(), all.end(), [](const Hypothesis& a, const Hypothesis& b) { return a.score > b.score; });
    return all;
}

LocalizationInput observationsFrom(const Study& study, const NormativeTable& norms, const SubjectInfo& subject) {
    LocalizationInput in;
    auto evaluateAll = [&](TestKind kind, const std::string& nerve, const std::string& rec, const TestCommon& c,
                           const std::vector<StimSite>* sites, NerveObservation& obs) {
        auto check = [&](const Measurement& m) {
            if (isUncertain(m)) return;   // a value the engine could not read confidently is no evidence
            auto ev = norms.evaluate(kind, nerve, rec, m.name, m.value, m.unit, subject);
            if (!ev || !ev->abnormal) return;
            obs.abnormal = true;
            if (m.name.find("acrossElbow") != std::string::npos || m.name.find("conductionBlock") != std::string::npos ||
                m.name.find("focal") != std::string::npos || m.name == "areaDropPct")   // a segment's block or dispersion
                obs.focal = true;
        };
        for (const auto& m : c.measurements) check(m);
        if (sites)
            for (std::size_t k = 0; k < sites->size(); ++k)
                for (const auto& m : (*sites)[k].measurements)
                    if (judgedAgainstNorms(kind, k, m.name)) check(m);   // as the report judges them
    };
    // H-reflexes by side, for the side-to-side criteria below
    std::optional<std::size_t> hIndex[2];
    const HReflex* hTest[2] = {nullptr, nullptr};
    for (const auto& t : study.tests) {
        const auto& c = common(t);
        if (const auto* n = std::get_if<NeedleEmg>(&t)) {
            in.muscles.push_back({n->muscle, c.side, n->neurogenic()});
            continue;
        }
        if (const auto* h = std::get_if<HReflex>(&t); h && (c.side == Side::Left || c.side == Side::Right)) {
            const int k = c.side == Side::Left ? 0 : 1;
            if (!hTest[k]) {
                hTest[k] = h;
                hIndex[k] = in.nerves.size();
            }
        }
        NerveObservation obs;
        obs.nerve = subjectOf(t);
        obs.side = c.side;
        obs.kind = kindOf(t);
        if (const auto* m = std::get_if<MotorNcs>(&t)) evaluateAll(obs.kind, m->nerve, m->recordingSite, c, &m->sites, obs);
        else if (const auto* s = std::get_if<SensoryNcs>(&t)) evaluateAll(obs.kind, s->nerve, s->recordingSite, c, &s->sites, obs);
        else if (const auto* f = std::get_if<FWave>(&t)) evaluateAll(obs.kind, f->nerve, f->recordingSite, c, nullptr, obs);
        else if (const auto* h = std::get_if<HReflex>(&t)) evaluateAll(obs.kind, h->nerve, h->recordingSite, c, nullptr, obs);
        else continue;   // RNS does not localize
        in.nerves.push_back(obs);
    }
    // H-reflex: an absent H (recorded, no H latency) or one side against the other (latency
    // difference, amplitude ratio: Braddom & Johnson 1974; Jankus et al. 1994) marks that side's
    // S1 pathway abnormal. Bilateral absence is not counted from 60 years on, where it can be normal.
    auto absent = [&](int k) { return hTest[k] && !hTest[k]->measurements.empty() && !findMeasurement(hTest[k]->measurements, "hLatencyMs"); };
    const bool older = subject.ageYears && *subject.ageYears >= 60.0;
    for (int k = 0; k < 2; ++k)
        if (absent(k) && (!older || (hTest[1 - k] && !absent(1 - k)))) in.nerves[*hIndex[k]].abnormal = true;
    for (const auto& d : hReflexSideToSide(study, norms, subject))   // (a difference from an uncertain latency is no evidence)
        if (d.evaluation.evaluation.abnormal && !isUncertain(d.evaluation.measurement))
            in.nerves[*hIndex[d.worseSide == Side::Left ? 0 : 1]].abnormal = true;
    return in;
}

Finding suggestionFinding(const Hypothesis& h) {
    Finding f;
    f.kind = "localization";
    f.text = "Suggested: " + h.label + " (" + h.confidenceLabel + " confidence, score " + fmt(h.score) + ")";
    f.provenance = Provenance::Auto;
    f.confirmed = false;
    return f;
}

}  // namespace emg::study
