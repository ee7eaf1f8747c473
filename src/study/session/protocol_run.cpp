// The protocol runner (emg/study/protocol_run.h): the run's tests, its moves, and its position and
// sweeps kept in the session store the moment they change.
#include <emg/study/myotomes.h>
#include <emg/study/protocol_run.h>

#include <spdlog/spdlog.h>

#include <cctype>

#include <stdexcept>
#include <utility>

namespace emg::study {

std::size_t RunTest::positionCount() const noexcept {
    const std::size_t n = kind == TestKind::Needle ? muscles.size() : sites.size();
    return n == 0 ? 1 : n;
}

std::string RunTest::positionName(std::size_t index) const {
    if (kind == TestKind::Needle) return index < muscles.size() ? muscles[index].name : std::string();
    return index < sites.size() ? sites[index].name : std::string();
}

std::string RunTest::label() const {
    std::string s(toString(kind));
    if (!nerve.empty()) s += " " + nerve;
    return s + " " + std::string(toString(side));
}

namespace {
std::string slug(const std::string& text) {
    std::string out;
    for (const unsigned char c : text) {
        if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
        else if (!out.empty() && out.back() != '-') out += '-';
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out;
}
}  // namespace

std::string sitePictureFile(const RunTest& test, std::size_t site) {
    if (test.kind == TestKind::Needle || site >= test.sites.size()) return "";
    return slug(std::string(toString(test.kind))) + "-" + slug(test.nerve) + "-" + slug(test.recordingSite) + "-" + slug(test.sites[site].name) + ".svg";
}

Side otherSide(Side side) noexcept { return side == Side::Left ? Side::Right : Side::Left; }

namespace {
RunMuscle runMuscle(const std::string& name, const MyotomeMap* myotomes) {
    RunMuscle m{name, "", {}, {}};
    const MuscleInfo* info = myotomes ? myotomes->muscle(name) : nullptr;
    if (!info) return m;
    m.nerve = info->nerve;
    for (const auto& [root, weight] : info->roots) (weight == RootWeight::Major ? m.majorRoots : m.minorRoots).push_back(root);
    return m;
}
}  // namespace

std::vector<RunTest> runTestsOf(const Protocol& protocol, Side firstSide, const MyotomeMap* myotomes) {
    const Side first = firstSide == Side::Right ? Side::Right : Side::Left;
    std::vector<RunTest> out;
    for (std::size_t i = 0; i < protocol.steps.size(); ++i) {
        const auto& step = protocol.steps[i];
        RunTest t;
        t.stepIndex = i;
        t.kind = step.kind;
        t.side = first;
        t.nerve = step.nerve;
        t.recordingSite = step.recordingSite;
        t.sites = step.sites;
        for (const auto& m : step.muscles) t.muscles.push_back(runMuscle(m, myotomes));
        t.rateHz = step.rateHz;
        t.presets = step.settings;
        t.note = step.note;
        out.push_back(t);
        if (step.bilateral) {
            t.side = otherSide(first);
            out.push_back(std::move(t));
        }
    }
    return out;
}

RunCursor nextSiteOf(const std::vector<RunTest>& tests, RunCursor at) noexcept {
    if (at.test >= tests.size()) return {tests.size(), 0};
    if (at.site + 1 < tests[at.test].positionCount()) return {at.test, at.site + 1};
    return {at.test + 1, 0};
}

RunCursor nextTestOf(const std::vector<RunTest>& tests, RunCursor at) noexcept {
    if (at.test >= tests.size()) return {tests.size(), 0};
    return {at.test + 1, 0};
}

RunCursor previousOf(const std::vector<RunTest>& tests, RunCursor at) noexcept {
    if (at.test > tests.size()) at = {tests.size(), 0};
    if (at.site > 0) return {at.test, at.site - 1};
    if (at.test == 0) return at;
    return {at.test - 1, tests[at.test - 1].positionCount() - 1};
}

ProtocolRun::ProtocolRun(SessionStore& store, std::string studyId, const Protocol& protocol, Side firstSide, const MyotomeMap* myotomes)
    : store_(store), studyId_(std::move(studyId)), protocolId_(protocol.id) {
    const auto study = store_.study(studyId_);
    if (!study) throw StoreError("study " + studyId_ + " is not in the store");
    const auto stored = store_.runPosition(studyId_);
    if (stored && stored->protocolId == protocolId_) {
        firstSide_ = stored->firstSide == Side::Right ? Side::Right : Side::Left;
        tests_ = runTestsOf(protocol, firstSide_, myotomes);
        at_ = {static_cast<std::size_t>(stored->testIndex), static_cast<std::size_t>(stored->siteIndex)};
        if (at_.test >= tests_.size()) at_ = {tests_.size(), 0};
        else if (at_.site >= tests_[at_.test].positionCount()) at_.site = tests_[at_.test].positionCount() - 1;
        resumed_ = true;
        spdlog::info("study {}: protocol {} resumed at test {} site {}", studyId_, protocolId_, at_.test, at_.site);
        return;
    }
    if (stored) spdlog::warn("study {}: its run of protocol '{}' is replaced by a run of '{}'", studyId_, stored->protocolId, protocolId_);
    if (firstSide == Side::Unspecified || firstSide == Side::Bilateral) {
        const auto patient = store_.patient(study->patientId);
        firstSide = patient ? patient->symptomSide : Side::Unspecified;
    }
    firstSide_ = firstSide == Side::Right ? Side::Right : Side::Left;
    tests_ = runTestsOf(protocol, firstSide_, myotomes);
    persist();
}

const RunTest& ProtocolRun::currentTest() const {
    if (finished()) throw std::logic_error("the protocol run is finished: no current test");
    return tests_[at_.test];
}

std::string ProtocolRun::currentSite() const { return finished() ? std::string() : tests_[at_.test].positionName(at_.site); }

void ProtocolRun::persist() {
    store_.saveRunPosition(studyId_, RunPosition{protocolId_, firstSide_, static_cast<int>(at_.test), static_cast<int>(at_.site), ""});
}

void ProtocolRun::goTo(RunCursor to) {
    const bool end = to.test == tests_.size() && to.site == 0;
    if (!end && (to.test >= tests_.size() || to.site >= tests_[to.test].positionCount()))
        throw std::out_of_range("no test " + std::to_string(to.test) + " site " + std::to_string(to.site) + " in this run");
    const RunCursor before = at_;
    at_ = to;
    try {
        persist();
    } catch (...) {
        at_ = before;   // the run stays where the store says it is
        throw;
    }
}

bool ProtocolRun::nextSite() {
    const auto to = nextSiteOf(tests_, at_);
    if (to == at_) return false;
    goTo(to);
    return true;
}

bool ProtocolRun::nextTest() {
    const auto to = nextTestOf(tests_, at_);
    if (to == at_) return false;
    goTo(to);
    return true;
}

bool ProtocolRun::previous() {
    const auto to = previousOf(tests_, at_);
    if (to == at_) return false;
    goTo(to);
    return true;
}

RunSweep ProtocolRun::storeSweep(RunSweep sweep) {
    const RunTest& test = currentTest();
    if (test.kind != TestKind::Needle && sweep.stimulusMa > test.presets.stimulusMaxMa)
        throw std::invalid_argument("stimulus " + std::to_string(sweep.stimulusMa) + " mA is above this test's ceiling of " +
                                    std::to_string(test.presets.stimulusMaxMa) + " mA; nothing was stored");
    sweep.studyId = studyId_;
    sweep.protocolId = protocolId_;
    sweep.testIndex = static_cast<int>(at_.test);
    sweep.siteIndex = static_cast<int>(at_.site);
    sweep.testLabel = test.label();
    sweep.site = test.positionName(at_.site);
    return store_.addRunSweep(sweep);
}

void ProtocolRun::setRejected(const RunSweep& sweep, bool rejected) {
    if (sweep.studyId != studyId_ || sweep.protocolId != protocolId_)
        throw std::invalid_argument("sweep " + std::to_string(sweep.id) + " is not of this run");
    store_.setRunSweepRejected(studyId_, sweep.id, rejected);
    spdlog::info("study {}: run sweep {} {}", studyId_, sweep.id, rejected ? "rejected" : "kept again");
}

std::vector<RunSweep> ProtocolRun::sweepsAt(std::optional<RunCursor> at) const {
    const RunCursor where = at.value_or(at_);
    std::vector<RunSweep> out;
    for (auto& s : store_.runSweeps(studyId_))
        if (s.protocolId == protocolId_ && s.testIndex == static_cast<int>(where.test) && s.siteIndex == static_cast<int>(where.site))
            out.push_back(std::move(s));
    return out;
}

}  // namespace emg::study
