// A technician reviews a stored recording from the Study tab: it opens in the review view at once
// (the simulator goes on) while the file's SHA-256 is checked against the store on a worker; a
// file changed since it was stored is reported with the reason, and neither the file nor the store
// is touched. A large recording's checksum runs while the GUI thread keeps ticking.
#include "ui_test_support.h"

#include "acquisition_session.h"
#include "main_window.h"
#include "review/review_document.h"
#include "review/review_view.h"

#include <QTabWidget>
#include "store_connection.h"
#include "study_content_view.h"
#include "study_panel.h"
#pragma push_macro("signals")   // Qt defines signals; the helper names a field so
#undef signals
#include "sparse_edf.h"
#pragma pop_macro("signals")

#include <emg/io/recording_io.h>
#include <emg/study/session_store.h>

#include <catch2/catch.hpp>

#include <QDir>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <QElapsedTimer>
#include <QTimer>

#include <algorithm>
#include <cmath>

using emg::ui::MainWindow;
using emg::ui::StudyPanel;
namespace st = emg::study;

TEST_CASE("Study tab: a stored recording is reviewed while its SHA-256 is verified, a changed file is reported", "[ui][study]") {
    emg::test::qtApp();
    QTemporaryDir dir;
    emg::ui::MainWindowOptions o;
    o.watchUsb = false;
    o.autoStart = false;
    o.dataDirectory = dir.path();
    o.storeUrl = "sqlite:" + (dir.path() + "/store.sqlite").toStdString();
    MainWindow w(o);
    w.show();
    st::SessionStore& store = *w.storeConnection().store();
    store.savePatient({"P2", "Poe, Edgar", "1960-02-03", st::Sex::Male, std::nullopt, st::Side::Left});
    st::Study s;
    s.patientId = "P2";
    s.date = "2026-11-30";
    const std::string studyId = store.saveStudy(s);

    // a recording made earlier (by this or another workstation), stored with its checksum
    emg::Recording rec;
    emg::RecordedChannel ch;
    ch.label = "EDB";
    ch.sampleRateHz = 10000.0;
    for (int i = 0; i < 20000; ++i) ch.samples.push_back(100.0 * std::sin(2.0 * M_PI * 40.0 * i / 10000.0));
    rec.channels.push_back(ch);
    rec.annotations.push_back({0.5, 0.0, "Stim ankle"});
    const QString file = dir.path() + "/earlier.edf";
    emg::io::writeRecording(rec, file.toStdString(), emg::io::FileFormat::EdfPlus);
    const auto info = store.addRecording(studyId, file.toStdString());

    auto* panel = w.findChild<StudyPanel*>("panel-study");
    REQUIRE(panel != nullptr);
    REQUIRE(panel->activateStudy(QString::fromStdString(studyId)));
    auto* table = panel->content()->recordingTable();
    REQUIRE(table->rowCount() == 1);
    auto* review = panel->findChild<QPushButton*>("study-review-recording");
    REQUIRE(review != nullptr);
    CHECK_FALSE(review->isEnabled());   // nothing selected yet
    table->selectRow(0);
    CHECK(panel->content()->selectedRecordingId() == QString::fromStdString(info.id));
    REQUIRE(review->isEnabled());
    QTest::mouseClick(review, Qt::LeftButton);
    REQUIRE(w.reviewView() != nullptr);
    CHECK(w.reviewView()->document().fileName() == "earlier.edf");
    CHECK(w.tabs().currentWidget() == w.reviewView());
    QTRY_VERIFY_WITH_TIMEOUT(panel->message().contains("SHA-256 verified"), 20000);
    w.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/screenshot-study-review.png"));

    // the file is changed behind the store's back: refused, and left as it is
    {
        QFile f(file);
        REQUIRE(f.open(QIODevice::Append));
        f.write("x");
    }
    const auto changed = st::sha256OfFile(file.toStdString());
    w.session().stop();
    REQUIRE(panel->reviewRecording(QString::fromStdString(info.id)));   // opened at once, checked on the worker
    QTRY_VERIFY_WITH_TIMEOUT(!panel->checkingRecording(), 20000);
    CHECK(panel->message().contains("has changed since it was stored"));
    CHECK(panel->message().contains("not what was recorded"));
    CHECK(st::sha256OfFile(file.toStdString()) == changed);
    const auto stored = store.recordings(studyId);
    REQUIRE(stored.size() == 1);
    CHECK(stored[0].sha256 == info.sha256);   // the store keeps the original checksum
}

namespace {
/// Sets an environment variable for one scope (the store reads its raw-file folders from it).
struct ScopedEnv {
    QByteArray name;
    ScopedEnv(const char* n, const QString& value) : name(n) { qputenv(n, value.toUtf8()); }
    ~ScopedEnv() { qunsetenv(name.constData()); }
};
}  // namespace

TEST_CASE("Study tab on two workstations: the bedside's recording is pushed in the background, the other opens it from the store",
          "[ui][study][raw]") {
    emg::test::qtApp();
    QTemporaryDir dir;
    const QString share = dir.path() + "/lab-share";
    REQUIRE(QDir().mkpath(share));
    ScopedEnv folder("EMGWS_RAW_FOLDER", share);
    emg::ui::MainWindowOptions o;
    o.watchUsb = false;
    o.autoStart = false;
    o.dataDirectory = dir.path();
    o.storeUrl = "sqlite:" + (dir.path() + "/lab.sqlite").toStdString();
    const QString bedsideFile = dir.path() + "/bedside/median.edf";
    REQUIRE(QDir().mkpath(dir.path() + "/bedside"));
    emg::Recording rec;
    emg::RecordedChannel ch;
    ch.label = "APB";
    ch.sampleRateHz = 10000.0;
    for (int i = 0; i < 30000; ++i) ch.samples.push_back(250.0 * std::sin(2.0 * M_PI * 23.0 * i / 10000.0));
    rec.channels.push_back(ch);
    std::string studyId, sha;
    {
        ScopedEnv cache("EMGWS_RAW_CACHE", dir.path() + "/cache-bedside");
        MainWindow bedside(o);
        bedside.show();
        st::SessionStore& store = *bedside.storeConnection().store();
        store.savePatient({"P3", "Moe, Anna", "1975-05-06", st::Sex::Female, std::nullopt, st::Side::Right});
        st::Study s;
        s.patientId = "P3";
        s.date = "2026-12-03";
        studyId = store.saveStudy(s);
        auto* panel = bedside.findChild<StudyPanel*>("panel-study");
        REQUIRE(panel->activateStudy(QString::fromStdString(studyId)));
        // a recording made while the study is active (what the Record button does)
        emit bedside.session().recordingStateChanged(true, bedsideFile);
        emg::io::writeRecording(rec, bedsideFile.toStdString(), emg::io::FileFormat::EdfPlus);
        emit bedside.session().recordingStateChanged(false, bedsideFile);
        CHECK(panel->message().contains("added to study"));   // shown at once; the copy runs in the background
        QTRY_VERIFY_WITH_TIMEOUT(panel->message().contains("kept in the shared folder"), 20000);
        sha = st::sha256OfFile(bedsideFile.toStdString());
        const auto kept = store.rawFile(sha);
        REQUIRE(kept.has_value());
        CHECK(kept->location == "folder");
        CHECK(QFile::exists(share + "/" + QString::fromStdString(kept->path)));
    }
    QFile::remove(bedsideFile);   // the bedside's disk is not on the technician's workstation

    ScopedEnv cache("EMGWS_RAW_CACHE", dir.path() + "/cache-office");
    MainWindow office(o);
    office.show();
    office.session().stop();
    auto* panel = office.findChild<StudyPanel*>("panel-study");
    REQUIRE(panel->activateStudy(QString::fromStdString(studyId)));
    auto* table = panel->content()->recordingTable();
    REQUIRE(table->rowCount() == 1);
    table->selectRow(0);
    QTest::mouseClick(panel->findChild<QPushButton*>("study-review-recording"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(office.reviewView() != nullptr, 20000);   // fetched on the worker, then opened
    CHECK(office.reviewView()->document().fileName() == "median.edf");
    CHECK(QFile::exists(dir.path() + "/cache-office/" + QString::fromStdString(sha) + "/median.edf"));
    CHECK(panel->message().contains("SHA-256 verified"));
    // opened again: the cached copy is a cache hit, verified on the worker, and opens once verified
    table->selectRow(0);
    QTest::mouseClick(panel->findChild<QPushButton*>("study-review-recording"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!panel->checkingRecording(), 20000);
    CHECK(panel->message().contains("SHA-256 verified"));
    office.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/screenshot-study-review-other-workstation.png"));
}

TEST_CASE("Study tab: a large recording opens for review at once, its SHA-256 runs on a worker while the GUI keeps ticking",
          "[ui][study][hash]") {
    emg::test::qtApp();
    QTemporaryDir dir;
    emg::ui::MainWindowOptions o;
    o.watchUsb = false;
    o.autoStart = false;
    o.dataDirectory = dir.path();
    o.storeUrl = "sqlite:" + (dir.path() + "/store.sqlite").toStdString();
    o.summaryCacheDir = dir.path() + "/summaries";
    MainWindow w(o);
    w.show();
    st::SessionStore& store = *w.storeConnection().store();
    store.savePatient({"P4", "Roe, Ida", "1958-07-08", st::Sex::Female, std::nullopt, st::Side::Right});
    st::Study s;
    s.patientId = "P4";
    s.date = "2026-12-03";
    const std::string studyId = store.saveStudy(s);
    // 5 minutes of 8 channels at 20 kHz (≈ 96 MB, the samples a hole): hashing it takes a while
    const QString file = dir.path() + "/long.edf";
    emg::test::SparseSpec spec;
    spec.records = 300;
    REQUIRE(emg::test::writeSparseRecording(file.toStdString(), spec));
    const auto info = store.addRecording(studyId, file.toStdString());

    auto* panel = w.findChild<StudyPanel*>("panel-study");
    REQUIRE(panel->activateStudy(QString::fromStdString(studyId)));
    panel->content()->recordingTable()->selectRow(0);

    // a 5 ms timer on the GUI thread: the longest gap between its ticks is how long the GUI
    // thread was busy at a stretch
    QElapsedTimer clock;
    clock.start();
    std::vector<qint64> ticks;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    QObject::connect(&ticker, &QTimer::timeout, [&] { ticks.push_back(clock.elapsed()); });
    ticker.start(5);
    const qint64 t0 = clock.elapsed();
    QTest::mouseClick(panel->findChild<QPushButton*>("study-review-recording"), Qt::LeftButton);
    const qint64 opened = clock.elapsed();
    REQUIRE(w.reviewView() != nullptr);   // opened before its checksum is known
    CHECK(w.reviewView()->document().fileName() == "long.edf");
    CHECK(panel->checkingRecording());
    CHECK(panel->message().contains("being verified"));
    int paintsBeforeVerified = 0;
    struct Painted : QObject {
        int* count;
        explicit Painted(int* c) : count(c) {}
        bool eventFilter(QObject*, QEvent* e) override {
            if (e->type() == QEvent::Paint) ++*count;
            return false;
        }
    } painted(&paintsBeforeVerified);
    w.reviewView()->installEventFilter(&painted);
    for (auto* child : w.reviewView()->findChildren<QWidget*>()) child->installEventFilter(&painted);
    QTRY_VERIFY_WITH_TIMEOUT(!panel->checkingRecording(), 60000);
    const qint64 verifiedMs = clock.elapsed() - t0;
    ticker.stop();
    w.reviewView()->removeEventFilter(&painted);
    for (auto* child : w.reviewView()->findChildren<QWidget*>()) child->removeEventFilter(&painted);
    CHECK(panel->message().contains("SHA-256 verified"));
    CHECK(paintsBeforeVerified >= 1);   // the first paint did not wait for the checksum
    qint64 maxGap = 0;
    for (std::size_t i = 1; i < ticks.size(); ++i)
        if (ticks[i - 1] >= opened) maxGap = std::max(maxGap, ticks[i] - ticks[i - 1]);
    INFO("verified after " << verifiedMs << " ms, opened after " << opened - t0 << " ms, " << ticks.size()
                           << " ticks, longest gap " << maxGap << " ms");
    // hashing 96 MB on the GUI thread would stall it for the whole check; on the worker the
    // ticks go on (the longest stall stays under half the check)
    REQUIRE(verifiedMs > 0);
    CHECK(ticks.size() >= 3);
    CHECK(static_cast<double>(maxGap) < 0.5 * static_cast<double>(verifiedMs));
    CHECK(st::sha256OfFile(file.toStdString()) == info.sha256);   // the file is left as it is
}
