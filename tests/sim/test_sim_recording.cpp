// Whole simulated recordings (all tests) and the `emgws-cli simulate` command read back by emg_io.
#include <sim/sim_recording.h>

#include <emg/io/recording_io.h>

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <unistd.h>

using namespace emg::sim;
namespace fs = std::filesystem;

namespace {
fs::path uniqueDir(const std::string& tag) {
    const fs::path d = fs::temp_directory_path() / ("emgws_test_sim_" + tag + "_" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
}
}  // namespace

TEST_CASE("motor recording: one 'Stim <site>' per stimulus, the CMAP at the truth's latency", "[sim][recording]") {
    SimRecordingOptions o;
    o.test = SimTest::Motor;
    o.sampleRateHz = 20000.0;
    const auto sim = simulateRecording(o);
    const auto& t = sim.truth;
    REQUIRE(sim.recording.channels.size() == 1);
    CHECK(sim.recording.channels[0].label == "APB");
    REQUIRE(t.sites.size() == 3);
    REQUIRE(sim.recording.annotations.size() == t.stimuli.size());
    REQUIRE(t.segmentVelocityMps.size() == 2);
    for (double cv : t.segmentVelocityMps) CHECK(cv == Approx(57.0));
    const auto& v = sim.recording.channels[0].samples;
    for (std::size_t i = 0; i < t.stimuli.size(); ++i) {
        const auto& st = t.stimuli[i];
        const auto& a = sim.recording.annotations[i];
        CHECK(a.text == "Stim " + st.site);
        CHECK(a.onsetSec == st.timeSec);
        CHECK(a.durationSec == Approx(st.pulseWidthMs / 1000.0));
        const auto at = static_cast<std::size_t>(std::llround(st.timeSec * 20000.0));
        const auto peakAt = at + static_cast<std::size_t>(std::llround(st.response.peakLatencyMs * 20.0));
        CHECK(-v[peakAt] == Approx(st.response.amplitudeUv).epsilon(0.01));
        // before the onset (and after the artifact) only noise and mains
        const auto pre = at + static_cast<std::size_t>(std::floor(st.response.onsetLatencyMs * 20.0)) - 2;
        CHECK(std::abs(v[pre]) < 30.0);
    }
}

TEST_CASE("every simulated test builds with its stimuli and truth", "[sim][recording]") {
    struct Case { SimTest test; std::size_t stimuli; };
    for (const auto& c : {Case{SimTest::Sensory, 20}, Case{SimTest::FWave, 20}, Case{SimTest::HReflex, 12}, Case{SimTest::Rns, 10}}) {
        SimRecordingOptions o;
        o.test = c.test;
        o.rnsDecrementPercent = 30.0;
        const auto sim = simulateRecording(o);
        INFO(toString(c.test));
        CHECK(sim.truth.stimuli.size() == c.stimuli);
        CHECK(sim.recording.annotations.size() == c.stimuli);
        for (const auto& a : sim.recording.annotations) CHECK(a.text.rfind("Stim ", 0) == 0);
        if (c.test == SimTest::Rns) {
            const auto& s = sim.truth.stimuli;
            CHECK((s[0].response.amplitudeUv - s[3].response.amplitudeUv) / s[0].response.amplitudeUv == Approx(0.30));
            CHECK(s[1].timeSec - s[0].timeSec == Approx(1.0 / 3.0).margin(1e-4));   // 3 Hz
        }
        if (c.test == SimTest::FWave) {
            int present = 0;
            for (const auto& s : sim.truth.stimuli) present += s.response.fWave ? 1 : 0;
            CHECK(present >= 12);
        }
        const auto json = nlohmann::json::parse(truthToJson(sim.truth));
        CHECK(json["stimuli"].size() == c.stimuli);
    }
    SimRecordingOptions bad;
    bad.test = SimTest::FWave;
    bad.nerve = "median-sensory";
    CHECK_THROWS_WITH(simulateRecording(bad), Catch::Contains("motor nerve"));
    CHECK_THROWS_WITH(parseSimTest("emg"), Catch::Contains("needle"));
}

TEST_CASE("needle recording: rest, weak and strong segments with growing recruitment", "[sim][recording]") {
    for (auto p : {MusclePattern::Normal, MusclePattern::Neuropathic, MusclePattern::Myopathic}) {
        SimRecordingOptions o;
        o.test = SimTest::Needle;
        o.pattern = p;
        o.seconds = 2.0;
        const auto sim = simulateRecording(o);
        const auto& seg = sim.truth.segments;
        REQUIRE(seg.size() == 3);
        CHECK(seg[0].activeUnits == 0);
        CHECK(seg[1].activeUnits > 0);
        CHECK(seg[2].activeUnits > seg[1].activeUnits);
        CHECK(sim.recording.annotations.size() == 3);
        CHECK(sim.recording.annotations[0].text == "Rest");
        CHECK(sim.recording.durationSec() == Approx(6.0));
        if (p == MusclePattern::Neuropathic) CHECK(!sim.truth.spontaneous.empty());   // fibrillations at rest
        else CHECK(sim.truth.spontaneous.empty());
    }
}

TEST_CASE("simulated recordings are deterministic under the seed", "[sim][recording]") {
    SimRecordingOptions o;
    o.test = SimTest::FWave;
    const auto a = simulateRecording(o), b = simulateRecording(o);
    o.seed = 2;
    const auto c = simulateRecording(o);
    CHECK(a.recording.channels[0].samples == b.recording.channels[0].samples);
    CHECK(a.recording.channels[0].samples != c.recording.channels[0].samples);
}

TEST_CASE("emgws-cli simulate writes a file that emg_io reads back with the annotations", "[sim][cli]") {
    const fs::path cli = fs::path(EMGWS_BINARY_DIR) / "src" / "cli" / "emgws-cli";
    if (!fs::exists(cli)) {
        WARN("emgws-cli not built; skipping");
        return;
    }
    const fs::path dir = uniqueDir("cli");
    const fs::path out = dir / "motor.bdf", truth = dir / "motor.json";
    const std::string cmd = cli.string() + " simulate --test motor --seed 5 --truth " + truth.string() + " " + out.string() +
                            " > " + (dir / "stdout.json").string();
    REQUIRE(std::system(cmd.c_str()) == 0);
    const auto rec = emg::io::readRecording(out);
    SimRecordingOptions o;
    o.seed = 5;
    const auto sim = simulateRecording(o);
    REQUIRE(!rec.channels.empty());
    const auto& ch = rec.channels[0];
    CHECK(ch.label == "APB");
    CHECK(ch.sampleRateHz == 20000.0);
    std::vector<std::string> stims;
    for (const auto& a : rec.annotations)
        if (a.text.rfind("Stim ", 0) == 0) stims.push_back(a.text);
    CHECK(stims == std::vector<std::string>{"Stim wrist", "Stim elbow", "Stim axilla"});
    REQUIRE(ch.samples.size() >= sim.recording.channels[0].samples.size());
    double maxErr = 0;
    for (std::size_t i = 0; i < sim.recording.channels[0].samples.size(); ++i)
        maxErr = std::max(maxErr, std::abs(ch.samples[i] - sim.recording.channels[0].samples[i]));
    CHECK(maxErr < 2.0);   // 24-bit BDF resolution over the artifact's range
    std::ifstream tf(truth);
    const auto j = nlohmann::json::parse(tf);
    CHECK(j["sites"][1]["name"] == "elbow");
    CHECK(j["segmentVelocityMps"][0].get<double>() == Approx(57.0));

    // bad input: clear error, nonzero exit
    const std::string badCmd = cli.string() + " simulate --test knee " + (dir / "x.edf").string() + " 2> " + (dir / "err.txt").string();
    CHECK(std::system(badCmd.c_str()) != 0);
    std::ifstream ef(dir / "err.txt");
    std::string err((std::istreambuf_iterator<char>(ef)), std::istreambuf_iterator<char>());
    CHECK(err.find("unknown test") != std::string::npos);
    const std::string badExt = cli.string() + " simulate --test motor " + (dir / "x.txt").string() + " 2> /dev/null";
    CHECK(std::system(badExt.c_str()) != 0);
    fs::remove_all(dir);
}

TEST_CASE("sensory sweeps average to the SNAP of the truth", "[sim][recording]") {
    SimRecordingOptions o;
    o.test = SimTest::Sensory;
    o.sweepsPerSite = 16;
    o.noiseRmsUv = 4.0;
    const auto sim = simulateRecording(o);
    const auto& v = sim.recording.channels[0].samples;
    const double fs = sim.recording.channels[0].sampleRateHz;
    const auto& stims = sim.truth.stimuli;
    const std::size_t len = static_cast<std::size_t>(0.01 * fs);
    std::vector<double> avg(len, 0.0);
    int n = 0;
    for (const auto& s : stims) {
        if (s.siteIndex != 0) continue;
        const auto at = static_cast<std::size_t>(std::llround(s.timeSec * fs));
        for (std::size_t i = 0; i < len; ++i) avg[i] += v[at + i];
        ++n;
    }
    REQUIRE(n == 16);
    for (double& x : avg) x /= n;
    const auto& t = sim.truth.sites[0];
    CHECK(t.amplitudeUv == Approx(30.0));                  // 10-50 uV antidromic median SNAP
    const auto peakAt = static_cast<std::size_t>(std::llround((t.onsetLatencyMs + 0.4 * t.negativeDurationMs) * fs / 1000.0));
    // averaging 16 sweeps leaves 4/sqrt(16) = 1 uV rms of noise; mains (0.505 s interval) cancels
    CHECK(-avg[peakAt] == Approx(t.amplitudeUv).margin(4.0));
    CHECK(t.onsetLatencyMs == Approx(140.0 / 56.0));
}
