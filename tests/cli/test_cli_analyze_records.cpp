// `emgws-cli analyze --test motor` on files as other programs write them: one EDF+ data record of
// 100 ms per sweep (stimulus 10-20 ms into each record), mains hum, a DC offset, drift and an
// artifact with a tail, responses from the independent case generator (tests/dsp/
// ncs_case_generator.h) with known truth; and a file whose last sweep the end of the file cuts.
// Expectations from the goals: onset within 0.15 ms of the truth and never more than
// 0.10 ms early, amplitude within 2 %, CV within 5 %, the stimulus count equal to the file's,
// a truncated sweep measured over what is there and named in the warnings.
#include "edf_builder.h"
#include "ncs_accuracy_eval.h"
#include "fwave_case_generator.h"
#include "hreflex_case_generator.h"
#include "ncs_case_generator.h"

#include <emg/io/recording_io.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

using nlohmann::json;
namespace fs = std::filesystem;
using namespace emg::ncsgen;

namespace {
const std::string kCli = std::string(EMGWS_BINARY_DIR) + "/src/cli/emgws-cli";

json analyze(const fs::path& file, const std::string& extra, const std::string& test = "motor") {
    const auto out = file.string() + ".json";
    const std::string cmd = kCli + " analyze " + file.string() + " --test " + test + " " + extra + " >" + out + " 2>" + out + ".err";
    const int rc = std::system(cmd.c_str());
    std::ifstream in(out);
    std::stringstream s;
    s << in.rdbuf();
    INFO("command: " << cmd);
    REQUIRE(WIFEXITED(rc));
    REQUIRE(WEXITSTATUS(rc) == 0);
    return json::parse(s.str());
}

std::string num(double v) {
    std::ostringstream o;
    o.precision(10);
    o << v;
    return o.str();
}

/// EDF+ with data records of `recordSec` (0.1 s: one per sweep), the stimulus annotations in the
/// TAL of the record holding them; samples after the last whole record are not written. EDF+C with
/// the records back to back; `discontinuous`: EDF+D, record r at the case's segment r on the file's
/// clock (each record its own acquisition, starting at its stimulus).
void writeRecords(const Case& c, const fs::path& path, double recordSec, bool discontinuous = false) {
    const auto& ch = c.recording.channels.at(0);
    const auto spr = static_cast<std::size_t>(std::llround(recordSec * ch.sampleRateHz));
    const std::size_t records = ch.samples.size() / spr;
    emg::test::EdfBuilder b;
    if (discontinuous) b.reserved = "EDF+D";
    b.records = std::to_string(records);
    b.duration = num(recordSec);
    b.sigs = {emg::test::SigSpec{"EMG APB", "uV", "-32000", "32000", "-32768", "32767", std::to_string(spr)},
              emg::test::SigSpec{"EDF Annotations", "", "-1", "1", "-32768", "32767", "60"}};
    std::string f = b.header();
    for (std::size_t r = 0; r < records; ++r) {
        std::vector<int> v;
        for (std::size_t i = 0; i < spr; ++i) {
            const double x = ch.samples[r * spr + i];
            v.push_back(static_cast<int>(std::lround(std::clamp(x * 32767.5 / 32000.0 - 0.5, -32768.0, 32767.0))));
        }
        b.samples(f, v);
        const double onset = discontinuous ? c.recording.segments.at(r).startSec : recordSec * static_cast<double>(r);
        std::string tal = "+" + num(onset) + std::string("\x14\x14\0", 3);
        for (const auto& a : c.recording.annotations)
            if (a.onsetSec >= onset - 1e-9 && a.onsetSec < onset + recordSec - 1e-9)
                tal += "+" + num(a.onsetSec) + "\x14" + a.text + std::string("\x14\0", 2);
        b.annotation(f, tal, 60);
    }
    std::ofstream(path, std::ios::binary) << f;
}

const json& siteNamed(const json& j, const std::string& name) {
    for (const auto& s : j.at("sites"))
        if (s.at("site") == name) return s;
    FAIL("no site " << name);
    throw std::logic_error("unreachable");
}
}  // namespace

TEST_CASE("analyze motor: three sites, one 100 ms EDF+ record per sweep, 50/60 Hz hum: onsets, amplitudes, CVs", "[cli][analyze][records]") {
    const auto dir = fs::temp_directory_path() / ("emgws-cli-records-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    CaseOptions o;
    o.forceFamily = true;
    o.family = Family::RaisedCosine;   // zero-slope take-off
    o.forceLayout = true;
    o.layout = Layout::RecordsContiguous;
    o.truncateProbability = 0.0;
    int files = 0;
    for (std::uint64_t seed = 1; seed < 400 && files < 3; ++seed) {
        const auto c = makeCase(seed, o);
        if (c.sites.size() != 3 || c.sites[0].sweeps != 1 || c.humUv < 25.0) continue;   // three sites, one sweep each, clear hum
        ++files;
        const auto file = dir / ("records" + std::to_string(seed) + ".edf");
        writeRecords(c, file, 0.1);
        std::string args;
        for (std::size_t k = 0; k + 1 < c.sites.size(); ++k)
            args += " --distance " + c.sites[k].name + "-" + c.sites[k + 1].name + "=" + num(c.segmentMm[k]);
        const auto j = analyze(file, args);
        INFO(c.describe());
        CHECK(j.at("stimuli") == c.stimuli);
        for (const auto& t : c.sites) {
            const auto& s = siteNamed(j, t.name);
            REQUIRE(s.at("found") == true);
            REQUIRE(s.at("onsetUncertain") == false);
            const double err = s.at("onsetLatencyMs").get<double>() - t.onsetMs;
            INFO("site " << t.name << " onset error " << err << " ms");
            CHECK(std::fabs(err) <= 0.15);
            CHECK(err >= -0.10);
            CHECK(std::fabs(s.at("amplitudeUv").get<double>() / t.amplitudeUv - 1.0) <= 0.02);
            CHECK(std::fabs(s.at("provenance").at("markers").at("baselineUv").get<double>()) <= 5.0);
        }
        REQUIRE(j.at("segments").size() == 2);
        // CV within 3 % on segments >= 200 mm (goal); a stated CV on a shorter one within 5 % (the
        // issue's goal for 80-120 mm). A CV flagged "velocity uncertain" (its 95 % interval wider
        // than +-5 %, since ncs-cvse) is null with its estimate: that within what the two onset
        // limits allow (0.3 ms over the latency difference).
        for (std::size_t k = 0; k < 2; ++k) {
            const auto& g = j.at("segments")[k];
            const bool flagged = g.at("conductionVelocityMPerS").is_null();
            if (flagged) CHECK(g.value("velocityUncertain", false));
            const double cv = (flagged ? g.at("conductionVelocityEstimateMPerS") : g.at("conductionVelocityMPerS")).get<double>();
            const double dt = c.sites[k + 1].onsetMs - c.sites[k].onsetMs;
            const double tol = c.segmentMm[k] >= 200.0 ? 0.03 : flagged ? 0.30 / dt : 0.05;
            INFO("segment " << k << " " << c.segmentMm[k] << " mm: CV " << cv << " truth " << c.segmentCvMPerS[k]);
            CHECK(std::fabs(cv / c.segmentCvMPerS[k] - 1.0) <= tol);
        }
    }
    CHECK(files == 3);
    fs::remove_all(dir);
}

TEST_CASE("analyze motor: a sweep cut by the end of the file is measured and named, the stimulus count is the file's", "[cli][analyze][records]") {
    const auto dir = fs::temp_directory_path() / ("emgws-cli-truncated-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    CaseOptions o;
    o.forceFamily = true;
    o.family = Family::FiniteSlope;
    o.forceLayout = true;
    o.layout = Layout::Continuous;
    o.truncateProbability = 1.0;
    int files = 0;
    for (std::uint64_t seed = 1; seed < 400 && files < 2; ++seed) {
        const auto c = makeCase(seed, o);
        if (c.sites.back().sweeps != 1) continue;   // the cut sweep is the site's only one
        ++files;
        const auto file = dir / ("cut" + std::to_string(seed) + ".edf");
        writeRecords(c, file, 0.005);   // 5 ms records: the file ends within 5 ms of where the generator cut it
        const auto j = analyze(file, "");
        INFO(c.describe());
        CHECK(j.at("stimuli") == c.stimuli);
        std::size_t perSite = 0;
        for (const auto& s : j.at("sites")) perSite += s.at("stimuli").get<std::size_t>();
        CHECK(perSite == c.stimuli);
        const auto& last = siteNamed(j, c.sites.back().name);
        REQUIRE(last.at("found") == true);
        REQUIRE(last.contains("truncatedStimuli"));
        CHECK(last.at("truncatedStimuli").size() == 1);
        bool named = false;
        for (const auto& w : j.at("warnings")) named = named || w.get<std::string>().find("measured over what is there") != std::string::npos;
        CHECK(named);
        // an onset below 20 x noise is null with onsetUncertain and an estimate (16bf083): the cut
        // sweep is measured either way (this case never ran under ctest before, its name held a ';')
        INFO(last.dump());
        const auto& onset = last.at("onsetLatencyMs");
        if (onset.is_null()) CHECK(last.value("onsetUncertain", false));
        const double onsetMs = onset.is_null() ? last.at("onsetLatencyEstimateMs").get<double>() : onset.get<double>();
        CHECK(std::fabs(onsetMs - c.sites.back().onsetMs) <= 0.15);
    }
    CHECK(files == 2);
    fs::remove_all(dir);
}

// A sensory study stored a record per sweep (EDF+D, every 100 ms record its own acquisition starting
// at its stimulus: its own DC, drift and hum phase), as `analyze --test sensory` reads it: each site's
// sweeps averaged across the records, the noise of the average as the truth's (it read 2-4 x too
// high before each record's drift and hum were fitted on its own signal after the response), a
// confident onset within 0.10 ms (never more than 0.10 ms early) and an amplitude within 10 % where
// the peak is >= 20 x that noise, and no onset SE that is not a measure.
TEST_CASE("analyze sensory: a record per sweep (EDF+D, 100 ms records at the stimulus, hum): averaged, noise, onsets", "[cli][analyze][records]") {
    const auto dir = fs::temp_directory_path() / ("emgws-cli-sweeps-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    auto o = sweepsAtStimulusOptions();
    o.truncateProbability = 0.0;
    int files = 0, goalSites = 0;
    for (std::uint64_t seed = kSweepsAtStimulusDevFirstSeed; seed < kSweepsAtStimulusDevFirstSeed + 200 && files < 2; ++seed) {
        const auto c = makeCase(seed, o);
        // clear hum, 16+ sweeps, >= 10 kHz (below, the sampling term of the onset SE flags most sensory onsets)
        if (c.humUv < 25.0 || c.sampleRateHz < 10000.0 || c.sites.front().sweeps < 16 || c.sites.front().peakAbsUv < 40.0 * c.sites.front().effectiveNoiseUv) continue;
        ++files;
        const auto file = dir / ("sweeps" + std::to_string(seed) + ".edf");
        writeRecords(c, file, c.recording.segments.at(0).durationSec, true);
        const auto j = analyze(file, "", "sensory");
        INFO(c.describe());
        CHECK(j.at("stimuli") == c.stimuli);
        CHECK(j.value("discontinuous", false));
        for (const auto& t : c.sites) {
            const auto& s = siteNamed(j, t.name);
            INFO("site " << t.name << ": " << s.dump());
            CHECK(s.at("averaged").get<int>() == t.sweeps);
            // the 16-bit file (0.98 uV a step) adds 0.28 uV rms of quantisation per sweep to the averaged noise
            CHECK(s.at("noiseRmsUv").get<double>() == Approx(std::hypot(t.effectiveNoiseUv, 0.977 / std::sqrt(12.0 * t.sweeps))).epsilon(0.25));
            if (s.contains("onsetSeMs")) CHECK(s.at("onsetSeMs").get<double>() < 1.0);
            if (t.peakAbsUv < 20.0 * t.effectiveNoiseUv || !s.at("found").get<bool>() || s.at("onsetUncertain").get<bool>()) continue;
            ++goalSites;
            const double err = s.at("onsetLatencyMs").get<double>() - t.onsetMs;
            CHECK(std::fabs(err) <= 0.10);
            CHECK(std::fabs(s.at("amplitudeUv").get<double>() / t.amplitudeUv - 1.0) <= 0.10);
        }
    }
    CHECK(files == 2);
    CHECK(goalSites >= 2);
    fs::remove_all(dir);
}

TEST_CASE("analyze hreflex: a latency the take-off does not vouch for is null, with its estimate and the reason", "[cli][analyze][records]") {
    // development seed 9 of the H-reflex harness (records at the stimulus, EDF+D, 5 kHz, 19 uV of noise):
    // H opens with a positive lobe of ~5 x the noise; its main phase's take-off is 1.7 ms after the
    // truth. Before: "hLatencyMs" 29.9 ms, a confident value. Now null, the estimate under its own key.
    const auto dir = fs::temp_directory_path() / ("emgws-cli-hlobe-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const auto c = emg::hgen::makeHCase(9);
    INFO(c.describe());
    emg::io::writeRecording(c.recording, dir / "h_lobe.edf", emg::io::FileFormat::EdfPlus);
    const auto j = analyze(dir / "h_lobe.edf", "", "hreflex");
    const auto& s = j.at("sites").at(0);
    INFO(s.dump().substr(0, 2000));
    CHECK(s.at("hLatencyMs").is_null());
    CHECK(s.at("hLatencyUncertain") == true);
    REQUIRE(s.at("hLatencyEstimateMs").is_number());
    CHECK(s.at("hLatencyEstimateMs").get<double>() > c.hLatencyMs + 0.3);   // the main phase's take-off, late
    CHECK(s.at("hLatencyEstimateMs").get<double>() < c.hLatencyMs + 2.0);
    CHECK_THAT(s.at("hLatencyNote").get<std::string>(), Catch::Contains("H may begin at that lobe"));
    CHECK(s.at("hmRatio").get<double>() == Approx(c.hmRatio).epsilon(0.05));
    fs::remove_all(dir);
}

TEST_CASE("analyze fwave: a minimal latency a sweep's lead-in lobe may undercut is null, with its estimate and the reason",
          "[cli][analyze][records]") {
    // development seed 311 of the F-wave harness (foot, continuous, 24 kHz, 14 uV of noise): sweep 10's (stimulus 11's) F
    // opens with a lobe of the other sign at about the onset level; its F is read at the main phase,
    // and the train's minimal latency came 0.77 ms after the truth, from another sweep. Now null, the
    // estimate under its own key, the note naming the sweep; the sweep's trace gives the lobe's time.
    const auto dir = fs::temp_directory_path() / ("emgws-cli-flobe-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const auto c = emg::fwavegen::makeFCase(311);
    INFO(c.describe());
    emg::io::writeRecording(c.recording, dir / "f_lobe.bdf", emg::io::FileFormat::BdfPlus);
    const auto j = analyze(dir / "f_lobe.bdf", "", "fwave");
    const auto& s = j.at("sites").at(0);
    INFO(s.dump().substr(0, 3000));
    CHECK(s.at("minLatencyMs").is_null());
    CHECK(s.at("minLatencyUncertain") == true);
    REQUIRE(s.at("minLatencyEstimateMs").is_number());
    CHECK(s.at("minLatencyEstimateMs").get<double>() > c.minLatencyMs + 0.3);   // another sweep's F, late
    CHECK_THAT(s.at("minLatencyNote").get<std::string>(), Catch::Contains("stimulus 11"));
    bool lobeSeen = false;
    for (const auto& t : s.at("traces"))
        if (t.at("sweep") == 10 && t.contains("nearLevelLobeMs")) {
            lobeSeen = true;
            CHECK(std::fabs(t.at("nearLevelLobeMs").get<double>() - c.minLatencyMs) <= 0.3);
        }
    CHECK(lobeSeen);
    fs::remove_all(dir);
}
