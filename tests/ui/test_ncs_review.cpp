// NCS review panel: a synthetic CMAP with known onset and amplitude in the live display buffer
// is measured by emg_dsp; dragging a marker with the mouse recomputes the values.
#include "ui_test_support.h"

#include "ncs_review_panel.h"

#include <catch2/catch.hpp>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <random>

namespace {

constexpr double kRateHz = 20000.0;
constexpr double kOnsetMs = 3.5;
constexpr double kAmplitudeUv = 5000.0;
constexpr double kNegativeMs = 4.0;
constexpr std::int64_t kStimulus = 10000;

// biphasic CMAP: negative half-sine of kNegativeMs, then a positive one of 0.4 × amplitude
double cmap(double tMs, double amplitudeUv = kAmplitudeUv) {
    const double t = tMs - kOnsetMs;
    if (t < 0) return 0.0;
    if (t < kNegativeMs) return -amplitudeUv * std::sin(M_PI * t / kNegativeMs);
    if (t < 2 * kNegativeMs) return 0.4 * amplitudeUv * std::sin(M_PI * (t - kNegativeMs) / kNegativeMs);
    return 0.0;
}

void feed(emg::DisplayBuffer& buffer, double amplitudeUv = kAmplitudeUv, double noiseUv = 2.0) {
    emg::AcquisitionConfig cfg;
    cfg.sampleRateHz = kRateHz;
    emg::ChannelInfo needle, surface;
    needle.label = "Needle";
    needle.electrode = emg::ElectrodeKind::Needle;
    surface.label = "APB";
    cfg.channels = {needle, surface};
    buffer.onStart(cfg);
    std::mt19937 rng(4);
    std::normal_distribution<double> noise(0.0, noiseUv);
    const std::int64_t total = kStimulus + 2000;
    std::vector<float> uv(static_cast<std::size_t>(200 * 2));
    for (std::int64_t first = 0; first < total; first += 200) {
        emg::StimulusEvent ev{kStimulus, 20.0, 20.0, 0.2, 0, 0};
        for (std::int64_t f = 0; f < 200; ++f) {
            const double tMs = static_cast<double>(first + f - kStimulus) * 1000.0 / kRateHz;
            uv[static_cast<std::size_t>(f * 2)] = static_cast<float>(noise(rng) * 10);
            uv[static_cast<std::size_t>(f * 2 + 1)] = static_cast<float>(cmap(tMs, amplitudeUv) + noise(rng));
        }
        emg::SampleBlockView v;
        v.firstSampleIndex = first;
        v.frames = 200;
        v.channelCount = 2;
        v.microvolts = uv.data();
        const bool hasStim = kStimulus >= first && kStimulus < first + 200;
        v.stimuli = &ev;
        v.stimulusCount = hasStim ? 1 : 0;
        buffer.onBlock(v);
    }
}

/// The panel shown at 1000 x 650 px with a 20 ms window, the latest response measured.
void showAndCapture(emg::ui::NcsReviewPanel& panel) {
    panel.resize(1000, 650);
    panel.show();
    REQUIRE(QTest::qWaitForWindowExposed(&panel));
    panel.setWindowMs(20.0);
    REQUIRE(panel.captureLatest());
    REQUIRE(panel.result().has_value());
}

}  // namespace

TEST_CASE("NCS review measures the latest response on the surface channel and follows dragged markers", "[ui][ncs]") {
    emg::test::qtApp();
    emg::DisplayBuffer buffer(2.0);
    feed(buffer);
    emg::ui::NcsReviewPanel panel(buffer);
    showAndCapture(panel);
    const auto r = *panel.result();  // a copy: the panel replaces its result when markers move
    REQUIRE(r.found);
    // onset within one sample (0.05 ms at 20 kHz), amplitude within 2 %
    CHECK(r.measures.onsetLatencyMs == Approx(kOnsetMs).margin(1000.0 / kRateHz));
    CHECK(r.measures.amplitudeUv == Approx(kAmplitudeUv).epsilon(0.02));
    CHECK(r.measures.peakLatencyMs == Approx(kOnsetMs + kNegativeMs / 2).margin(0.1));
    CHECK(panel.resultsText().contains("auto"));
    QTest::qWait(50);
    panel.chartView().grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/screenshot-ncs-review.png"));

    // the clinician drags the onset marker 0.5 ms later with the mouse
    auto& view = panel.chartView();
    const double x0 = view.markerX(emg::ui::MarkerKind::Onset);
    const double pxPerMs = view.markerX(emg::ui::MarkerKind::NegativePeak) - x0;  // markers ~2 ms apart
    const double msPerPx = (r.measures.peakLatencyMs - r.measures.onsetLatencyMs) / pxPerMs;
    const int y = view.viewport()->height() / 2;
    const int x1 = static_cast<int>(std::lround(x0 + 0.5 / msPerPx));
    QTest::mousePress(view.viewport(), Qt::LeftButton, {}, QPoint(static_cast<int>(std::lround(x0)), y));
    QTest::mouseMove(view.viewport(), QPoint(x1, y));
    QTest::mouseRelease(view.viewport(), Qt::LeftButton, {}, QPoint(x1, y));
    const auto& moved = *panel.result();
    CHECK(moved.provenance.markers.origin == emg::dsp::MarkerOrigin::Clinician);
    CHECK(moved.measures.onsetLatencyMs == Approx(kOnsetMs + 0.5).margin(2 * msPerPx + 0.05));
    CHECK(moved.measures.negativeDurationMs < r.measures.negativeDurationMs);
    CHECK(panel.resultsText().contains("clinician"));

    // moving the negative peak marker changes the amplitude read from it
    view.moveMarker(emg::ui::MarkerKind::NegativePeak, kOnsetMs + 1.0);
    CHECK(panel.result()->measures.amplitudeUv == Approx(kAmplitudeUv * std::sin(M_PI * 1.0 / kNegativeMs)).epsilon(0.02));

    // the clinician's PDF: one page with the values as the markers now stand
    QTemporaryDir dir;
    const QString pdf = dir.path() + "/ncs.pdf";
    REQUIRE(panel.exportReport(pdf));
    QFile f(pdf);
    REQUIRE(f.open(QIODevice::ReadOnly));
    CHECK(f.read(5) == "%PDF-");
    CHECK(f.size() > 2000);
}

// A CMAP of 10 x the noise rms (the confident onset needs 20 x): the panel says the onset
// is uncertain and why, until the clinician drags the onset marker.
TEST_CASE("NCS review says when the onset is uncertain, and no longer once the clinician moves its marker", "[ui][ncs]") {
    emg::test::qtApp();
    emg::DisplayBuffer buffer(2.0);
    feed(buffer, 300.0, 30.0);
    emg::ui::NcsReviewPanel panel(buffer);
    showAndCapture(panel);
    REQUIRE(panel.result()->found);
    CHECK(panel.result()->onsetUncertain);
    CHECK(panel.resultsText().contains("Onset uncertain, check or place the onset marker"));
    CHECK(panel.resultsText().contains("place the onset marker: peak"));   // the reason: the peak against the noise
    CHECK(panel.resultsText().contains("noise rms"));
    QCoreApplication::sendPostedEvents();   // the label's new height laid out before the picture
    QCoreApplication::processEvents();
    panel.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/screenshot-ncs-review-uncertain.png"));
    REQUIRE(panel.exportReport(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/ncs-review-uncertain.pdf")));   // its findings say it too
    panel.chartView().moveMarker(emg::ui::MarkerKind::Onset, kOnsetMs);
    CHECK_FALSE(panel.result()->onsetUncertain);
    CHECK_FALSE(panel.resultsText().contains("Onset uncertain"));
    CHECK(panel.resultsText().contains("clinician"));
}

#include "acquisition_session.h"
#include "display_controls.h"
#include "main_window.h"
#include "stimulator_panel.h"

#include <sim/simulated_amplifier.h>

#include <QPushButton>

TEST_CASE("a stimulus to the simulator is measured by the NCS review panel at the simulator's latency", "[ui][ncs][sim]") {
    emg::test::qtApp();
    emg::ui::MainWindowOptions options;  // the built-in simulator, as the workstation starts
    options.watchUsb = false;
    options.openStore = false;
    emg::ui::MainWindow w(options);
    w.resize(1400, 900);
    w.show();
    auto* amp = dynamic_cast<emg::sim::SimulatedAmplifier*>(w.session().device());
    REQUIRE(amp != nullptr);
    auto* panel = w.findChild<emg::ui::NcsReviewPanel*>("panel-ncs-review");
    REQUIRE(panel != nullptr);
    QTest::qWait(300);
    w.stimulatorPanel().setIntensityMa(40.0);  // supramaximal for the median motor preset
    auto* button = w.findChild<QPushButton*>("stimulate");
    REQUIRE(button != nullptr);
    QTest::mouseClick(button, Qt::LeftButton);
    REQUIRE_FALSE(w.stimulatorPanel().lastRefused());
    const auto truth = amp->expectedResponse(w.stimulatorPanel().command());
    // the panel measures each new stimulus by itself once its 30 ms window is in
    for (int i = 0; i < 40 && !(panel->result() && panel->result()->found); ++i) QTest::qWait(50);
    REQUIRE(panel->result().has_value());
    const auto r = *panel->result();
    REQUIRE(r.found);
    INFO("truth onset " << truth.onsetLatencyMs << " ms, amplitude " << truth.amplitudeUv << " µV");
    CHECK(r.measures.onsetLatencyMs == Approx(truth.onsetLatencyMs).margin(0.15));
    CHECK(r.measures.amplitudeUv == Approx(truth.amplitudeUv).epsilon(0.05));
    w.tabs().setCurrentWidget(panel);
    QTest::qWait(100);
    w.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/screenshot-ncs-sim.png"));
    // the live view, stimulus-locked, shows the same response
    w.tabs().setCurrentIndex(0);
    w.displayControls().setMode(emg::ui::TraceMode::StimulusLocked);
    w.displayControls().setSweep(5.0);
    w.displayControls().setSensitivity(2000.0);
    QTest::qWait(100);
    w.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/screenshot-stimulus-locked.png"));
}

#include <QCheckBox>
#include <QComboBox>
#include <QSlider>

TEST_CASE("simulator controls drive the simulated amplifier and offer its stimulation sites", "[ui][sim]") {
    emg::test::qtApp();
    emg::ui::MainWindowOptions options;
    options.watchUsb = false;
    options.openStore = false;
    emg::ui::MainWindow w(options);
    auto* amp = dynamic_cast<emg::sim::SimulatedAmplifier*>(w.session().device());
    REQUIRE(amp != nullptr);
    auto* effort = w.findChild<QSlider*>("sim-effort");
    auto* denervated = w.findChild<QCheckBox*>("sim-denervated");
    auto* sites = w.findChild<QComboBox*>("stim-site");
    REQUIRE(effort != nullptr);
    REQUIRE(denervated != nullptr);
    REQUIRE(sites != nullptr);
    effort->setValue(80);
    CHECK(amp->settings().effort == Approx(0.8));
    denervated->setChecked(true);
    CHECK(amp->settings().denervationGrade > 0);
    // the stimulator offers the simulated nerve's sites, distal first, with their distances
    const auto preset = emg::sim::nervePreset(amp->settings().nerve);
    REQUIRE(sites->count() == static_cast<int>(preset.sites.size()));
    CHECK(sites->itemText(0).startsWith(QString::fromStdString(preset.sites[0].name)));
    CHECK(sites->itemText(0).contains("mm"));
}

#include <emg/io/recording_io.h>

TEST_CASE("recording the simulator writes BDF+ with 'Stim <site>' annotations at the chosen site", "[ui][sim]") {
    emg::test::qtApp();
    QTemporaryDir data;
    emg::ui::MainWindowOptions options;
    options.watchUsb = false;
    options.openStore = false;
    options.dataDirectory = data.path();
    emg::ui::MainWindow w(options);
    w.show();
    auto* amp = dynamic_cast<emg::sim::SimulatedAmplifier*>(w.session().device());
    REQUIRE(amp != nullptr);
    auto* stimSite = w.findChild<QComboBox*>("stim-site");
    REQUIRE(stimSite != nullptr);
    REQUIRE(stimSite->count() >= 2);
    // choose the second (proximal) site in the stimulator: the simulator follows
    QTest::keyClick(stimSite, Qt::Key_Down);
    CHECK(stimSite->currentIndex() == 1);
    CHECK(amp->settings().siteIndex == 1);
    const std::string siteName = emg::sim::nervePreset(amp->settings().nerve).sites[1].name;

    auto* record = w.findChild<QPushButton*>("record");
    REQUIRE(record != nullptr);
    QTest::mouseClick(record, Qt::LeftButton);
    REQUIRE(w.session().isRecording());
    QTest::qWait(200);
    w.stimulatorPanel().setIntensityMa(40.0);
    QTest::mouseClick(w.findChild<QPushButton*>("stimulate"), Qt::LeftButton);
    QTest::qWait(500);
    const auto path = w.session().recordingPath();
    QTest::mouseClick(record, Qt::LeftButton);
    REQUIRE_FALSE(w.session().isRecording());
    const auto rec = emg::io::readRecording(path);
    REQUIRE(rec.channels.size() == 4);
    int stims = 0;
    for (const auto& a : rec.annotations) stims += a.text == "Stim " + siteName;
    CHECK(stims == 1);
}

// A file of a record per stimulus (EDF+D layout) that marks no stimulus, measured as a span: the
// panel places a stimulus at each record's start, measures the first record's CMAP and says how the
// stimuli were placed (before: "no stimuli found").
TEST_CASE("NCS review measures a record per stimulus that marks none, and says how its stimuli were placed", "[ui][ncs]") {
    emg::test::qtApp();
    emg::Recording rec;
    emg::RecordedChannel ch;
    ch.label = "APB";
    ch.sampleRateHz = kRateHz;
    std::mt19937 rng(9);
    std::normal_distribution<double> noise(0.0, 5.0);
    const auto n = static_cast<std::size_t>(0.05 * kRateHz);
    for (int r = 0; r < 3; ++r) {
        for (std::size_t i = 0; i < n; ++i) {
            const double tMs = static_cast<double>(i) * 1000.0 / kRateHz;
            double v = cmap(tMs - 4.0 * r) + noise(rng) + 300.0 * r;   // each record its own DC; the CMAP 4 ms later at each site
            if (i < 3) v += 8000.0 * (i % 2 == 0 ? 1.0 : -0.5) * std::exp(-static_cast<double>(i));   // the stimulus artifact
            ch.samples.push_back(v);
        }
        rec.segments.push_back({static_cast<double>(r), 0.05});
    }
    rec.channels.push_back(ch);
    emg::DisplayBuffer buffer(2.0);
    emg::ui::NcsReviewPanel panel(buffer);
    panel.resize(1000, 650);
    panel.show();
    REQUIRE(QTest::qWaitForWindowExposed(&panel));
    emg::review::SpanProvenance prov;
    prov.file = "records.edf";
    prov.toSec = 2.05;
    REQUIRE(panel.measureRecording(rec, prov));
    REQUIRE(panel.result().has_value());
    REQUIRE(panel.result()->found);
    CHECK(panel.result()->measures.onsetLatencyMs == Approx(kOnsetMs).margin(0.1));
    CHECK(panel.result()->measures.amplitudeUv == Approx(kAmplitudeUv).epsilon(0.02));
    CHECK(panel.resultsText().contains("Stimuli: the recording marks no stimulus"));
    CHECK(panel.resultsText().contains("record's first sample"));
    QTest::qWait(50);
    panel.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/screenshot-ncs-review-records.png"));
}
