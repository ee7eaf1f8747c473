// The Study tab on a temporary SQLite store: a patient and a study created through the panel's
// widgets become the active study, a Record-button recording from the simulator is added to it
// with its SHA-256, stored measurements are flagged against the norms, the clinician confirms the
// localization and the PDF report (pdftotext) carries it with no "suggestion" wording.
#include "ui_test_support.h"

#include "acquisition_session.h"
#include "active_study.h"
#include "localization_box.h"
#include "main_window.h"
#include "store_connection.h"
#include "study_content_view.h"
#include "study_panel.h"

#include <emg/study/session_store.h>

#include <catch2/catch.hpp>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>
#include <QTreeWidget>

#include <algorithm>
#include <filesystem>

using emg::ui::MainWindow;
using emg::ui::MainWindowOptions;
using emg::ui::StudyPanel;
namespace st = emg::study;

namespace {

MainWindowOptions storeOptions(const QTemporaryDir& dir) {
    MainWindowOptions o;   // no devices given: the built-in simulator
    o.watchUsb = false;
    o.autoStart = false;
    o.dataDirectory = dir.path();
    o.storeUrl = "sqlite:" + (dir.path() + "/store.sqlite").toStdString();
    return o;
}

template <typename T>
T* child(QWidget& parent, const char* name) {
    auto* w = parent.findChild<T*>(QString::fromLatin1(name));
    REQUIRE(w != nullptr);
    return w;
}

void click(QWidget& parent, const char* name) {
    auto* b = child<QPushButton>(parent, name);
    REQUIRE(b->isVisible());
    REQUIRE(b->isEnabled());
    QTest::mouseClick(b, Qt::LeftButton);
}

StudyPanel& studyTab(MainWindow& w) {
    auto* panel = w.findChild<StudyPanel*>("panel-study");
    REQUIRE(panel != nullptr);
    w.tabs().setCurrentWidget(panel);
    return *panel;
}

st::Measurement auto_(const std::string& name, double value, const std::string& unit) {
    return {name, value, unit, st::Provenance::Auto, "test", ""};
}

/// A left L5 picture: low peroneal CMAP, normal sural SNAP, denervated tibialis anterior.
void addL5Tests(st::Study& s) {
    st::MotorNcs per;
    per.side = st::Side::Left;
    per.nerve = "peroneal";
    per.recordingSite = "extensor digitorum brevis";
    per.sites = {{"ankle", 90.0, {auto_("distalLatencyMs", 4.9, "ms"), auto_("amplitudeUv", 1500, "uV")}},
                 {"below fibular head", 300.0, {auto_("latencyMs", 11.6, "ms"), auto_("amplitudeUv", 1400, "uV")}}};
    per.measurements = {auto_("conductionVelocityMps", 44.8, "m/s")};
    s.tests.push_back(per);
    st::SensoryNcs sural;
    sural.side = st::Side::Left;
    sural.nerve = "sural";
    sural.recordingSite = "lateral malleolus";
    sural.sites = {{"calf", 140.0, {auto_("peakLatencyMs", 3.4, "ms"), auto_("amplitudeUv", 14.0, "uV")}}};
    s.tests.push_back(sural);
    for (const char* muscle : {"tibialis anterior", "extensor hallucis longus", "tibialis posterior"}) {
        st::NeedleEmg n;
        n.side = st::Side::Left;
        n.muscle = muscle;
        n.fibrillations = 2;
        n.positiveSharpWaves = 2;
        n.recruitment = st::Recruitment::Reduced;
        s.tests.push_back(n);
    }
    for (const char* muscle : {"medial gastrocnemius", "vastus lateralis"}) {
        st::NeedleEmg n;
        n.side = st::Side::Left;
        n.muscle = muscle;
        n.recruitment = st::Recruitment::Normal;
        s.tests.push_back(n);
    }
}

QString pdfText(const QString& pdf) {
    QProcess p;
    p.start("pdftotext", {"-layout", pdf, "-"});
    REQUIRE(p.waitForFinished(30000));
    REQUIRE(p.exitCode() == 0);
    return QString::fromUtf8(p.readAllStandardOutput());
}

QString screenshotPath(const char* name) { return QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/") + name; }

}  // namespace

TEST_CASE("Study tab: patient and study made in the widgets, a recording joins the active study, the report carries the confirmed localization",
          "[ui][study]") {
    emg::test::qtApp();
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    auto options = storeOptions(dir);
    options.autoStart = true;   // Record records the running acquisition
    MainWindow w(options);
    w.resize(1400, 900);
    w.show();
    REQUIRE(w.storeConnection().isOpen());
    st::SessionStore& store = *w.storeConnection().store();
    StudyPanel& panel = studyTab(w);
    CHECK(w.tabs().indexOf(&panel) == 1);   // the first panel, right after the live traces

    // New patient
    click(panel, "study-new-patient");
    child<QLineEdit>(panel, "patient-id")->setText("MRN-7");
    QTest::keyClicks(child<QLineEdit>(panel, "patient-name"), "Doe, Jane");
    child<QLineEdit>(panel, "patient-birth-date")->setText("1968-03-14");
    auto* sex = child<QComboBox>(panel, "patient-sex");
    sex->setCurrentIndex(sex->findText("female"));
    child<QDoubleSpinBox>(panel, "patient-height-cm")->setValue(168);
    auto* side = child<QComboBox>(panel, "patient-symptom-side");
    side->setCurrentIndex(side->findText("left"));
    click(panel, "patient-save");
    const auto patient = store.patient("MRN-7");
    REQUIRE(patient.has_value());
    CHECK(patient->name == "Doe, Jane");
    CHECK(patient->sex == st::Sex::Female);
    CHECK(patient->symptomSide == st::Side::Left);
    REQUIRE(patient->heightCm.has_value());
    CHECK(*patient->heightCm == Approx(168));
    CHECK(child<QComboBox>(panel, "study-patients")->currentData().toString() == "MRN-7");

    // New study with the lumbosacral protocol
    click(panel, "study-new-study");
    child<QLineEdit>(panel, "study-indication")->setText("low back pain with left leg symptoms");
    QTest::qWait(20);
    REQUIRE(panel.grab().save(screenshotPath("study_panel_new_study.png")));
    child<QLineEdit>(panel, "study-referring")->setText("Dr. Referrer");
    child<QLineEdit>(panel, "study-examiner")->setText("Dr. Examiner");
    child<QLineEdit>(panel, "study-technician")->setText("T. Tech");
    child<QDoubleSpinBox>(panel, "study-temperature-c")->setValue(32.5);
    auto* protocol = child<QComboBox>(panel, "study-protocol");
    protocol->setCurrentIndex(protocol->findData("lumbosacral-radiculopathy"));
    REQUIRE(protocol->currentIndex() > 0);
    click(panel, "study-save");
    const auto summaries = store.studies("MRN-7");
    REQUIRE(summaries.size() == 1);
    const std::string studyId = summaries[0].id;
    CHECK(summaries[0].protocolId == "lumbosacral-radiculopathy");
    REQUIRE(w.activeStudy().isSet());
    CHECK(w.activeStudy().studyId().toStdString() == studyId);
    auto* statusStudy = w.findChild<QLabel*>("status-study");
    REQUIRE(statusStudy != nullptr);
    CHECK(statusStudy->isVisible());
    CHECK(statusStudy->text().contains("MRN-7"));
    CHECK(w.tabs().tabText(w.tabs().indexOf(&panel)).contains("MRN-7"));
    const auto stored = store.study(studyId);
    REQUIRE(stored.has_value());
    CHECK(stored->limbTemperatureC.value_or(0) == Approx(32.5));
    CHECK(stored->examiner == "Dr. Examiner");
    // every protocol test still to do
    auto* steps = panel.content()->protocolTree();
    REQUIRE(steps->topLevelItemCount() > 5);
    for (int i = 0; i < steps->topLevelItemCount(); ++i) CHECK(steps->topLevelItem(i)->text(1) == "to do");

    // ~1 s recorded from the simulator with the study active is added to the study
    auto* record = w.findChild<QPushButton*>("record");
    REQUIRE(record != nullptr);
    QTest::mouseClick(record, Qt::LeftButton);
    REQUIRE(w.session().isRecording());
    QTest::qWait(1100);
    const auto path = w.session().recordingPath();
    QTest::mouseClick(record, Qt::LeftButton);
    REQUIRE_FALSE(w.session().isRecording());
    const auto recordings = store.recordings(studyId);
    REQUIRE(recordings.size() == 1);
    CHECK(std::filesystem::path(recordings[0].path) == std::filesystem::absolute(path).lexically_normal());
    CHECK(recordings[0].sha256 == st::sha256OfFile(path));
    CHECK(recordings[0].sizeBytes == static_cast<std::int64_t>(std::filesystem::file_size(path)));
    REQUIRE(panel.content()->recordingTable()->rowCount() == 1);
    CHECK(panel.content()->recordingTable()->item(0, 2)->text().startsWith(QString::fromStdString(recordings[0].sha256.substr(0, 12))));

    // measurements stored into the study show with their flags, and the protocol list follows
    auto withTests = *store.study(studyId);
    addL5Tests(withTests);
    store.saveStudy(withTests);
    w.activeStudy().notifyModified();
    auto* table = panel.content()->measurementTable();
    bool lowPeronealFlagged = false, suralNormal = false;
    for (int r = 0; r < table->rowCount(); ++r) {
        const QString test = table->item(r, 0)->text(), param = table->item(r, 2)->text(), flag = table->item(r, 5)->text();
        if (test.contains("peroneal") && table->item(r, 1)->text() == "ankle" && param == QStringLiteral("Amplitude (µV)")) lowPeronealFlagged = flag == "abnormal";
        if (test.contains("sural") && param == QStringLiteral("Amplitude (µV)")) suralNormal = flag == "normal";
    }
    CHECK(lowPeronealFlagged);
    CHECK(suralNormal);
    CHECK(panel.content()->abnormalCount() >= 4);
    int done = 0;
    for (int i = 0; i < steps->topLevelItemCount(); ++i) done += steps->topLevelItem(i)->text(1).startsWith("done");
    CHECK(done >= 3);
    REQUIRE(child<QListWidget>(panel, "study-list")->count() == 1);
    CHECK(child<QListWidget>(panel, "study-list")->item(0)->text().contains("7 test"));

    // the suggestion is shown with its evidence; the clinician types their own conclusion
    const QString suggestion = child<QLabel>(panel, "localization-suggestion")->text();
    CHECK(suggestion.contains("L5"));
    CHECK(suggestion.contains("For:"));
    click(panel, "localization-accept");
    auto* conclusion = child<QLineEdit>(panel, "localization-text");
    CHECK(conclusion->text().contains("L5"));
    conclusion->setText("Left L5 radiculopathy, chronic and active (clinician)");
    click(panel, "localization-confirm");
    const auto confirmed = store.study(studyId);
    REQUIRE(confirmed.has_value());
    const auto loc = std::find_if(confirmed->findings.begin(), confirmed->findings.end(),
                                  [](const st::Finding& f) { return f.kind == "localization"; });
    REQUIRE(loc != confirmed->findings.end());
    CHECK(loc->provenance == st::Provenance::Clinician);
    CHECK(loc->confirmed);
    CHECK(loc->text == "Left L5 radiculopathy, chronic and active (clinician)");
    CHECK(confirmed->tests.size() == withTests.tests.size());
    CHECK(store.recordings(studyId).size() == 1);   // re-saving the study keeps its recordings
    CHECK(child<QLabel>(panel, "localization-confirmed")->text().contains("chronic and active"));

    // the report: same engine code as emgws-cli report --study
    const QString pdf = dir.path() + "/study.pdf";
    REQUIRE(panel.exportReport(pdf));
    REQUIRE(QFile::exists(pdf));
    const QString text = pdfText(pdf);
    CHECK(text.contains("Doe, Jane"));
    CHECK(text.simplified().contains("Left L5 radiculopathy, chronic and active (clinician)"));
    CHECK_FALSE(text.contains("suggest", Qt::CaseInsensitive));
    CHECK(panel.message().contains("Report written"));

    QTest::qWait(50);
    REQUIRE(panel.grab().save(screenshotPath("study_panel.png")));
    REQUIRE(w.grab().save(screenshotPath("study_window.png")));
}

TEST_CASE("Study tab: no open store is said plainly and nothing can be saved", "[ui][study]") {
    emg::test::qtApp();
    QTemporaryDir dir;
    auto options = storeOptions(dir);
    options.openStore = false;
    MainWindow w(options);
    w.show();
    StudyPanel& panel = studyTab(w);
    auto* message = child<QLabel>(panel, "study-message");
    CHECK(message->isVisible());
    CHECK(message->text().contains("No session store is open"));
    CHECK_FALSE(child<QPushButton>(panel, "study-new-patient")->isEnabled());
    CHECK_FALSE(child<QPushButton>(panel, "study-report")->isEnabled());
    CHECK_FALSE(panel.savePatientFromForm());
    CHECK_FALSE(panel.exportReport(dir.path() + "/none.pdf"));
    CHECK_FALSE(QFile::exists(dir.path() + "/none.pdf"));
}

TEST_CASE("Study tab: a recording the store refuses is reported and its file is left as it is", "[ui][study]") {
    emg::test::qtApp();
    QTemporaryDir dir;
    MainWindow w(storeOptions(dir));
    w.show();
    st::SessionStore& store = *w.storeConnection().store();
    store.savePatient({"P1", "Roe, Richard", "1970-01-01", st::Sex::Male, std::nullopt, st::Side::Right});
    st::Study s;
    s.patientId = "P1";
    s.date = "2026-11-30";
    const std::string id = store.saveStudy(s);
    StudyPanel& panel = studyTab(w);
    REQUIRE(panel.activateStudy(QString::fromStdString(id)));
    // the study disappears behind the panel's back: the store refuses the recording
    store.removeStudy(id);
    const QString file = dir.path() + "/kept.bdf";
    {
        QFile f(file);
        REQUIRE(f.open(QIODevice::WriteOnly));
        f.write("not really a BDF, but a file that must not be touched");
    }
    const auto before = st::sha256OfFile(file.toStdString());
    emit w.session().recordingStateChanged(true, file);
    emit w.session().recordingStateChanged(false, file);
    auto* message = child<QLabel>(panel, "study-message");
    CHECK(message->isVisible());
    CHECK(message->text().contains("could not be added"));
    CHECK(message->text().contains("kept.bdf"));
    CHECK(st::sha256OfFile(file.toStdString()) == before);
    // a missing file is refused by a study that does exist, and nothing is stored
    st::Study other;
    other.patientId = "P1";
    other.date = "2026-11-30";
    const std::string otherId = store.saveStudy(other);
    REQUIRE(panel.activateStudy(QString::fromStdString(otherId)));
    emit w.session().recordingStateChanged(true, dir.path() + "/missing.bdf");
    emit w.session().recordingStateChanged(false, dir.path() + "/missing.bdf");
    CHECK(message->text().contains("could not be added"));
    CHECK(message->text().contains("missing.bdf"));
    CHECK(store.recordings(otherId).empty());
}

TEST_CASE("Study tab: a recording joins the study that was active when it started", "[ui][study]") {
    emg::test::qtApp();
    QTemporaryDir dir;
    MainWindow w(storeOptions(dir));
    w.show();
    st::SessionStore& store = *w.storeConnection().store();
    store.savePatient({"P1", "Roe, Richard", "1970-01-01", st::Sex::Male, std::nullopt, st::Side::Right});
    st::Study a, b;
    a.patientId = b.patientId = "P1";
    a.date = "2026-11-29";
    b.date = "2026-11-30";
    const std::string idA = store.saveStudy(a), idB = store.saveStudy(b);
    StudyPanel& panel = studyTab(w);
    REQUIRE(panel.activateStudy(QString::fromStdString(idA)));
    const QString file = dir.path() + "/during-a.bdf";
    {
        QFile f(file);
        REQUIRE(f.open(QIODevice::WriteOnly));
        f.write("recorded while study A was active");
    }
    emit w.session().recordingStateChanged(true, file);
    REQUIRE(panel.activateStudy(QString::fromStdString(idB)));   // the examiner looks at B meanwhile
    emit w.session().recordingStateChanged(false, file);
    CHECK(store.recordings(idA).size() == 1);
    CHECK(store.recordings(idB).empty());
    CHECK(panel.message().contains(QString::fromStdString(idA)));
}
