// The simulator set up for one protocol test (sim_protocol_setup.h).
#include "sim_protocol_setup.h"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace emg::sim {

namespace {
std::string oneWord(std::string s) {
    for (auto& c : s)
        if (c == ' ') c = '-';
    return s;
}
}  // namespace

std::string nervePresetFor(const study::RunTest& t) {
    static const std::map<std::string, std::string> motor{
        {"median", "median-motor"}, {"ulnar", "ulnar-motor"}, {"peroneal", "peroneal-motor"}, {"tibial", "tibial-motor"}};
    static const std::map<std::string, std::string> sensory{{"median", "median-sensory"},
                                                            {"ulnar", "ulnar-sensory"},
                                                            {"sural", "sural-sensory"},
                                                            {"superficial peroneal", "superficial-peroneal-sensory"}};
    if (t.kind == TestKind::HReflex) return t.nerve == "tibial" ? "tibial-h" : "";
    if (t.kind != TestKind::Motor && t.kind != TestKind::Sensory && t.kind != TestKind::FWave && t.kind != TestKind::Rns) return "";
    const auto& table = t.kind == TestKind::Sensory ? sensory : motor;
    const auto it = table.find(t.nerve);
    return it == table.end() ? "" : it->second;
}

SimTest simTestOf(TestKind k) {
    switch (k) {
    case TestKind::Motor: return SimTest::Motor;
    case TestKind::Sensory: return SimTest::Sensory;
    case TestKind::FWave: return SimTest::FWave;
    case TestKind::HReflex: return SimTest::HReflex;
    case TestKind::Rns: return SimTest::Rns;
    case TestKind::Needle: return SimTest::Needle;
    default: throw std::invalid_argument("the simulator has no model of the test kind " + std::string(study::toString(k)));
    }
}

NerveConfig nerveConfigFor(const study::RunTest& t, const study::ExpectedFinding& f, const std::string& preset) {
    auto cfg = nervePreset(preset);
    cfg.amplitudeUv *= f.amplitudeFactor;
    if (f.hAbsent) cfg.hMaxRatio = 0.0;
    const std::size_t n = t.kind == TestKind::Motor || t.kind == TestKind::Sensory ? std::min(t.sites.size(), cfg.sites.size()) : 1;
    cfg.sites.resize(std::max<std::size_t>(n, 1));
    for (std::size_t i = 0; i < cfg.sites.size() && i < t.sites.size(); ++i) cfg.sites[i].name = oneWord(t.sites[i].name);
    return cfg;
}

study::ExpectedFinding findingAt(const std::vector<study::ExpectedFinding>& findings, std::size_t test, std::size_t position) {
    const study::ExpectedFinding* ofTest = nullptr;
    for (const auto& f : findings) {
        if (f.testIndex != test) continue;
        if (f.position == position) return f;
        if (!ofTest) ofTest = &f;
    }
    if (ofTest) return *ofTest;
    study::ExpectedFinding normal;
    normal.testIndex = test;
    normal.position = position;
    return normal;
}

std::optional<SimulationSettings> liveSettingsFor(SimulationSettings s, const study::RunTest& t, std::size_t position,
                                                  const study::ExpectedFinding& f) {
    if (t.kind == TestKind::Needle) {
        s.pattern = f.neurogenic ? MusclePattern::Neuropathic : MusclePattern::Normal;
        s.denervationGrade = f.denervationGrade;
        return s;
    }
    const auto preset = nervePresetFor(t);
    if (preset.empty()) return std::nullopt;
    const auto cfg = nervePreset(preset);
    s.nerve = preset;
    s.siteIndex = std::min(position, cfg.sites.size() - 1);
    s.amplitudeScale = std::clamp(f.amplitudeFactor, 0.05, 1.0);
    s.hReflexAbsent = f.hAbsent;
    return s;
}

std::optional<double> simulatedDistanceMm(const study::RunTest& t, std::size_t position) {
    const auto preset = nervePresetFor(t);
    if (preset.empty()) return std::nullopt;
    const auto sites = nervePreset(preset).sites;
    if (position >= sites.size()) return std::nullopt;
    return position == 0 ? sites[0].distanceMm : sites[position].distanceMm - sites[position - 1].distanceMm;
}

}  // namespace emg::sim
