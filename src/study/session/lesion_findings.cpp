// Expected findings of a root or nerve lesion in each test of a protocol run (lesion_findings.h).
#include <emg/study/lesion_findings.h>
#include <emg/study/myotomes.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace emg::study {

namespace {
std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool contains(const std::vector<std::string>& v, const std::string& name) {
    return std::any_of(v.begin(), v.end(), [&](const std::string& x) { return lower(x) == lower(name); });
}

std::string regionOfNerve(const std::string& nerve, const MyotomeMap& map) {
    for (const auto& m : map.muscles())
        if (lower(m.nerve) == lower(nerve) && !m.region.empty()) return m.region;
    return "";
}

std::string regionOfRoot(const std::string& root) { return !root.empty() && (root[0] == 'C' || root[0] == 'T') ? "upper" : "lower"; }

const NerveLesionPattern* findPattern(const std::string& what, const MyotomeMap& map) {
    for (const auto& p : map.nerveLesions())
        if (lower(p.label) == lower(what)) return &p;
    for (const auto& p : map.nerveLesions())
        if (lower(p.nerve) == lower(what)) return &p;
    return nullptr;
}

bool majorRoot(const MuscleInfo* m, const std::string& root) {
    if (!m) return false;
    const auto it = m->roots.find(root);
    return it != m->roots.end() && it->second == RootWeight::Major;
}
}  // namespace

std::string Lesion::label() const {
    const std::string s(toString(side));
    return kind == Kind::Root ? s + " " + root + " radiculopathy" : s + " " + patternLabel;
}

Lesion parseLesion(const std::string& text, const MyotomeMap& myotomes) {
    const auto colon = text.rfind(':');
    std::string what = colon == std::string::npos ? text : text.substr(0, colon);
    const std::string sideText = colon == std::string::npos ? "" : lower(text.substr(colon + 1));
    Lesion l;
    if (sideText == "left") l.side = Side::Left;
    else if (sideText == "right") l.side = Side::Right;
    else throw std::invalid_argument("--lesion '" + text + "': give ROOT:left|right (e.g. L5:left) or NERVE:left|right (e.g. peroneal:left)");
    std::string upper = what;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    const auto& roots = myotomes.localizableRoots();
    if (std::find(roots.begin(), roots.end(), upper) != roots.end()) {
        l.kind = Lesion::Kind::Root;
        l.root = upper;
        l.region = regionOfRoot(upper);
        return l;
    }
    if (const auto* p = findPattern(what, myotomes)) {
        l.kind = Lesion::Kind::Nerve;
        l.nerve = p->nerve;
        l.patternLabel = p->label;
        l.region = regionOfNerve(p->nerve, myotomes);
        return l;
    }
    std::string known;
    for (const auto& r : roots) known += (known.empty() ? "" : ", ") + r;
    for (const auto& p : myotomes.nerveLesions()) known += ", " + p.nerve;
    throw std::invalid_argument("--lesion '" + text + "': '" + what + "' is neither a localizable root nor a nerve of the myotome map (" + known + ")");
}

namespace {
ExpectedFinding needleFinding(const RunMuscle& m, const Lesion& lesion, const MyotomeMap& map, const NerveLesionPattern* pattern) {
    ExpectedFinding f;
    const MuscleInfo* info = map.muscle(m.name);
    if (lesion.kind == Lesion::Kind::Root) {
        f.abnormal = majorRoot(info, lesion.root);
        f.why = m.name + (f.abnormal ? ": " + lesion.root + " major" : ": no major " + lesion.root + " supply");
    } else {
        f.abnormal = pattern && contains(pattern->muscles, m.name) && !contains(pattern->spares, m.name);
        f.why = m.name + (f.abnormal ? ": distal to the lesion" : ": outside the lesion's territory");
    }
    if (f.abnormal) {
        f.denervationGrade = kLesionDenervationGrade;
        f.neurogenic = true;
    }
    return f;
}

ExpectedFinding ncsFinding(const RunTest& t, const Lesion& lesion, const MyotomeMap& map, const NerveLesionPattern* pattern) {
    ExpectedFinding f;
    const MuscleInfo* recording = map.muscle(t.recordingSite);
    const bool rootLesion = lesion.kind == Lesion::Kind::Root;
    switch (t.kind) {
    case TestKind::Sensory:
        f.abnormal = !rootLesion && pattern && contains(pattern->sensory, t.nerve);
        if (f.abnormal) f.amplitudeFactor = kLesionSnapFactor;
        f.why = f.abnormal ? t.nerve + " SNAP: distal to the lesion" : t.nerve + " SNAP: spared";
        break;
    case TestKind::HReflex:
        f.abnormal = rootLesion ? majorRoot(recording, lesion.root) : pattern && contains(pattern->muscles, t.recordingSite);
        f.hAbsent = f.abnormal;
        f.why = f.abnormal ? "H-reflex absent: its arc runs through the lesion" : "H-reflex: arc spared";
        break;
    case TestKind::Motor:
        f.abnormal = !rootLesion && pattern && contains(pattern->muscles, t.recordingSite);
        if (f.abnormal) f.amplitudeFactor = kLesionCmapFactor;
        f.why = f.abnormal ? t.recordingSite + " CMAP: axon loss" : t.recordingSite + " CMAP: normal";
        break;
    default:
        f.why = "no change expected";
        break;
    }
    return f;
}
}  // namespace

std::vector<ExpectedFinding> expectedFindings(const std::vector<RunTest>& tests, const Lesion& lesion, const MyotomeMap& myotomes) {
    const NerveLesionPattern* pattern = lesion.kind == Lesion::Kind::Nerve ? findPattern(lesion.patternLabel, myotomes) : nullptr;
    std::vector<ExpectedFinding> out;
    for (std::size_t i = 0; i < tests.size(); ++i) {
        const auto& t = tests[i];
        const bool lesionSide = t.side == lesion.side;
        if (t.kind == TestKind::Needle) {
            for (std::size_t k = 0; k < t.muscles.size(); ++k) {
                ExpectedFinding f = lesionSide ? needleFinding(t.muscles[k], lesion, myotomes, pattern) : ExpectedFinding{};
                if (!lesionSide) f.why = t.muscles[k].name + ": other side";
                f.testIndex = i;
                f.position = k;
                out.push_back(f);
            }
            continue;
        }
        ExpectedFinding f = lesionSide ? ncsFinding(t, lesion, myotomes, pattern) : ExpectedFinding{};
        if (!lesionSide) f.why = "other side";
        f.testIndex = i;
        out.push_back(f);
    }
    return out;
}

}  // namespace emg::study
