// NCS review "Save to study" guided by the active study's protocol: the protocol's motor and
// sensory tests are offered, choosing one fills kind, nerve and recording site and offers its
// stimulation sites with their distances; hand entry stays possible.
#include "ui_test_support.h"

#include "active_study.h"
#include "ncs_review_panel.h"
#include "ncs_save_bar.h"

#include <emg/study/session_store.h>

#include <catch2/catch.hpp>

#include <QComboBox>
#include <QLineEdit>

namespace st = emg::study;

TEST_CASE("NCS Save to study offers the active study's protocol tests and their sites", "[ui][ncs][study]") {
    emg::test::qtApp();
    QTemporaryDir dir;
    auto store = st::SessionStore::open("sqlite:" + (dir.path() + "/store.sqlite").toStdString());
    store->savePatient({"P9", "Poe, Ann", "1970-01-01", st::Sex::Female, 165.0, st::Side::Right});
    st::Study s;
    s.patientId = "P9";
    s.date = "2026-11-30";
    s.protocolId = "lumbosacral-radiculopathy";
    const std::string id = store->saveStudy(s);
    s.id.clear();
    s.protocolId.clear();   // a study without a protocol: hand entry only
    const std::string bare = store->saveStudy(s);

    emg::ui::ActiveStudy active;
    emg::DisplayBuffer buffer(2.0);
    emg::ui::NcsReviewPanel ncs(buffer);
    ncs.setStudyTarget(store.get(), &active);
    REQUIRE(ncs.saveBar() != nullptr);
    auto& bar = *ncs.saveBar();
    auto* tests = bar.findChild<QComboBox*>("ncs-save-protocol-test");
    auto* sites = bar.findChild<QComboBox*>("ncs-save-protocol-site");
    REQUIRE(tests != nullptr);
    REQUIRE(sites != nullptr);
    CHECK_FALSE(tests->isEnabled());   // no active study

    active.set(QString::fromStdString(id), "P9", "P9 Poe, Ann · 2026-11-30 lumbosacral-radiculopathy");
    REQUIRE(tests->isEnabled());
    const int peroneal = tests->findText(QStringLiteral("motor peroneal → extensor digitorum brevis"));
    REQUIRE(peroneal >= 1);
    const int sural = tests->findText(QStringLiteral("sensory sural → lateral malleolus"), Qt::MatchStartsWith);
    for (int i = 1; i < tests->count(); ++i) CHECK((tests->itemText(i).startsWith("motor") || tests->itemText(i).startsWith("sensory")));

    REQUIRE(bar.chooseProtocolTest(peroneal - 1));
    auto e = bar.entry();
    CHECK(e.kind == st::TestKind::Motor);
    CHECK(e.nerve == "peroneal");
    CHECK(e.recordingSite == "extensor digitorum brevis");
    CHECK(e.siteName == "ankle");   // the distal site first, with its distance
    CHECK(e.distanceMm.value_or(0) == Approx(90));
    REQUIRE(sites->isEnabled());
    CHECK(sites->count() == 4);   // placeholder + ankle, below fibular head, lateral popliteal fossa
    CHECK(sites->itemText(1) == QStringLiteral("ankle · 90 mm"));

    REQUIRE(bar.chooseProtocolSite(1));
    e = bar.entry();
    CHECK(e.siteName == "below fibular head");
    CHECK_FALSE(e.distanceMm.has_value());   // the segment is measured by the clinician
    REQUIRE(bar.chooseProtocolSite(2));
    e = bar.entry();
    CHECK(e.siteName == "lateral popliteal fossa");
    CHECK(e.distanceMm.value_or(0) == Approx(100));
    CHECK_FALSE(bar.chooseProtocolSite(3));

    // hand entry stays possible after a protocol choice
    bar.findChild<QLineEdit*>("ncs-save-site")->setText("popliteal fossa (high)");
    CHECK(bar.entry().siteName == "popliteal fossa (high)");
    CHECK(bar.entry().nerve == "peroneal");

    CHECK(sural >= 1);
    if (sural >= 1) {
        REQUIRE(bar.chooseProtocolTest(sural - 1));
        CHECK(bar.entry().kind == st::TestKind::Sensory);
        CHECK(bar.entry().nerve == "sural");
    }

    // a study without a protocol, or none: the combo offers nothing and typing is the way
    active.set(QString::fromStdString(bare), "P9", "P9 Poe, Ann · 2026-11-30");
    CHECK_FALSE(tests->isEnabled());
    CHECK(tests->count() == 1);
    CHECK_FALSE(bar.chooseProtocolTest(0));
    active.clear();
    CHECK_FALSE(tests->isEnabled());
}
