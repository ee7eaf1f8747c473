// What the protocol run keeps of a nerve-conduction test (ui/protocol_run/run_waveforms.h): its
// sweeps as a BDF+D of a record per stimulus that reads back with the same samples, each stimulus
// annotated at its site with its intensity, and that the nerve-conduction analysis measures as the
// run did: three motor sites of known onset (finite-slope take-off, 20 kHz, 5 ms pre-trigger).
#include "run_waveforms.h"

#include <emg/dsp/ncs_analysis.h>
#include <emg/io/recording_io.h>

#include <QTemporaryDir>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

using namespace emg;

namespace {
constexpr double kRateHz = 20000.0;
constexpr double kPreMs = 5.0;
constexpr double kWindowMs = 50.0;

/// One stored sweep: a biphasic CMAP (negative first, 5 mV, 6 ms negative phase) leaving the
/// baseline with a finite slope at `onsetMs` after the stimulus, on a flat baseline.
study::RunSweep sweep(double onsetMs, double mA) {
    study::RunSweep s;
    s.channel = "EDB";
    s.sampleRateHz = kRateHz;
    s.stimulusIndex = static_cast<int>(kPreMs * kRateHz / 1000.0);
    s.stimulusMa = mA;
    s.pulseWidthMs = 0.2;
    const auto n = static_cast<std::size_t>((kPreMs + kWindowMs) * kRateHz / 1000.0);
    for (std::size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) * 1000.0 / kRateHz - kPreMs - onsetMs;   // ms after the take-off
        double v = 0.0;
        if (t > 0.0 && t < 6.0) v = -5000.0 * std::sin(M_PI * t / 6.0);
        else if (t >= 6.0 && t < 16.0) v = 2000.0 * std::sin(M_PI * (t - 6.0) / 10.0);
        s.microvolts.push_back(static_cast<float>(v));
    }
    return s;
}
}  // namespace

TEST_CASE("a run's kept motor sweeps: a BDF+D record per stimulus, read back and measured as the run measured them",
          "[ui][run][waveforms]") {
    const std::vector<ui::run_waveforms::SiteSweeps> sites{{"ankle", {sweep(4.2, 25.0)}},
                                                           {"below fibular head", {sweep(11.0, 32.5)}},
                                                           {"lateral popliteal fossa", {sweep(12.9, 40.0)}}};
    const auto rec = ui::run_waveforms::sweepsRecording(sites, "motor peroneal left, protocol run");
    REQUIRE(rec.segments.size() == 3);
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const auto link = ui::run_waveforms::keep(rec, dir.path().toStdString(), "study 7/a", "motor peroneal left");
    CHECK(link.path.find("/studies/study-7-a/motor-peroneal-left.bdf") != std::string::npos);
    CHECK(link.sha256.size() == 64);

    const auto back = io::readRecording(link.path);
    REQUIRE(back.channels.size() == 1);
    REQUIRE(back.segments.size() == 3);
    CHECK(back.channels[0].sampleRateHz == kRateHz);
    // the samples as stored (BDF's 24 bits over +-5 mV: well below 0.01 uV)
    std::vector<double> stored;
    for (const auto& s : sites) stored.insert(stored.end(), s.sweeps[0].microvolts.begin(), s.sweeps[0].microvolts.end());
    REQUIRE(back.channels[0].samples.size() == stored.size());
    double worst = 0.0;
    for (std::size_t i = 0; i < stored.size(); ++i) worst = std::max(worst, std::fabs(back.channels[0].samples[i] - stored[i]));
    CHECK(worst < 0.01);
    // each stimulus at its record's pre-trigger, named with its site and intensity
    std::vector<Annotation> stims;
    for (const auto& a : back.annotations)
        if (a.text.rfind("Stim ", 0) == 0) stims.push_back(a);
    REQUIRE(stims.size() == 3);
    CHECK(stims[0].text == "Stim ankle 25 mA");
    CHECK(stims[1].text == "Stim below fibular head 32.5 mA");
    for (std::size_t k = 0; k < 3; ++k) CHECK(stims[k].onsetSec == Approx(back.segments[k].startSec + kPreMs / 1000.0).margin(1e-6));

    // the analysis finds each site's take-off within a sample (0.05 ms) of the truth
    const auto settings = dsp::ncsSettingsFor(TestKind::Motor);
    const auto signal = dsp::prepareSignal(back, std::nullopt, settings);
    const auto results = dsp::analyzeSites(signal, settings);
    REQUIRE(results.size() == 3);
    const double truth[] = {4.2, 11.0, 12.9};
    for (std::size_t k = 0; k < 3; ++k) {
        INFO(results[k].site);
        REQUIRE(results[k].response.found);
        CHECK(results[k].response.measures.onsetLatencyMs == Approx(truth[k]).margin(0.05));
        CHECK(results[k].response.measures.amplitudeUv == Approx(5000.0).epsilon(0.02));
    }
}

TEST_CASE("a run's kept sweeps refuse what is no waveform", "[ui][run][waveforms]") {
    CHECK_THROWS_AS(ui::run_waveforms::sweepsRecording({}, "none"), std::invalid_argument);
    auto other = sweep(4.0, 10.0);
    other.sampleRateHz = 10000.0;
    CHECK_THROWS_AS(ui::run_waveforms::sweepsRecording({{"wrist", {sweep(4.0, 10.0), other}}}, "mixed rates"), std::invalid_argument);
    // one sweep in all: a continuous file (no segment), its stimulus at the pre-trigger
    const auto one = ui::run_waveforms::sweepsRecording({{"wrist", {sweep(3.0, 0.0)}}}, "one");
    CHECK(one.segments.empty());
    REQUIRE(one.annotations.size() == 1);
    CHECK(one.annotations[0].text == "Stim wrist");
    CHECK(one.annotations[0].onsetSec == Approx(0.005));
}
