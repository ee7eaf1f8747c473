// The workstation window under QT_QPA_PLATFORM=offscreen: starts on the simulator with no
// configuration, draws every channel, negative up, shows the engine's counts, refuses an
// out-of-bound stimulus with the engine's reason, records BDF+, and hosts registered panels.
#include "pulse_device.h"
#include "pulse_window_options.h"
#include "ui_test_support.h"

#include "acquisition_controls.h"
#include "acquisition_session.h"
#include "display_controls.h"
#include "main_window.h"
#include "panel_registry.h"
#include "stimulator_panel.h"
#include "store_connection.h"
#include "trace_view.h"

#include <emg/io/recording_io.h>

#include <catch2/catch.hpp>

#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QTabWidget>
#include <QTest>

#include <atomic>
#include <cmath>

using emg::ui::MainWindow;
using emg::ui::MainWindowOptions;

namespace {

MainWindowOptions pulseOptions(int channels = 4, std::int64_t clipEvery = 0) {
    return emg::test::pulseWindowOptions(channels, 20000.0, clipEvery);
}

QLabel* statusLabel(MainWindow& w, const char* name) {
    auto* l = w.findChild<QLabel*>(QString::fromLatin1(name));
    REQUIRE(l != nullptr);
    return l;
}

QString screenshotPath(const char* name) { return QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/") + name; }

}  // namespace

TEST_CASE("main window starts on the built-in simulator with no configuration and draws every channel", "[ui]") {
    emg::test::qtApp();
    QTemporaryDir home;
    qputenv("XDG_CONFIG_HOME", (home.path() + "/config").toLocal8Bit());
    qputenv("XDG_DATA_HOME", (home.path() + "/data").toLocal8Bit());
    MainWindow w;  // default options: what ./build/ui/emgws does
    w.resize(1400, 900);
    w.show();
    REQUIRE(w.session().deviceName().contains("Simulated"));
    REQUIRE(w.session().running());
    QTest::qWait(1200);
    const auto stats = w.session().stats();
    CHECK(stats.frames > 15000);  // ≥ 0.75 s of 20 kHz data in 1.2 s on a busy machine
    CHECK(stats.channelCount == 4);
    CHECK(statusLabel(w, "status-error")->text().isEmpty());
    // the session store is created in the user data folder (SQLite)
    CHECK(w.storeConnection().isOpen());
    CHECK(QFileInfo::exists(home.path() + "/data/emgws/emgws.sqlite"));
    CHECK(statusLabel(w, "status-store")->text().contains("sqlite"));

    const QImage shot = w.grab().toImage();
    REQUIRE(shot.save(screenshotPath("screenshot-main-window.png")));
    const QImage traces = w.traceView().grab().toImage();
    const auto& layout = w.traceView().layout();
    REQUIRE(layout.bands.size() == 4);
    for (std::size_t c = 0; c < layout.bands.size(); ++c) {
        INFO("channel " << c);
        // data flowing across the whole window: a trace pixel in nearly every column of the band
        CHECK(emg::test::columnsWith(traces, layout.bands[c], w.traceView().style().trace) >
              0.9 * layout.bands[c].width());
    }
}

TEST_CASE("trace view draws a known negative pulse upwards (negative-up) in every channel band", "[ui]") {
    emg::test::qtApp();
    MainWindow w(pulseOptions());
    w.resize(1400, 900);
    w.show();
    w.displayControls().setSweep(20.0);        // 200 ms across: two 20 ms pulses per window
    w.displayControls().setSensitivity(200.0); // -300 µV = 1.5 divisions
    QTest::qWait(800);
    const QImage img = w.traceView().grab().toImage();
    img.save(screenshotPath("screenshot-pulse-traces.png"));
    const auto& layout = w.traceView().layout();
    REQUIRE(layout.bands.size() == 4);
    const QColor trace = w.traceView().style().trace;
    for (std::size_t c = 0; c < 4; ++c) {
        INFO("channel " << c);
        const auto [top, bottom] = emg::test::verticalExtent(img, layout.bands[c], trace);
        const double baseline = std::round(layout.baselineY(c));
        const double expectTop = baseline - 1.5 * layout.divisionHeightPx;  // negative drawn up
        REQUIRE(top >= 0);
        CHECK(std::abs(top - expectTop) <= 2.0);
        CHECK(bottom <= baseline + 2.0);  // nothing below the baseline: the pulse is negative
    }
}

TEST_CASE("status bar shows rate, channels and the engine's counts, red when not zero", "[ui]") {
    emg::test::qtApp();
    MainWindow w(pulseOptions(6, 1000));  // channel 0 clips every 1000th sample
    w.show();
    QTest::qWait(700);
    const auto stats = w.session().stats();
    CHECK(statusLabel(w, "status-rate")->property("hz").toDouble() == 20000.0);
    CHECK(statusLabel(w, "status-rate")->text() == "20 kHz");
    CHECK(statusLabel(w, "status-channels")->property("count").toInt() == 6);
    auto* clipped = statusLabel(w, "status-clipped");
    const auto shown = clipped->property("count").toULongLong();
    CHECK(shown > 0);
    CHECK(shown <= stats.clippedSamples);  // refreshed at 4 Hz, never ahead of the engine
    CHECK(stats.clippedSamples + 20 >= stats.frames / 1000);  // close to one clipped sample per 1000 frames
    CHECK(clipped->styleSheet().contains("color"));
    CHECK(statusLabel(w, "status-dropped")->property("count").toULongLong() == 0);
    CHECK(statusLabel(w, "status-dropped")->styleSheet().isEmpty());
    CHECK(statusLabel(w, "status-gaps")->property("count").toULongLong() == 0);
}

TEST_CASE("a 150 mA stimulus is refused with the engine's reason, 20 mA is delivered", "[ui]") {
    emg::test::qtApp();
    MainWindow w(pulseOptions());
    w.show();
    QTest::qWait(100);
    auto& stim = w.stimulatorPanel();
    auto* button = w.findChild<QPushButton*>("stimulate");
    REQUIRE(button != nullptr);
    stim.setIntensityMa(150.0);
    QTest::mouseClick(button, Qt::LeftButton);
    CHECK(stim.lastRefused());
    CHECK(stim.resultText().contains("refused"));
    CHECK(stim.resultText().contains("150 mA is outside 0..100 mA"));
    const auto* result = w.findChild<QLabel*>("stim-result");
    REQUIRE(result != nullptr);
    CHECK(result->styleSheet().contains("background"));  // shown as an alert, not small print
    QTest::qWait(300);
    CHECK(w.session().stats().stimuli == 0);

    stim.setIntensityMa(20.0);
    QTest::mouseClick(button, Qt::LeftButton);
    CHECK_FALSE(stim.lastRefused());
    CHECK(stim.resultText().contains("Delivered 20 mA"));
    QTest::qWait(300);
    CHECK(w.session().stats().stimuli == 1);
    CHECK(w.session().displayBuffer().recentStimuli().size() == 1);

    // stimulus-locked: the sweep after the stimulus is drawn
    w.displayControls().setMode(emg::ui::TraceMode::StimulusLocked);
    QTest::qWait(100);
    const QImage img = w.traceView().grab().toImage();
    const auto& layout = w.traceView().layout();
    CHECK(emg::test::columnsWith(img, layout.bands[0], w.traceView().style().trace) > 0.5 * layout.bands[0].width());
}

TEST_CASE("Record writes a BDF+ file of the live signal into the data folder", "[ui]") {
    emg::test::qtApp();
    QTemporaryDir data;
    auto options = pulseOptions(2);
    options.dataDirectory = data.path();
    MainWindow w(options);
    w.show();
    auto* record = w.findChild<QPushButton*>("record");
    REQUIRE(record != nullptr);
    QTest::mouseClick(record, Qt::LeftButton);
    REQUIRE(w.session().isRecording());
    REQUIRE(w.session().running());
    QTest::qWait(1500);
    const auto path = w.session().recordingPath();
    QTest::mouseClick(record, Qt::LeftButton);
    REQUIRE_FALSE(w.session().isRecording());
    REQUIRE(path.extension() == ".bdf");
    REQUIRE(QFileInfo(QString::fromStdString(path.string())).dir().dirName() == "recordings");
    const auto rec = emg::io::readRecording(path);
    REQUIRE(rec.channels.size() == 2);
    REQUIRE(rec.channels[0].samples.size() >= 10000);  // ≥ 0.5 s at 20 kHz
    int negative = 0;
    for (double v : rec.channels[1].samples) {
        REQUIRE((std::abs(v) < 1e-6 || std::abs(v + 300.0) < 1e-6));
        negative += v < -1.0;
    }
    CHECK(negative > 0);
}

TEST_CASE("panels registered through the panel registry appear as tabs", "[ui]") {
    emg::test::qtApp();
    static bool registered = false;
    if (!registered) {
        emg::ui::PanelRegistry::instance().add({"test-panel", "Test panel", emg::ui::PanelPlacement::Tab,
                                                [](const emg::ui::PanelContext& ctx) -> QWidget* {
                                                    REQUIRE(ctx.session != nullptr);
                                                    return new QLabel("hello", ctx.parent);
                                                },
                                                1000});
        registered = true;
    }
    REQUIRE_THROWS_AS(emg::ui::PanelRegistry::instance().add(
                          {"test-panel", "again", emg::ui::PanelPlacement::Tab, [](const auto&) { return nullptr; }}),
                      std::invalid_argument);
    MainWindow w(pulseOptions(1));
    bool found = false;
    for (int i = 0; i < w.tabs().count(); ++i) found = found || w.tabs().tabText(i) == "Test panel";
    CHECK(found);
    CHECK(w.findChild<QLabel*>("panel-test-panel") != nullptr);
}

TEST_CASE("freeze keeps the picture while acquisition goes on (scroll-back ring switched off)", "[ui]") {
    // with a ring (the default) Freeze opens the scroll-back pane instead: test_ui_scrollback
    emg::test::qtApp();
    MainWindow w(pulseOptions(1));
    w.session().setScrollbackRing(std::nullopt);
    REQUIRE(w.startAcquisition());
    w.show();
    QTest::qWait(300);
    auto* freeze = w.findChild<QPushButton*>("freeze");
    REQUIRE(freeze != nullptr);
    QTest::mouseClick(freeze, Qt::LeftButton);
    const auto frozenEnd = w.session().displayBuffer().endSampleIndex();
    QTest::qWait(300);
    CHECK(w.session().displayBuffer().endSampleIndex() == frozenEnd);
    CHECK(w.session().stats().frames > static_cast<std::uint64_t>(frozenEnd));
    QTest::mouseClick(freeze, Qt::LeftButton);
    QTest::qWait(200);
    CHECK(w.session().displayBuffer().endSampleIndex() > frozenEnd);
}

// Run by CTest under umockdev (see CMakeLists.txt): the emulated amplifier must appear in the
// device list beside the simulator. Hidden from ordinary runs, where no amplifier is present.
TEST_CASE("an emulated USB amplifier appears in the device list beside the simulator", "[.][usb]") {
    emg::test::qtApp();
    MainWindowOptions options;
    options.openStore = false;
    options.autoStart = false;
    MainWindow w(options);
    QTest::qWait(200);  // hotplug arrivals are delivered through the event loop
    int usb = 0, sim = 0;
    for (const auto& d : w.devices()) {
        usb += d.kind == emg::ui::DeviceKind::Usb;
        sim += d.kind == emg::ui::DeviceKind::Simulator;
    }
    CHECK(sim == 1);
    REQUIRE(usb == 1);
    CHECK(w.devices()[1].kind == emg::ui::DeviceKind::Usb);  // right after the simulator
    CHECK(w.devices()[1].label.contains("USB"));
    auto* list = w.findChild<QComboBox*>("device-list");
    REQUIRE(list != nullptr);
    CHECK(list->count() == static_cast<int>(w.devices().size()));
    CHECK(list->itemText(1) == w.devices()[1].label);
}

TEST_CASE("Replay recording at 1x replays an EDF+ file: its channels, its stimulation sites, no stimulator", "[ui][replay]") {
    emg::test::qtApp();
    QTemporaryDir dir;
    emg::Recording rec;
    rec.patientId = "X";
    for (const char* label : {"APB", "ADM"}) {
        emg::RecordedChannel ch;
        ch.label = label;
        ch.sampleRateHz = 5000.0;
        ch.samples.resize(5000 * 4);
        for (std::size_t i = 0; i < ch.samples.size(); ++i) ch.samples[i] = (i % 5000) < 250 ? -400.0 : 0.0;
        rec.channels.push_back(ch);
    }
    rec.annotations = {{0.5, 0.0, "Stim wrist"}, {1.5, 0.0, "Stim elbow"}, {2.5, 0.0, "Stim wrist"}};
    const QString path = dir.path() + "/session.edf";
    emg::io::writeRecording(rec, path.toStdString(), emg::io::FileFormat::EdfPlus);

    MainWindow w(pulseOptions(1));
    w.show();
    REQUIRE(w.replayRecording(path));
    REQUIRE(w.session().running());
    CHECK(w.session().deviceName().contains("session.edf"));
    REQUIRE(w.session().recording() != nullptr);
    CHECK(w.session().recording()->channels.size() == 2);
    CHECK(w.devices().back().kind == emg::ui::DeviceKind::Replay);
    auto* sites = w.findChild<QComboBox*>("stim-site");
    REQUIRE(sites != nullptr);
    REQUIRE(sites->count() == 2);
    CHECK(sites->itemText(0) == "wrist");
    CHECK(sites->itemText(1) == "elbow");
    QTest::qWait(800);
    CHECK(w.session().stats().channelCount == 2);
    CHECK(w.session().stats().sampleRateHz == 5000.0);
    CHECK(w.session().stats().stimuli >= 1);  // "Stim wrist" at 0.5 s replayed as a stimulus event
    const QImage img = w.traceView().grab().toImage();
    const auto& layout = w.traceView().layout();
    REQUIRE(layout.bands.size() == 2);
    for (const auto& band : layout.bands)
        CHECK(emg::test::columnsWith(img, band, w.traceView().style().trace) > 0.3 * band.width());

    // a bad file: a clear message, the running session untouched
    const QString bad = dir.path() + "/broken.edf";
    QFile f(bad);
    REQUIRE(f.open(QIODevice::WriteOnly));
    f.write("0       not an EDF header");
    f.close();
    CHECK_FALSE(w.replayRecording(bad));
    CHECK(statusLabel(w, "status-error")->text().contains("broken.edf"));
    CHECK(w.devices().back().kind == emg::ui::DeviceKind::Replay);
    CHECK(w.devices().size() == 2);  // pulse device + the good recording
    // opened (not replayed) the bad file is refused by the review view with the same clarity
    CHECK_FALSE(w.openRecording(bad));
    CHECK(statusLabel(w, "status-error")->text().contains("broken.edf"));
    CHECK(w.reviewView() == nullptr);
    CHECK(w.session().deviceName().contains("session.edf"));
}

TEST_CASE("Open recording replays a headerless ASCII file at the rate the user gives, without a rate it is refused", "[ui][replay]") {
    emg::test::qtApp();
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    // another lab's export: one column of uV, CRLF, no header; 2 s at 4 kHz with a -500 uV pulse every 0.25 s
    const QString path = dir.path() + "/deltoid_export.asc";
    {
        QFile f(path);
        REQUIRE(f.open(QIODevice::WriteOnly));
        for (int i = 0; i < 8000; ++i) f.write((i % 1000) < 40 ? "-500.0\r\n" : "0.0\r\n");
    }
    MainWindow w(pulseOptions(1));
    w.show();
    CHECK_FALSE(w.openRecording(path));
    CHECK(statusLabel(w, "status-error")->text().contains("sample rate"));
    CHECK(w.devices().size() == 1);   // nothing added for the refused file
    REQUIRE(w.openRecording(path, 4000.0));
    REQUIRE(w.session().running());
    CHECK(w.session().deviceName().contains("deltoid_export"));
    REQUIRE(w.session().recording() != nullptr);
    REQUIRE(w.session().recording()->channels.size() == 1);
    CHECK(w.session().recording()->channels[0].samples.size() == 8000u);
    CHECK(w.session().recording()->channels[0].samples[0] == -500.0);
    QTest::qWait(600);
    CHECK(w.session().stats().sampleRateHz == 4000.0);
    CHECK(w.session().stats().channelCount == 1);
}

TEST_CASE("Replay recording replays a BrainVision set: its channels, its stimulus markers as sites", "[ui][replay]") {
    emg::test::qtApp();
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    // 2 s at 5 kHz, two INT_16 channels multiplexed (0.5 uV per count), markers S 1 and S 2
    {
        QFile eeg(dir.path() + "/mep.eeg");
        REQUIRE(eeg.open(QIODevice::WriteOnly));
        QByteArray bytes;
        for (int i = 0; i < 10000; ++i)
            for (int c = 0; c < 2; ++c) {
                const qint16 v = static_cast<qint16>((i % 2500) < 100 ? -800 * (c + 1) : 0);
                bytes.append(static_cast<char>(v & 0xff));
                bytes.append(static_cast<char>((v >> 8) & 0xff));
            }
        eeg.write(bytes);
        QFile vhdr(dir.path() + "/mep.vhdr");
        REQUIRE(vhdr.open(QIODevice::WriteOnly));
        vhdr.write("Brain Vision Data Exchange Header File Version 1.0\r\n[Common Infos]\r\nDataFile=mep.eeg\r\nMarkerFile=mep.vmrk\r\n"
                   "DataFormat=BINARY\r\nDataOrientation=MULTIPLEXED\r\nNumberOfChannels=2\r\nSamplingInterval=200\r\n"
                   "[Binary Infos]\r\nBinaryFormat=INT_16\r\n[Channel Infos]\r\nCh1=FDI,,0.5,\xC2\xB5V\r\nCh2=ADM,,0.5,\xC2\xB5V\r\n");
        QFile vmrk(dir.path() + "/mep.vmrk");
        REQUIRE(vmrk.open(QIODevice::WriteOnly));
        vmrk.write("Brain Vision Data Exchange Marker File, Version 1.0\r\n[Marker Infos]\r\nMk1=New Segment,,1,1,0\r\n"
                   "Mk2=Stimulus,S  1,2501,1,0\r\nMk3=Stimulus,S  2,5001,1,0\r\nMk4=Stimulus,S  1,7501,1,0\r\n");
    }
    MainWindow w(pulseOptions(1));
    w.show();
    REQUIRE(w.replayRecording(dir.path() + "/mep.vhdr"));
    REQUIRE(w.session().running());
    REQUIRE(w.session().recording() != nullptr);
    REQUIRE(w.session().recording()->channels.size() == 2);
    CHECK(w.session().recording()->channels[1].label == "ADM");
    CHECK(w.session().recording()->channels[1].samples[0] == -800.0);   // -1600 counts x 0.5 uV
    auto* sites = w.findChild<QComboBox*>("stim-site");
    REQUIRE(sites != nullptr);
    REQUIRE(sites->count() == 2);
    CHECK(sites->itemText(0) == "s1");
    CHECK(sites->itemText(1) == "s2");
    QTest::qWait(600);
    CHECK(w.session().stats().sampleRateHz == 5000.0);
    CHECK(w.session().stats().channelCount == 2);
}

TEST_CASE("sweeping and stacked stimulus-locked modes draw every channel", "[ui]") {
    emg::test::qtApp();
    MainWindow w(pulseOptions(2));
    w.resize(1200, 800);
    w.show();
    w.displayControls().setSweep(20.0);
    w.displayControls().setSensitivity(200.0);  // the -300 µV pulse stays inside its band
    w.displayControls().setMode(emg::ui::TraceMode::Sweeping);
    QTest::qWait(600);
    QImage img = w.traceView().grab().toImage();
    img.save(screenshotPath("screenshot-sweeping.png"));
    const QColor trace = w.traceView().style().trace;
    for (const auto& band : w.traceView().layout().bands) {
        // the sweep in progress and the previous one fill the width except the erase gap
        const int cols = emg::test::columnsWith(img, band, trace);
        CHECK(cols > 0.9 * band.width());
        CHECK(cols < band.width());
    }
    auto* stim = w.findChild<QPushButton*>("stimulate");
    REQUIRE(stim != nullptr);
    for (int i = 0; i < 3; ++i) {
        QTest::mouseClick(stim, Qt::LeftButton);
        QTest::qWait(150);
    }
    auto settings = w.traceView().settings();
    settings.mode = emg::ui::TraceMode::StimulusLocked;
    settings.stacking = emg::ui::SweepStacking::Stacked;
    settings.lockedSweeps = 3;
    w.traceView().setSettings(settings);
    QTest::qWait(300);
    img = w.traceView().grab().toImage();
    img.save(screenshotPath("screenshot-stacked.png"));
    const auto& layout = w.traceView().layout();
    REQUIRE(w.session().displayBuffer().recentStimuli(3).size() == 3);
    for (const auto& band : layout.bands) {
        // three sweeps, each on its own baseline within the band
        const double third = band.height() / 3;
        for (int j = 0; j < 3; ++j) {
            const QRectF row(band.left(), band.top() + j * third, band.width(), third);
            CHECK(emg::test::columnsWith(img, row, trace) > 0.5 * band.width());
        }
    }
}

TEST_CASE("the trace view's overlay hook draws markers on top of the traces with the live layout", "[ui]") {
    emg::test::qtApp();
    MainWindow w(pulseOptions(2));
    w.show();
    int calls = 0;
    std::int64_t markedSample = -1;
    const QColor markerColor(255, 0, 255);
    w.traceView().setOverlay([&](QPainter& p, const emg::ui::TraceLayout& layout) {
        ++calls;
        markedSample = layout.startSample + static_cast<std::int64_t>(layout.samplesPerPixel * 100);  // 100 px in
        const double x = layout.xForSample(markedSample);
        p.setPen(QPen(markerColor, 0));
        p.drawLine(QLineF(x, layout.plot.top(), x, layout.plot.bottom()));
    });
    QTest::qWait(300);
    const QImage img = w.traceView().grab().toImage();
    CHECK(calls > 0);
    const auto& layout = w.traceView().layout();
    const int x = static_cast<int>(std::lround(layout.xForSample(markedSample)));
    CHECK(x == static_cast<int>(std::lround(layout.plot.left() + 100)));
    CHECK(emg::test::countPixels(img, QRectF(x - 1, layout.plot.top(), 3, layout.plot.height()), markerColor) >
          0.9 * layout.plot.height());
}

TEST_CASE("sensitivity applies to a channel group: needle channels apart from surface channels", "[ui]") {
    emg::test::qtApp();
    emg::ui::DisplayControls controls;
    emg::ChannelInfo needle, surface;
    needle.electrode = emg::ElectrodeKind::Needle;
    surface.electrode = emg::ElectrodeKind::Surface;
    controls.setChannels({needle, surface, needle});
    controls.setSensitivity(100.0);  // "All channels" is selected first
    CHECK(controls.settings().uvPerDiv == std::vector<double>{100.0, 100.0, 100.0});
    auto* group = controls.findChild<QComboBox*>("sensitivity-group");
    REQUIRE(group != nullptr);
    const int needleGroup = group->findText("needle channels");
    REQUIRE(needleGroup > 0);
    group->setCurrentIndex(needleGroup);
    controls.setSensitivity(1000.0);
    CHECK(controls.settings().uvPerDiv == std::vector<double>{1000.0, 100.0, 1000.0});
    CHECK(controls.settings().sensitivityUvPerDiv(1) == 100.0);
    controls.setSweep(7.0);  // snaps to the nearest clinical step
    CHECK(controls.settings().msPerDiv == 5.0);
}

TEST_CASE("a device lost mid-run is shown, and acquisition resumes by itself when it returns", "[ui]") {
    emg::test::qtApp();
    MainWindow w(pulseOptions(1));
    w.show();
    QTest::qWait(300);
    auto* dev = dynamic_cast<emg::test::PulseDevice*>(w.session().device());
    REQUIRE(dev != nullptr);
    dev->unplug();
    for (int i = 0; i < 40 && !statusLabel(w, "status-error")->text().contains("Device lost"); ++i) QTest::qWait(50);
    CHECK(w.session().deviceLost());
    CHECK(statusLabel(w, "status-error")->text().contains("Device lost"));
    CHECK(statusLabel(w, "status-device")->text().contains("LOST"));
    const auto framesWhileLost = w.session().stats().frames;
    dev->plugBack();
    for (int i = 0; i < 60 && w.session().deviceLost(); ++i) QTest::qWait(50);  // retried once a second
    REQUIRE_FALSE(w.session().deviceLost());
    QTest::qWait(300);
    CHECK(w.session().running());
    CHECK(w.session().stats().frames > framesWhileLost);
    CHECK(w.session().stats().gaps >= 1);  // the time away is a gap, never hidden
    CHECK(statusLabel(w, "status-error")->text().isEmpty());
}

namespace {
struct CountingConsumer : emg::AcquisitionConsumer {
    std::atomic<int> starts{0};
    std::atomic<std::uint64_t> frames{0};
    void onStart(const emg::AcquisitionConfig&) override { ++starts; }
    void onBlock(const emg::SampleBlockView& b) override { frames += b.frames; }
};
}  // namespace

TEST_CASE("a panel's consumer added to a running session sees a complete run", "[ui]") {
    emg::test::qtApp();
    MainWindow w(pulseOptions(1));
    QTest::qWait(200);
    REQUIRE(w.session().running());
    CountingConsumer consumer;
    w.session().addConsumer(&consumer);
    CHECK(w.session().running());  // restarted with the consumer in place
    CHECK(consumer.starts == 1);
    QTest::qWait(300);
    CHECK(consumer.frames > 0);
    CHECK(consumer.frames <= w.session().stats().frames);
    w.session().removeConsumer(&consumer);
    const auto after = consumer.frames.load();
    QTest::qWait(200);
    CHECK(consumer.frames == after);  // no longer fed
    CHECK(w.session().running());
}

namespace {
/// The pulse amplifier with an external stimulator on a trigger input (as the BioSemi reports it).
class ExternalStimDevice : public emg::test::PulseDevice {
public:
    emg::DeviceInfo info() const override {
        auto i = PulseDevice::info();
        i.stimulatorName = "Digitimer DS7A on trigger input 1, rising edge";
        i.stimulatorExternal = true;
        return i;
    }
};
}  // namespace

TEST_CASE("the stimulator panel names an external stimulator and its button sets the next pulses", "[ui]") {
    emg::test::qtApp();
    auto options = pulseOptions();
    emg::ui::DeviceChoice ext = options.devices.front();
    ext.label = "external stimulator test amplifier";
    ext.id = "pulse-ext";
    ext.create = [] { return emg::DevicePtr(std::make_unique<ExternalStimDevice>()); };
    options.devices.push_back(ext);
    MainWindow w(options);
    w.show();
    QTest::qWait(100);
    auto* source = w.findChild<QLabel*>("stim-source");
    auto* button = w.findChild<QPushButton*>("stimulate");
    REQUIRE(source != nullptr);
    REQUIRE(button != nullptr);
    CHECK(source->text() == "Built into the amplifier");
    CHECK(button->text() == "Stimulate");
    REQUIRE(w.selectDevice(1, false));
    QTest::qWait(50);
    CHECK(w.stimulatorPanel().stimulatorText() == "Digitimer DS7A on trigger input 1, rising edge");
    CHECK(button->text() == "Set for the next pulses");
    CHECK(source->isVisible());
    w.stimulatorPanel().setIntensityMa(25.0);
    QTest::mouseClick(button, Qt::LeftButton);
    CHECK_FALSE(w.stimulatorPanel().lastRefused());
    CHECK(w.stimulatorPanel().resultText().startsWith("Set for the next pulses: 25 mA"));
    w.stimulatorPanel().setIntensityMa(150.0);  // the engine's bound applies to what is entered
    QTest::mouseClick(button, Qt::LeftButton);
    CHECK(w.stimulatorPanel().lastRefused());
    w.stimulatorPanel().grab().save(screenshotPath("stimulator_external.png"));
    REQUIRE(w.selectDevice(0, false));
    CHECK(button->text() == "Stimulate");
}
