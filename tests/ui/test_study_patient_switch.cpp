// The Study tab ends the active study when another patient is chosen, so a recording or a Save
// to study can never join the wrong patient's study; activating a study shows its patient.
#include "ui_test_support.h"

#include "active_study.h"
#include "study_panel.h"

#include <emg/study/session_store.h>

#include <catch2/catch.hpp>

#include <QComboBox>
#include <QLabel>
#include <QListWidget>

namespace st = emg::study;

TEST_CASE("Study tab: choosing another patient clears the active study", "[ui][study]") {
    emg::test::qtApp();
    QTemporaryDir dir;
    auto store = st::SessionStore::open("sqlite:" + (dir.path() + "/store.sqlite").toStdString());
    store->savePatient({"PA", "Alpha, Ann", "1960-01-01", st::Sex::Female, 160.0, st::Side::Left});
    store->savePatient({"PB", "Beta, Bob", "1962-02-02", st::Sex::Male, 180.0, st::Side::Right});
    st::Study s;
    s.date = "2026-11-30";
    s.protocolId = "lumbosacral-radiculopathy";
    s.patientId = "PA";
    const QString studyA = QString::fromStdString(store->saveStudy(s));
    s.id.clear();
    s.patientId = "PB";
    const QString studyB = QString::fromStdString(store->saveStudy(s));

    emg::ui::ActiveStudy active;
    int changes = 0;
    QObject::connect(&active, &emg::ui::ActiveStudy::changed, [&] { ++changes; });
    emg::ui::StudyPanel panel(store.get(), nullptr, &active);
    auto* patients = panel.findChild<QComboBox*>("study-patients");
    auto* studies = panel.findChild<QListWidget*>("study-list");
    REQUIRE(patients != nullptr);
    REQUIRE(studies != nullptr);
    const int rowA = patients->findData("PA"), rowB = patients->findData("PB");
    REQUIRE(rowA >= 0);
    REQUIRE(rowB >= 0);

    patients->setCurrentIndex(rowA);
    REQUIRE(panel.activateStudy(studyA));
    CHECK(active.studyId() == studyA);
    CHECK(active.patientId() == "PA");

    // the other patient: no active study, none of B's studies chosen for the user
    patients->setCurrentIndex(rowB);
    CHECK_FALSE(active.isSet());
    CHECK(panel.message().contains("no longer active"));
    CHECK(studies->count() == 1);
    CHECK(studies->currentItem() == nullptr);

    // choosing B's study makes it active; choosing the same patient again keeps it
    studies->setCurrentRow(0);
    CHECK(active.studyId() == studyB);
    CHECK(active.patientId() == "PB");
    patients->setCurrentIndex(rowB);
    CHECK(active.studyId() == studyB);

    // activating A's study (e.g. from elsewhere) brings the patient list to A, so switching back
    // to B afterwards clears it again
    REQUIRE(panel.activateStudy(studyA));
    CHECK(patients->currentData().toString() == "PA");
    CHECK(studies->currentItem() != nullptr);
    CHECK(studies->currentItem()->data(Qt::UserRole).toString() == studyA);
    patients->setCurrentIndex(rowB);
    CHECK_FALSE(active.isSet());
    CHECK(changes >= 4);
}
