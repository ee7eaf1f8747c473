// Protocol files: load with validation; check nerve/muscle references against the reference data.
#include "json_reader.h"

#include <emg/study/json.h>
#include <emg/study/myotomes.h>
#include <emg/study/normative.h>
#include <emg/study/protocol.h>
#include <emg/study/resources.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <utility>

namespace emg::study {

using detail::JsonReader;

namespace {
/// Ramp defaults for protocol files without "stimulusStartMa"/"stimulusStepMa" (mA): motor and late
/// responses start at 10 mA in 5 mA steps, sensory at 5 mA in 2 mA steps, the H-reflex (slowly
/// increasing submaximal 1 ms stimuli) at 5 mA in 1 mA steps.
std::pair<double, double> defaultRampMa(TestKind kind) {
    switch (kind) {
    case TestKind::Sensory: return {5.0, 2.0};
    case TestKind::HReflex: return {5.0, 1.0};
    case TestKind::Needle: return {0.0, 0.0};
    default: return {10.0, 5.0};
    }
}

/// One channel by kind for protocol files without "channels".
ChannelPreset defaultChannel(TestKind kind, const std::string& recordingSite) {
    switch (kind) {
    case TestKind::Needle: return {"needle", "concentric needle in the muscle", "needle shaft", true};
    case TestKind::Sensory: return {"SNAP", recordingSite, "3-4 cm distal to the active electrode", false};
    case TestKind::HReflex: return {"H", "belly of " + recordingSite, "Achilles tendon", false};
    case TestKind::FWave: return {"F", "belly of " + recordingSite, "tendon of " + recordingSite, false};
    default: return {"CMAP", "belly of " + recordingSite, "tendon of " + recordingSite, false};
    }
}

std::vector<ChannelPreset> channelsFrom(const JsonReader& s, TestKind kind, const std::string& recordingSite) {
    const auto& arr = s.array("channels");
    if (arr.empty()) return {defaultChannel(kind, recordingSite)};
    std::vector<ChannelPreset> out;
    for (std::size_t k = 0; k < arr.size(); ++k) {
        JsonReader c(arr[k], s.child("channels") + "[" + std::to_string(k) + "]");
        ChannelPreset ch{c.requiredStr("label"), c.requiredStr("active"), c.str("reference"), false};
        const auto electrode = c.str("electrode", kind == TestKind::Needle ? "needle" : "surface");
        if (electrode != "needle" && electrode != "surface") c.fail("electrode", "expected \"surface\" or \"needle\", got \"" + electrode + "\"");
        ch.needle = electrode == "needle";
        out.push_back(std::move(ch));
    }
    if (out.size() > 32) s.fail("channels", "more than 32 channels");
    return out;
}

void checkStimulus(const JsonReader& s, const AcquisitionSettings& a, bool stimulated) {
    if (stimulated) {
        if (a.stimulusDurationMs <= 0.0 || a.stimulusDurationMs > 1.0) s.fail("stimulusDurationMs", "must be in (0, 1] ms for a stimulated test");
        if (a.stimulusMaxMa <= 0.0 || a.stimulusMaxMa > 100.0) s.fail("stimulusMaxMa", "must be in (0, 100] mA");
        if (a.stimulusStartMa <= 0.0 || a.stimulusStartMa > a.stimulusMaxMa) s.fail("stimulusStartMa", "must be in (0, stimulusMaxMa] mA");
        if (a.stimulusStepMa <= 0.0 || a.stimulusStepMa > 20.0) s.fail("stimulusStepMa", "must be in (0, 20] mA");
    } else if (a.stimulusDurationMs != 0.0 || a.stimulusMaxMa != 0.0 || a.stimulusStartMa != 0.0 || a.stimulusStepMa != 0.0) {
        s.fail("stimulusDurationMs", "needle EMG has no stimulus");
    }
}

AcquisitionSettings settingsFrom(const JsonReader& r, TestKind kind, const std::string& recordingSite) {
    JsonReader s(r.object("settings"), r.child("settings"));
    AcquisitionSettings a;
    a.lowCutHz = s.requiredNum("lowCutHz");
    a.highCutHz = s.requiredNum("highCutHz");
    a.sweepMsPerDiv = s.requiredNum("sweepMsPerDiv");
    a.sensitivityUvPerDiv = s.requiredNum("sensitivityUvPerDiv");
    a.sweepMs = s.num("sweepMs", 10.0 * a.sweepMsPerDiv);
    a.stimulusDurationMs = s.num("stimulusDurationMs", 0.0);
    a.stimulusMaxMa = s.num("stimulusMaxMa", 0.0);
    const auto [startMa, stepMa] = defaultRampMa(kind);
    a.stimulusStartMa = s.num("stimulusStartMa", startMa);
    a.stimulusStepMa = s.num("stimulusStepMa", stepMa);
    a.channels = channelsFrom(s, kind, recordingSite);
    if (a.lowCutHz < 0.0) s.fail("lowCutHz", "must not be negative");
    if (a.highCutHz <= a.lowCutHz) s.fail("highCutHz", "must be above lowCutHz");
    if (a.highCutHz > 20000.0) s.fail("highCutHz", "above 20 kHz");
    if (a.sweepMsPerDiv <= 0.0 || a.sweepMsPerDiv > 1000.0) s.fail("sweepMsPerDiv", "must be in (0, 1000] ms/div");
    if (a.sweepMs <= 0.0 || a.sweepMs > 10000.0) s.fail("sweepMs", "must be in (0, 10000] ms");
    if (a.sensitivityUvPerDiv <= 0.0 || a.sensitivityUvPerDiv > 100000.0) s.fail("sensitivityUvPerDiv", "must be in (0, 100000] uV/div");
    checkStimulus(s, a, kind != TestKind::Needle);
    return a;
}
}  // namespace

Protocol loadProtocol(const std::filesystem::path& file) {
    const auto j = readJsonFile(file.string());
    const std::string base = file.filename().string();
    JsonReader r(j, base);
    if (r.str("format") != "emgws-protocol") r.fail("format", "expected \"emgws-protocol\"");
    Protocol p;
    p.id = r.requiredStr("id");
    p.name = r.requiredStr("name");
    p.description = r.str("description");
    p.region = r.str("region");
    p.references = detail::stringArray(r.array("references"), r.child("references"));
    const auto& steps = r.array("tests");
    if (steps.empty()) r.fail("tests", "a protocol needs at least one test");
    for (std::size_t i = 0; i < steps.size(); ++i) {
        JsonReader sr(steps[i], base + ".tests[" + std::to_string(i) + "]");
        ProtocolStep st;
        try {
            st.kind = parseTestKind(sr.requiredStr("kind"));
        } catch (const FormatError& e) {
            sr.fail("kind", e.what());
        }
        st.bilateral = sr.boolean("bilateral", false);
        st.note = sr.str("note");
        if (st.kind == TestKind::Needle) {
            st.muscles = detail::stringArray(sr.array("muscles"), sr.child("muscles"));
            if (st.muscles.empty()) sr.fail("muscles", "needle EMG step needs at least one muscle");
            std::set<std::string> seen;
            for (const auto& m : st.muscles)
                if (!seen.insert(m).second) sr.fail("muscles", "'" + m + "' listed twice");
        } else {
            st.nerve = sr.requiredStr("nerve");
            st.recordingSite = sr.requiredStr("recordingSite");
            const auto& sites = sr.array("sites");
            for (std::size_t k = 0; k < sites.size(); ++k) {
                JsonReader si(sites[k], sr.child("sites") + "[" + std::to_string(k) + "]");
                ProtocolSite ps{si.requiredStr("name"), si.optNum("distanceMm")};
                if (ps.distanceMm && (*ps.distanceMm <= 0.0 || *ps.distanceMm > 1500.0)) si.fail("distanceMm", "must be in (0, 1500] mm");
                st.sites.push_back(ps);
            }
            if ((st.kind == TestKind::Motor || st.kind == TestKind::Sensory) && st.sites.empty())
                sr.fail("sites", "a conduction study needs at least one stimulation site");
            if (st.kind == TestKind::Rns) {
                st.rateHz = sr.requiredNum("rateHz");
                if (*st.rateHz <= 0.0 || *st.rateHz > 50.0) sr.fail("rateHz", "must be in (0, 50] Hz");
            }
        }
        st.settings = settingsFrom(sr, st.kind, st.recordingSite);
        p.steps.push_back(std::move(st));
    }
    return p;
}

std::vector<Protocol> loadProtocols(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const auto& f : std::filesystem::directory_iterator(dir, ec))
        if (f.path().extension() == ".json") files.push_back(f.path());
    if (ec) throw FormatError(dir.string() + ": cannot list protocols (" + ec.message() + ")");
    std::vector<Protocol> out;
    for (const auto& f : files) out.push_back(loadProtocol(f));
    std::sort(out.begin(), out.end(), [](const Protocol& a, const Protocol& b) { return a.id < b.id; });
    for (std::size_t i = 1; i < out.size(); ++i)
        if (out[i].id == out[i - 1].id) throw FormatError(dir.string() + ": two protocols share the id '" + out[i].id + "'");
    return out;
}

std::vector<Protocol> loadDefaultProtocols() { return loadProtocols(resourceDir() / "protocols"); }

const Protocol* InstalledProtocols::find(const std::string& id) const noexcept {
    for (const auto& p : protocols)
        if (p.id == id) return &p;
    return nullptr;
}

const InstalledProtocols& installedProtocols() {
    static const InstalledProtocols installed = [] {
        InstalledProtocols out;
        try {
            out.protocols = loadDefaultProtocols();
        } catch (const std::exception& e) {
            out.error = e.what();
            spdlog::warn("protocols not loaded (tests are typed by hand): {}", out.error);
        }
        return out;
    }();
    return installed;
}

std::vector<std::string> checkReferences(const Protocol& p, const NormativeTable& norms, const MyotomeMap& myotomes) {
    std::vector<std::string> problems;
    const auto nerves = norms.nerves();
    for (std::size_t i = 0; i < p.steps.size(); ++i) {
        const auto& st = p.steps[i];
        const std::string where = p.id + ".tests[" + std::to_string(i) + "]";
        if (st.kind == TestKind::Needle) {
            for (const auto& m : st.muscles)
                if (!myotomes.muscle(m)) problems.push_back(where + ": muscle '" + m + "' is not in the myotome map");
            continue;
        }
        const bool known = nerves.count(st.nerve) || myotomes.sensoryNerve(st.nerve);
        if (!known) problems.push_back(where + ": nerve '" + st.nerve + "' has no normative values and is not in the myotome map");
        // Motor/late-response/RNS recording sites are muscles and must be in the myotome map.
        if (st.kind != TestKind::Sensory && !myotomes.muscle(st.recordingSite) && st.nerve.find('-') == std::string::npos)
            problems.push_back(where + ": recording muscle '" + st.recordingSite + "' is not in the myotome map");
    }
    return problems;
}

}  // namespace emg::study
