// The workstation at 1366x768, a usual bedside laptop (issue 14): the window can be that small
// with every tab page, the controls and the protocol-run strip at least at their minimum (nothing
// squeezed below what its layout needs), and a screenshot of each page, the strip shown, is saved
// under the build's tests/ui folder (bedside_1366x768_<page>.png).
#include "ui_test_support.h"

#include "active_study.h"
#include "device_catalog.h"
#include "main_window.h"
#include "protocol_run_strip.h"
#include "run_results_table.h"
#include "store_connection.h"

#include <emg/io/recording_io.h>
#include <emg/study/session_store.h>

#include <QDockWidget>
#include <QHeaderView>
#include <QMenuBar>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include <catch2/catch.hpp>

#include <cmath>
#include <memory>

namespace st = emg::study;

namespace {
QString sizeText(QSize s) { return QStringLiteral("%1x%2").arg(s.width()).arg(s.height()); }

/// Each visible widget under `root` that has less room than its layout's minimum, with the sizes.
QStringList squeezed(QWidget* root) {
    QStringList out;
    for (auto* w : root->findChildren<QWidget*>()) {
        // Qt's own parts (a spin box's line edit, a dock's title buttons, a table's header) report minimums their parents never give them
        if (!w->isVisible() || w->isWindow() || w->objectName().startsWith(QLatin1String("qt_")) || qobject_cast<QHeaderView*>(w)) continue;
        const QSize need = w->minimumSizeHint().expandedTo(w->minimumSize());
        if (!need.isValid()) continue;
        if (w->width() + 1 < need.width() || w->height() + 1 < need.height())
            out << QStringLiteral("%1 (%2) has %3, needs %4").arg(w->objectName(), w->metaObject()->className(), sizeText(w->size()), sizeText(need));
    }
    return out;
}

/// What sets the window's height: menu and status bars, the tab pages, the docks.
QString heights(emg::ui::MainWindow& w) {
    QStringList parts{QStringLiteral("menu %1 (has %2)").arg(w.menuBar()->sizeHint().height()).arg(w.menuBar()->height()),
                      QStringLiteral("status %1 (has %2)").arg(w.statusBar()->minimumSizeHint().height()).arg(w.statusBar()->height()),
                      QStringLiteral("tab bar %1").arg(w.tabs().tabBar()->sizeHint().height()),
                      QStringLiteral("tabs have %1").arg(sizeText(w.tabs().size()))};
    for (int i = 0; i < w.tabs().count(); ++i)
        parts << QStringLiteral("page '%1' %2").arg(w.tabs().tabText(i), sizeText(w.tabs().widget(i)->minimumSizeHint()));
    for (auto* d : w.findChildren<QDockWidget*>()) parts << QStringLiteral("dock '%1' %2 (has %3)").arg(d->windowTitle(), sizeText(d->minimumSizeHint()), sizeText(d->size()));
    return parts.join(QStringLiteral(", "));
}

/// The workstation on the simulated amplifier with `channels` channels and a SQLite store in `dir`.
emg::ui::MainWindowOptions laptopOptions(const QTemporaryDir& dir, int channels) {
    emg::ui::MainWindowOptions o;
    o.devices = {emg::ui::simulatorChoice()};
    o.watchUsb = false;
    o.dataDirectory = dir.path();
    o.storeUrl = "sqlite:" + dir.filePath("store.sqlite").toStdString();
    o.channels = channels;
    return o;
}

const QSize kLaptop(1366, 768);

/// The window's minimum fits the laptop; the window is then made that size.
void fitLaptop(emg::ui::MainWindow& w) {
    const QSize smallest = w.minimumSizeHint().expandedTo(w.minimumSize());
    INFO("window minimum " << sizeText(smallest).toStdString() << "; " << heights(w).toStdString());
    CHECK(smallest.width() <= kLaptop.width());
    CHECK(smallest.height() <= kLaptop.height());
    w.resize(kLaptop);
    REQUIRE(QTest::qWaitFor([&] { return w.size() == kLaptop; }, 2000));
}
}  // namespace

TEST_CASE("bedside laptop: the whole window works at 1366x768, every page and the protocol strip at least their minimum",
          "[ui][run][layout][results]") {
    emg::test::qtApp();
    QTemporaryDir dir;
    emg::ui::MainWindow w(laptopOptions(dir, 2));
    w.show();
    REQUIRE(QTest::qWaitForWindowExposed(&w));
    auto* store = w.storeConnection().store();
    REQUIRE(store != nullptr);
    st::Patient p;
    p.id = "LAPTOP";
    p.birthDate = "1970-01-01";
    store->savePatient(p);
    st::Study s;
    s.patientId = "LAPTOP";
    s.date = "2026-12-03";
    s.protocolId = "lumbosacral-radiculopathy";
    const std::string id = store->saveStudy(s);
    w.activeStudy().set(QString::fromStdString(id), "LAPTOP", "LAPTOP");
    auto* strip = w.findChild<emg::ui::ProtocolRunStrip*>("panel-protocol-run");
    REQUIRE(strip != nullptr);
    REQUIRE(strip->run() != nullptr);

    fitLaptop(w);
    for (int i = 0; i < w.tabs().count(); ++i) {
        w.tabs().setCurrentIndex(i);
        QWidget* page = w.tabs().widget(i);
        REQUIRE(QTest::qWaitFor([&] { return page->isVisible(); }, 2000));
        // the page shown, the docks give the page its minimum (MainWindow::keepPagesMinimum, queued)
        static_cast<void>(QTest::qWaitFor([&] { return squeezed(&w).isEmpty(); }, 1000));   // what is left is checked below
        const QString name = w.tabs().tabText(i).section(QLatin1Char(':'), 0, 0).toLower().replace(QLatin1Char(' '), QLatin1Char('_'));
        INFO("page " << name.toStdString());
        const auto bad = squeezed(&w);
        INFO(heights(w).toStdString());
        INFO(bad.join(QStringLiteral("\n")).toStdString());
        CHECK(bad.isEmpty());
        CHECK(strip->isVisible());
        CHECK(strip->results()->height() >= 3 * strip->results()->fontMetrics().height());   // a few rows, not a sliver
        REQUIRE(w.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/bedside_1366x768_%1.png").arg(name)));
    }
}

TEST_CASE("bedside laptop: a recording opened for review keeps the window within 1366x768, its toolbar whole", "[ui][review][layout]") {
    // A WFDB/EDF record opened for review added a one-row toolbar of ~1350 px: the window grew to
    // 1762 px, wider than the laptop, and the status bar's dropped/clipped counts went off screen.
    emg::test::qtApp();
    QTemporaryDir dir;
    emg::Recording rec;
    rec.patientId = "X";
    for (const char* label : {"Tibialis anterior needle", "Gastrocnemius needle"}) {
        emg::RecordedChannel ch;
        ch.label = label;
        ch.sampleRateHz = 4000.0;
        ch.samples.assign(4000 * 3, 0.0);
        for (std::size_t i = 0; i < ch.samples.size(); ++i) ch.samples[i] = 100.0 * std::sin(0.05 * static_cast<double>(i));
        rec.channels.push_back(ch);
    }
    const QString path = dir.path() + "/emg_with_a_long_file_name_as_exported.edf";
    emg::io::writeRecording(rec, path.toStdString(), emg::io::FileFormat::EdfPlus);
    emg::ui::MainWindow w(laptopOptions(dir, 4));   // 4: the simulated amplifier's default, as `emgws FILE` starts
    w.show();
    REQUIRE(QTest::qWaitForWindowExposed(&w));
    REQUIRE(w.openRecording(path));
    fitLaptop(w);
    int review = -1;
    for (int i = 0; i < w.tabs().count(); ++i)
        if (w.tabs().tabText(i).startsWith(QLatin1String("Review"))) review = i;
    REQUIRE(review >= 0);
    w.tabs().setCurrentIndex(review);
    static_cast<void>(QTest::qWaitFor([&] { return squeezed(&w).isEmpty(); }, 1000));   // what is left is checked below
    const auto bad = squeezed(&w);
    INFO(bad.join(QStringLiteral("\n")).toStdString());
    CHECK(bad.isEmpty());
    // every control of the review toolbar lies inside the window
    for (const char* name : {"review-goto", "review-ms-per-div", "review-uv-per-div", "review-channels", "review-add-annotation", "review-replay"}) {
        auto* c = w.findChild<QWidget*>(name);
        REQUIRE(c != nullptr);
        INFO(name);
        const QRect inWindow(c->mapTo(&w, QPoint(0, 0)), c->size());
        CHECK(QRect(QPoint(0, 0), w.size()).contains(inWindow));
    }
    INFO("after: window " << sizeText(w.size()).toStdString() << ", minimum " << sizeText(w.minimumSizeHint()).toStdString() << "; "
                          << heights(w).toStdString());
    CHECK(w.size() == kLaptop);   // nothing shown since made the window grow again
    CHECK(w.statusBar()->isVisible());
    CHECK(w.statusBar()->mapTo(&w, QPoint(0, w.statusBar()->height())).y() <= w.height());
    REQUIRE(w.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/bedside_1366x768_review.png")));
}
