// Late responses tab with the simulated amplifier (real-time pacing, as the workstation runs):
// an F-wave train, an RNS train with a set decrement, an H-reflex intensity series and a
// supramaximal search are delivered through the acquisition session; the panel's numbers must
// be the engine's on the panel's own sweeps and agree with the simulator's truth.
#include "ui_test_support.h"

#ifdef EMGWS_HAVE_SIM
#include "acquisition_session.h"
#include "fwave_raster_view.h"
#include "intensity_curve_view.h"
#include "late_responses_panel.h"
#include "main_window.h"
#include "rns_view.h"

#include <emg/dsp/late_responses.h>
#include <sim/simulated_amplifier.h>

#include <catch2/catch.hpp>

#include <QChartView>
#include <QTest>

#include <functional>

namespace {

struct LateFixture {
    QApplication& app = emg::test::qtApp();   // before any widget
    emg::ui::MainWindow window{[] {
        emg::ui::MainWindowOptions o;   // the built-in simulator, as the workstation starts
        o.watchUsb = false;
        o.openStore = false;
        return o;
    }()};
    emg::sim::SimulatedAmplifier* amp = nullptr;
    emg::ui::LateResponsesPanel* panel = nullptr;

    LateFixture() {
        window.resize(1400, 900);
        window.show();
        amp = dynamic_cast<emg::sim::SimulatedAmplifier*>(window.session().device());
        panel = window.findChild<emg::ui::LateResponsesPanel*>("panel-late-responses");
        REQUIRE(amp != nullptr);
        REQUIRE(panel != nullptr);
        window.tabs().setCurrentWidget(panel);
        QTest::qWait(300);
    }
    void useNerve(const std::string& nerve, double rnsDecrementPercent = -1.0) {
        auto s = amp->settings();
        s.nerve = nerve;
        s.siteIndex = 0;
        s.rnsDecrementPercent = rnsDecrementPercent;
        amp->setSettings(s);
        QTest::qWait(200);   // the new models are swapped in at the next block
    }
    emg::StimulusCommand command(double intensityMa, std::uint16_t count = 1, double rateHz = 0.0) const {
        emg::StimulusCommand c;
        c.intensityMa = intensityMa;
        c.pulseWidthMs = 0.1;
        c.trainCount = count;
        c.trainRateHz = rateHz;
        return c;
    }
    void stimulate(const emg::StimulusCommand& c) {
        const auto refusal = window.session().stimulate(c);
        INFO(refusal.value_or(""));
        REQUIRE_FALSE(refusal.has_value());
    }
    /// Lets the events run until `done` or `timeoutMs`.
    bool waitFor(const std::function<bool()>& done, int timeoutMs) {
        for (int t = 0; t < timeoutMs && !done(); t += 50) QTest::qWait(50);
        return done();
    }
    std::size_t sweeps() const { return panel->analysis().prepared.sweeps.size(); }
    void save(QWidget& w, const char* name) {
        QTest::qWait(100);
        w.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/") + name);
    }
};

}  // namespace

TEST_CASE("Late responses: an F-wave train from the simulator gives the engine's numbers at the preset's latencies",
          "[ui][late][sim]") {
    LateFixture f;
    f.useNerve("median-motor");
    f.panel->setMode(emg::ui::LateMode::FWave);
    f.panel->startSeries();
    constexpr std::uint16_t kStimuli = 18;
    f.stimulate(f.command(40.0, kStimuli, 5.0));   // supramaximal (plateau 25 mA at 0.1 ms)
    REQUIRE(f.waitFor([&] { return f.sweeps() == kStimuli; }, 8000));
    const auto& a = f.panel->analysis();
    REQUIRE(a.error.empty());
    REQUIRE(a.fwave.has_value());
    const auto& r = *a.fwave;

    // the same numbers as the engine on the panel's sweeps
    const auto engine = emg::dsp::analyzeFWaves(a.prepared.sweeps, [] {
        emg::dsp::FWaveSettings s;
        s.mDetection = emg::ui::lateSettingsFor(emg::ui::LateMode::FWave).detection;
        return s;
    }());
    CHECK(r.stimuli == kStimuli);
    CHECK(r.present == engine.present);
    CHECK(r.persistencePercent == engine.persistencePercent);
    CHECK(r.minLatencyMs == engine.minLatencyMs);
    CHECK(r.meanLatencyMs == engine.meanLatencyMs);
    CHECK(r.maxLatencyMs == engine.maxLatencyMs);
    CHECK(r.chronodispersionMs == engine.chronodispersionMs);

    // physiological for the preset: the simulator draws F latencies in [fMin, fMin + spread]
    const auto preset = emg::sim::nervePreset("median-motor");
    const auto truth = f.amp->expectedResponse(f.command(40.0));
    const double fMinMs = 2.0 * preset.spinalDistanceMm / preset.proximalVelocityMps + preset.fTurnaroundMs + truth.onsetLatencyMs;
    const double fMaxMs = fMinMs + preset.fLatencySpreadMs;
    INFO("truth F latency " << fMinMs << "-" << fMaxMs << " ms, persistence " << preset.fPersistence * 100 << " %; measured "
                            << r.minLatencyMs << "-" << r.maxLatencyMs << " ms, " << r.persistencePercent << " %");
    CHECK(r.persistencePercent > 50.0);
    CHECK(r.minLatencyMs >= fMinMs - 0.3);
    CHECK(r.minLatencyMs <= fMaxMs);
    CHECK(r.maxLatencyMs <= fMaxMs + 0.3);
    CHECK(r.chronodispersionMs <= preset.fLatencySpreadMs + 0.5);
    REQUIRE(r.m.found);
    CHECK(r.m.measures.onsetLatencyMs == Approx(truth.onsetLatencyMs).margin(0.2));
    CHECK(r.m.measures.amplitudeUv == Approx(truth.amplitudeUv).epsilon(0.1));
    CHECK(f.panel->summaryText().contains("persistence"));
    CHECK(f.panel->rasterView().chart()->series().size() == static_cast<int>(kStimuli) + 1);   // traces + onsets
    f.save(f.window, "screenshot-late-fwave-window.png");
    f.save(f.panel->rasterView(), "screenshot-late-fwave-raster.png");
}

TEST_CASE("Late responses: an RNS train with a 20 % decrement is read back within 3 %", "[ui][late][sim]") {
    LateFixture f;
    f.useNerve("median-motor", 20.0);
    f.panel->setMode(emg::ui::LateMode::Rns);
    f.panel->startSeries();
    constexpr std::uint16_t kPulses = 9;
    f.stimulate(f.command(40.0, kPulses, 3.0));
    REQUIRE(f.waitFor([&] { return f.sweeps() == kPulses; }, 8000));
    const auto& a = f.panel->analysis();
    REQUIRE(a.rns.has_value());
    const auto& r = *a.rns;
    const auto engine = emg::dsp::analyzeRns(a.prepared.sweeps, emg::ui::lateSettingsFor(emg::ui::LateMode::Rns).detection);
    REQUIRE(r.decrement4AmplitudePercent.has_value());
    REQUIRE(r.decrement5AmplitudePercent.has_value());
    CHECK(*r.decrement4AmplitudePercent == *engine.decrement4AmplitudePercent);
    CHECK(r.rateHz == Approx(3.0).margin(0.05));
    // the simulator's decrement is (1st - 4th) / 1st = 20 %, also at the 5th
    CHECK(*r.decrement4AmplitudePercent == Approx(20.0).margin(3.0));
    CHECK(*r.decrement5AmplitudePercent == Approx(20.0).margin(3.0));
    REQUIRE(r.decrement4AreaPercent.has_value());
    CHECK(*r.decrement4AreaPercent == Approx(20.0).margin(4.0));
    const auto percents = emg::ui::rnsAmplitudePercents(r);
    REQUIRE(percents.size() == kPulses);
    CHECK(percents[3] == Approx(80.0).margin(3.0));
    CHECK(f.panel->summaryText().contains("Decrement"));
    f.save(f.panel->rnsView(), "screenshot-late-rns.png");
}

TEST_CASE("Late responses: an H-reflex series at rising intensities gives H and M curves, H/M and H latency",
          "[ui][late][sim]") {
    LateFixture f;
    f.useNerve("tibial-h");
    f.panel->setMode(emg::ui::LateMode::HReflex);
    f.panel->startSeries();
    const auto preset = emg::sim::nervePreset("tibial-h");
    std::size_t delivered = 0;
    for (double mA = 4.0; mA <= 44.0; mA += 2.5, ++delivered) {
        f.stimulate(f.command(mA));
        QTest::qWait(150);
    }
    REQUIRE(f.waitFor([&] { return f.sweeps() == delivered; }, 4000));
    const auto& a = f.panel->analysis();
    REQUIRE(a.hreflex.has_value());
    const auto& r = *a.hreflex;
    INFO("H/M " << r.hmRatio << ", Hmax " << r.hMaxUv << " µV, Mmax " << r.mMaxUv << " µV");
    CHECK(r.hmRatio > 0.15);
    CHECK(r.hmRatio < 0.7);
    // Hmax at a low intensity (near the motor threshold), Mmax at the top of the series
    const auto hAt = *r.sweeps[r.hMaxSweep].intensityMa;
    CHECK(hAt < preset.thresholdMa * 2.0);
    CHECK(*r.sweeps[r.mMaxSweep].intensityMa > preset.supramaximalMa * 0.8);
    REQUIRE(r.hLatencyMs.has_value());
    CHECK(*r.hLatencyMs == Approx(preset.hLatencyMs).margin(1.5));
    f.save(f.panel->hreflexView(), "screenshot-late-hreflex.png");
}

TEST_CASE("Late responses: a supramaximal search finds the plateau and recommends 1.2 x its intensity", "[ui][late][sim]") {
    LateFixture f;
    f.useNerve("median-motor");
    f.panel->setMode(emg::ui::LateMode::Supramaximal);
    f.panel->startSeries();
    std::size_t delivered = 0;
    for (double mA = 4.0; mA <= 40.0; mA += 3.0, ++delivered) {
        f.stimulate(f.command(mA));
        QTest::qWait(150);
    }
    REQUIRE(f.waitFor([&] { return f.sweeps() == delivered; }, 4000));
    const auto& a = f.panel->analysis();
    REQUIRE(a.supramax.has_value());
    const auto& r = *a.supramax;
    const auto preset = emg::sim::nervePreset("median-motor");
    INFO("plateau " << r.plateauIntensityMa << " mA, preset threshold " << preset.thresholdMa << " / supramaximal "
                    << preset.supramaximalMa << " mA");
    REQUIRE(r.plateauReached);
    CHECK(r.plateauIntensityMa > preset.thresholdMa);
    CHECK(r.plateauIntensityMa <= preset.supramaximalMa + 3.0);
    CHECK(r.recommendedMa == Approx(1.2 * r.plateauIntensityMa));
    CHECK(r.plateauAmplitudeUv == Approx(f.amp->expectedResponse(f.command(40.0)).amplitudeUv).epsilon(0.1));
    f.save(f.panel->supramaxView(), "screenshot-late-supramax.png");
}
#endif
