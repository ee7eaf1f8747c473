// The stimulator's hands-free keys (issue 14) under QT_QPA_PLATFORM=offscreen, in the whole
// workstation window on the built-in simulator: Ctrl+Up/Down step the intensity by 1 mA,
// Ctrl+Shift+Up/Down by 5 mA, Alt+Up/Down the pulse width by 0.05 ms, and F5 (what a footswitch
// sends by default) stimulates exactly as the button does; no key clashes with another context.
#include "ui_test_support.h"

#include "keymap.h"
#include "main_window.h"
#include "device_catalog.h"
#include "stimulator_keys.h"
#include "stimulator_panel.h"

#include <catch2/catch.hpp>

#include <QDialog>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace {
/// The whole workstation on the simulator, shown and active (window-wide shortcuts need that).
struct ActiveWindow {
    QTemporaryDir dir;
    std::unique_ptr<emg::ui::MainWindow> window;
    bool active = false;
    ActiveWindow() {
        emg::test::qtApp();
        emg::ui::MainWindowOptions o;
        o.devices = {emg::ui::simulatorChoice()};
        o.watchUsb = false;
        o.openStore = false;
        o.dataDirectory = dir.path();
        window = std::make_unique<emg::ui::MainWindow>(o);
        window->show();
        active = QTest::qWaitForWindowExposed(window.get());
        window->activateWindow();
        active = active && QTest::qWaitForWindowActive(window.get());
    }
};
}  // namespace

TEST_CASE("stimulator keys: intensity steps of 1 and 5 mA, pulse width steps, F5 stimulates", "[ui][keymap][stimulator]") {
    ActiveWindow f;
    auto& w = *f.window;
    REQUIRE(f.active);
    auto& panel = w.stimulatorPanel();
    panel.setIntensityMa(20.0);
    const double width0 = panel.pulseWidthMs();

    QTest::keyClick(&w, Qt::Key_Up, Qt::ControlModifier);
    CHECK(panel.intensityMa() == Approx(21.0));
    QTest::keyClick(&w, Qt::Key_Up, Qt::ControlModifier | Qt::ShiftModifier);
    CHECK(panel.intensityMa() == Approx(26.0));
    QTest::keyClick(&w, Qt::Key_Down, Qt::ControlModifier);
    CHECK(panel.intensityMa() == Approx(25.0));
    QTest::keyClick(&w, Qt::Key_Down, Qt::ControlModifier | Qt::ShiftModifier);
    CHECK(panel.intensityMa() == Approx(20.0));
    QTest::keyClick(&w, Qt::Key_Up, Qt::AltModifier);
    CHECK(panel.pulseWidthMs() == Approx(width0 + 0.05));
    QTest::keyClick(&w, Qt::Key_Down, Qt::AltModifier);
    CHECK(panel.pulseWidthMs() == Approx(width0));

    // F5 sends the panel's command, as the Stimulate button does; the simulator delivers it
    QSignalSpy spy(&panel, &emg::ui::StimulatorPanel::stimulateRequested);
    QTest::keyClick(&w, Qt::Key_F5);
    REQUIRE(spy.count() == 1);
    const auto cmd = spy.at(0).at(0).value<emg::StimulusCommand>();
    CHECK(cmd.intensityMa == Approx(20.0));
    CHECK(cmd.pulseWidthMs == Approx(width0));
    CHECK_FALSE(panel.lastRefused());

    // the window-wide keys clash with no key of any context
    CHECK(emg::ui::Keymap::instance().conflicts().isEmpty());
    CHECK(emg::ui::Keymap::instance().actionFor("window", QKeySequence(Qt::Key_F5)) == emg::ui::stim_keys::kStimulate);
}

TEST_CASE("cheat sheet: Help > Keyboard shortcuts (F1) lists every declared action with its keys", "[ui][keymap]") {
    ActiveWindow f;
    auto& w = *f.window;
    REQUIRE(f.active);
    QTest::keyClick(&w, Qt::Key_F1);
    QDialog* sheet = nullptr;
    REQUIRE(QTest::qWaitFor([&] { sheet = w.findChild<QDialog*>("key-cheat-sheet"); return sheet && sheet->isVisible(); }, 5000));
    auto* table = sheet->findChild<QTableWidget*>("key-table");
    REQUIRE(table != nullptr);
    const auto& keymap = emg::ui::Keymap::instance();
    CHECK(table->rowCount() == static_cast<int>(keymap.actions().size()));
    // the bedside keys are there with their keys as bound now
    auto rowOf = [&](const QString& description) {
        for (int r = 0; r < table->rowCount(); ++r)
            if (table->item(r, 2)->text() == description) return r;
        return -1;
    };
    const int stim = rowOf(QStringLiteral("Stimulate (footswitch)"));
    REQUIRE(stim >= 0);
    CHECK(table->item(stim, 1)->text() == QKeySequence(Qt::Key_F5).toString(QKeySequence::NativeText));
    CHECK(table->item(stim, 0)->text() == QStringLiteral("anywhere"));
    CHECK(rowOf(QStringLiteral("Protocol: next site")) >= 0);
    CHECK(rowOf(QStringLiteral("Back to live")) >= 0);
    sheet->grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/key-cheat-sheet.png"));
    CHECK(keymap.conflicts().isEmpty());
}
