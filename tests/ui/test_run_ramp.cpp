// The stimulus ramp on the keys and the run's results table (issue 14), offscreen in the whole
// workstation window on the built-in simulator: Ctrl+F5 arms the ramp at the peroneal motor
// study, each F5 press is one step (10, 15, 20, 25 mA ...) until the CMAP stops growing, then one
// stimulus at 1.2 x the plateau, and the ramp is done; every step's sweep is stored with its
// delivered current. Held F5 (auto-repeated key events) steps at most once a second; Esc stops a
// ramp at once and the still-held key gives no stimulus. The results table shows the needle
// muscles (spontaneous activity, MUAP means against the muscle's reference, reading) and the
// side-to-side values once both sides of a nerve are in the study.
#include "ui_test_support.h"

#include "active_study.h"
#include "device_catalog.h"
#include "keymap.h"
#include "main_window.h"
#include "protocol_run_strip.h"
#include "run_acquisition.h"
#include "run_ramp.h"
#include "run_results_table.h"
#include "stimulator_panel.h"
#include "store_connection.h"

#include <emg/study/run_site.h>
#include <emg/study/session_store.h>

#include <QDockWidget>
#include <QRegularExpression>
#include <QScrollBar>
#include <QStyle>
#include <QTemporaryDir>
#include <QTest>

#include <catch2/catch.hpp>

#include <memory>

namespace st = emg::study;
using emg::ui::MainWindow;
using emg::ui::ProtocolRunStrip;

namespace {
QString shot(const char* name) { return QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/ramp_%1.png").arg(QLatin1String(name)); }

/// The workstation on the simulator with a store and an active lumbosacral study (set up in the
/// store directly: the keys under test are the ramp's).
struct RampWindow {
    QTemporaryDir dir;
    std::unique_ptr<MainWindow> w;
    ProtocolRunStrip* strip = nullptr;
    std::string studyId;
    explicit RampWindow(const std::vector<st::Test>& tests = {}) {
        emg::test::qtApp();
        emg::ui::MainWindowOptions o;
        o.devices = {emg::ui::simulatorChoice()};
        o.watchUsb = false;
        o.dataDirectory = dir.path();
        o.storeUrl = "sqlite:" + dir.filePath("store.sqlite").toStdString();
        o.channels = 2;
        w = std::make_unique<MainWindow>(o);
        w->resize(1500, 1000);
        w->show();
        REQUIRE(QTest::qWaitForWindowExposed(w.get()));
        w->activateWindow();
        REQUIRE(QTest::qWaitForWindowActive(w.get()));
        auto* store = w->storeConnection().store();
        REQUIRE(store != nullptr);
        st::Patient p;
        p.id = "RAMP";
        p.birthDate = "1970-01-01";
        p.symptomSide = st::Side::Left;
        store->savePatient(p);
        st::Study s;
        s.patientId = "RAMP";
        s.date = "2026-12-03";
        s.protocolId = "lumbosacral-radiculopathy";
        s.tests = tests;
        studyId = store->saveStudy(s);
        w->activeStudy().set(QString::fromStdString(studyId), "RAMP", "RAMP");
        strip = dynamic_cast<ProtocolRunStrip*>(w->findChild<QWidget*>("panel-protocol-run"));
        REQUIRE(strip != nullptr);
        REQUIRE(strip->run() != nullptr);
    }
    std::size_t sweeps() const {
        auto* s = strip->acquisition().currentSite();
        return s ? s->sweeps().size() : 0;
    }
    /// One key press (F5 by default) and, when it gives a stimulus, its sweep stored.
    bool pressAndWait(Qt::Key key = Qt::Key_F5, Qt::KeyboardModifiers m = Qt::NoModifier) {
        const auto before = sweeps();
        QTest::keyClick(w.get(), key, m);
        return QTest::qWaitFor([&] { return sweeps() > before; }, 3000);
    }
    /// A held key: an auto-repeated press, as the keyboard or a footswitch sends ~25 per second.
    void repeatF5() {
        QTest::simulateEvent(w.get(), true, Qt::Key_F5, Qt::NoModifier, QString(), true);
        QTest::simulateEvent(w.get(), false, Qt::Key_F5, Qt::NoModifier, QString(), true);
    }
};
}  // namespace

TEST_CASE("stimulus ramp on the keys: one step per F5 up to the CMAP plateau, then 1.2 x, held F5 a step a second, Esc stops",
          "[ui][run][ramp][keymap]") {
    RampWindow f;
    auto& ramp = f.strip->ramp();
    auto& panel = f.w->stimulatorPanel();
    REQUIRE(f.strip->run()->currentTest().label() == "motor peroneal left");
    CHECK(emg::ui::Keymap::instance().conflicts().isEmpty());
    CHECK(emg::ui::Keymap::instance().actionFor("window", QKeySequence(Qt::CTRL | Qt::Key_F5)) == "run.ramp");
    CHECK(emg::ui::Keymap::instance().actionFor("ramp", QKeySequence(Qt::Key_Escape)) == "run.ramp-stop");

    QTest::keyClick(f.w.get(), Qt::Key_F5, Qt::ControlModifier);   // arm
    REQUIRE(ramp.armed());
    CHECK(ramp.ramp()->ceilingMa() == Approx(100.0));   // the protocol's 100 mA; the simulator allows as much
    int presses = 0;
    while (ramp.armed()) {
        REQUIRE(++presses <= 12);
        REQUIRE(f.pressAndWait());   // the sweep is stored and its response given to the ramp in the same step
    }
    REQUIRE(f.w->grab().save(shot("1_done")));
    CHECK(ramp.lastState() == st::RampState::Done);
    const auto& d = ramp.lastDelivered();
    REQUIRE(d.size() >= 4);
    // steps of the protocol's 5 mA from its 10 mA start, then the supramaximal one
    for (std::size_t i = 0; i + 1 < d.size(); ++i) CHECK(d[i].intensityMa == Approx(10.0 + 5.0 * static_cast<double>(i)));
    // the simulator's peroneal CMAP is maximal from 24.5 mA at 0.2 ms: the plateau is 25 mA, the last 30 mA
    CHECK(d[d.size() - 2].intensityMa == Approx(30.0));
    CHECK(d.back().supramaximal);
    CHECK(d.back().intensityMa == Approx(1.2 * 25.0));
    CHECK(*d.back().responseUv == Approx(5000.0).epsilon(0.05));   // the maximal CMAP, 5 mV
    CHECK(*d.front().responseUv < 0.5 * *d.back().responseUv);     // 10 mA: well below maximal
    CHECK(panel.intensityMa() == Approx(30.0));                     // left at the supramaximal intensity
    // every step's sweep stored with its delivered current
    const auto stored = f.strip->run()->sweepsAt();
    REQUIRE(stored.size() == d.size());
    for (std::size_t i = 0; i < d.size(); ++i) CHECK(stored[i].stimulusMa == Approx(d[i].intensityMa));

    // the same key still held after the ramp ended: no stimulus
    const auto afterDone = f.sweeps();
    for (int i = 0; i < 10; ++i) {
        f.repeatF5();
        QTest::qWait(40);   // the key's repeat rate, not a wait for a result
    }
    CHECK(f.sweeps() == afterDone);

    // held F5: automatic steps at least 1 s apart
    QTest::keyClick(f.w.get(), Qt::Key_F8);   // next site: below the fibular head
    QTest::keyClick(f.w.get(), Qt::Key_F5, Qt::ControlModifier);
    REQUIRE(ramp.armed());
    REQUIRE(f.pressAndWait());   // the press that starts the hold
    while (ramp.armed() && ramp.ramp()->delivered().size() < 3) {
        f.repeatF5();
        QTest::qWait(40);
    }
    REQUIRE(QTest::qWaitFor([&] { return f.sweeps() >= 3; }, 3000));
    REQUIRE(ramp.armed());   // 10, 15, 20 mA: still growing
    const auto held = ramp.ramp()->delivered();
    REQUIRE(held.size() >= 3);
    for (std::size_t i = 1; i < held.size(); ++i) CHECK(held[i].timeSec - held[i - 1].timeSec >= 1.0);

    // Esc stops it at once; the held key then gives nothing, a new press a plain stimulus
    QTest::keyClick(f.w.get(), Qt::Key_Escape);
    CHECK_FALSE(ramp.armed());
    CHECK(ramp.lastState() == st::RampState::Aborted);
    const auto afterEsc = f.sweeps();
    const double intensityAtEsc = panel.intensityMa();
    for (int i = 0; i < 30; ++i) {   // longer than a held step
        f.repeatF5();
        QTest::qWait(40);
    }
    CHECK(f.sweeps() == afterEsc);
    REQUIRE(f.w->grab().save(shot("2_stopped")));
    REQUIRE(f.pressAndWait());
    CHECK(f.strip->run()->sweepsAt().back().stimulusMa == Approx(intensityAtEsc));
}

TEST_CASE("outside a ramp a held stimulate key gives one shock, not one per key repeat", "[ui][run][ramp][keymap]") {
    RampWindow f;
    auto& panel = f.w->stimulatorPanel();
    int shocks = 0;
    QObject::connect(&panel, &emg::ui::StimulatorPanel::stimulateRequested, &panel, [&shocks] { ++shocks; });
    REQUIRE_FALSE(f.strip->ramp().armed());
    REQUIRE(f.pressAndWait());   // the press: one stimulus, its sweep stored
    CHECK(shocks == 1);
    for (int i = 0; i < 25; ++i) f.repeatF5();   // one second of the key held down
    CHECK(shocks == 1);
    REQUIRE(f.pressAndWait());   // released and pressed again: the next stimulus
    CHECK(shocks == 2);
}

namespace {
st::Measurement auto_(const char* name, double value, const char* unit) { return {name, value, unit, st::Provenance::Auto, "", ""}; }

std::vector<st::Test> bothSidesAndNeedle() {
    std::vector<st::Test> tests;
    for (const auto side : {st::Side::Left, st::Side::Right}) {
        st::MotorNcs m;
        m.side = side;
        m.nerve = "peroneal";
        m.recordingSite = "extensor digitorum brevis";
        m.sites = {{"ankle", 90.0, {auto_("distalLatencyMs", 4.5, "ms"), auto_("amplitudeUv", side == st::Side::Left ? 1800.0 : 5000.0, "uV")}}};
        tests.push_back(m);
        st::FWave f;
        f.side = side;
        f.nerve = "peroneal";
        f.recordingSite = "extensor digitorum brevis";
        f.measurements = {auto_("fMinLatencyMs", side == st::Side::Left ? 49.0 : 48.0, "ms")};
        tests.push_back(f);
    }
    st::NeedleEmg ta;   // a denervated, neurogenic tibialis anterior
    ta.side = st::Side::Left;
    ta.muscle = "tibialis anterior";
    ta.fibrillations = 2;
    ta.positiveSharpWaves = 2;
    ta.muapAmplitude = st::Grade3::Increased;
    ta.muapDuration = st::Grade3::Increased;
    ta.polyphasia = st::Grade3::Normal;
    ta.recruitment = st::Recruitment::Reduced;
    ta.measurements = {auto_("muapAmplitudeUv", 2400.0, "uV"), auto_("muapDurationMs", 17.5, "ms"), auto_("polyphasicPct", 10.0, "%")};
    tests.push_back(ta);
    st::NeedleEmg gm;   // a normal gastrocnemius
    gm.side = st::Side::Left;
    gm.muscle = "medial gastrocnemius";
    gm.muapAmplitude = st::Grade3::Normal;
    gm.muapDuration = st::Grade3::Normal;
    gm.polyphasia = st::Grade3::Normal;
    gm.recruitment = st::Recruitment::Normal;
    gm.measurements = {auto_("muapAmplitudeUv", 700.0, "uV"), auto_("muapDurationMs", 10.0, "ms"), auto_("polyphasicPct", 5.0, "%")};
    tests.push_back(gm);
    return tests;
}
}  // namespace

TEST_CASE("run results table: side-to-side values with limits and flags, needle muscles with their readings", "[ui][run][results]") {
    RampWindow f(bothSidesAndNeedle());
    auto* table = f.strip->results();
    // the peroneal motor test: the left CMAP is 36 % of the right's (< 50 %: abnormal, left)
    REQUIRE(QTest::qWaitFor([&] { return table->sideToSideCount() >= 1; }, 2000));
    QStringList rows;
    for (int r = 0; r < table->rowCount(); ++r) rows << table->rowText(r);
    INFO(rows.join("\n").toStdString());
    CHECK(table->sideToSideCount() == 1);
    CHECK(rows.filter("left vs right, ankle | Amplitude side ratio | 0.36 ratio | ≥ 0.5 ratio | abnormal, left side").size() == 1);
    REQUIRE(f.w->grab().save(shot("3_side_to_side")));

    QTest::keyClick(f.w.get(), Qt::Key_F9);   // next test: the peroneal F-waves, 1 ms apart (≤ 4 ms: normal)
    REQUIRE(f.strip->run()->currentTest().label() == "fwave peroneal left");
    rows.clear();
    for (int r = 0; r < table->rowCount(); ++r) rows << table->rowText(r);
    INFO(rows.join("\n").toStdString());
    CHECK(rows.filter("left vs right | F min latency side difference | 1.00 ms | ≤ 4.0 ms | normal").size() == 1);

    while (f.strip->run()->currentTest().kind != emg::TestKind::Needle) QTest::keyClick(f.w.get(), Qt::Key_F9);
    rows.clear();
    for (int r = 0; r < table->rowCount(); ++r) rows << table->rowText(r);
    INFO(rows.join("\n").toStdString());
    CHECK(table->rowCount() == 14);   // per muscle a title row and 6 value rows
    CHECK(table->isTitleRow(0));
    CHECK(rows.filter(QRegularExpression("^tibialis anterior$")).size() == 1);
    CHECK(rows.filter("tibialis anterior | Spontaneous activity | fibs 2+, PSW 2+, fasc 0 | none | abnormal").size() == 1);
    CHECK(rows.filter(QRegularExpression("^tibialis anterior \\| MUAP amplitude \\(mean\\) \\| 2400 µV \\| \\d+–\\d+ µV \\| abnormal \\(increased\\)$")).size() == 1);
    CHECK(rows.filter(QRegularExpression("^tibialis anterior \\| MUAP duration \\(mean\\) \\| 17.5 ms \\| [\\d.]+ ms ± \\d+ % \\| abnormal")).size() == 1);
    CHECK(rows.filter("tibialis anterior | Recruitment | reduced | normal | abnormal").size() == 1);
    CHECK(rows.filter("tibialis anterior | Reading | neurogenic |  | abnormal").size() == 1);
    CHECK(rows.filter("medial gastrocnemius | Reading | normal |  | normal").size() == 1);
    CHECK(table->abnormalCount() == 5);   // the tibialis anterior's spontaneous activity, amplitude, duration, recruitment, reading
    REQUIRE(f.w->grab().save(shot("4_needle_table")));
}

namespace {
/// Cells whose text the table does not show whole: wider than the column on one line when the
/// table does not wrap, or taller than the row when wrapped at the column's width; a column whose
/// right edge is beyond the visible area counts for each of its cells.
QStringList unreadableCells(const QTableWidget& table) {
    QStringList out;
    const int visibleWidth = table.viewport()->width();
    const int pad = 2 * table.style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, &table) + 2;
    for (int r = 0; r < table.rowCount(); ++r) {
        for (int c = 0; c < table.columnCount(); ++c) {
            const auto* it = table.item(r, c);
            if (!it || it->text().isEmpty()) continue;
            const int span = table.columnSpan(r, c);
            int width = 0;
            for (int k = c; k < c + span; ++k) width += table.columnWidth(k);
            const int right = table.columnViewportPosition(c) + width;
            const QFontMetrics fm(it->font());
            const QRect need = table.wordWrap() ? fm.boundingRect(QRect(0, 0, width - pad, 100000), Qt::TextWordWrap, it->text())
                                                : fm.boundingRect(it->text());
            if (right > visibleWidth || need.width() > width - pad + 1 || need.height() > table.rowHeight(r))
                out << QStringLiteral("row %1 col %2 '%3': needs %4x%5, has %6x%7 (right edge %8 of %9)")
                           .arg(r).arg(c).arg(it->text()).arg(need.width()).arg(need.height()).arg(width - pad)
                           .arg(table.rowHeight(r)).arg(right).arg(visibleWidth);
        }
    }
    for (int c = 0; c < table.columnCount(); ++c) {
        const QString title = table.horizontalHeaderItem(c) ? table.horizontalHeaderItem(c)->text() : QString();
        if (table.columnViewportPosition(c) + table.columnWidth(c) > visibleWidth ||
            table.fontMetrics().horizontalAdvance(title) > table.columnWidth(c))
            out << QStringLiteral("header '%1' clipped").arg(title);
    }
    return out;
}

/// Long names in every column: a three-site peroneal with the left CMAP low (side-to-side rows),
/// F-waves both sides, and two needled muscles with long names.
std::vector<st::Test> longNamesBothSides() {
    auto tests = bothSidesAndNeedle();
    for (auto& t : tests) {
        if (auto* m = std::get_if<st::MotorNcs>(&t)) {
            const double a = m->side == st::Side::Left ? 1800.0 : 5000.0;
            m->sites.push_back({"below fibular head", 300.0, {auto_("latencyMs", 10.6, "ms"), auto_("amplitudeUv", a * 0.95, "uV")}});
            m->sites.push_back({"lateral popliteal fossa", 400.0, {auto_("latencyMs", 12.8, "ms"), auto_("amplitudeUv", a * 0.9, "uV")}});
        }
        if (auto* n = std::get_if<st::NeedleEmg>(&t); n && n->muscle == "medial gastrocnemius") n->muscle = "biceps femoris short head";
    }
    return tests;
}
}  // namespace

TEST_CASE("run results table: every column readable at 1920x1080 and at 1366x768", "[ui][run][results][layout]") {
    RampWindow f(longNamesBothSides());
    auto* table = f.strip->results();
    REQUIRE(QTest::qWaitFor([&] { return table->sideToSideCount() >= 1; }, 2000));
    // 1366x768 is a usual bedside laptop: the window's smallest size fits it (test_bedside_layout.cpp
    // checks every page there)
    const QSize smallest = f.w->minimumSizeHint().expandedTo(f.w->minimumSize());
    INFO("the window's minimum is " << smallest.width() << "x" << smallest.height());
    REQUIRE(smallest.width() <= 1366);
    REQUIRE(smallest.height() <= 768);
    for (const QSize size : {QSize(1366, 768), QSize(1920, 1080)}) {
        f.w->resize(size);
        REQUIRE(QTest::qWaitFor([&] { return f.w->size() == size; }, 2000));
        // back to the first test, then through motor, F-wave and needle, each looked at
        while (f.strip->run()->position().test > 0) QTest::keyClick(f.w.get(), Qt::Key_F7);
        const QString tag = QStringLiteral("%1x%2").arg(size.width()).arg(size.height());
        for (const char* label : {"motor peroneal left", "fwave peroneal left", "needle left"}) {
            while (f.strip->run()->currentTest().label() != label) QTest::keyClick(f.w.get(), Qt::Key_F9);
            REQUIRE(QTest::qWaitFor([&] { return table->rowCount() > 0 && table->isVisible(); }, 2000));
            INFO(tag.toStdString() << " " << label);
            REQUIRE(table->rowCount() > 0);
            const auto bad = unreadableCells(*table);
            INFO(bad.join("\n").toStdString());
            CHECK(bad.isEmpty());
            CHECK(table->horizontalScrollBar()->maximum() == 0);
            REQUIRE(f.w->grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/results_%1_%2.png").arg(tag, QString(label).replace(' ', '_'))));
        }
    }
}
