// The stimulus ramp on the simulator's nerve model (drivers/sim): from the protocol's start in its
// steps until the response stops growing (5 % plateau), then 1.2 x the plateau intensity; never
// above the ceiling or the stimulator's bound; stops at once on abort; held steps >= 1 s apart.
#include <emg/study/stimulus_ramp.h>
#include <sim/ncs_model.h>

#include <catch2/catch.hpp>

#include <algorithm>

namespace st = emg::study;

namespace {
/// Runs the ramp with one press per second until it stops; the response is the model's
/// baseline-to-negative-peak amplitude at the distal site.
void runRamp(st::StimulusRamp& ramp, const emg::sim::NerveModel& nerve, int maxPresses = 40) {
    for (int i = 0; i < maxPresses && !ramp.stopped(); ++i) {
        const auto cmd = ramp.press(static_cast<double>(i));
        if (!cmd) break;
        ramp.recordResponse(nerve.response({0, cmd->intensityMa, cmd->pulseWidthMs, 0}).amplitudeUv);
    }
}

double maxDeliveredMa(const st::StimulusRamp& ramp) {
    double m = 0.0;
    for (const auto& d : ramp.delivered()) m = std::max(m, d.intensityMa);
    return m;
}
}  // namespace

TEST_CASE("ramp on the peroneal motor model: steps of 5 mA from 10 mA to the plateau, then 1.2 x it, giving the maximal CMAP",
          "[study][ramp]") {
    const emg::sim::NerveModel nerve(emg::sim::nervePreset("peroneal-motor"));
    st::RampSettings s;   // the lumbosacral protocol's peroneal motor presets
    s.startMa = 10.0;
    s.stepMa = 5.0;
    s.ceilingMa = 100.0;
    s.pulseWidthMs = 0.2;
    st::StimulusRamp ramp(s);
    runRamp(ramp, nerve);
    REQUIRE(ramp.state() == st::RampState::Done);
    const auto& d = ramp.delivered();
    REQUIRE(d.size() >= 3);
    CHECK(d[0].intensityMa == Approx(10.0));
    for (std::size_t i = 1; i + 1 < d.size(); ++i) CHECK(d[i].intensityMa - d[i - 1].intensityMa == Approx(5.0));
    const auto& p = ramp.plateau();
    REQUIRE(p.plateauReached);
    // The plateau is where the model has recruited >= 95 % of its fibres, and the step before had not
    // (the ramp stops neither early nor late); the model's supramaximal current at 0.2 ms is 35 x 0.7 = 24.5 mA.
    const double mMaxUv = nerve.response({0, 100.0, 0.2, 0}).amplitudeUv;
    CHECK(nerve.recruitedFraction(p.plateauIntensityMa, 0.2) >= 0.95);
    CHECK(nerve.recruitedFraction(p.plateauIntensityMa - 5.0, 0.2) < 0.95);
    CHECK(p.plateauIntensityMa <= nerve.supramaximalMa(0.2) + 5.0);
    CHECK(d.back().supramaximal);
    CHECK(d.back().intensityMa == Approx(1.2 * p.plateauIntensityMa));
    CHECK(*d.back().responseUv == Approx(mMaxUv).epsilon(0.01));   // the supramaximal response is Mmax within 1 %
    CHECK(d.size() <= 7);   // 10..30 mA and the supramaximal one
    CHECK_FALSE(ramp.press(100.0));   // done: no further stimulus
}

TEST_CASE("ramp stops at the protocol's ceiling without a plateau and never goes above it", "[study][ramp]") {
    const emg::sim::NerveModel nerve(emg::sim::nervePreset("peroneal-motor"));   // supramaximal 24.5 mA at 0.2 ms
    st::RampSettings s;
    s.startMa = 10.0;
    s.stepMa = 4.0;
    s.ceilingMa = 20.0;
    s.pulseWidthMs = 0.2;
    st::StimulusRamp ramp(s);
    runRamp(ramp, nerve);
    CHECK(ramp.state() == st::RampState::AtCeiling);
    std::vector<double> ma;
    for (const auto& x : ramp.delivered()) ma.push_back(x.intensityMa);
    CHECK(ma == std::vector<double>{10.0, 14.0, 18.0, 20.0});   // the last step clamped to the ceiling
    CHECK_FALSE(ramp.plateau().plateauReached);
    CHECK_FALSE(ramp.press(99.0));
}

TEST_CASE("ramp: 1.2 x plateau is clamped to the ceiling, the device's bound lowers the ceiling, bad settings are refused",
          "[study][ramp]") {
    st::RampSettings s;
    s.startMa = 10.0;
    s.stepMa = 5.0;
    s.ceilingMa = 22.0;
    s.pulseWidthMs = 0.2;
    st::StimulusRamp ramp(s);
    // A response that saturates at 20 mA (5 mV): plateau at 20 mA, 1.2 x = 24 mA > 22 mA ceiling.
    for (int i = 0; i < 10 && !ramp.stopped(); ++i) {
        const auto cmd = ramp.press(i);
        if (!cmd) break;
        ramp.recordResponse(5000.0 * std::min(cmd->intensityMa, 20.0) / 20.0);
    }
    CHECK(ramp.state() == st::RampState::Done);
    CHECK(ramp.plateau().plateauIntensityMa == Approx(20.0));
    CHECK(ramp.delivered().back().intensityMa == Approx(22.0));
    CHECK(maxDeliveredMa(ramp) == Approx(22.0));

    emg::StimulatorLimits device;
    device.maxIntensityMa = 60.0;
    s.ceilingMa = 100.0;
    CHECK(st::StimulusRamp(s, device).ceilingMa() == Approx(60.0));
    s.startMa = 70.0;
    CHECK_THROWS_AS(st::StimulusRamp(s, device), std::invalid_argument);
    s.startMa = 10.0;
    s.pulseWidthMs = 0.01;   // below the absolute 0.05 ms bound
    CHECK_THROWS_AS(st::StimulusRamp(s), std::invalid_argument);
}

TEST_CASE("ramp: abort stops at once, held steps are >= 1 s apart, no step while a response is awaited", "[study][ramp]") {
    st::RampSettings s;
    s.startMa = 10.0;
    s.stepMa = 5.0;
    s.ceilingMa = 100.0;
    s.pulseWidthMs = 0.2;
    st::StimulusRamp ramp(s);
    REQUIRE(ramp.held(0.0));
    CHECK_FALSE(ramp.press(0.1));   // the first response is not in yet
    ramp.recordResponse(1000.0);
    CHECK_FALSE(ramp.held(0.4));
    CHECK_FALSE(ramp.held(0.99));
    const auto second = ramp.held(1.0);
    REQUIRE(second);
    CHECK(second->intensityMa == Approx(15.0));
    ramp.recordResponse(2000.0);
    ramp.abort();
    CHECK(ramp.state() == st::RampState::Aborted);
    CHECK_FALSE(ramp.press(5.0));
    CHECK_FALSE(ramp.held(10.0));
    REQUIRE(ramp.delivered().size() == 2);
    CHECK(ramp.delivered()[1].responseUv == Approx(2000.0));
}

TEST_CASE("ramp presets come from the protocol test's settings", "[study][ramp][protocol]") {
    st::AcquisitionSettings a;
    a.stimulusStartMa = 5.0;
    a.stimulusStepMa = 1.0;
    a.stimulusMaxMa = 50.0;
    a.stimulusDurationMs = 1.0;   // H-reflex
    const auto r = st::rampSettingsFor(a);
    CHECK(r.startMa == 5.0);
    CHECK(r.stepMa == 1.0);
    CHECK(r.ceilingMa == 50.0);
    CHECK(r.pulseWidthMs == 1.0);
    CHECK(r.supramaximalFactor == Approx(1.2));
}
