// A whole bedside study driven only by key events (issue 14), offscreen, in the whole workstation
// window on the built-in simulator set up with a left L5 lesion: the patient and the study are
// typed in, then the lumbosacral protocol's motor, F-wave, sensory and H-reflex tests are run with
// the stimulator keys (F5, Shift+F5, Ctrl(+Shift)+Up), one marker is moved with F2 / Alt+Right,
// each site is accepted with Ctrl+Return, and the protocol's muscles are needled (3 s each of rest,
// weak and strong effort, then Ctrl+Return). The stored study and `emgws-cli studies evaluate` then
// give normal nerve conduction (the lesion is preganglionic) and suggest left L5. Each step's
// screenshot is saved in the build's tests/ui folder.
#include "ui_test_support.h"

#include "acquisition_session.h"
#include "active_study.h"
#include "device_catalog.h"
#include "keymap.h"
#include "main_window.h"
#include "protocol_run_strip.h"
#include "run_acquisition.h"
#include "run_results_table.h"
#include "stimulator_panel.h"
#include "store_connection.h"

#include <emg/io/recording_io.h>
#include <emg/study/evaluation.h>
#include <emg/study/session_store.h>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QTabWidget>
#include <QTest>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace st = emg::study;
using emg::ui::MainWindow;
using emg::ui::ProtocolRunStrip;

namespace {

QString shotPath(const char* name) { return QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/bedside_%1.png").arg(QLatin1String(name)); }

template <typename T>
T* child(QWidget& parent, const char* name) {
    auto* w = parent.findChild<T*>(QString::fromLatin1(name));
    REQUIRE(w != nullptr);
    return w;
}

/// Keyboard focus to a field (as Tab would bring it there) and the text typed.
void typeInto(QWidget* w, const QString& text) {
    w->setFocus(Qt::TabFocusReason);
    QTest::keyClicks(w, text);
}
/// A button pressed with the space bar.
void pressButton(QWidget* w) {
    w->setFocus(Qt::TabFocusReason);
    QTest::keyClick(w, Qt::Key_Space);
}
void key(MainWindow& w, Qt::Key k, Qt::KeyboardModifiers m = Qt::NoModifier, int times = 1) {
    for (int i = 0; i < times; ++i) QTest::keyClick(&w, k, m);
}

std::size_t sweepsHere(ProtocolRunStrip& strip) {
    auto* s = strip.acquisition().currentSite();
    return s ? s->sweeps().size() : 0;
}

/// One stimulus by key (F5, or Shift+F5 to repeat) and its sweep stored in the run.
void stimulate(MainWindow& w, ProtocolRunStrip& strip, Qt::KeyboardModifiers m = Qt::NoModifier) {
    const std::size_t before = sweepsHere(strip);
    key(w, Qt::Key_F5, m);
    REQUIRE(QTest::qWaitFor([&] { return sweepsHere(strip) == before + 1; }, 8000));
}

std::string currentLabel(ProtocolRunStrip& strip) { return strip.run()->finished() ? "" : strip.run()->currentTest().label(); }

/// Accepts the site (Ctrl+Return) and checks the run moved on and nothing was refused.
void accept(MainWindow& w, ProtocolRunStrip& strip) {
    const auto at = strip.run()->position();
    key(w, Qt::Key_Return, Qt::ControlModifier);
    INFO(currentLabel(strip) << " at position " << at.site << ": " << strip.messageLabel()->text().toStdString());
    REQUIRE_FALSE(strip.run()->position() == at);
}

/// Stimulus intensity from the test's start (10 mA) up by 5 mA steps with Ctrl+Shift+Up.
void intensityUp(MainWindow& w, int fiveMaSteps) { key(w, Qt::Key_Up, Qt::ControlModifier | Qt::ShiftModifier, fiveMaSteps); }

/// Ctrl+Tab on the tab bar until `target` shows.
void showTab(MainWindow& w, QWidget* target) {
    REQUIRE(target != nullptr);
    REQUIRE(w.tabs().indexOf(target) >= 0);
    for (int i = 0; i < w.tabs().count() && w.tabs().currentWidget() != target; ++i)
        QTest::keyClick(&w.tabs(), Qt::Key_Tab, Qt::ControlModifier);
    REQUIRE(w.tabs().currentWidget() == target);
}


void createPatientAndStudy(MainWindow& w) {
    auto* panel = w.findChild<QWidget*>("panel-study");
    REQUIRE(panel != nullptr);
    showTab(w, panel);
    pressButton(child<QPushButton>(*panel, "study-new-patient"));
    typeInto(child<QLineEdit>(*panel, "patient-id"), "MRN-L5");
    typeInto(child<QLineEdit>(*panel, "patient-name"), "Bedside, Test");
    typeInto(child<QLineEdit>(*panel, "patient-birth-date"), "1961-05-20");
    typeInto(child<QDoubleSpinBox>(*panel, "patient-height-cm"), "172");
    typeInto(child<QComboBox>(*panel, "patient-symptom-side"), "left");
    REQUIRE(w.grab().save(shotPath("1_patient")));
    pressButton(child<QPushButton>(*panel, "patient-save"));
    pressButton(child<QPushButton>(*panel, "study-new-study"));
    typeInto(child<QLineEdit>(*panel, "study-indication"), "low back pain, left leg");
    typeInto(child<QLineEdit>(*panel, "study-examiner"), "Dr. Keys");
    typeInto(child<QComboBox>(*panel, "study-protocol"), "Lumbosacral");
    pressButton(child<QPushButton>(*panel, "study-save"));
    REQUIRE(w.activeStudy().isSet());
}

/// A motor test: every site at 50 mA (supramaximal at 0.2 ms), the distal site's onset marker
/// moved two samples later with the keys; returns the onset latency the detector placed.
double motorTest(MainWindow& w, ProtocolRunStrip& strip, bool moveMarker, const char* cascadeShot = nullptr) {
    double autoOnsetMs = 0.0;
    const std::string label = currentLabel(strip);
    while (currentLabel(strip) == label) {
        intensityUp(w, 8);
        stimulate(w, strip);
        auto* site = strip.acquisition().currentSite();
        REQUIRE(site->result().has_value());
        if (moveMarker) {
            autoOnsetMs = site->result()->measures.onsetLatencyMs;
            key(w, Qt::Key_F2, Qt::NoModifier, 3);   // negative peak, negative end, positive peak
            key(w, Qt::Key_F2);                      // ... and round to the onset again
            REQUIRE(site->selectedMarker() == st::RunMarker::Onset);
            key(w, Qt::Key_Right, Qt::AltModifier, 2);
            REQUIRE(site->clinicianMoved());
            REQUIRE(w.grab().save(shotPath("3_marker_moved")));
            moveMarker = false;
        }
        const auto at = strip.run()->position();
        if (cascadeShot && at.site + 1 == strip.run()->currentTest().positionCount()) {
            key(w, Qt::Key_F6);   // store: the results table shows the test's values with their limits
            CHECK(strip.results()->rowCount() >= 6);
            CHECK(strip.results()->abnormalCount() == 0);
            REQUIRE(w.grab().save(shotPath(cascadeShot)));
        }
        accept(w, strip);
    }
    return autoOnsetMs;
}

/// A late-response test: `count` stimuli (F5 then Shift+F5 repeats) at 10 mA + 5 mA x steps.
void lateTest(MainWindow& w, ProtocolRunStrip& strip, int fiveMaSteps, int count, const char* shot) {
    intensityUp(w, fiveMaSteps);
    stimulate(w, strip);
    for (int i = 1; i < count; ++i) stimulate(w, strip, Qt::ShiftModifier);
    if (shot) REQUIRE(w.grab().save(shotPath(shot)));
    accept(w, strip);
}

/// The H-reflex: a series from 10 mA up (Ctrl+Up 2 mA at a time, then 5 mA steps) past Hmax.
void hReflexTest(MainWindow& w, ProtocolRunStrip& strip) {
    stimulate(w, strip);
    for (int i = 0; i < 4; ++i) {
        key(w, Qt::Key_Up, Qt::ControlModifier, 2);
        stimulate(w, strip);
    }
    for (int i = 0; i < 3; ++i) {
        intensityUp(w, 2);
        stimulate(w, strip);
    }
    REQUIRE(w.grab().save(shotPath("6_h_reflex")));
    accept(w, strip);
}

void needleTest(MainWindow& w, ProtocolRunStrip& strip) {
    const double phases = 3.0 * emg::ui::RunAcquisition::kNeedlePhaseSec;
    int muscle = 0;
    while (!strip.run()->finished()) {
        REQUIRE(QTest::qWaitFor([&] { return strip.acquisition().needleSeconds() >= phases - 1e-9; }, 40000));
        if (++muscle == 4) {
            // tibialis anterior at two insertions: Store (F6) keeps the muscle and starts the signal
            // again for the next; Accept stores the second and moves on (the test: both together)
            const auto at = strip.run()->position();
            key(w, Qt::Key_F6);
            CHECK(strip.run()->position() == at);
            CHECK(strip.acquisition().needleInsertions() == 1);
            CHECK(strip.acquisition().needleSeconds() < 1.0);
            CHECK(strip.messageLabel()->text().isEmpty());
            CHECK(strip.measureLabel()->text().startsWith("Needle, insertion 2 (1 stored)"));
            REQUIRE(QTest::qWaitFor([&] { return strip.acquisition().needleSeconds() >= phases - 1e-9; }, 40000));
            QTest::qWait(50);   // the labels' new text laid out before the picture
            REQUIRE(w.grab().save(shotPath("7_needle_tibialis_anterior")));
        } else if (muscle == 5) {
            // back to the tibialis anterior (Previous): its two insertions are read back from the kept
            // signal, so another Store would be its third; then on to this muscle again (Next site)
            key(w, Qt::Key_F7);
            CHECK(strip.acquisition().needleInsertions() == 2);
            QTest::qWait(50);
            CHECK(strip.measureLabel()->text().startsWith("Needle, insertion 3 (2 stored)"));
            CHECK(strip.messageLabel()->text().isEmpty());
            key(w, Qt::Key_F8);
            CHECK(strip.acquisition().needleInsertions() == 0);
            REQUIRE(QTest::qWaitFor([&] { return strip.acquisition().needleSeconds() >= phases - 1e-9; }, 40000));
        }
        accept(w, strip);
    }
    CHECK(muscle == 11);
}

nlohmann::json studiesEvaluate(const QString& storeUrl, const std::string& studyId) {
    QProcess cli;
    cli.start(QStringLiteral(EMGWS_CLI_PATH), {"studies", "evaluate", QString::fromStdString(studyId), "--db", storeUrl});
    REQUIRE(cli.waitForFinished(30000));
    INFO(cli.readAllStandardError().toStdString());
    REQUIRE(cli.exitCode() == 0);
    return nlohmann::json::parse(cli.readAllStandardOutput().toStdString());
}

}  // namespace

TEST_CASE("bedside: a whole simulated left L5 study driven only by keys, studies evaluate suggests left L5", "[ui][run][bedside]") {
    const auto started = std::chrono::steady_clock::now();
    emg::test::qtApp();
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString storeUrl = "sqlite:" + dir.filePath("store.sqlite");
    emg::ui::MainWindowOptions o;
    o.devices = {emg::ui::simulatorChoice()};
    o.watchUsb = false;
    o.dataDirectory = dir.path();
    o.storeUrl = storeUrl.toStdString();
    o.channels = 2;   // one needle channel, one surface channel
    MainWindow w(o);
    w.resize(1500, 1050);
    w.show();
    REQUIRE(QTest::qWaitForWindowExposed(&w));
    w.activateWindow();
    REQUIRE(QTest::qWaitForWindowActive(&w));
    CHECK(emg::ui::Keymap::instance().conflicts().isEmpty());

    createPatientAndStudy(w);
    auto* strip = dynamic_cast<ProtocolRunStrip*>(w.findChild<QWidget*>("panel-protocol-run"));
    REQUIRE(strip != nullptr);
    REQUIRE(strip->run() != nullptr);
    CHECK(currentLabel(*strip) == "motor peroneal left");
    typeInto(strip->lesionEdit(), "L5:left");
    QTest::keyClick(strip->lesionEdit(), Qt::Key_Return);
    QTest::keyClick(strip->lesionEdit(), Qt::Key_Tab);   // on to the next field: the window's keys again
    REQUIRE(strip->acquisition().simulatedLesion().has_value());
    showTab(w, w.tabs().widget(0));   // back to the live traces
    REQUIRE(w.grab().save(shotPath("2_run_ready")));

    // the protocol's presets applied to the stimulator
    CHECK(w.stimulatorPanel().intensityMa() == Approx(10.0));
    CHECK(w.stimulatorPanel().pulseWidthMs() == Approx(0.2));

    const double autoOnsetMs = motorTest(w, *strip, true, "4_peroneal_cascade");
    CHECK(currentLabel(*strip) == "fwave peroneal left");
    lateTest(w, *strip, 8, 10, "5_f_wave_peroneal");
    motorTest(w, *strip, false);
    lateTest(w, *strip, 8, 10, nullptr);
    CHECK(currentLabel(*strip) == "sensory sural left");
    lateTest(w, *strip, 2, 4, "5_sural_average");
    lateTest(w, *strip, 2, 4, nullptr);
    CHECK(currentLabel(*strip) == "hreflex tibial left");
    hReflexTest(w, *strip);
    CHECK(currentLabel(*strip) == "hreflex tibial right");   // both sides (side-to-side H latency and amplitude)
    hReflexTest(w, *strip);
    CHECK(currentLabel(*strip) == "needle left");
    needleTest(w, *strip);   // in real time: 11 muscles x 9 s

    // ---- the stored study
    auto* store = w.storeConnection().store();
    const std::string studyId = w.activeStudy().studyId().toStdString();
    const auto study = store->study(studyId);
    REQUIRE(study.has_value());
    CHECK(store->runSweeps(studyId).size() == 3 + 10 + 2 + 10 + 4 + 4 + 8 + 8);
    const st::MotorNcs* peroneal = nullptr;
    for (const auto& t : study->tests)
        if (const auto* m = std::get_if<st::MotorNcs>(&t); m && m->nerve == "peroneal") peroneal = m;
    REQUIRE(peroneal != nullptr);
    REQUIRE(peroneal->sites.size() == 3);
    const auto* dl = st::findMeasurement(peroneal->sites[0].measurements, "distalLatencyMs");
    REQUIRE(dl != nullptr);
    CHECK(dl->provenance == st::Provenance::Clinician);
    CHECK(dl->value == Approx(autoOnsetMs + 2.0 * 1000.0 / o.sampleRateHz).margin(1e-6));   // two samples at 20 kHz
    CHECK(dl->value == Approx(4.5).margin(0.3));   // the simulated peroneal distal latency (EDB, 90 mm)

    // every needled muscle reads as the simulated lesion defines it: the muscles with a major L5
    // supply (the myotome map) denervated and neurogenic, every one; the others (L2-L4, S1-S2,
    // gluteus maximus: L5 minor) normal. Before, 2-3 sorted units and single noise spikes at rest
    // made normal muscles neurogenic (gluteus maximus among them). The live simulator's rest can
    // still show a spurious fibrillation (1 of 10 normal-muscle readings over two runs here, under
    // a parallel build; 0 of 100 in simulate --lesion, test_study_run): at most one tolerated, each
    // one named; the deterministic seeds of the CLI test assert every muscle.
    const std::vector<std::string> l5{"tibialis anterior", "peroneus longus", "tibialis posterior", "gluteus medius",
                                      "biceps femoris short head", "lumbosacral paraspinals"};
    int needled = 0, normalMisread = 0;
    for (const auto& t : study->tests)
        if (const auto* n = std::get_if<st::NeedleEmg>(&t)) {
            ++needled;
            const bool lesioned = std::find(l5.begin(), l5.end(), n->muscle) != l5.end();
            INFO(n->muscle << ": fibs " << n->fibrillations << ", recruitment " << st::toString(n->recruitment) << ", note " << n->note);
            if (lesioned) {
                CHECK(n->neurogenic());
            } else if (n->abnormal()) {
                ++normalMisread;
                WARN("simulated normal " << n->muscle << " read abnormal: fibs " << n->fibrillations << ", PSW "
                                         << n->positiveSharpWaves << ", neurogenic " << n->neurogenic());
            }
        }
    CHECK(needled == 11);
    CHECK(normalMisread <= 1);
    // the tibialis anterior's test is its two insertions read together
    for (const auto& t : study->tests)
        if (const auto* n = std::get_if<st::NeedleEmg>(&t); n && n->muscle == "tibialis anterior") {
            const auto* d = st::findMeasurement(n->measurements, "muapDurationMs");
            REQUIRE(d != nullptr);
            INFO(d->method);
            CHECK(d->method.find("2 insertions") != std::string::npos);
            // the engine's reading over the insertions, kept with the test (the report prints it)
            REQUIRE(n->automaticReading.has_value());
            CHECK_FALSE(n->automaticReading->reasons.empty());
            // its two insertions kept as its waveforms: a BDF+D of two segments of >= 9 s, rest/weak/strong each
            INFO(n->raw.path);
            REQUIRE_FALSE(n->raw.empty());
            CHECK(n->raw.sha256.size() == 64);
            const auto kept = emg::io::readRecording(n->raw.path);
            REQUIRE(kept.segments.size() == 2);
            for (const auto& seg : kept.segments) CHECK(seg.durationSec >= 9.0);
            REQUIRE(kept.channels.size() == 1);
            CHECK(kept.channels[0].samples.size() ==
                  static_cast<std::size_t>(std::llround((kept.segments[0].durationSec + kept.segments[1].durationSec) * kept.channels[0].sampleRateHz)));
            CHECK(std::count_if(kept.annotations.begin(), kept.annotations.end(),
                                [](const emg::Annotation& a) { return a.text.find("Rest") != std::string::npos; }) == 2);
        }

    // every nerve-conduction and late-response test is linked to its kept sweeps (a record per
    // stimulus, each stimulus annotated at its site), so the report draws its figure from them
    for (const auto& t : study->tests) {
        if (st::kindOf(t) == emg::TestKind::Needle) continue;
        const auto& raw = st::common(t).raw;
        INFO(st::subjectOf(t) << " " << static_cast<int>(st::kindOf(t)));
        REQUIRE_FALSE(raw.empty());
        CHECK(raw.sha256.size() == 64);
        const auto kept = emg::io::readRecording(raw.path);
        const auto stims = std::count_if(kept.annotations.begin(), kept.annotations.end(),
                                         [](const emg::Annotation& a) { return a.text.rfind("Stim ", 0) == 0; });
        CHECK(stims >= 1);
        if (stims > 1) CHECK(kept.segments.size() == static_cast<std::size_t>(stims));
        if (const auto* m = std::get_if<st::MotorNcs>(&t)) CHECK(stims == static_cast<long>(m->sites.size()));   // a motor site: its measured sweep
    }

    // F persistence: the simulator gives an F wave after 80 % of supramaximal stimuli; of 10 at
    // least 4 read (a binomial tail of 0.1 %), once 2 of 10 (the unblanked artifact, now fixed)
    for (const auto& t : study->tests)
        if (const auto* f = std::get_if<st::FWave>(&t)) {
            const auto* p = st::findMeasurement(f->measurements, "persistencePct");
            REQUIRE(p != nullptr);
            WARN(f->nerve << " F persistence " << p->value << " %");
            CHECK(p->value >= 40.0);
        }

    // ---- emgws-cli studies evaluate: NCS within limits (preganglionic lesion), left L5 suggested
    const auto ev = studiesEvaluate(storeUrl, studyId);
    int abnormalNcs = 0, evaluatedNcs = 0;
    for (const auto& e : ev.at("evaluations")) {
        if (e.at("kind") == "needle") continue;
        ++evaluatedNcs;
        if (e.at("abnormal").get<bool>()) ++abnormalNcs;
    }
    CHECK(evaluatedNcs >= 10);
    CHECK(abnormalNcs == 0);
    const auto& hyps = ev.at("localization");
    REQUIRE_FALSE(hyps.empty());
    CHECK(hyps[0].at("label") == "left L5 radiculopathy");
    CHECK(hyps[0].at("side") == "left");

    showTab(w, w.findChild<QWidget*>("panel-study"));
    REQUIRE(w.grab().save(shotPath("8_study_done")));

    // the clinician's report of what was stored, drawn by the CLI as an outside user would
    const QString reportPdf = QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/bedside_9_report.pdf");
    QFile::remove(reportPdf);
    QProcess report;
    report.start(QStringLiteral(EMGWS_CLI_PATH), {"report", "--study", QString::fromStdString(studyId), "--db", storeUrl, reportPdf});
    REQUIRE(report.waitForFinished(60000));
    INFO(report.readAllStandardError().toStdString());
    REQUIRE(report.exitCode() == 0);
    CHECK(QFileInfo(reportPdf).size() > 10000);
    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    WARN("whole bedside study: " << seconds << " s");
}
