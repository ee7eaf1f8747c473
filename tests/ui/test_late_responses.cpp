// Late responses tab with the simulated amplifier (real-time pacing, as the workstation runs):
// an F-wave train, an RNS train with a set decrement, an H-reflex intensity series and a
// supramaximal search are delivered through the acquisition session; the panel's numbers must
// agree with the simulator's truth. First, the
// panel's sweep collection (LateSeries) on a hand-fed display buffer: only the stimuli after
// "Start series" belong to the series, a sweep is cut once all of it is in, a channel change
// re-cuts the series, and a stimulus the buffer no longer holds is counted lost.
#include "ui_test_support.h"

#include "late_series.h"

#include <catch2/catch.hpp>

#include <vector>

namespace series_test {

constexpr double kRateHz = 10000.0;
constexpr std::int64_t kBlock = 100;

struct Feeder {
    emg::DisplayBuffer buffer{1.0};   // ~1 s (rounded up to a power of two of frames)
    std::int64_t next = 0;

    Feeder() {
        emg::AcquisitionConfig cfg;
        cfg.sampleRateHz = series_test::kRateHz;
        emg::ChannelInfo a, b;
        a.label = "A";
        b.label = "B";
        cfg.channels = {a, b};
        buffer.onStart(cfg);
    }
    /// Channel A carries the sample index in µV, channel B its negative.
    void feed(std::int64_t frames, std::vector<emg::StimulusEvent> stimuli = {}) {
        std::vector<float> uv(static_cast<std::size_t>(kBlock * 2));
        for (std::int64_t done = 0; done < frames; done += kBlock) {
            for (std::int64_t f = 0; f < kBlock; ++f) {
                uv[static_cast<std::size_t>(2 * f)] = static_cast<float>(next + f);
                uv[static_cast<std::size_t>(2 * f + 1)] = -static_cast<float>(next + f);
            }
            std::vector<emg::StimulusEvent> inBlock;
            for (const auto& s : stimuli)
                if (s.sampleIndex >= next && s.sampleIndex < next + kBlock) inBlock.push_back(s);
            emg::SampleBlockView v;
            v.firstSampleIndex = next;
            v.frames = kBlock;
            v.channelCount = 2;
            v.microvolts = uv.data();
            v.stimuli = inBlock.data();
            v.stimulusCount = inBlock.size();
            buffer.onBlock(v);
            next += kBlock;
        }
    }
};

emg::StimulusEvent stim(std::int64_t at, std::uint16_t trainIndex = 0) { return {at, 30.0, 29.5, 0.1, 0, trainIndex}; }

}  // namespace series_test

TEST_CASE("LateSeries takes the stimuli after Start series and cuts each sweep once it is complete", "[ui][late]") {
    series_test::Feeder f;
    f.feed(2000, {series_test::stim(500)});                       // before the series: not taken
    emg::ui::LateSeries series;
    series.start(f.next, 0);
    const std::int64_t s1 = f.next + 300, s2 = f.next + 1300;
    f.feed(1000, {series_test::stim(s1)});                         // s1's 100 ms are not all in yet
    CHECK_FALSE(series.collect(f.buffer));
    REQUIRE(series.stimuli().size() == 1);
    f.feed(2000, {series_test::stim(s2, 1)});
    CHECK(series.collect(f.buffer));
    REQUIRE(series.stimuli().size() == 2);
    const auto sweeps = series.rawSweeps();
    REQUIRE(sweeps.size() == 2);
    const auto pre = static_cast<std::size_t>(emg::ui::LateSeries::kPreMs * series_test::kRateHz / 1000.0);
    const auto post = static_cast<std::size_t>(emg::ui::LateSeries::kWindowMs * series_test::kRateHz / 1000.0);
    CHECK(sweeps[0].preSamples == pre);
    CHECK(sweeps[0].uv.size() == pre + post);
    CHECK(sweeps[0].uv[pre] == Approx(static_cast<double>(s1)));   // channel A holds the sample index
    CHECK(sweeps[1].index == 1);
    CHECK(series.sweepEvents()[1].trainIndex == 1);
    CHECK(series.sweepEvents()[1].deliveredMa == Approx(29.5));

    // another channel: the same stimuli cut again from it
    series.setChannel(1);
    CHECK(series.collect(f.buffer));
    CHECK(series.rawSweeps().at(0).uv[pre] == Approx(-static_cast<double>(s1)));

    // a new series forgets the old one; a stimulus that has left the buffer is lost, not cut
    series.start(f.next, 0);
    const std::int64_t s3 = f.next + 150;
    f.feed(200, {series_test::stim(s3)});
    CHECK_FALSE(series.collect(f.buffer));            // not all of its 100 ms are in yet
    REQUIRE(series.stimuli().size() == 1);
    f.feed(static_cast<std::int64_t>(f.buffer.capacityFrames()) + 2000);
    series.collect(f.buffer);
    REQUIRE(series.stimuli().size() == 1);
    CHECK(series.lostCount() == 1);
    CHECK(series.rawSweeps().empty());
}


#include "acquisition_session.h"
#include "fwave_raster_view.h"
#include "intensity_curve_view.h"
#include "late_responses_panel.h"
#include "late_summary.h"
#include "main_window.h"
#include "rns_view.h"

#include <emg/dsp/late_responses.h>
#include <sim/simulated_amplifier.h>

#include <catch2/catch.hpp>

#include <QChartView>
#include <QLineSeries>
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
    f.panel->setMode(emg::study::LateMode::FWave);
    f.panel->startSeries();
    constexpr std::uint16_t kStimuli = 18;
    f.stimulate(f.command(40.0, kStimuli, 5.0));   // supramaximal (plateau 25 mA at 0.1 ms)
    REQUIRE(f.waitFor([&] { return f.sweeps() == kStimuli; }, 8000));
    const auto& a = f.panel->analysis();
    REQUIRE(a.error.empty());
    REQUIRE(a.fwave.has_value());
    const auto& r = *a.fwave;

    CHECK(r.stimuli == kStimuli);

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
    // M drawn at a lower gain than the F-waves, and the onset markers are on screen
    CHECK(f.panel->rasterView().mGain() < 0.2);
    f.save(f.window, "screenshot-late-fwave-window.png");
    f.save(f.panel->rasterView(), "screenshot-late-fwave-raster.png");
    const QImage shot = f.panel->rasterView().grab().toImage();
    CHECK(emg::test::columnsWith(shot, shot.rect(), QColor(200, 30, 30)) >= 5);
}

TEST_CASE("Late responses: an RNS train with a 20 % decrement is read back within 3 %", "[ui][late][sim]") {
    LateFixture f;
    f.useNerve("median-motor", 20.0);
    f.panel->setMode(emg::study::LateMode::Rns);
    f.panel->startSeries();
    constexpr std::uint16_t kPulses = 9;
    f.stimulate(f.command(40.0, kPulses, 3.0));
    REQUIRE(f.waitFor([&] { return f.sweeps() == kPulses; }, 8000));
    const auto& a = f.panel->analysis();
    REQUIRE(a.rns.has_value());
    const auto& r = *a.rns;
    REQUIRE(r.decrement4AmplitudePercent.has_value());
    REQUIRE(r.decrement5AmplitudePercent.has_value());
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
    f.panel->setMode(emg::study::LateMode::HReflex);
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
    f.panel->setMode(emg::study::LateMode::Supramaximal);
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

#include "fwave_case_generator.h"
#include "synthetic_ncs.h"

#include <emg/dsp/ncs_analysis.h>
#include <sim/sim_recording.h>

namespace {
/// `rec` in records of `recordSec` that start at each stimulus (EDF+D), each its own DC (-2 / +3 mV in turn).
std::shared_ptr<emg::Recording> recordsAtStimulus(const emg::Recording& rec, double recordSec) {
    return std::make_shared<emg::Recording>(emg::test::recordPerStimulus(rec, 0.0, recordSec * 1000.0, {-2000.0, 3000.0}));
}
}  // namespace

TEST_CASE("Late responses: a recorded F-wave train and RNS train give the command line's numbers and the truth",
          "[ui][late][sim]") {
    emg::test::qtApp();
    emg::DisplayBuffer buffer(1.0);
    emg::ui::LateResponsesPanel panel(buffer);
    panel.resize(1100, 700);

    emg::sim::SimRecordingOptions o;
    o.test = emg::sim::SimTest::FWave;
    auto fw = std::make_shared<emg::sim::SimulatedRecording>(emg::sim::simulateRecording(o));
    panel.setMode(emg::study::LateMode::FWave);
    REQUIRE(panel.analyzeRecording(std::shared_ptr<const emg::Recording>(fw, &fw->recording)));
    const auto& a = panel.analysis();
    REQUIRE(a.fwave.has_value());
    // the CLI's chain (emgws-cli analyze --test fwave) on the same file
    const auto st = emg::dsp::ncsSettingsFor(emg::dsp::NcsTest::FWave);
    const auto signal = emg::dsp::prepareSignal(fw->recording, std::nullopt, st);
    const auto sweeps = emg::dsp::siteSweeps(signal, signal.stimuli.back().site, st.sweep);
    emg::dsp::FWaveSettings fs;
    fs.mDetection = st.detection;
    const auto cli = emg::dsp::analyzeFWaves(sweeps, fs);
    CHECK(a.fwave->stimuli == cli.stimuli);
    CHECK(a.fwave->present == cli.present);
    CHECK(a.fwave->minLatencyMs == cli.minLatencyMs);
    CHECK(a.fwave->chronodispersionMs == cli.chronodispersionMs);
    // and the truth: every F-wave the simulator drew, its earliest latency
    std::size_t truthPresent = 0;
    double truthMinMs = 1e9, truthMaxMs = 0.0;
    for (const auto& s : fw->truth.stimuli)
        if (s.response.fWave) {
            ++truthPresent;
            truthMinMs = std::min(truthMinMs, s.response.fLatencyMs);
            truthMaxMs = std::max(truthMaxMs, s.response.fLatencyMs);
        }
    INFO("truth " << truthPresent << " F-waves, " << truthMinMs << "-" << truthMaxMs << " ms; measured " << a.fwave->present << ", "
                  << a.fwave->minLatencyMs << "-" << a.fwave->maxLatencyMs << " ms");
    CHECK(a.fwave->stimuli == fw->truth.stimuli.size());
    // exactly the F-waves drawn: the slow tail a large M leaves through the recording chain's 2 Hz
    // high-pass is removed before F is looked for, so sweeps without an F-wave stay without one
    CHECK(a.fwave->present == truthPresent);
    CHECK(a.fwave->maxLatencyMs == Approx(truthMaxMs).margin(0.3));
    CHECK(a.fwave->minLatencyMs == Approx(truthMinMs).margin(0.3));
    panel.show();
    QTest::qWait(50);
    panel.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/screenshot-late-fwave-recording.png"));

    // the same train stored as another system may store it: one 110 ms record per stimulus starting
    // at it (EDF+D, holes between), nothing before any stimulus: read from the signal after M, as
    // `emgws-cli analyze --test fwave` reads it, within the 0.3 ms of the truth
    {
        const auto at = recordsAtStimulus(fw->recording, 0.110);
        panel.setMode(emg::study::LateMode::FWave);
        REQUIRE(panel.analyzeRecording(at));
        const auto& b = panel.analysis();
        REQUIRE(b.fwave.has_value());
        CHECK(b.fwave->stimuli == at->segments.size());
        CHECK(b.prepared.sweeps.front().preSamples == 0);
        CHECK(b.prepared.filterDescription.find("no high-pass") != std::string::npos);   // what the sweeps shown went through
        const auto cliAt = emg::dsp::analyzeFWaves(emg::dsp::lateResponseSweeps(emg::dsp::prepareSignal(*at, std::nullopt, st), "", st), fs);
        CHECK(b.fwave->minLatencyMs == cliAt.minLatencyMs);
        CHECK(b.fwave->present == cliAt.present);
        CHECK(b.fwave->minLatencyMs == Approx(truthMinMs).margin(0.3));
        // each trace drawn on its own row: after M its median lies within a tenth of a row step of
        // the row (the records' +3 / -2 mV DC would put it 2-5 rows off if drawn from a pre-stimulus
        // mean, of which such a sweep has none)
        const double step = panel.rasterView().traceStepUv();
        REQUIRE(step > 0.0);
        std::size_t row = 0;
        for (auto* series : panel.rasterView().chart()->series()) {
            auto* line = qobject_cast<QLineSeries*>(series);
            if (!line) continue;
            std::vector<double> afterM;
            for (const auto& pt : line->points())
                if (pt.x() > b.fwave->searchFromMs) afterM.push_back(pt.y());
            REQUIRE_FALSE(afterM.empty());
            std::nth_element(afterM.begin(), afterM.begin() + static_cast<std::ptrdiff_t>(afterM.size() / 2), afterM.end());
            CHECK(afterM[afterM.size() / 2] == Approx(-static_cast<double>(row) * step).margin(0.1 * step));
            ++row;
        }
        CHECK(row == b.prepared.sweeps.size());
        QTest::qWait(50);
        panel.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/screenshot-late-fwave-records-at-stimulus.png"));
    }

    o.test = emg::sim::SimTest::Rns;
    o.rnsDecrementPercent = 25.0;
    auto rns = std::make_shared<emg::sim::SimulatedRecording>(emg::sim::simulateRecording(o));
    panel.setMode(emg::study::LateMode::Rns);
    REQUIRE(panel.analyzeRecording(std::shared_ptr<const emg::Recording>(rns, &rns->recording)));
    REQUIRE(panel.analysis().rns.has_value());
    REQUIRE(panel.analysis().rns->decrement4AmplitudePercent.has_value());
    CHECK(*panel.analysis().rns->decrement4AmplitudePercent == Approx(25.0).margin(3.0));
    const double continuousDecrement = *panel.analysis().rns->decrement4AmplitudePercent;
    // the same train in 50 ms records that start at the stimulus: the decrement within a point of
    // the continuous file's, the rate from the stimuli's times, and every trace drawn from its own
    // level (its median after the response within 50 uV of zero; the records' +3 / -2 mV DC would
    // put them millivolts apart)
    {
        const auto at = recordsAtStimulus(rns->recording, 0.050);
        REQUIRE(panel.analyzeRecording(at));
        const auto& b = panel.analysis();
        REQUIRE(b.rns.has_value());
        REQUIRE(b.rns->decrement4AmplitudePercent.has_value());
        CHECK(b.prepared.sweeps.front().preSamples == 0);
        CHECK(b.rns->rateHz == Approx(3.0).epsilon(0.01));
        CHECK(*b.rns->decrement4AmplitudePercent == Approx(continuousDecrement).margin(1.0));
        std::size_t traces = 0;
        for (auto* series : panel.rnsView().tracesView().chart()->series()) {
            auto* line = qobject_cast<QLineSeries*>(series);
            if (!line) continue;
            std::vector<double> late;
            for (const auto& pt : line->points())
                if (pt.x() >= 30.0) late.push_back(pt.y());
            REQUIRE_FALSE(late.empty());
            std::nth_element(late.begin(), late.begin() + static_cast<std::ptrdiff_t>(late.size() / 2), late.end());
            CHECK(std::abs(late[late.size() / 2]) < 50.0);
            ++traces;
        }
        CHECK(traces == b.prepared.sweeps.size());
        QTest::qWait(50);
        panel.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/screenshot-late-rns-records-at-stimulus.png"));
    }
    {
        // the same train from 10 ms before each stimulus, 50 ms after, glued back to back (EDF+C),
        // each its own DC: the decrement as before; the file holds no time between the acquisitions
        // (the stimuli lie 60 ms apart in it), so the summary gives no rate and says why
        REQUIRE(panel.analyzeRecording(
            std::make_shared<emg::Recording>(emg::test::gluedRecordPerStimulus(rns->recording, 10.0, 50.0, {-2000.0, 3000.0, 500.0}))));
        const auto& b = panel.analysis();
        REQUIRE(b.rns.has_value());
        REQUIRE(b.rns->decrement4AmplitudePercent.has_value());
        CHECK(*b.rns->decrement4AmplitudePercent == Approx(continuousDecrement).margin(1.0));
        CHECK(b.rns->rateHz == 0.0);
        const QString text = emg::ui::lateSummaryText(b);
        INFO(text.toStdString());
        CHECK(text.contains("rate not in the file"));
        CHECK(text.contains("Note: the train's rate is not known"));
        CHECK_FALSE(text.contains("responses at"));
        QTest::qWait(50);
        panel.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/screenshot-late-rns-glued-records.png"));
    }
    {
        // two such trains glued into one file, "Post exercise" between them, the second 1.5 times the
        // first (a facilitation of 50 %): the panel shows the second and says what the first read
        const auto glued = emg::test::gluedRecordPerStimulus(rns->recording, 10.0, 50.0, {-2000.0, 3000.0, 500.0});
        auto twice = std::make_shared<emg::Recording>(emg::test::twiceWithPhase(glued, 1.5, "Post exercise"));
        REQUIRE(panel.analyzeRecording(twice));
        const auto& b = panel.analysis();
        REQUIRE(b.rns.has_value());
        CHECK(*b.rns->decrement4AmplitudePercent == Approx(continuousDecrement).margin(1.0));
        const QString text = emg::ui::lateSummaryText(b);
        INFO(text.toStdString());
        CHECK(text.contains("shown: train 2 of 2 in the file"));
        CHECK(text.contains("it starts: the annotation 'Post exercise' before it"));
        CHECK(text.contains(QString("train 1 (wrist, %1 stimuli): decrement 4th %2 %")
                                .arg(glued.annotations.size())
                                .arg(std::round(continuousDecrement), 0, 'f', 0)));
        CHECK(text.contains("this train's first response +50 % against the first train's"));
        QTest::qWait(50);
        panel.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/screenshot-late-rns-two-trains.png"));
    }

    // an H-reflex series likewise (100 ms records): the H latency within 0.1 ms and H/M within 3 %
    // of the continuous file's (before: "no complete sweep", nothing measured)
    o.test = emg::sim::SimTest::HReflex;
    auto hr = std::make_shared<emg::sim::SimulatedRecording>(emg::sim::simulateRecording(o));
    panel.setMode(emg::study::LateMode::HReflex);
    REQUIRE(panel.analyzeRecording(std::shared_ptr<const emg::Recording>(hr, &hr->recording)));
    REQUIRE(panel.analysis().hreflex.has_value());
    const auto continuousH = *panel.analysis().hreflex;
    REQUIRE(continuousH.hLatencyMs.has_value());
    // each sweep read from its stimulus: the H latency within 0.1 ms and H/M within 3 % of the continuous file's
    const auto readsAsContinuous = [&](const emg::study::LateAnalysis& b) {
        REQUIRE(b.hreflex.has_value());
        CHECK(b.prepared.sweeps.front().preSamples == 0);
        REQUIRE(b.hreflex->hLatencyMs.has_value());
        CHECK(*b.hreflex->hLatencyMs == Approx(*continuousH.hLatencyMs).margin(0.1));
        CHECK(b.hreflex->hmRatio == Approx(continuousH.hmRatio).epsilon(0.03));
        CHECK(b.hreflex->hMaxSweep == continuousH.hMaxSweep);
    };
    {
        REQUIRE(panel.analyzeRecording(recordsAtStimulus(hr->recording, 0.100)));
        const auto& b = panel.analysis();
        readsAsContinuous(b);
        // the simulator's annotations state no intensity: the curves are drawn against the sweeps'
        // order (before: an empty chart), M and H one point per sweep
        std::size_t points = 0;
        for (auto* series : panel.hreflexView().chart()->series())
            if (auto* line = qobject_cast<QLineSeries*>(series)) points += static_cast<std::size_t>(line->count());
        CHECK(points == 2 * b.prepared.sweeps.size());
        QTest::qWait(50);
        panel.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/screenshot-late-hreflex-records-at-stimulus.png"));
    }
    {
        // the same records from 10 ms before each stimulus glued back to back (EDF+C: no hole says
        // where one ends), each its own DC: found from the level's jumps, each sweep read from its
        // stimulus, the numbers as the continuous file's
        REQUIRE(panel.analyzeRecording(
            std::make_shared<emg::Recording>(emg::test::gluedRecordPerStimulus(hr->recording, 10.0, 100.0, {-2000.0, 3000.0, 500.0}))));
        readsAsContinuous(panel.analysis());
        QTest::qWait(50);
        panel.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/screenshot-late-hreflex-glued-records.png"));
    }

    // "Start series" returns to the live series (empty here)
    panel.startSeries();
    CHECK(panel.analysis().prepared.sweeps.empty());
}

// The panel's summary names an F-wave departure the engine did not count (a departure > 8 ms
// before every other F of the train), so the clinician looks at that sweep.
TEST_CASE("Late responses: the F-wave summary says which departure was not counted", "[ui][late]") {
    emg::study::LateAnalysis a;
    emg::dsp::FWaveResult r;
    r.stimuli = 18;
    r.present = 13;
    r.persistencePercent = 100.0 * 13.0 / 18.0;
    r.minLatencyMs = 28.2;
    r.note = "stimulus 5: a departure at 16.9 ms, 11.3 ms before every other F of the train (more than 8 ms), is not counted as an F";
    a.fwave = r;
    const QString text = emg::ui::lateSummaryText(a);
    INFO(text.toStdString());
    CHECK(text.contains("F-waves 13"));
    CHECK(text.contains("F latency min 28.20"));
    CHECK(text.contains("Not counted: stimulus 5: a departure at 16.9 ms"));
    r.note.clear();
    a.fwave = r;
    CHECK_FALSE(emg::ui::lateSummaryText(a).contains("Not counted"));
}

// The H-reflex summary says when the H latency is an estimate the engine does not vouch for (an
// opposite lobe near the onset level just before H's main phase), so the clinician checks the marker.
TEST_CASE("Late responses: the H-reflex summary says an uncertain H latency and why", "[ui][late]") {
    emg::study::LateAnalysis a;
    emg::dsp::HReflexResult r;
    r.sweeps.resize(12);
    r.hMaxUv = 950.0;
    r.mMaxUv = 4100.0;
    r.hmRatio = r.hMaxUv / r.mMaxUv;
    r.hLatencyMs = 29.9;
    a.hreflex = r;
    QString text = emg::ui::lateSummaryText(a);
    CHECK(text.contains("H latency 29.90 ms"));
    CHECK_FALSE(text.contains("uncertain"));
    r.hLatencyNote = "a lobe of the other sign just before H's main phase reaches about the onset level: H may begin at that lobe";
    a.hreflex = r;
    text = emg::ui::lateSummaryText(a);
    INFO(text.toStdString());
    CHECK(text.contains("H latency 29.90 ms (uncertain)"));
    CHECK(text.contains("H latency uncertain: a lobe of the other sign"));
}

// The F-wave summary says when the minimal latency may be undercut by a sweep's lead-in lobe near the onset level.
TEST_CASE("Late responses: the F-wave summary says an uncertain minimal latency and why", "[ui][late]") {
    emg::study::LateAnalysis a;
    emg::dsp::FWaveResult r;
    r.stimuli = 16;
    r.present = 8;
    r.persistencePercent = 50.0;
    r.minLatencyMs = 53.54;
    r.meanLatencyMs = 53.9;
    r.maxLatencyMs = 54.4;
    r.chronodispersionMs = 0.86;
    a.fwave = r;
    QString text = emg::ui::lateSummaryText(a);
    CHECK(text.contains("F latency min 53.54"));
    CHECK_FALSE(text.contains("uncertain"));
    r.minLatencyNote = "stimulus 11: a lobe of the other sign reaching about the onset level at 52.80 ms leads into its F (read at 53.83 ms)";
    a.fwave = r;
    text = emg::ui::lateSummaryText(a);
    INFO(text.toStdString());
    CHECK(text.contains("F min latency uncertain: stimulus 11: a lobe of the other sign"));
}

// The same from a file: development seed 311 of the F-wave harness (foot, 24 kHz) in the panel; its
// sweep 10's (stimulus 11's) F opens with a lobe of the other sign near the onset level, the minimal latency is read
// 0.77 ms after the truth on another sweep: the summary says it is uncertain and names the sweep.
TEST_CASE("Late responses: an F-wave train whose minimal latency a sweep's lead-in lobe may undercut says so in the panel", "[ui][late]") {
    emg::test::qtApp();
    emg::DisplayBuffer buffer(1.0);
    emg::ui::LateResponsesPanel panel(buffer);
    panel.resize(1100, 700);
    panel.setMode(emg::study::LateMode::FWave);
    auto c = std::make_shared<emg::fwavegen::FCase>(emg::fwavegen::makeFCase(311));
    REQUIRE(panel.analyzeRecording(std::shared_ptr<const emg::Recording>(c, &c->recording)));
    const auto& a = panel.analysis();
    REQUIRE(a.fwave.has_value());
    CHECK(a.fwave->minLatencyUncertain());
    CHECK(a.fwave->minLatencyMs - c->minLatencyMs > 0.3);
    const QString text = emg::ui::lateSummaryText(a);
    INFO(text.toStdString());
    CHECK(text.contains("F min latency uncertain: stimulus 11"));
    panel.show();
    QTest::qWait(50);
    panel.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/screenshot-late-fwave-uncertain-min.png"));
}

// A recording that marks no stimulus (no annotation, no trigger channel): the panel finds its
// stimuli from their artifacts, reads the F-wave train as the marked file, and says so.
TEST_CASE("Late responses: an F-wave recording without stimulus marks is read from its artifacts, and the summary says so",
          "[ui][late][artifacts]") {
    emg::test::qtApp();
    emg::DisplayBuffer buffer(1.0);
    emg::ui::LateResponsesPanel panel(buffer);
    emg::sim::SimRecordingOptions o;
    o.test = emg::sim::SimTest::FWave;
    const auto fw = emg::sim::simulateRecording(o);
    panel.setMode(emg::study::LateMode::FWave);
    REQUIRE(panel.analyzeRecording(std::make_shared<emg::Recording>(fw.recording)));
    REQUIRE(panel.analysis().fwave.has_value());
    const auto marked = *panel.analysis().fwave;
    CHECK(panel.analysis().stimuliNote.empty());
    auto unmarked = std::make_shared<emg::Recording>(fw.recording);
    unmarked->annotations.clear();
    REQUIRE(panel.analyzeRecording(unmarked));
    const auto& a = panel.analysis();
    REQUIRE(a.fwave.has_value());
    CHECK(a.fwave->stimuli == marked.stimuli);
    CHECK(a.fwave->present == marked.present);
    CHECK(a.fwave->minLatencyMs == Approx(marked.minLatencyMs).margin(0.01));
    const QString text = emg::ui::lateSummaryText(a);
    INFO(text.toStdString());
    CHECK(text.contains("Stimuli: the recording marks no stimulus"));
    CHECK(text.contains(QString("%1 stimuli found from their artifacts").arg(marked.stimuli)));
    panel.resize(1100, 700);
    panel.show();
    QTest::qWait(50);
    panel.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/screenshot-late-fwave-from-artifacts.png"));
}
