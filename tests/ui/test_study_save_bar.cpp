// The one Save-to-study component in each panel (NCS review, late responses, needle): the same
// object names, the same reasons when nothing can be saved, and a later target replaces the
// earlier one (the NCS row used to keep following its first ActiveStudy).
#include "ui_test_support.h"

#include "active_study.h"
#include "late_responses_panel.h"
#include "late_save_bar.h"
#include "ncs_review_panel.h"
#include "ncs_save_bar.h"
#include "needle_panel.h"
#include "study_save_bar.h"

#include <emg/study/session_store.h>

#include <catch2/catch.hpp>

#include <QLabel>
#include <QPushButton>
#include <QTemporaryDir>

#include <functional>

namespace st = emg::study;

namespace {

struct PanelUnderTest {
    const char* prefix;
    emg::ui::StudySaveBar* bar;
    std::function<void(st::SessionStore*, emg::ui::ActiveStudy*)> setTarget;
};

void checkBar(const PanelUnderTest& p, st::SessionStore& store, const std::string& studyId) {
    INFO(p.prefix);
    auto* button = p.bar->findChild<QPushButton*>(p.prefix);
    auto* target = p.bar->findChild<QLabel*>(QString(p.prefix) + "-study");
    REQUIRE(button != nullptr);
    REQUIRE(target != nullptr);
    REQUIRE(p.bar->findChild<QLabel*>(QString(p.prefix) + "-status") != nullptr);
    p.setTarget(nullptr, nullptr);
    CHECK_FALSE(button->isEnabled());
    CHECK(target->text().contains("No session store"));

    emg::ui::ActiveStudy first, second;
    p.setTarget(&store, &first);
    CHECK_FALSE(button->isEnabled());
    CHECK(target->text().contains("No active study"));
    first.set(QString::fromStdString(studyId), "P5", "P5 first");
    CHECK(button->isEnabled());
    CHECK(target->text().contains("P5 first"));

    p.setTarget(&store, &second);   // the later target replaces the first
    CHECK_FALSE(button->isEnabled());
    first.set(QString::fromStdString(studyId), "P5", "P5 first again");
    CHECK_FALSE(target->text().contains("first again"));
    second.set(QString::fromStdString(studyId), "P5", "P5 second");
    CHECK(button->isEnabled());
    CHECK(target->text().contains("P5 second"));
    second.clear();
    CHECK_FALSE(button->isEnabled());
    CHECK(target->text().contains("No active study"));
    p.setTarget(nullptr, nullptr);   // the ActiveStudy objects go away before the panel
}

}  // namespace

TEST_CASE("the one Save-to-study bar behaves alike in the NCS review, late responses and needle panels", "[ui][study][save-bar]") {
    emg::test::qtApp();
    QTemporaryDir dir;
    auto store = st::SessionStore::open("sqlite:" + (dir.path() + "/store.sqlite").toStdString());
    store->savePatient({"P5", "Poe, Ann", "1970-01-02", st::Sex::Female, 165.0, st::Side::Left});
    st::Study s;
    s.patientId = "P5";
    s.date = "2026-11-30";
    const auto id = store->saveStudy(s);

    emg::DisplayBuffer buffer(2.0);
    emg::ui::NcsReviewPanel ncs(buffer);
    emg::ui::LateResponsesPanel late(buffer);
    emg::ui::NeedlePanel needle(nullptr);
    const PanelUnderTest panels[] = {
        {"ncs-save", ncs.saveBar(), [&](st::SessionStore* st, emg::ui::ActiveStudy* a) { ncs.setStudyTarget(st, a); }},
        {"late-save", late.saveBar(), [&](st::SessionStore* st, emg::ui::ActiveStudy* a) { late.setStudyTarget(st, a); }},
        {"needle-save", needle.saveBar(), [&](st::SessionStore* st, emg::ui::ActiveStudy* a) { needle.setStudyTarget(st, a); }},
    };
    for (const auto& p : panels) checkBar(p, *store, id);
}
