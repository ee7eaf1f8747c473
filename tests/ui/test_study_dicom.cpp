// "Export DICOM…" on the Study tab (offscreen): the active study, with a 16-bit EDF+ motor
// recording linked to its test, is written as an EMG waveform object (the study is not signed:
// no report object, and the message says so); a recording changed since it was stored is refused
// with the reason and nothing is written.
#include "ui_test_support.h"

#include "main_window.h"
#include "store_connection.h"
#include "study_panel.h"

#include <emg/io/recording_io.h>
#include <emg/report/dicom/study_dicom_export.h>
#include <emg/study/session_store.h>

#include <catch2/catch.hpp>

#include <QDir>
#include <QFile>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using emg::ui::MainWindow;
using emg::ui::StudyPanel;
namespace st = emg::study;

TEST_CASE("Study tab: Export DICOM writes the active study's EMG waveforms, and refuses a changed recording", "[ui][study][dicom]") {
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
    store.savePatient({"P3", "Roe, Richard", "1958-07-01", st::Sex::Male, std::nullopt, st::Side::Right});

    // 2 s at 10 kHz of a 40 Hz sine on "EDB", a stimulus at 0.5 s
    emg::Recording rec;
    emg::RecordedChannel ch;
    ch.label = "EDB";
    ch.sampleRateHz = 10000.0;
    ch.prefilter = "HP:2Hz LP:10kHz";
    for (int i = 0; i < 20000; ++i) ch.samples.push_back(100.0 * std::sin(2.0 * M_PI * 40.0 * i / 10000.0));
    rec.channels.push_back(ch);
    rec.annotations.push_back({0.5, 0.0, "Stim ankle"});
    const QString file = dir.path() + "/motor.edf";
    emg::io::writeRecording(rec, file.toStdString(), emg::io::FileFormat::EdfPlus);

    st::Study s;
    s.patientId = "P3";
    s.date = "2026-11-30";
    st::MotorNcs m;
    m.id = "t1";
    m.side = st::Side::Right;
    m.nerve = "peroneal";
    m.recordingSite = "extensor digitorum brevis";
    m.raw = {file.toStdString(), "", "EDB", 0.25, 1.25};
    m.sites = {{"ankle", 80.0, {{"distalLatencyMs", 4.5, "ms", st::Provenance::Auto, "onset marker", ""}}}};
    s.tests.push_back(m);
    const std::string studyId = store.saveStudy(s);

    auto* panel = w.findChild<StudyPanel*>("panel-study");
    REQUIRE(panel != nullptr);
    w.tabs().setCurrentWidget(panel);
    auto* button = panel->findChild<QPushButton*>("study-export-dicom");
    REQUIRE(button != nullptr);
    CHECK_FALSE(button->isEnabled());   // no active study yet
    REQUIRE(panel->activateStudy(QString::fromStdString(studyId)));
    REQUIRE(button->isEnabled());
    CHECK(button->isVisible());

    const QString out = dir.path() + "/dicom";
    REQUIRE(QDir().mkpath(out));
    REQUIRE(panel->exportDicom(out));
    const QString emgFile = out + "/" + QString::fromStdString(studyId) + "-emg.dcm";
    REQUIRE(QFile::exists(emgFile));
    CHECK_FALSE(QFile::exists(out + "/" + QString::fromStdString(studyId) + "-report.dcm"));
    CHECK(panel->message().contains("1 file"));
    CHECK(panel->message().contains("not signed"));
    // a Part 10 file: 128-byte preamble, then "DICM"; 1 s at 10 kHz of 16-bit samples = 20000 bytes at least
    QFile f(emgFile);
    REQUIRE(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    CHECK(bytes.mid(128, 4) == "DICM");
    CHECK(bytes.size() > 20000);
    CHECK(bytes.contains(QByteArray::fromStdString(emg::report::dicom::studyInstanceUid(studyId))));
    w.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/screenshot-study-dicom.png"));

    // the recording changes behind the store's back: refused, nothing new written
    {
        QFile raw(file);
        REQUIRE(raw.open(QIODevice::Append));
        raw.write("x");
    }
    const QString out2 = dir.path() + "/dicom2";
    REQUIRE(QDir().mkpath(out2));
    CHECK_FALSE(panel->exportDicom(out2));
    CHECK(panel->message().contains("has changed since it was stored"));
    CHECK(QDir(out2).isEmpty());
}
