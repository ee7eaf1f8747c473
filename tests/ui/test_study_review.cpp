// A technician reviews a stored recording from the Study tab: the file's SHA-256 is checked
// against the store, then it opens in the review view (the simulator goes on); a file changed since it was
// stored is refused with the reason, and neither the file nor the store is touched.
#include "ui_test_support.h"

#include "acquisition_session.h"
#include "main_window.h"
#include "review/review_document.h"
#include "review/review_view.h"

#include <QTabWidget>
#include "store_connection.h"
#include "study_content_view.h"
#include "study_panel.h"

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

#include <cmath>

using emg::ui::MainWindow;
using emg::ui::StudyPanel;
namespace st = emg::study;

TEST_CASE("Study tab: a stored recording is reviewed after its SHA-256 is verified; a changed file is refused", "[ui][study]") {
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
    CHECK(panel->message().contains("SHA-256 verified"));
    w.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/screenshot-study-review.png"));

    // the file is changed behind the store's back: refused, and left as it is
    {
        QFile f(file);
        REQUIRE(f.open(QIODevice::Append));
        f.write("x");
    }
    const auto changed = st::sha256OfFile(file.toStdString());
    w.session().stop();
    REQUIRE_FALSE(panel->reviewRecording(QString::fromStdString(info.id)));
    CHECK(panel->message().contains("has changed since it was stored"));
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
    REQUIRE(office.reviewView() != nullptr);
    CHECK(office.reviewView()->document().fileName() == "median.edf");
    CHECK(QFile::exists(dir.path() + "/cache-office/" + QString::fromStdString(sha) + "/median.edf"));
    CHECK(panel->message().contains("SHA-256 verified"));
    office.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/screenshot-study-review-other-workstation.png"));
}
