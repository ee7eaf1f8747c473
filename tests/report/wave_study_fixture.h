#pragma once
// A left L5 radiculopathy-like work-up with its raw recordings made by the simulator (BDF+ files
// with "Stim <site>" annotations) and stored in a SQLite session store: peroneal motor on both
// sides (3 sites), left sural sensory, left peroneal F-waves, needle EMG of a denervated,
// neurogenic tibialis anterior and a normal medial gastrocnemius, and a right sural without a
// recording. Site values are the simulator's truth, as a measurement would have stored them.
#include <emg/io/recording_io.h>
#include <emg/study/session_store.h>
#include <sim/sim_recording.h>

#include <filesystem>
#include <memory>
#include <string>

#include <unistd.h>

namespace emg::test {

namespace fs = std::filesystem;

struct WaveStudy {
    fs::path dir;
    std::unique_ptr<study::SessionStore> store;
    std::string studyId;
    std::string dbUrl() const { return "sqlite:" + (dir / "store.sqlite").string(); }
};

inline fs::path simulated(const fs::path& dir, const std::string& name, sim::SimRecordingOptions o) {
    const auto path = dir / name;
    o.seconds = o.test == sim::SimTest::Needle ? 3.0 : 0.0;
    io::writeRecording(sim::simulateRecording(o).recording, path, io::FileFormat::BdfPlus);
    return path;
}

inline study::Measurement value(const std::string& name, double v, const std::string& unit) {
    return {name, v, unit, study::Provenance::Auto, "simulator truth", ""};
}

/// A motor or sensory test whose sites carry the simulated truth; the file linked by path.
template <typename Ncs>
Ncs ncsTest(const fs::path& file, sim::SimRecordingOptions o, const std::string& id, study::Side side, const std::string& nerve,
            const std::string& recordingSite) {
    const auto sim = sim::simulateRecording(o);
    Ncs t;
    t.id = id;
    t.side = side;
    t.nerve = nerve;
    t.recordingSite = recordingSite;
    t.raw.path = file.string();
    for (std::size_t i = 0; i < sim.truth.sites.size(); ++i) {
        const auto& s = sim.truth.sites[i];
        std::string name = s.name;
        for (auto& c : name)
            if (c == '-') c = ' ';   // stored as typed ("below fibular head"), annotated "Stim below-fibular-head"
        const bool motor = o.test == sim::SimTest::Motor;
        const char* onset = motor ? (i == 0 ? "distalLatencyMs" : "latencyMs") : "onsetLatencyMs";
        t.sites.push_back({name, s.distanceMm, {value(onset, s.onsetLatencyMs, "ms"), value("amplitudeUv", s.amplitudeUv, "uV")}});
    }
    return t;
}

inline study::NeedleEmg needleTest(const fs::path& file, const std::string& id, const std::string& muscle, bool neurogenic) {
    study::NeedleEmg n;
    n.id = id;
    n.side = study::Side::Left;
    n.muscle = muscle;
    n.raw.path = file.string();
    n.insertional = neurogenic ? study::Grade3::Increased : study::Grade3::Normal;
    n.fibrillations = neurogenic ? 2 : 0;
    n.positiveSharpWaves = neurogenic ? 2 : 0;
    n.muapAmplitude = neurogenic ? study::Grade3::Increased : study::Grade3::Normal;
    n.muapDuration = n.muapAmplitude;
    n.polyphasia = study::Grade3::Normal;
    n.recruitment = neurogenic ? study::Recruitment::Reduced : study::Recruitment::Normal;
    n.interference = neurogenic ? study::Interference::Reduced : study::Interference::Full;
    return n;
}

inline sim::SimRecordingOptions simOptions(sim::SimTest test, const std::string& nerve, std::uint64_t seed) {
    sim::SimRecordingOptions o;
    o.test = test;
    o.nerve = nerve;
    o.seed = seed;
    return o;
}

inline study::Study l5Study(const fs::path& dir) {
    using sim::SimTest;
    study::Study s;
    s.patientId = "MRN-0042";
    s.date = "2026-11-20";
    s.indication = "low back pain with left leg symptoms";
    s.examiner = "Dr. Examiner";
    s.limbTemperatureC = 32.0;
    s.protocolId = "lumbosacral-radiculopathy";
    const auto perL = simOptions(SimTest::Motor, "peroneal-motor", 11), perR = simOptions(SimTest::Motor, "peroneal-motor", 12);
    const auto suralL = simOptions(SimTest::Sensory, "sural-sensory", 13);
    s.tests.push_back(ncsTest<study::MotorNcs>(simulated(dir, "peroneal-L.bdf", perL), perL, "per-L", study::Side::Left, "peroneal",
                                               "extensor digitorum brevis"));
    s.tests.push_back(ncsTest<study::MotorNcs>(simulated(dir, "peroneal-R.bdf", perR), perR, "per-R", study::Side::Right, "peroneal",
                                               "extensor digitorum brevis"));
    s.tests.push_back(ncsTest<study::SensoryNcs>(simulated(dir, "sural-L.bdf", suralL), suralL, "sural-L", study::Side::Left, "sural",
                                                 "lateral malleolus"));
    study::SensoryNcs suralR;   // measured, but its recording was not kept
    suralR.id = "sural-R";
    suralR.side = study::Side::Right;
    suralR.nerve = "sural";
    suralR.recordingSite = "lateral malleolus";
    suralR.sites = {{"calf", 140.0, {value("onsetLatencyMs", 2.9, "ms"), value("amplitudeUv", 19.0, "uV")}}};
    s.tests.push_back(suralR);
    const auto fOpt = simOptions(SimTest::FWave, "peroneal-motor", 14);
    const auto fSim = sim::simulateRecording(fOpt);
    double fMin = 1e9;
    for (const auto& st : fSim.truth.stimuli)
        if (st.response.fWave) fMin = std::min(fMin, st.response.fLatencyMs);
    study::FWave f;
    f.id = "F-per-L";
    f.side = study::Side::Left;
    f.nerve = "peroneal";
    f.recordingSite = "extensor digitorum brevis";
    f.stimSite = "ankle";
    f.stimuli = static_cast<int>(fSim.truth.stimuli.size());
    f.raw.path = simulated(dir, "F-peroneal-L.bdf", fOpt).string();
    f.measurements = {value("fMinLatencyMs", fMin, "ms")};
    s.tests.push_back(f);
    auto ta = simOptions(SimTest::Needle, "", 15);
    ta.pattern = sim::MusclePattern::Neuropathic;
    auto gas = simOptions(SimTest::Needle, "", 16);
    s.tests.push_back(needleTest(simulated(dir, "tibialis-anterior-L.bdf", ta), "n-ta", "tibialis anterior", true));
    s.tests.push_back(needleTest(simulated(dir, "gastrocnemius-L.bdf", gas), "n-gas", "medial gastrocnemius", false));
    return s;
}

/// The study stored (patient, study with its recordings checksummed by the store) in a fresh folder.
inline WaveStudy makeWaveStudy(const std::string& tag) {
    WaveStudy w;
    w.dir = fs::temp_directory_path() / ("emgws-waves-" + tag + "-" + std::to_string(::getpid()));
    fs::remove_all(w.dir);
    fs::create_directories(w.dir);
    w.store = study::SessionStore::open(w.dbUrl());
    study::Patient p;
    p.id = "MRN-0042";
    p.name = "Doe, Jane";
    p.birthDate = "1968-03-14";
    p.sex = study::Sex::Female;
    p.heightCm = 168;
    p.symptomSide = study::Side::Left;
    w.store->savePatient(p);
    w.studyId = w.store->saveStudy(l5Study(w.dir));
    return w;
}

}  // namespace emg::test
