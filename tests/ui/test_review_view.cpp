// The review view (issue 13) under QT_QPA_PLATFORM=offscreen: a 10-minute 4-channel EDF+ with
// annotations opens in the window's review tab (not replayed), pages with the keys, jumps to the
// next annotation and stimulus, reads Δt and ΔV between two cursors against the known signal,
// keeps a reviewer annotation in the injected source without touching the raw file, re-filters
// without reading the file again, and shows a bipolar row equal to A − B.
// first: its SparseSpec has a member named like Qt's `signals` keyword
#include "sparse_edf.h"

#include "pulse_window_options.h"
#include "ui_test_support.h"

#include "keymap.h"
#include "main_window.h"
#include "store_connection.h"
#include "review/overview_strip.h"
#include "review/review_keys.h"
#include "review/review_trace_area.h"
#include "review/review_view.h"
#include "acquisition_session.h"
#include "panel_registry.h"
#include "status_monitor.h"

#include <emg/io/recording_io.h>
#include <emg/review/paged_edf_reader.h>
#include <emg/review/reviewer_annotations.h>
#include <emg/study/session_store.h>

#include <catch2/catch.hpp>

#include <QComboBox>
#include <QLabel>
#include <QCryptographicHash>
#include <QFile>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>

#include <cmath>
#include <numbers>

using emg::ui::MainWindow;
using emg::ui::ReviewView;

namespace {

constexpr double kRateHz = 2000.0;
constexpr double kDurationSec = 600.0;
constexpr int kChannels = 4;

/// Channel c at time t (µV): a 7 Hz sine of 300 µV, a DC offset of 500 µV on channel 1 (what a
/// high-pass removes), and on channel 2 the sine of channel 0 plus a 40 Hz component of 80 µV.
double signalUv(int c, double t) {
    const double base = 300.0 * std::sin(2 * std::numbers::pi * 7.0 * t);
    switch (c) {
    case 0: return base;
    case 1: return 500.0 + 120.0 * std::sin(2 * std::numbers::pi * 3.0 * t);
    case 2: return base + 80.0 * std::sin(2 * std::numbers::pi * 40.0 * t);
    default: return -200.0 * std::cos(2 * std::numbers::pi * 11.0 * t);
    }
}

const std::vector<emg::Annotation> kAnnotations{
    {47.0, 0.0, "Fasciculation"}, {125.5, 0.0, "Stim wrist"}, {305.25, 0.0, "Stim elbow"}, {431.0, 0.0, "Electrode moved"}};

QString writeLongRecording(const QString& dir) {
    emg::Recording rec;
    rec.patientId = "X";
    const char* labels[] = {"APB", "ADM", "FDI", "EDC"};
    for (int c = 0; c < kChannels; ++c) {
        emg::RecordedChannel ch;
        ch.label = labels[c];
        ch.sampleRateHz = kRateHz;
        ch.samples.resize(static_cast<std::size_t>(kDurationSec * kRateHz));
        for (std::size_t i = 0; i < ch.samples.size(); ++i) ch.samples[i] = signalUv(c, static_cast<double>(i) / kRateHz);
        rec.channels.push_back(std::move(ch));
    }
    rec.annotations = kAnnotations;
    const QString path = dir + "/long-session.edf";
    emg::io::writeRecording(rec, path.toStdString(), emg::io::FileFormat::EdfPlus);
    return path;
}

QByteArray sha256Of(const QString& path) {
    QFile f(path);
    REQUIRE(f.open(QIODevice::ReadOnly));
    QCryptographicHash h(QCryptographicHash::Sha256);
    REQUIRE(h.addData(&f));
    return h.result().toHex();
}

QString screenshotPath(const char* name) { return QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/") + name; }

struct Fixture {
    QTemporaryDir dir;
    QTemporaryDir cache;
    QString path;
    emg::review::InMemoryReviewerAnnotations source;
    std::unique_ptr<MainWindow> window;
    ReviewView* view = nullptr;

    Fixture() {
        emg::test::qtApp();
        path = writeLongRecording(dir.path());
        auto options = emg::test::pulseWindowOptions(1, 20000.0);
        options.reviewerAnnotations = &source;
        options.summaryCacheDir = cache.path();
        window = std::make_unique<MainWindow>(options);
        window->resize(1400, 900);
        window->show();
        REQUIRE(window->openRecording(path));
        view = window->reviewView();
        REQUIRE(view != nullptr);
        REQUIRE(QTest::qWaitFor([&] { return view->traceArea().firstPaintMs().has_value(); }, 5000));
    }
};

}  // namespace

TEST_CASE("review keys: no key is bound twice in one context, and a user's rebinding that clashes is reported", "[ui][review][keymap]") {
    emg::test::qtApp();
    auto& keymap = emg::ui::Keymap::instance();
    emg::ui::declareReviewKeys(keymap);
    CHECK(keymap.actions(emg::ui::kReviewKeyContext).size() >= 14);
    INFO(keymap.conflicts().join("; ").toStdString());
    CHECK(keymap.conflicts().isEmpty());
    // the defaults the issue names
    using namespace emg::ui::review_keys;
    CHECK(keymap.actionFor("review", QKeySequence(Qt::Key_PageDown)) == kPageNext);
    CHECK(keymap.actionFor("review", QKeySequence(Qt::Key_Right)) == kPageNext);
    CHECK(keymap.actionFor("review", QKeySequence(Qt::Key_PageUp)) == kPagePrevious);
    CHECK(keymap.actionFor("review", QKeySequence(Qt::Key_Left)) == kPagePrevious);
    // a user binding N (next annotation) to "next stimulus" as well is a clash in "review"
    keymap.setKeys(kStimulusNext, {QKeySequence(Qt::Key_N)});
    const QStringList clash = keymap.conflicts();
    keymap.resetKeys(kStimulusNext);
    REQUIRE(clash.size() == 1);
    CHECK(clash.front().contains(kAnnotationNext));
    CHECK(clash.front().contains(kStimulusNext));
    CHECK(keymap.conflicts().isEmpty());
    CHECK(keymap.keys(kStimulusNext) == QList<QKeySequence>{QKeySequence(Qt::Key_S)});
    // the same key in another context is no clash
    keymap.declare({"test.other", "bedside-test", {QKeySequence(Qt::Key_N)}, "other context"});
    CHECK(keymap.conflicts().isEmpty());
    // the keymap is the application's, shared by every test case in this process: the test action
    // keeps no key (a later case binding N in the window context would otherwise clash with it)
    keymap.declare({"test.other", "bedside-test", {}, "other context"});
}

TEST_CASE("review view: an EDF+ opens for review, not replayed, and pages with PgDn/PgUp and the arrows", "[ui][review]") {
    Fixture f;
    ReviewView& v = *f.view;
    auto& w = *f.window;
    CHECK(w.tabs().currentWidget() == &v);
    CHECK(w.session().deviceName() == "pulse test amplifier");   // nothing replayed: the amplifier goes on
    CHECK(v.document().durationSec() == Approx(kDurationSec).margin(1e-6));
    REQUIRE(v.rows().size() == 4u);
    CHECK(v.windowSec() == Approx(10.0));   // 1 s/div, 10 divisions
    CHECK(v.startSec() == 0.0);
    auto& area = v.traceArea();
    const auto& plot = area.layout().plot;
    auto visibleRange = [&] { return std::pair{area.timeAtX(plot.left()), area.timeAtX(plot.left() + std::floor(plot.width()))}; };
    CHECK(visibleRange().first == Approx(0.0).margin(1e-9));
    CHECK(visibleRange().second == Approx(10.0).margin(1e-9));
    QTest::keyClick(&area, Qt::Key_PageDown);
    CHECK(v.startSec() == Approx(10.0));
    CHECK(visibleRange().first == Approx(10.0).margin(1e-9));
    CHECK(visibleRange().second == Approx(20.0).margin(1e-9));
    QTest::keyClick(&area, Qt::Key_Right);
    CHECK(v.startSec() == Approx(20.0));
    QTest::keyClick(&area, Qt::Key_PageUp);
    CHECK(v.startSec() == Approx(10.0));
    QTest::keyClick(&area, Qt::Key_Left);
    QTest::keyClick(&area, Qt::Key_Left);   // clamped at the start
    CHECK(v.startSec() == 0.0);
    QTest::keyClick(&area, Qt::Key_End);     // the last page ends with the recording
    CHECK(v.startSec() + v.windowSec() == Approx(kDurationSec));
    REQUIRE(v.goToTime("4:10"));
    CHECK(v.startSec() == Approx(250.0));
    REQUIRE(v.goToTime("0:07:30.5"));
    CHECK(v.startSec() == Approx(450.5));
    CHECK_FALSE(v.goToTime("soon"));
    CHECK(v.startSec() == Approx(450.5));
    // the traces are drawn in every band (at 200 µV/div the 300 µV sines stay in their bands, ADM's
    // 500 µV offset needs 500 µV/div)
    for (std::size_t r = 0; r < 4; ++r) v.setRowSensitivity(r, r == 1 ? 500.0 : 200.0);
    const QImage img = area.grab().toImage();
    for (std::size_t r = 0; r < 4; ++r)
        CHECK(emg::test::columnsWith(img, area.layout().bands[r], area.style().trace) > 0.9 * std::floor(plot.width()));
    // the overview fills in once the background summary is ready
    REQUIRE(QTest::qWaitFor([&] { return v.document().readySummary() != nullptr; }, 20000));
    REQUIRE(QTest::qWaitFor([&] { return v.overview().hasEnvelope(); }, 5000));
    w.grab().save(screenshotPath("review-window.png"));
}

TEST_CASE("review view: N and S jump to the next annotation and stimulus, shown a tenth into the page", "[ui][review]") {
    Fixture f;
    ReviewView& v = *f.view;
    auto& area = v.traceArea();
    REQUIRE(QTest::qWaitFor([&] { return v.document().annotationsComplete(); }, 20000));
    REQUIRE(v.document().annotations().size() == kAnnotations.size());
    QTest::keyClick(&area, Qt::Key_N);
    CHECK(v.startSec() == Approx(47.0 - 1.0));
    CHECK(area.xAtTime(47.0) == Approx(area.layout().plot.left() + std::floor(area.layout().plot.width()) / 10).margin(0.5));
    QTest::keyClick(&area, Qt::Key_N);   // the stimuli are skipped by N
    CHECK(v.startSec() == Approx(431.0 - 1.0));
    QTest::keyClick(&area, Qt::Key_N, Qt::ShiftModifier);
    CHECK(v.startSec() == Approx(46.0));
    QTest::keyClick(&area, Qt::Key_S);
    CHECK(v.startSec() == Approx(125.5 - 1.0));
    v.grab().save(screenshotPath("review-stimulus.png"));
    QTest::keyClick(&area, Qt::Key_S);
    CHECK(v.startSec() == Approx(305.25 - 1.0));
    QTest::keyClick(&area, Qt::Key_S);   // no further stimulus: the page stays
    CHECK(v.startSec() == Approx(305.25 - 1.0));
    QTest::keyClick(&area, Qt::Key_S, Qt::ShiftModifier);
    CHECK(v.startSec() == Approx(124.5));
}

TEST_CASE("review view: two cursors placed with the mouse give Δt and ΔV of the known signal", "[ui][review]") {
    Fixture f;
    ReviewView& v = *f.view;
    v.setMsPerDiv(20.0);   // 200 ms page
    v.setStart(100.0);
    auto& area = v.traceArea();
    const auto& layout = area.layout();
    const double secPerPx = v.windowSec() / std::floor(layout.plot.width());
    // cursor 1 near 100.030 s, cursor 2 near 100.095 s on row 0 (APB)
    const int x1 = static_cast<int>(std::round(area.xAtTime(100.030)));
    const int x2 = static_cast<int>(std::round(area.xAtTime(100.095)));
    const int y = static_cast<int>(layout.bands[0].center().y());
    QTest::mouseClick(&area, Qt::LeftButton, {}, QPoint(x1, y));
    QTest::mouseClick(&area, Qt::RightButton, {}, QPoint(x2, y));
    const auto r = area.readout();
    REQUIRE(r.has_value());
    CHECK(r->row == 0u);
    CHECK(r->deltaMs == Approx((x2 - x1) * secPerPx * 1000.0).margin(1e-6));
    CHECK(r->deltaMs == Approx(65.0).margin(secPerPx * 1000.0));   // within one pixel of where we clicked
    // ΔV: the recorded values at the samples nearest the cursors (EDF quantization: well under 0.5 µV)
    const double t1 = std::round(r->t1Sec * kRateHz) / kRateHz, t2 = std::round(r->t2Sec * kRateHz) / kRateHz;
    REQUIRE(r->deltaUv.has_value());
    CHECK(*r->deltaUv == Approx(signalUv(0, t2) - signalUv(0, t1)).margin(0.5));
    // on row 3 (EDC) the same cursors read EDC's values
    const int y3 = static_cast<int>(layout.bands[3].center().y());
    QTest::mouseClick(&area, Qt::RightButton, {}, QPoint(x2, y3));
    const auto r3 = area.readout();
    REQUIRE(r3.has_value());
    CHECK(r3->row == 3u);
    REQUIRE(r3->deltaUv.has_value());
    CHECK(*r3->deltaUv == Approx(signalUv(3, t2) - signalUv(3, t1)).margin(0.5));
    const QImage img = area.grab().toImage();
    CHECK(emg::test::countPixels(img, QRectF(x1, layout.plot.top(), 1, layout.plot.height()), area.cursorColor()) > 0.5 * layout.plot.height());
    v.grab().save(screenshotPath("review-cursors.png"));
    QTest::keyClick(&area, Qt::Key_Escape);
    CHECK_FALSE(area.readout().has_value());
}

TEST_CASE("review view: a reviewer annotation goes to the source with the file's SHA-256, the raw file is unchanged", "[ui][review]") {
    Fixture f;
    ReviewView& v = *f.view;
    const QByteArray before = sha256Of(f.path);
    REQUIRE(QTest::qWaitFor([&] { return !v.document().sha256().isEmpty(); }, 20000));
    CHECK(v.document().sha256().toLatin1() == before);
    const auto stored = v.addReviewerAnnotation(200.0, "Myokymic discharge?");
    CHECK(stored.id > 0);
    const auto held = f.source.annotations(before.toStdString());
    REQUIRE(held.size() == 1u);
    CHECK(held[0].text == "Myokymic discharge?");
    CHECK(held[0].onsetSec == 200.0);
    CHECK_FALSE(held[0].author.empty());
    CHECK_FALSE(held[0].createdUtc.empty());
    CHECK(v.reviewerAnnotations().size() == 1u);
    CHECK(sha256Of(f.path) == before);   // the raw file is never written
    CHECK_THROWS_AS(v.addReviewerAnnotation(201.0, "  "), std::invalid_argument);
    // N reaches the reviewer's annotation like the file's own
    REQUIRE(QTest::qWaitFor([&] { return v.document().annotationsComplete(); }, 20000));
    v.setStart(100.0);
    QTest::keyClick(&v.traceArea(), Qt::Key_N);
    CHECK(v.startSec() == Approx(199.0));
    v.grab().save(screenshotPath("review-annotation.png"));
}

TEST_CASE("review view: with a session store open, the reviewer's annotation is kept in the store by the file's SHA-256 and survives a new window", "[ui][review][store]") {
    emg::test::qtApp();
    QTemporaryDir dir, cache;
    const QString path = writeLongRecording(dir.path());
    const QByteArray sha = sha256Of(path);
    auto options = emg::test::pulseWindowOptions(1, 20000.0);
    options.openStore = true;
    options.storeUrl = "sqlite:" + (dir.path() + "/store.sqlite").toStdString();
    options.summaryCacheDir = cache.path();
    {
        MainWindow w(options);
        w.show();
        REQUIRE(w.storeConnection().isOpen());
        REQUIRE(w.openRecording(path));
        ReviewView& v = *w.reviewView();
        REQUIRE(QTest::qWaitFor([&] { return !v.document().sha256().isEmpty(); }, 20000));
        const auto stored = v.addReviewerAnnotation(125.5, "Fasciculation?");
        CHECK(stored.id > 0);
        const auto inStore = w.storeConnection().store()->reviewerAnnotations(sha.toStdString());
        REQUIRE(inStore.size() == 1u);
        CHECK(inStore[0].annotation.text == "Fasciculation?");
        CHECK(inStore[0].annotation.onsetSec == 125.5);
        CHECK_FALSE(inStore[0].annotation.author.empty());
    }
    CHECK(sha256Of(path) == sha);   // the raw file is never written
    MainWindow again(options);      // a later session on the same store shows it
    again.show();
    REQUIRE(again.openRecording(path));
    ReviewView& v2 = *again.reviewView();
    REQUIRE(QTest::qWaitFor([&] { return v2.reviewerAnnotations().size() == 1u; }, 20000));
    CHECK(v2.reviewerAnnotations()[0].text == "Fasciculation?");
}

TEST_CASE("emgws FILE: the review is painted before the store, the panels and the device, which then follow by themselves", "[ui][review][startup]") {
    emg::test::qtApp();
    QTemporaryDir dir, cache;
    const QString path = writeLongRecording(dir.path());
    auto options = emg::test::pulseWindowOptions(1, 20000.0);
    options.openStore = true;
    options.storeUrl = "sqlite:" + (dir.path() + "/store.sqlite").toStdString();
    options.summaryCacheDir = cache.path();
    options.deferStartup = true;
    std::size_t tabPanels = 0;
    for (const auto& p : emg::ui::PanelRegistry::instance().panels()) tabPanels += p.placement == emg::ui::PanelPlacement::Tab;
    REQUIRE(tabPanels > 0);

    MainWindow w(options);
    QSignalSpy completed(&w, &MainWindow::startupCompleted);
    // the status bar says what is happening, not "No device (stopped)" while the device is still to come
    auto* deviceLabel = w.findChild<QLabel*>("status-device");
    REQUIRE(deviceLabel != nullptr);
    CHECK(deviceLabel->text() == "Starting…");
    CHECK_FALSE(w.startupComplete());
    CHECK_FALSE(w.storeConnection().isOpen());
    CHECK(w.session().device() == nullptr);
    CHECK(w.tabs().count() == 1);   // the live traces only
    w.resize(1400, 900);
    w.show();
    REQUIRE(w.openRecording(path));
    CHECK(deviceLabel->text() == "Opening long-session.edf…");
    ReviewView& v = *w.reviewView();
    // what existed when the page first reached the screen
    int tabsAtPaint = -1;
    bool storeAtPaint = true, deviceAtPaint = true;
    QString statusAtPaint;
    QObject::connect(&v.traceArea(), &emg::ui::ReviewTraceArea::firstPainted, &w, [&] {
        tabsAtPaint = w.tabs().count();
        storeAtPaint = w.storeConnection().isOpen();
        deviceAtPaint = w.session().device() != nullptr;
        statusAtPaint = deviceLabel->text();
    });
    REQUIRE(QTest::qWaitFor([&] { return v.traceArea().firstPaintMs().has_value(); }, 20000));
    CHECK(tabsAtPaint == 2);   // live traces + the review
    CHECK_FALSE(storeAtPaint);
    CHECK_FALSE(deviceAtPaint);
    CHECK(statusAtPaint == "Starting: store, panels and device…");   // what follows the first paint

    REQUIRE(QTest::qWaitFor([&] { return w.startupComplete(); }, 30000));
    CHECK(completed.count() == 1);
    CHECK(w.storeConnection().isOpen());
    CHECK(w.tabs().count() == static_cast<int>(2 + tabPanels));
    CHECK(w.tabs().currentWidget() == &v);   // the panels coming later do not take the review's place
    REQUIRE(QTest::qWaitFor([&] { return w.session().running(); }, 10000));
    w.findChild<emg::ui::StatusMonitor*>()->refresh();
    CHECK(deviceLabel->text().startsWith("pulse test amplifier"));   // the device's own state from now on
    CHECK_FALSE(deviceLabel->text().contains("Starting"));
    // the reviewer's annotation goes into the store opened after the paint
    REQUIRE(QTest::qWaitFor([&] { return !v.document().sha256().isEmpty(); }, 20000));
    v.addReviewerAnnotation(47.0, "Fasciculation, confirmed");
    CHECK(w.storeConnection().store()->reviewerAnnotations(v.document().sha256().toStdString()).size() == 1u);
    w.finishStartup();   // nothing left: no second signal
    CHECK(completed.count() == 1);

    // without a file nothing waits
    auto plain = emg::test::pulseWindowOptions(1, 20000.0);
    MainWindow started(plain);
    CHECK(started.startupComplete());
    CHECK(started.tabs().count() == static_cast<int>(1 + tabPanels));
    CHECK(started.session().running());
}

TEST_CASE("review view with a quick first frame never painted (its tab hidden at once) still gets its checksum and overview", "[ui][review][startup]") {
    emg::test::qtApp();
    QTemporaryDir dir, cache;
    const QString path = writeLongRecording(dir.path());
    const QByteArray sha = sha256Of(path);
    emg::ui::ReviewViewOptions opts;
    opts.document.summaryCacheDir = cache.path().toStdString();
    opts.quickFirstFrame = true;
    ReviewView v(path.toStdString(), opts);   // never shown
    CHECK(v.document().summaryStatus() == "overview after the first page");
    CHECK(v.document().sha256().isEmpty());
    // the jobs wait for a first paint that never comes, then start by themselves (3 s)
    REQUIRE(QTest::qWaitFor([&] { return !v.document().sha256().isEmpty(); }, 30000));
    CHECK(v.document().sha256().toLatin1() == sha);
    CHECK_FALSE(v.traceArea().firstPaintMs().has_value());
    CHECK(v.document().reader().recordReads() == 0);   // the page itself still waits for a paint
}

TEST_CASE("review view, emgws FILE: the first frame is min/max per pixel column from the raw samples, then the filtered page replaces it", "[ui][review][startup]") {
    emg::test::qtApp();
    QTemporaryDir dir, cache;
    const QString path = writeLongRecording(dir.path());
    emg::ui::ReviewViewOptions opts;
    opts.document.summaryCacheDir = cache.path().toStdString();
    opts.quickFirstFrame = true;
    opts.filter.highPassHz = 20.0;   // removes ADM's 500 µV offset: the quick frame keeps it, the final page not
    ReviewView v(path.toStdString(), opts);
    v.resize(1400, 800);
    CHECK(v.document().reader().recordReads() == 0);   // nothing read before the first paint
    CHECK(v.traceArea().scene().page == nullptr);
    CHECK(v.document().summaryStatus() == "overview after the first page");   // no thread shares the cores with the first read
    // the frame on screen at the first paint
    std::vector<emg::ui::RowTrace> quickRows;
    bool quickAtPaint = false, envelopeAtPaint = false;
    QObject::connect(&v.traceArea(), &emg::ui::ReviewTraceArea::firstPainted, &v, [&] {
        quickAtPaint = v.quickFrameShown();
        const auto* shown = v.traceArea().scene().page;
        REQUIRE(shown != nullptr);
        envelopeAtPaint = shown->envelopeMode();
        quickRows = shown->rows();
    });
    v.show();
    REQUIRE(QTest::qWaitFor([&] { return v.traceArea().firstPaintMs().has_value(); }, 20000));
    CHECK(quickAtPaint);
    CHECK(envelopeAtPaint);
    REQUIRE(quickRows.size() == static_cast<std::size_t>(kChannels));
    const std::size_t columns = quickRows[0].columns.size();
    CHECK(static_cast<int>(columns) == v.traceArea().plotColumns());   // at the width painted
    REQUIRE(columns > 500);
    // per column: the min/max of the raw samples whose times fall in it, within one quantisation step
    emg::review::PagedEdfReader reader(path.toStdString());
    for (std::size_t c = 0; c < static_cast<std::size_t>(kChannels); ++c) {
        const auto& ch = reader.channels()[c];
        const double step = std::abs(ch.gain);
        const double width = 10.0 / static_cast<double>(columns);
        std::size_t compared = 0;
        for (std::size_t j = 0; j < columns; ++j) {
            const auto a = reader.storedSampleAt(c, static_cast<double>(j) * width);
            const auto b = reader.storedSampleAt(c, static_cast<double>(j + 1) * width);
            if (b <= a) continue;
            const auto values = reader.readSamples(c, a, static_cast<std::size_t>(b - a));
            const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
            REQUIRE(std::abs(quickRows[c].columns[j].minUv - *lo) <= step);
            REQUIRE(std::abs(quickRows[c].columns[j].maxUv - *hi) <= step);
            ++compared;
        }
        CHECK(compared == columns);   // 2 kHz: at least one sample in every column
    }
    // ADM unfiltered in the quick frame: 500 ± 120 µV
    float admLow = 1e9f, admHigh = -1e9f;
    for (const auto& m : quickRows[1].columns) admLow = std::min(admLow, m.minUv), admHigh = std::max(admHigh, m.maxUv);
    CHECK(admLow == Approx(380.0).margin(2.0));
    CHECK(admHigh == Approx(620.0).margin(2.0));

    // replaced by the page read as values with the filter, without anything asked
    REQUIRE(QTest::qWaitFor([&] { return !v.quickFrameShown(); }, 5000));
    const emg::ui::ReviewPage* shown = v.traceArea().scene().page;
    REQUIRE(shown != nullptr);
    CHECK_FALSE(shown->envelopeMode());
    // equal to the page of a view opened without a quick frame, with the same filter
    emg::ui::ReviewViewOptions plainOpts;
    plainOpts.document.startBackgroundJobs = false;
    plainOpts.filter = opts.filter;
    ReviewView reference(path.toStdString(), plainOpts);
    const auto& want = reference.page().rows();
    REQUIRE(shown->rows().size() == want.size());
    for (std::size_t r = 0; r < want.size(); ++r) {
        REQUIRE(shown->rows()[r].values.size() == want[r].values.size());
        REQUIRE(shown->rows()[r].values.size() == static_cast<std::size_t>(10.0 * kRateHz));
        for (std::size_t i = 0; i < want[r].values.size(); ++i) REQUIRE(shown->rows()[r].values[i] == want[r].values[i]);
    }
    double mean = 0;
    for (float x : shown->rows()[1].values) mean += x;
    mean /= static_cast<double>(shown->rows()[1].values.size());
    CHECK(std::abs(mean) < 20.0);   // the high-pass took the 500 µV offset away
    // the checksum and summary run after it
    REQUIRE(QTest::qWaitFor([&] { return !v.document().sha256().isEmpty(); }, 20000));
    v.grab().save(screenshotPath("review-after-quick-frame.png"));
}

TEST_CASE("review view, emgws FILE: a 32-channel 48 kHz page is read once for the first paint and once per paint after resizes, not once per resize", "[ui][review][startup]") {
    emg::test::qtApp();
    QTemporaryDir dir, cache;
    // header and TALs real, samples a hole: 20 s of 32 x 48 kHz BDF+ (bdf, signals, samples per
    // record, annotation samples, records: `signals` is a Qt keyword here)
    const emg::test::SparseSpec spec{true, 32, 48000, 64, 20};
    const std::filesystem::path file = (dir.path() + "/32ch-48k.bdf").toStdString();
    REQUIRE(emg::test::writeSparseRecording(file, spec));
    emg::ui::ReviewViewOptions opts;
    opts.document.summaryCacheDir = cache.path().toStdString();
    opts.quickFirstFrame = true;
    ReviewView v(file, opts);
    v.resize(1400, 800);
    v.show();
    REQUIRE(QTest::qWaitFor([&] { return v.traceArea().firstPaintMs().has_value(); }, 20000));
    const emg::ui::ReviewPage* shown = v.traceArea().scene().page;
    REQUIRE(shown != nullptr);
    CHECK(shown->envelopeMode());   // 10 s x 32 x 48 kHz: more than a page of values
    CHECK_FALSE(v.quickFrameShown());   // the envelope is the page itself: nothing to replace
    CHECK(shown->fileReads() == 1);
    REQUIRE(shown->rows().size() == 32u);
    CHECK(static_cast<int>(shown->rows()[0].columns.size()) == v.traceArea().plotColumns());
    // two resizes of the shown view, then its paint: one read at the last width
    v.resize(1000, 600);
    v.resize(1100, 650);
    CHECK(shown->fileReads() == 1);
    v.traceArea().repaint();
    CHECK(shown->fileReads() == 2);
    CHECK(static_cast<int>(shown->rows()[0].columns.size()) == v.traceArea().plotColumns());
    // the samples are a hole: 0 digital, the physical value of 0 on every column
    const auto& ch = v.document().reader().channels()[5];
    CHECK(shown->rows()[5].columns[100].minUv == Approx(ch.physical(0)));
    CHECK(shown->rows()[5].columns[100].maxUv == Approx(ch.physical(0)));
}

namespace {
/// Counts the resize events a widget receives.
struct ResizeCounter : QObject {
    int resizes = 0;
    bool eventFilter(QObject*, QEvent* event) override {
        if (event->type() == QEvent::Resize) ++resizes;
        return false;
    }
};
}  // namespace

TEST_CASE("review view, File > Open: nothing read before the first paint, a quick frame at the painted width, the filtered page after it, and a page read once per paint after resizes", "[ui][review][startup]") {
    emg::test::qtApp();
    QTemporaryDir dir, cache;
    const QString path = writeLongRecording(dir.path());
    emg::review::InMemoryReviewerAnnotations source;
    auto options = emg::test::pulseWindowOptions(1, 20000.0);
    options.reviewerAnnotations = &source;
    options.summaryCacheDir = cache.path();
    MainWindow w(options);   // started: store, panels and device before any file
    REQUIRE(w.startupComplete());
    w.resize(1400, 900);
    w.show();
    REQUIRE(QTest::qWaitForWindowExposed(&w));

    // 4 channels x 2 kHz: a 10 s page read as values; the reviewer's high-pass set before it is painted
    REQUIRE(w.openRecording(path));   // what File > Open calls with the chosen file
    ReviewView* v = w.reviewView();
    REQUIRE(v != nullptr);
    CHECK(v->document().reader().recordReads() == 0);   // nothing read before the first paint
    CHECK(v->traceArea().scene().page == nullptr);
    CHECK(v->document().summaryStatus() == "overview after the first page");
    emg::ui::DisplayFilter highPass;
    highPass.highPassHz = 20.0;   // removes ADM's 500 µV offset: the quick frame keeps it, the page read as values not
    v->setDisplayFilter(highPass);
    CHECK(v->document().reader().recordReads() == 0);
    std::vector<emg::ui::RowTrace> quickRows;
    bool quickAtPaint = false;
    std::uint64_t readsAtPaint = 0;
    int columnsAtPaint = 0;
    QObject::connect(&v->traceArea(), &emg::ui::ReviewTraceArea::firstPainted, v, [&] {
        quickAtPaint = v->quickFrameShown();
        const auto* shown = v->traceArea().scene().page;
        REQUIRE(shown != nullptr);
        readsAtPaint = shown->fileReads();
        quickRows = shown->rows();
        columnsAtPaint = v->traceArea().plotColumns();
    });
    REQUIRE(QTest::qWaitFor([&] { return v->traceArea().firstPaintMs().has_value(); }, 20000));
    CHECK(quickAtPaint);
    CHECK(readsAtPaint == 1);   // one read for the first paint
    REQUIRE(quickRows.size() == static_cast<std::size_t>(kChannels));
    const std::size_t columns = quickRows[0].columns.size();
    CHECK(static_cast<int>(columns) == columnsAtPaint);   // at the width painted
    REQUIRE(columns > 500);
    emg::review::PagedEdfReader reader(path.toStdString());
    for (std::size_t c = 0; c < static_cast<std::size_t>(kChannels); ++c) {
        const double step = std::abs(reader.channels()[c].gain);   // one quantisation step (µV)
        const double width = 10.0 / static_cast<double>(columns);
        for (std::size_t j = 0; j < columns; ++j) {
            const auto a = reader.storedSampleAt(c, static_cast<double>(j) * width);
            const auto b = reader.storedSampleAt(c, static_cast<double>(j + 1) * width);
            REQUIRE(b > a);   // 2 kHz: samples in every column
            const auto values = reader.readSamples(c, a, static_cast<std::size_t>(b - a));
            const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
            REQUIRE(std::abs(quickRows[c].columns[j].minUv - *lo) <= step);
            REQUIRE(std::abs(quickRows[c].columns[j].maxUv - *hi) <= step);
        }
    }
    REQUIRE(QTest::qWaitFor([&] { return !v->quickFrameShown(); }, 5000));
    const emg::ui::ReviewPage* shown = v->traceArea().scene().page;
    REQUIRE(shown != nullptr);
    CHECK_FALSE(shown->envelopeMode());
    CHECK(shown->fileReads() == 2);   // the quick frame, then the page read as values
    REQUIRE(shown->rows().size() == static_cast<std::size_t>(kChannels));
    REQUIRE(shown->rows()[1].values.size() == static_cast<std::size_t>(10.0 * kRateHz));
    double mean = 0;
    for (float x : shown->rows()[1].values) mean += x;
    mean /= static_cast<double>(shown->rows()[1].values.size());
    CHECK(std::abs(mean) < 20.0);   // filtered: the 500 µV offset is gone
    REQUIRE(QTest::qWaitFor([&] { return !v->document().sha256().isEmpty(); }, 20000));   // after the paint

    // 32 x 48 kHz (drawn from envelopes): the next file opened replaces the review
    const emg::test::SparseSpec spec{true, 32, 48000, 64, 20};
    const std::filesystem::path file = (dir.path() + "/32ch-48k.bdf").toStdString();
    REQUIRE(emg::test::writeSparseRecording(file, spec));
    REQUIRE(w.openRecording(QString::fromStdString(file.string())));
    v = w.reviewView();
    REQUIRE(v != nullptr);
    CHECK(v->document().reader().recordReads() == 0);
    CHECK(v->document().summaryStatus() == "overview after the first page");
    REQUIRE(QTest::qWaitFor([&] { return v->traceArea().firstPaintMs().has_value(); }, 20000));
    shown = v->traceArea().scene().page;
    REQUIRE(shown != nullptr);
    CHECK(shown->envelopeMode());
    CHECK(shown->fileReads() == 1);   // not once at the constructor's width and again at the laid-out one
    CHECK(static_cast<int>(shown->rows()[0].columns.size()) == v->traceArea().plotColumns());
    // the window resized twice: the trace area resized as often, one read at its next paint
    ResizeCounter counter;
    v->traceArea().installEventFilter(&counter);
    w.resize(1600, 1000);
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);   // the layouts, no paint
    w.resize(1800, 1100);
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    CHECK(counter.resizes >= 2);
    CHECK(shown->fileReads() == 1);
    v->traceArea().repaint();
    CHECK(shown->fileReads() == 2);
    CHECK(static_cast<int>(shown->rows()[0].columns.size()) == v->traceArea().plotColumns());
    v->traceArea().removeEventFilter(&counter);
}

TEST_CASE("review view: annotations kept in memory before a store is handed over move into it", "[ui][review][store]") {
    emg::test::qtApp();
    QTemporaryDir dir, cache;
    const QString path = writeLongRecording(dir.path());
    emg::ui::ReviewViewOptions opts;
    opts.document.summaryCacheDir = cache.path().toStdString();
    ReviewView v(path.toStdString(), opts);
    REQUIRE(QTest::qWaitFor([&] { return !v.document().sha256().isEmpty(); }, 20000));
    v.addReviewerAnnotation(125.5, "Stimulus artefact");
    emg::review::InMemoryReviewerAnnotations store;
    v.setReviewerAnnotationSource(&store);
    const auto kept = store.annotations(v.document().sha256().toStdString());
    REQUIRE(kept.size() == 1u);
    CHECK(kept[0].text == "Stimulus artefact");
    CHECK(kept[0].onsetSec == 125.5);
    REQUIRE(v.reviewerAnnotations().size() == 1u);
    CHECK(v.reviewerAnnotations()[0].id == kept[0].id);
}

TEST_CASE("review view: a display filter applies to the page in memory without reading the file again", "[ui][review]") {
    Fixture f;
    ReviewView& v = *f.view;
    v.setStart(60.0);
    const auto& page = v.page();
    const auto pageReads = page.fileReads();
    const auto recordReads = v.document().reader().recordReads();
    auto meanOfRow = [&](std::size_t row) {
        double s = 0;
        std::size_t n = 0;
        for (float x : page.rows()[row].values)
            if (!std::isnan(x)) s += x, ++n;
        return n ? s / static_cast<double>(n) : 0.0;
    };
    CHECK(meanOfRow(1) == Approx(500.0).margin(5.0));   // ADM: 500 µV DC + a 3 Hz sine over whole periods
    // the 40 Hz component of FDI is there before a 20 Hz low-pass
    auto rmsOfDiff = [&](std::size_t row, int c) {
        double s = 0;
        const auto& vals = page.rows()[row].values;
        for (std::size_t i = 0; i < vals.size(); ++i) {
            const double d = vals[i] - signalUv(c, v.startSec() + static_cast<double>(i) / kRateHz);
            s += d * d;
        }
        return std::sqrt(s / static_cast<double>(vals.size()));
    };
    CHECK(rmsOfDiff(2, 0) == Approx(80.0 / std::sqrt(2.0)).margin(2.0));
    emg::ui::DisplayFilter hp;
    hp.highPassHz = 20.0;
    v.setDisplayFilter(hp);
    CHECK(page.fileReads() == pageReads);
    CHECK(v.document().reader().recordReads() == recordReads);
    CHECK(std::abs(meanOfRow(1)) < 10.0);   // the DC offset is gone
    emg::ui::DisplayFilter lp;
    lp.lowPassHz = 15.0;
    v.setDisplayFilter(lp);
    CHECK(page.fileReads() == pageReads);
    CHECK(v.document().reader().recordReads() == recordReads);
    // a 2nd-order 15 Hz low-pass leaves ~12 % of 40 Hz; the 7 Hz sine passes with some lag
    const auto& fdi = page.rows()[2].values;
    double maxAbs = 0;
    for (float x : fdi) maxAbs = std::max(maxAbs, std::abs(static_cast<double>(x)));
    CHECK(maxAbs < 300.0 + 0.2 * 80.0 + 5.0);
    CHECK(maxAbs > 250.0);
    // the same from the filter boxes: a 50 Hz notch chosen in its box, still no read
    auto* notch = v.findChild<QComboBox*>("review-notch");
    REQUIRE(notch != nullptr);
    CHECK(v.findChild<QComboBox*>("review-low-pass")->currentData().toDouble() == 15.0);   // the box shows it
    notch->setCurrentIndex(notch->findData(50.0));
    emit notch->activated(notch->currentIndex());
    CHECK(v.displayFilter().notchHz == 50.0);
    CHECK(v.displayFilter().lowPassHz == 15.0);
    CHECK(page.fileReads() == pageReads);
    CHECK(v.document().reader().recordReads() == recordReads);
    v.grab().save(screenshotPath("review-filtered.png"));
    // moving to another page does read
    QTest::keyClick(&v.traceArea(), Qt::Key_PageDown);
    CHECK(page.fileReads() == pageReads + 1);
}

TEST_CASE("review view: a bipolar row is A − B sample by sample, channels can be hidden", "[ui][review]") {
    Fixture f;
    ReviewView& v = *f.view;
    v.setMsPerDiv(100.0);
    v.setStart(30.0);
    CHECK_THROWS_AS(v.addBipolar(0, 0), std::invalid_argument);
    v.addBipolar(2, 0);   // FDI − APB: the 40 Hz component alone
    REQUIRE(v.rows().size() == 5u);
    const auto& rows = v.page().rows();
    REQUIRE(rows.size() == 5u);
    const auto& a = rows[2].values;
    const auto& b = rows[0].values;
    const auto& d = rows[4].values;
    REQUIRE(d.size() == a.size());
    REQUIRE(a.size() == static_cast<std::size_t>(kRateHz));
    double worst = 0;
    for (std::size_t i = 0; i < d.size(); ++i) {
        worst = std::max(worst, std::abs(static_cast<double>(d[i]) - (a[i] - b[i])));
        const double t = v.startSec() + static_cast<double>(i) / kRateHz;
        CHECK(d[i] == Approx(80.0 * std::sin(2 * std::numbers::pi * 40.0 * t)).margin(0.5));
        if (i > 40) break;
    }
    CHECK(worst < 1e-3);
    v.setVisibleChannels({0, 2});
    REQUIRE(v.rows().size() == 3u);   // APB, FDI and the bipolar row
    CHECK(v.rows()[2].bipolar());
    v.setRowSensitivity(2, 50.0);
    v.grab().save(screenshotPath("review-bipolar.png"));
    const QImage img = v.traceArea().grab().toImage();
    for (std::size_t r = 0; r < 3; ++r)
        CHECK(emg::test::columnsWith(img, v.traceArea().layout().bands[r], v.traceArea().style().trace) > 100);
}

TEST_CASE("review view: a 10-minute page is drawn from the summary's envelopes, Replay 1x is still there", "[ui][review]") {
    Fixture f;
    ReviewView& v = *f.view;
    REQUIRE(QTest::qWaitFor([&] { return v.document().readySummary() != nullptr; }, 20000));
    v.setMsPerDiv(60000.0);
    CHECK(v.windowSec() == Approx(600.0));
    CHECK(v.page().envelopeMode());
    const QImage img = v.traceArea().grab().toImage();
    const auto& layout = v.traceArea().layout();
    for (std::size_t r = 0; r < 4; ++r)
        CHECK(emg::test::columnsWith(img, layout.bands[r], v.traceArea().style().trace) > 0.9 * std::floor(layout.plot.width()));
    v.grab().save(screenshotPath("review-envelope.png"));
    // Replay at 1x: the old path, the recording becomes the device
    REQUIRE(v.performAction(emg::ui::review_keys::kReplay));
    CHECK(f.window->session().deviceName().contains("long-session.edf"));
    CHECK(f.window->session().running());
}

// Benchmark (hidden; `test_ui "[review-bench]"`): open to first paint of a dense 1-hour 8-channel
// 20 kHz EDF+ (1.15 GB, made here and deleted after) in the window, offscreen.
#pragma push_macro("signals")   // Qt defines signals; the helper names a field so
#undef signals
#include "review_files.h"
#include "sparse_edf.h"

#include <QElapsedTimer>

#include <fcntl.h>
#include <unistd.h>

TEST_CASE("review view benchmark: first paint of a 1 h 8 ch 20 kHz EDF+", "[.][review-bench]") {
    emg::test::qtApp();
    QTemporaryDir dir(QDir::tempPath() + "/review-bench-XXXXXX");
    QTemporaryDir cache;
    const QString path = dir.path() + "/one-hour.edf";
    emg::test::SparseSpec spec;   // 8 x 20 kHz, 1 s records, 3600 of them
    REQUIRE(emg::test::writeSparseRecording(path.toStdString(), spec));
    {   // fill the samples (the annotation signal keeps its TALs)
        const int fd = ::open(path.toLocal8Bit().constData(), O_WRONLY);
        REQUIRE(fd >= 0);
        const std::size_t headerBytes = 256 * static_cast<std::size_t>(spec.signals + 2);
        const std::size_t recordBytes = emg::test::sparseRecordBytes(spec);
        std::vector<std::int16_t> rec(static_cast<std::size_t>(spec.signals * spec.samplesPerRecord));
        for (std::size_t i = 0; i < rec.size(); ++i)
            rec[i] = static_cast<std::int16_t>(3000.0 * std::sin(2 * std::numbers::pi * 50.0 * static_cast<double>(i % 20000) / 20000.0));
        for (std::int64_t r = 0; r < spec.records; ++r)
            REQUIRE(::pwrite(fd, rec.data(), rec.size() * 2, static_cast<off_t>(headerBytes + static_cast<std::size_t>(r) * recordBytes)) ==
                    static_cast<ssize_t>(rec.size() * 2));
        ::fsync(fd);
        ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);   // opened from disk, not from the page cache
        ::close(fd);
    }
    auto options = emg::test::pulseWindowOptions(1, 20000.0);
    options.summaryCacheDir = cache.path();
    options.autoStart = false;
    MainWindow w(options);
    w.resize(1400, 900);
    w.show();
    QTest::qWait(200);
    QElapsedTimer clock;
    clock.start();
    REQUIRE(w.openRecording(path));
    auto* v = w.reviewView();
    REQUIRE(QTest::qWaitFor([&] { return v->traceArea().firstPaintMs().has_value(); }, 20000));
    const double wallMs = static_cast<double>(clock.nsecsElapsed()) / 1e6;
    WARN("first paint " << *v->traceArea().firstPaintMs() << " ms after the view was made, " << wallMs
                        << " ms after openRecording; summary: " << v->document().summaryStatus().toStdString());
    CHECK(v->rows().size() == 8u);
    w.grab().save(screenshotPath("review-one-hour.png"));
}

TEST_CASE("review view: a hole of an EDF+D file stays a hole on the page, placed by the records' onsets", "[ui][review]") {
    emg::test::qtApp();
    QTemporaryDir dir;
    QTemporaryDir cache;
    emg::test::ReviewFileSpec spec;
    spec.discontinuous = true;
    spec.recordOnsetsSec = {0, 1, 2, 5, 6, 7};   // no data from 3 s to 5 s
    spec.signals = {emg::test::ReviewSignal{"EMG APB", "uV", "-3276.8", "3276.7", -32768, 32767, 1000}};
    const QString path = dir.path() + "/holes.edf";
    emg::test::writeReviewFile(path.toStdString(), spec);
    emg::ui::ReviewViewOptions options;
    options.document.summaryCacheDir = cache.path().toStdString();
    ReviewView v(path.toStdString(), options);
    v.resize(1000, 600);
    v.show();
    REQUIRE(QTest::qWaitFor([&] { return v.traceArea().firstPaintMs().has_value(); }, 5000));
    CHECK(v.document().durationSec() == Approx(8.0));
    CHECK(v.windowSec() == Approx(10.0));
    const auto& page = v.page();
    REQUIRE(page.gaps().size() == 1u);
    CHECK(page.gaps()[0].onsetSec == Approx(3.0));
    CHECK(page.gaps()[0].durationSec == Approx(2.0));
    const auto& values = page.rows().at(0).values;
    REQUIRE(values.size() == 10000u);
    CHECK(std::isnan(values[3500]));    // 3.5 s: in the hole
    CHECK(std::isnan(values[4999]));
    // 5.5 s is stored sample 3500 (the 4th record's 500th): the file's value there
    const double expected = emg::test::expectedPhysical(spec.signals[0], emg::test::patternDigital(0, 3500, -32768, 32767));
    REQUIRE_FALSE(std::isnan(values[5500]));
    CHECK(values[5500] == Approx(expected).margin(0.01));
    CHECK_FALSE(v.page().valueAt(0, 4.0).has_value());   // a cursor in the hole reads nothing
    v.grab().save(screenshotPath("review-hole.png"));
}
#pragma pop_macro("signals")
