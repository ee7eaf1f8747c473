// Scroll back while live (issue 13) under QT_QPA_PLATFORM=offscreen, on the built-in simulator in
// real time: while recording to a temporary file, F opens the scroll-back pane on the recording
// being written (read through the recorder's index), Home and PgDn go to a past second whose
// values equal what the live display showed at that moment, samples keep arriving (no drop, no
// gap counted; the live view keeps painting), and L returns to live. Without a recording the
// same pane reads the ring of the last seconds, which drops what is older.
#include "ui_test_support.h"

#include "acquisition_session.h"
#include "device_catalog.h"
#include "display_controls.h"
#include "keymap.h"
#include "live_keys.h"
#include "live_scrollback.h"
#include "main_window.h"
#include "review/overview_strip.h"
#include "review/review_keys.h"
#include "review/review_trace_area.h"
#include "review/review_view.h"
#include "trace_view.h"

#include <emg/io/recording_io.h>
#include <emg/review/scrollback_ring.h>

#include <catch2/catch.hpp>

#include <QPushButton>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <vector>

using emg::ui::MainWindow;

namespace {

constexpr double kRateHz = 20000.0;

QString screenshotPath(const char* name) { return QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/") + name; }

emg::ui::MainWindowOptions simulatorOptions(const QString& dataDir) {
    emg::ui::MainWindowOptions o;
    o.devices = {emg::ui::simulatorChoice()};
    o.watchUsb = false;
    o.openStore = false;
    o.channels = 4;
    o.sampleRateHz = kRateHz;
    o.dataDirectory = dataDir;
    return o;
}

/// Counts the paints of a widget (the live view goes on painting while scrolled back).
struct PaintCounter : QObject {
    int paints = 0;
    bool eventFilter(QObject*, QEvent* e) override {
        if (e->type() == QEvent::Paint) ++paints;
        return false;
    }
};

/// What the live display holds of channel `ch` for `count` samples from sample-clock `first`.
std::vector<float> liveSamples(const emg::DisplayBuffer& b, std::size_t ch, std::int64_t first, std::size_t count) {
    std::vector<float> v(count);
    REQUIRE(b.readSamples(ch, first, v) == count);
    return v;
}

}  // namespace

TEST_CASE("live keys: scroll back and return are in the keymap, and clash with no review key", "[ui][keymap][live]") {
    emg::test::qtApp();
    auto& keymap = emg::ui::Keymap::instance();
    emg::ui::declareLiveKeys(keymap);
    INFO(keymap.conflicts().join("; ").toStdString());
    CHECK(keymap.conflicts().isEmpty());
    using namespace emg::ui::live_keys;
    CHECK(keymap.actionFor(emg::ui::kLiveKeyContext, QKeySequence(Qt::Key_F)) == kScrollBack);
    CHECK(keymap.actionFor(emg::ui::kLiveKeyContext, QKeySequence(Qt::Key_PageUp)) == kScrollBack);
    CHECK(keymap.actionFor(emg::ui::kScrollbackKeyContext, QKeySequence(Qt::Key_L)) == kReturnLive);
    // the pane also takes the review keys: binding "back to live" to PgUp (previous page) clashes
    keymap.setKeys(kReturnLive, {QKeySequence(Qt::Key_PageUp)});
    const QStringList clash = keymap.conflicts();
    keymap.resetKeys(kReturnLive);
    REQUIRE(clash.size() == 1);
    CHECK(clash.front().contains(kReturnLive));
    CHECK(clash.front().contains(emg::ui::review_keys::kPagePrevious));
    CHECK(keymap.conflicts().isEmpty());
}

TEST_CASE("scroll back while recording: the past second shows what was live then, samples keep coming, L returns", "[ui][live][review]") {
    emg::test::qtApp();
    QTemporaryDir dir;
    MainWindow w(simulatorOptions(dir.path()));
    w.resize(1400, 900);
    w.show();
    auto& session = w.session();
    REQUIRE(session.running());
    const auto file = std::filesystem::path(dir.path().toStdString()) / "live.bdf";
    REQUIRE(session.startRecording(file));
    const auto source = session.liveSource();
    REQUIRE(source);
    CHECK(source->recording);
    const auto index = source->index;
    const auto& display = session.displayBuffer();

    // 3 s recorded; what the live display shows of 1.00–1.10 s of the file is kept for comparing
    REQUIRE(QTest::qWaitFor([&] { return index->firstSampleIndex >= 0 && display.endSampleIndex() - index->firstSampleIndex > 3 * kRateHz; }, 15000));
    const std::int64_t first = index->firstSampleIndex;
    const auto past0 = liveSamples(display, 0, first + static_cast<std::int64_t>(1.0 * kRateHz), 2000);
    const auto past2 = liveSamples(display, 2, first + static_cast<std::int64_t>(1.0 * kRateHz), 2000);

    // F in the live traces: the pane opens at "now" with the live sweep (20 ms/div)
    QTest::keyClick(&w.traceView(), Qt::Key_F);
    auto& tab = w.liveTab();
    REQUIRE(tab.scrolledBack());
    auto* view = tab.view();
    REQUIRE(view != nullptr);
    CHECK(w.findChild<QPushButton*>("freeze")->isChecked());
    CHECK(view->msPerDiv() == 20.0);
    const double openedAt = view->document().durationSec();
    CHECK(openedAt >= 2.75);
    CHECK(view->startSec() + view->windowSec() == Approx(openedAt).margin(1e-3));

    // Home, then five pages of 0.2 s: the page 1.0–1.2 s
    PaintCounter livePaints;
    w.traceView().installEventFilter(&livePaints);
    QTest::keyClick(&view->traceArea(), Qt::Key_Home);
    CHECK(view->startSec() == 0.0);
    for (int i = 0; i < 5; ++i) QTest::keyClick(&view->traceArea(), Qt::Key_PageDown);
    REQUIRE(view->startSec() == Approx(1.0).margin(1e-9));
    // the page is read on the pane's worker thread: drawn once it is there
    REQUIRE(QTest::qWaitFor([&] { return view->pageCurrent(); }, 5000));
    CHECK(view->page().fileReads() == 0);   // the GUI thread's page never read the file: the worker's did
    // the values on the page are the ones the live display showed for those samples (exact
    // counts × 0.1 µV in the BDF+; float rounding only)
    int compared = 0;
    for (std::size_t i = 0; i < past0.size(); i += 7) {
        const double t = 1.0 + static_cast<double>(i) / kRateHz;
        const auto v0 = view->page().valueAt(0, t);
        const auto v2 = view->page().valueAt(2, t);
        REQUIRE(v0);
        REQUIRE(v2);
        CHECK(*v0 == Approx(past0[i]).margin(0.01 + 1e-6 * std::fabs(past0[i])));
        CHECK(*v2 == Approx(past2[i]).margin(0.01 + 1e-6 * std::fabs(past2[i])));
        ++compared;
    }
    CHECK(compared > 250);
    // a live signal, not a flat line: the simulated needle channel moves by tens of µV in 100 ms
    const auto [lo, hi] = std::minmax_element(past0.begin(), past0.end());
    CHECK(*hi - *lo > 10.0f);

    // meanwhile acquisition, recording and the live view go on
    const auto endThen = display.endSampleIndex();
    const auto recordsThen = index->completeRecords.load();
    REQUIRE(QTest::qWaitFor([&] {
        return display.endSampleIndex() > endThen + static_cast<std::int64_t>(kRateHz) && index->completeRecords > recordsThen + 2 &&
               view->document().durationSec() > openedAt + 1.0 && livePaints.paints >= 10;
    }, 15000));
    CHECK(view->startSec() == Approx(1.0).margin(1e-9));   // the page stays where the clinician put it
    const auto stats = session.stats();
    CHECK(stats.framesDroppedRingFull == 0);
    CHECK(stats.framesLostGap == 0);
    CHECK(stats.gaps == 0);
    w.grab().save(screenshotPath("live-scrollback.png"));

    // L: back to live
    QTest::keyClick(&view->traceArea(), Qt::Key_L);
    CHECK_FALSE(tab.scrolledBack());
    CHECK(tab.view() == nullptr);
    CHECK_FALSE(w.findChild<QPushButton*>("freeze")->isChecked());
    CHECK(w.traceView().isVisible());
    CHECK(session.isRecording());
    const int paintsBefore = livePaints.paints;
    REQUIRE(QTest::qWaitFor([&] { return livePaints.paints > paintsBefore + 3; }, 5000));

    // the closed file holds the same values where the pane showed them
    session.stopRecording();
    const auto rec = emg::io::readRecording(file);
    REQUIRE(rec.channels.size() >= 4);
    for (std::size_t i = 0; i < past0.size(); i += 101)
        CHECK(rec.channels[0].samples.at(static_cast<std::size_t>(kRateHz) + i) == Approx(past0[i]).margin(0.01));
    CHECK(session.stats().framesDroppedRingFull == 0);
}

TEST_CASE("scroll back without recording reads the ring, which keeps only its last seconds", "[ui][live][review]") {
    emg::test::qtApp();
    QTemporaryDir dir;
    MainWindow w(simulatorOptions(dir.path()));
    w.resize(1400, 900);
    w.show();
    auto& session = w.session();
    emg::review::ScrollbackRingOptions ring;
    ring.seconds = 2.0;
    session.setScrollbackRing(ring);
    REQUIRE(w.startAcquisition());
    const auto source = session.liveSource();
    REQUIRE(source);
    CHECK_FALSE(source->recording);
    const auto index = source->index;
    const auto& display = session.displayBuffer();
    REQUIRE(QTest::qWaitFor([&] { return index->firstSampleIndex >= 0 && display.endSampleIndex() - index->firstSampleIndex > 4.5 * kRateHz; }, 15000));
    CHECK(index->oldestRecord > 0);   // older than 2 s is gone

    // the Freeze button opens the same pane
    auto* freeze = w.findChild<QPushButton*>("freeze");
    QTest::mouseClick(freeze, Qt::LeftButton);
    auto* view = w.liveTab().view();
    REQUIRE(view != nullptr);
    const double duration = view->document().durationSec();
    const double earliest = view->document().earliestSec();
    CHECK(earliest > 0.0);
    CHECK(duration - earliest <= 2.0 + 1e-9);
    CHECK(duration - earliest >= 2.0 - 2 * 0.25 - 1e-9);   // 2 s minus the margin record and one in flight
    // Home goes to the oldest second kept, not to the run's start
    QTest::keyClick(&view->traceArea(), Qt::Key_Home);
    CHECK(view->startSec() == Approx(earliest).margin(1e-3));
    REQUIRE(QTest::qWaitFor([&] { return view->pageCurrent(); }, 5000));
    // and its values are what the live display showed for those samples
    const std::int64_t from = index->firstSampleIndex + static_cast<std::int64_t>(std::llround(view->startSec() * kRateHz));
    const auto live = liveSamples(display, 1, from, 1000);
    for (std::size_t i = 0; i < live.size(); i += 13) {
        const auto v = view->page().valueAt(1, view->startSec() + static_cast<double>(i) / kRateHz);
        REQUIRE(v);
        CHECK(*v == Approx(live[i]).margin(0.01 + 1e-6 * std::fabs(live[i])));
    }
    w.grab().save(screenshotPath("live-scrollback-ring.png"));
    QTest::mouseClick(freeze, Qt::LeftButton);
    CHECK_FALSE(w.liveTab().scrolledBack());
    CHECK(session.stats().framesDroppedRingFull == 0);
    CHECK(session.stats().gaps == 0);
}

TEST_CASE("a recording started while scrolled back on the ring: the pane moves to the recording", "[ui][live][review]") {
    emg::test::qtApp();
    QTemporaryDir dir;
    MainWindow w(simulatorOptions(dir.path()));
    w.resize(1400, 900);
    w.show();
    auto& session = w.session();
    emg::review::ScrollbackRingOptions ring;
    ring.seconds = 2.0;
    session.setScrollbackRing(ring);
    REQUIRE(w.startAcquisition());
    const auto ringSource = session.liveSource();
    REQUIRE(ringSource);
    REQUIRE(QTest::qWaitFor([&] { return ringSource->index->completeRecords.load() > 0; }, 15000));
    REQUIRE(w.liveTab().scrollBack());
    REQUIRE(w.liveTab().view()->document().path() == ringSource->path);

    const auto file = std::filesystem::path(dir.path().toStdString()) / "started-while-back.bdf";
    REQUIRE(session.startRecording(file));
    // the ring stops growing while recording; the pane follows the recording once it holds a record
    REQUIRE(QTest::qWaitFor([&] { auto* v = w.liveTab().view(); return v && v->document().path() == file; }, 15000));
    auto* view = w.liveTab().view();
    CHECK(view->document().durationSec() > 0.0);
    CHECK(view->document().durationSec() <= 15.0);   // the new file, not the ring's run
    // and it keeps growing with the recording
    const double first = view->document().durationSec();
    REQUIRE(QTest::qWaitFor([&] { return w.liveTab().view()->document().durationSec() >= first + 0.5; }, 15000));
    session.stopRecording();
    CHECK(w.liveTab().scrolledBack());   // a finished recording stays readable in the pane
    CHECK(session.stats().framesDroppedRingFull == 0);
    CHECK(session.stats().gaps == 0);
}

TEST_CASE("scroll back while recording: the overview shows the growing file's envelope up to now and its stimulus marks",
          "[ui][live][review][overview]") {
    emg::test::qtApp();
    QTemporaryDir dir;
    MainWindow w(simulatorOptions(dir.path()));
    w.resize(1400, 900);
    w.show();
    auto& session = w.session();
    REQUIRE(session.running());
    const auto file = std::filesystem::path(dir.path().toStdString()) / "growing.bdf";
    REQUIRE(session.startRecording(file));
    const auto index = session.liveSource()->index;
    const auto& display = session.displayBuffer();
    REQUIRE(QTest::qWaitFor([&] { return index->firstSampleIndex >= 0 && display.endSampleIndex() - index->firstSampleIndex > kRateHz; }, 15000));
    // two shocks a second apart: each is a "Stim" annotation in the record that holds it
    emg::StimulusCommand shock;
    shock.intensityMa = 20.0;
    shock.pulseWidthMs = 0.2;
    REQUIRE_FALSE(session.stimulate(shock).has_value());
    QTest::qWait(1000);   // real time between the shocks (the simulator paces itself)
    REQUIRE_FALSE(session.stimulate(shock).has_value());
    REQUIRE(QTest::qWaitFor([&] { return display.endSampleIndex() - index->firstSampleIndex > 4 * kRateHz; }, 15000));

    QTest::keyClick(&w.traceView(), Qt::Key_F);
    auto& tab = w.liveTab();
    REQUIRE(tab.scrolledBack());
    auto* view = tab.view();
    REQUIRE(view != nullptr);
    const auto* growing = view->document().growingOverview();
    REQUIRE(growing != nullptr);
    QTest::keyClick(&view->traceArea(), Qt::Key_Home);   // scrolled back to the start: the overview shows where "now" is
    // the overview reads the complete records on its worker: up to (nearly) now, i.e. within two
    // records of what the recorder's index says is complete
    REQUIRE(QTest::qWaitFor([&] {
        return growing->recordsRead() >= 4 && growing->recordsRead() + 2 >= index->completeRecords.load() &&
               view->overview().hasEnvelope();
    }, 15000));
    // both stimuli are marks of the overview (the file's annotations, read from its records)
    REQUIRE(QTest::qWaitFor([&] {
        return std::count_if(view->document().annotations().begin(), view->document().annotations().end(),
                             [](const auto& a) { return emg::ui::isStimulusAnnotation(a.text); }) >= 2;
    }, 10000));
    // the envelope covers the recording so far: drawn in (nearly) every column up to now
    const double duration = view->document().durationSec();
    const auto env = growing->envelope(0, 0.0, duration, 200);
    const auto filled = std::count_if(env.columns.begin(), env.columns.end(), [](const auto& c) { return !c.empty; });
    CHECK(filled >= 195);
    // the strip's picture: envelope pixels from its left side to its right side
    QTest::qWait(100);
    const QImage strip = view->overview().grab().toImage();
    strip.save(screenshotPath("live-scrollback-overview-strip.png"));
    // the envelope's green (60, 150, 90), also under the page's translucent white box
    auto green = [](const QColor& c) { return c.green() > c.red() + 40 && c.green() > c.blue() + 20; };
    int left = strip.width(), right = -1;
    for (int x = 0; x < strip.width(); ++x)
        for (int y = 0; y < strip.height(); ++y)
            if (green(strip.pixelColor(x, y))) {
                left = std::min(left, x);
                right = std::max(right, x);
            }
    INFO("envelope from x " << left << " to " << right << " of " << strip.width());
    CHECK(left <= 8);
    CHECK(right >= strip.width() - 12);

    // it grows: a second later the overview reads further
    const auto readThen = growing->recordsRead();
    REQUIRE(QTest::qWaitFor([&] { return growing->recordsRead() >= readThen + 1 && view->document().durationSec() > duration; }, 15000));
    w.grab().save(screenshotPath("live-scrollback-overview.png"));
    const auto stats = session.stats();
    CHECK(stats.framesDroppedRingFull == 0);
    CHECK(stats.gaps == 0);
    QTest::keyClick(&view->traceArea(), Qt::Key_L);
    session.stopRecording();
}
