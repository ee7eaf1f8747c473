// The protocol-run strip: the active study's lumbosacral run shown with its presets and the site's
// picture, moved only with the window's keys (F8 next site, F9 next test, F7 previous), each move
// in the store at once so that a new strip (a restarted workstation) resumes at the same place;
// the run keys clash with no other key of the window.
#include "ui_test_support.h"

#include "active_study.h"
#include "keymap.h"
#include "protocol_run_strip.h"
#include "review/review_keys.h"
#include "site_picture.h"

#include <emg/study/session_store.h>

#include <QLabel>
#include <QTest>
#include <QVBoxLayout>

#include <catch2/catch.hpp>

namespace st = emg::study;

namespace {
struct StripFixture {
    QTemporaryDir dir;
    std::unique_ptr<st::SessionStore> store;
    emg::ui::ActiveStudy active;
    std::string studyId;
    StripFixture() {
        emg::test::qtApp();
        store = st::SessionStore::open("sqlite:" + dir.filePath("s.sqlite").toStdString());
        st::Patient p;
        p.id = "P1";
        p.symptomSide = st::Side::Left;
        store->savePatient(p);
        st::Study s;
        s.patientId = "P1";
        s.date = "2026-12-02";
        s.protocolId = "lumbosacral-radiculopathy";
        studyId = store->saveStudy(s);
        active.set(QString::fromStdString(studyId), "P1", "P1 · lumbosacral-radiculopathy");
    }
};

QString screenshotPath(const char* name) { return QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/") + name; }

/// The colour at the centre of a picture shape, from the strip's own rendering.
QColor colourAt(QWidget& window, emg::ui::SitePicture& picture, const QString& id) {
    const QImage shot = window.grab().toImage();
    const QPoint at = picture.mapTo(&window, picture.widgetPointOf(id).toPoint());
    return shot.pixelColor(at * shot.devicePixelRatio());
}
}  // namespace

TEST_CASE("protocol-run strip: keys move the run, the store keeps it, the picture shows the site", "[ui][run][keymap]") {
    StripFixture f;
    QWidget window;
    auto* layout = new QVBoxLayout(&window);
    auto* strip = new emg::ui::ProtocolRunStrip(f.store.get(), &f.active, &window);
    layout->addWidget(strip);
    window.resize(900, 300);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    REQUIRE(strip->run() != nullptr);
    CHECK(strip->testLabel()->text().contains("Test 1/9: motor peroneal left"));
    CHECK(strip->siteLabel()->text().contains("ankle"));
    CHECK(strip->siteLabel()->text().contains("90 mm"));
    CHECK(strip->presetsLabel()->text().contains("5000 µV/div"));
    CHECK(strip->presetsLabel()->text().contains("belly of extensor digitorum brevis"));
    CHECK(strip->picture()->file().endsWith("motor-peroneal-extensor-digitorum-brevis-ankle.svg"));
    const QColor stim = colourAt(window, *strip->picture(), "stimulation");
    CHECK(stim.red() > 180);   // the red stimulation point (#d62020)
    CHECK(stim.green() < 80);
    const QColor rec = colourAt(window, *strip->picture(), "recording");
    CHECK(rec.lightness() < 60);   // the black recording electrode
    REQUIRE(window.grab().save(screenshotPath("protocol_run_strip_ankle.png")));

    QTest::keyClick(&window, Qt::Key_F8);   // next site
    REQUIRE(QTest::qWaitFor([&] { return strip->siteLabel()->text().contains("below fibular head"); }, 2000));
    CHECK(strip->siteLabel()->text().contains("measure with the tape"));
    CHECK(f.store->runPosition(f.studyId)->siteIndex == 1);
    REQUIRE(window.grab().save(screenshotPath("protocol_run_strip_fibular_head.png")));
    QTest::keyClick(&window, Qt::Key_F9);   // next test: the peroneal F-wave
    REQUIRE(QTest::qWaitFor([&] { return strip->testLabel()->text().contains("Test 2/9: fwave peroneal left"); }, 2000));
    QTest::keyClick(&window, Qt::Key_F7);   // previous: the peroneal motor study's last site
    REQUIRE(QTest::qWaitFor([&] { return strip->siteLabel()->text().contains("lateral popliteal fossa"); }, 2000));
    const auto pos = f.store->runPosition(f.studyId);
    REQUIRE(pos);
    CHECK(pos->testIndex == 0);
    CHECK(pos->siteIndex == 2);

    // A restarted workstation (a new store object and strip) resumes there.
    auto again = st::SessionStore::open("sqlite:" + f.dir.filePath("s.sqlite").toStdString());
    emg::ui::ProtocolRunStrip resumed(again.get(), &f.active);
    REQUIRE(resumed.run() != nullptr);
    CHECK(resumed.run()->resumed());
    CHECK(resumed.siteLabel()->text().contains("lateral popliteal fossa"));
}

TEST_CASE("protocol-run strip: the needle test offers the muscles with their roots", "[ui][run]") {
    StripFixture f;
    emg::ui::ProtocolRunStrip strip(f.store.get(), &f.active);
    REQUIRE(strip.run() != nullptr);
    strip.run()->goTo({8, 3});
    strip.reload();
    CHECK(strip.testLabel()->text().contains("Test 9/9: needle left"));
    CHECK(strip.siteLabel()->text().contains("Muscle 4/11: tibialis anterior (peroneal nerve; roots L4, L5)"));
    CHECK(strip.picture()->shapes().empty());   // no stimulation site: no picture
    strip.resize(900, 300);
    REQUIRE(strip.grab().save(screenshotPath("protocol_run_strip_needle.png")));
}

TEST_CASE("window keys: the protocol run's F7/F8/F9 clash with no key of any context, a clash is reported", "[ui][run][keymap]") {
    emg::test::qtApp();
    auto& keymap = emg::ui::Keymap::instance();
    emg::ui::declareReviewKeys(keymap);
    emg::ui::declareProtocolRunKeys(keymap);
    INFO(keymap.conflicts().join("; ").toStdString());
    CHECK(keymap.conflicts().isEmpty());
    CHECK(keymap.actionFor("window", QKeySequence(Qt::Key_F8)) == emg::ui::run_keys::kNextSite);
    // Binding "next site" to N (the review's next annotation) is a clash: the window key works everywhere.
    keymap.setKeys(emg::ui::run_keys::kNextSite, {QKeySequence(Qt::Key_N)});
    const QStringList clash = keymap.conflicts();
    keymap.resetKeys(emg::ui::run_keys::kNextSite);
    INFO(clash.join("; ").toStdString());
    REQUIRE(clash.size() == 1);
    CHECK(clash.front().contains(emg::ui::run_keys::kNextSite));
    CHECK(keymap.conflicts().isEmpty());
}
