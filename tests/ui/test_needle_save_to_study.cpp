// Needle panel "Save to study": the findings grid's rows (one analysed from a simulated
// neuropathic muscle, the others typed by the clinician) become needle tests of the active study
// with their provenance; the Study tab shows them and the localization helper ranks L5 first.
#include "ui_test_support.h"

#include "active_study.h"
#include "localization_box.h"
#include "needle_findings_grid.h"
#include "needle_panel.h"
#include "study_save_bar.h"
#include "study_content_view.h"
#include "study_panel.h"
#include "study_reference.h"

#include <sim/needle_emg_model.h>
#include <emg/study/evaluation.h>
#include <emg/study/localization.h>
#include <emg/study/session_store.h>

#include <catch2/catch.hpp>

#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QTest>

#include <algorithm>

namespace st = emg::study;

namespace {

/// A row typed by the clinician: muscle and side, then the nine finding cells.
void typeRow(emg::ui::NeedleFindingsGrid& grid, const QStringList& cells) {
    const int row = grid.rowCount();
    grid.insertRow(row);
    for (int c = 0; c < grid.columnCount(); ++c) grid.setItem(row, c, new QTableWidgetItem);
    grid.item(row, 0)->setText(cells[0]);
    grid.item(row, emg::ui::NeedleFindingsGrid::kSideColumn)->setText(cells[1]);
    for (int c = 2; c < cells.size(); ++c) grid.item(row, c - 1)->setText(cells[c]);
}

const st::NeedleEmg* needleTest(const st::Study& s, const std::string& muscle, st::Side side) {
    for (const auto& t : s.tests)
        if (const auto* n = std::get_if<st::NeedleEmg>(&t); n && n->muscle == muscle && n->side == side) return n;
    return nullptr;
}

const st::Measurement* measurement(const st::NeedleEmg& t, const std::string& name) {
    for (const auto& m : t.measurements)
        if (m.name == name) return &m;
    return nullptr;
}

/// The four rows as stored: the analysed TA (its numbers the analysis', automatic) and the three typed ones.
void checkStoredRows(const st::Study& stored, const emg::needle::NeedleAnalysis& a) {
    const auto* taTest = needleTest(stored, "tibialis anterior", st::Side::Left);
    REQUIRE(taTest != nullptr);
    CHECK(taTest->fibrillations == a.spontaneous.grade);
    CHECK(taTest->fibrillations >= 1);
    CHECK(taTest->recruitment == st::Recruitment::Reduced);
    CHECK(taTest->muapDuration == st::Grade3::Increased);
    CHECK(taTest->insertional == st::Grade3::NotAssessed);   // left empty
    const auto* dur = measurement(*taTest, "muapDurationMs");
    REQUIRE(dur != nullptr);
    CHECK(dur->unit == "ms");
    CHECK(dur->value == Approx(a.summary.meanDurationMs).margin(0.051));
    CHECK(dur->provenance == st::Provenance::Auto);
    CHECK(taTest->note.find("automatic analysis: Fibs") != std::string::npos);
    const auto* ehl = needleTest(stored, "extensor hallucis longus", st::Side::Left);
    REQUIRE(ehl != nullptr);
    CHECK(ehl->insertional == st::Grade3::Increased);
    CHECK(ehl->fibrillations == 2);
    CHECK(ehl->positiveSharpWaves == 2);
    CHECK(ehl->muapDuration == st::Grade3::Increased);
    CHECK(ehl->recruitment == st::Recruitment::Reduced);
    CHECK(ehl->interference == st::Interference::Reduced);
    CHECK(ehl->note.find("clinician (Dr. Examiner)") != std::string::npos);
    const auto* tp = needleTest(stored, "tibialis posterior", st::Side::Left);
    REQUIRE(tp != nullptr);
    CHECK(tp->fibrillations == 2);
    CHECK(tp->positiveSharpWaves == 1);
    const auto* mg = needleTest(stored, "medial gastrocnemius", st::Side::Left);
    REQUIRE(mg != nullptr);
    CHECK_FALSE(mg->abnormal());
    CHECK(mg->interference == st::Interference::Full);

}

/// The automatic localization on the stored study ranks left L5 first, and the Study tab shows the rows and the suggestion.
void checkL5(const st::Study& stored, const st::Patient& patient, emg::ui::StudyPanel& studyTab) {
    // the automatic localization on the stored study: left L5 radiculopathy first
    const auto ref = emg::ui::StudyReference::loadDefault();
    REQUIRE(ref.myotomes.has_value());
    REQUIRE(ref.norms.has_value());
    const auto ranked = st::localize(*ref.myotomes, st::observationsFrom(stored, *ref.norms, st::subjectFor(patient, stored)));
    REQUIRE_FALSE(ranked.empty());
    INFO(ranked.front().label);
    CHECK(ranked.front().kind == st::HypothesisKind::Root);
    CHECK(ranked.front().roots == std::vector<std::string>{"L5"});
    CHECK(ranked.front().side == st::Side::Left);

    // the Study tab re-read the study: the needle rows are there, and so is the suggestion
    auto* table = studyTab.content()->measurementTable();
    int needleAbnormal = 0, needleNormal = 0;
    for (int r = 0; r < table->rowCount(); ++r)
        if (table->item(r, 2) && table->item(r, 2)->text() == "fib / PSW / recruitment")
            (table->item(r, 5)->text() == "abnormal" ? needleAbnormal : needleNormal) += 1;
    CHECK(needleAbnormal == 3);
    CHECK(needleNormal == 1);
    CHECK(studyTab.localization()->findChild<QLabel*>("localization-suggestion")->text().contains("L5"));

}

}  // namespace

TEST_CASE("needle panel Save to study stores the findings grid as needle tests and the localization ranks L5 first",
          "[ui][needle][study]") {
    emg::test::qtApp();
    QTemporaryDir dir;
    auto store = st::SessionStore::open("sqlite:" + (dir.path() + "/store.sqlite").toStdString());
    const st::Patient patient{"P8", "Roe, Sam", "1961-07-02", st::Sex::Male, 178.0, st::Side::Right};
    store->savePatient(patient);
    st::Study s;
    s.patientId = "P8";
    s.date = "2026-11-30";
    s.examiner = "Dr. Examiner";
    s.protocolId = "lumbosacral-radiculopathy";
    const std::string id = store->saveStudy(s);

    emg::ui::ActiveStudy active;
    emg::ui::StudyPanel studyTab(store.get(), nullptr, &active);
    emg::ui::NeedlePanel panel(nullptr);
    panel.resize(1300, 760);

    // without a store the row says so; with a store but no active study likewise
    auto* button = panel.saveBar()->button();
    auto* target = panel.saveBar()->findChild<QLabel*>("needle-save-study");
    panel.setStudyTarget(nullptr, &active);
    CHECK_FALSE(button->isEnabled());
    CHECK(target->text().contains("No session store"));
    panel.setStudyTarget(store.get(), &active);
    CHECK_FALSE(button->isEnabled());
    CHECK(target->text().contains("No active study"));
    CHECK_FALSE(panel.saveToStudy());

    REQUIRE(studyTab.activateStudy(QString::fromStdString(id)));
    CHECK(button->isEnabled());
    CHECK(target->text().contains("P8"));

    // tibialis anterior (left) from the analysis of a denervated, neuropathic muscle
    emg::sim::NeedleMuscleConfig c;
    c.pattern = emg::sim::MusclePattern::Neuropathic;
    c.noiseRmsUv = 8.0;
    c.seed = 9;
    c.spontaneous = emg::sim::SpontaneousConfig::fromGrade(2);
    emg::sim::NeedleMuscleModel model(c);
    const auto sig = model.generate(8.0, {{0.0, 0.0}, {4.0, 0.15}});
    panel.setMuscle("tibialis anterior");
    panel.setSide("left");
    const auto a = panel.analyzeSignal(sig.microvolts, sig.sampleRateHz, {{0.0, 4.0, "rest"}, {4.0, 4.0, "weak"}});
    auto& grid = *panel.findings();
    const int ta = grid.rowOf("tibialis anterior", "left");
    REQUIRE(ta >= 0);
    CHECK_FALSE(grid.editedByClinician(ta, 2));   // fibs: from the analysis
    // the rest typed by the clinician
    typeRow(grid, {"extensor hallucis longus", "left", "increased", "2+", "2+", "0", "normal", "long", "normal", "reduced", "reduced"});
    typeRow(grid, {"tibialis posterior", "left", "normal", "2+", "1+", "0", "normal", "normal", "normal", "reduced", "reduced"});
    typeRow(grid, {"Medial Gastrocnemius", "left", "normal", "0", "0", "0", "normal", "normal", "normal", "normal", "full"});
    CHECK(grid.editedByClinician(grid.rowOf("tibialis posterior"), 2));
    CHECK(grid.item(grid.rowOf("tibialis posterior"), 2)->font().italic());   // the clinician's cells in italics
    CHECK_FALSE(grid.item(ta, 2)->font().italic());

    QTest::mouseClick(button, Qt::LeftButton);
    const auto* status = panel.saveBar()->findChild<QLabel*>("needle-save-status");
    INFO(status->text().toStdString());
    CHECK(status->text().startsWith("Saved 4"));

    auto stored = store->study(id);
    REQUIRE(stored.has_value());
    REQUIRE(std::count_if(stored->tests.begin(), stored->tests.end(), [](const st::Test& t) { return std::holds_alternative<st::NeedleEmg>(t); }) == 4);
    checkStoredRows(*stored, a);
    checkL5(*stored, patient, studyTab);
    // the analysed muscle keeps the engine's reading as it suggested it; the typed ones have none
    const auto* taTest = needleTest(*stored, "tibialis anterior", st::Side::Left);
    REQUIRE(taTest);
    REQUIRE(taTest->automaticReading.has_value());
    CHECK(taTest->automaticReading->pattern == emg::needle::toString(a.reading.pattern));
    CHECK(taTest->automaticReading->reasons == a.reading.reasons);
    CHECK_FALSE(needleTest(*stored, "tibialis posterior", st::Side::Left)->automaticReading.has_value());

    // the clinician corrects the TA's recruitment and saves again: replaced, not added
    grid.item(ta, 8)->setText("normal");
    REQUIRE(grid.editedByClinician(ta, 8));
    CHECK(grid.item(ta, 8)->font().italic());
    CHECK(grid.item(ta, 8)->toolTip() == "entered by the clinician");
    REQUIRE(panel.saveToStudy());
    CHECK(status->text().contains("4 replaced"));
    stored = store->study(id);
    CHECK(std::count_if(stored->tests.begin(), stored->tests.end(), [](const st::Test& t) { return std::holds_alternative<st::NeedleEmg>(t); }) == 4);
    CHECK(needleTest(*stored, "tibialis anterior", st::Side::Left)->recruitment == st::Recruitment::Normal);
    CHECK(needleTest(*stored, "tibialis anterior", st::Side::Left)->note.find("clinician (Dr. Examiner): Recruitment") != std::string::npos);

    // a cell that is no finding is refused and the stored study stays as it was
    grid.item(grid.rowOf("tibialis posterior"), 2)->setText("lots");
    CHECK_FALSE(panel.saveToStudy());
    CHECK(status->text().contains("tibialis posterior: Fibs: 'lots'"));
    CHECK(needleTest(*store->study(id), "tibialis posterior", st::Side::Left)->fibrillations == 2);
    grid.item(grid.rowOf("tibialis posterior"), 2)->setText("2+");
    REQUIRE(panel.saveToStudy());
    CHECK_FALSE(status->text().contains("myotome map"));

    // a muscle the myotome map does not know is stored, and the row says the localization leaves it out
    typeRow(grid, {"left calf muscle", "left", "normal", "0", "0", "0", "normal", "normal", "normal", "normal", "full"});
    REQUIRE(panel.saveToStudy());
    CHECK(status->text().contains("Saved 5"));
    CHECK(status->text().contains("Not in the myotome map, so the localization leaves out: left calf muscle."));

    // the active study goes away: the button says why it is disabled
    active.clear();
    CHECK_FALSE(button->isEnabled());
    CHECK(target->text().contains("No active study"));
    REQUIRE(studyTab.activateStudy(QString::fromStdString(id)));

    panel.show();
    QTest::qWait(80);
    REQUIRE(panel.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/needle_save_to_study.png")));
    studyTab.resize(1300, 900);
    studyTab.show();
    QTest::qWait(80);
    REQUIRE(studyTab.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/needle_save_to_study_tab.png")));
}
