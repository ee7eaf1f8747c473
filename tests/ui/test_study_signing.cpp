// The Study tab's signing row (offscreen): Sign… only on an unsigned study, Addendum… only on a
// signed one; signing stores the PDF with its SHA-256 and locks the study (a later change is
// refused by the store), an addendum is stored with its author, a second signature is refused.
#include "ui_test_support.h"

#include "study_reference.h"
#include "study_signing_bar.h"

#include <emg/io/sha256.h>
#include <emg/study/session_store.h>

#include <catch2/catch.hpp>

#include <QPushButton>
#include <QTemporaryDir>

namespace st = emg::study;
using emg::ui::StudySigningBar;

namespace {

std::string storeWithStudy(st::SessionStore& store) {
    st::Patient p;
    p.id = "MRN-7";
    p.name = "Roe, Richard";
    p.birthDate = "1970-01-01";
    store.savePatient(p);
    st::Study s;
    s.patientId = p.id;
    s.date = "2026-12-01";
    s.examiner = "Dr. Sign";
    st::MotorNcs per;
    per.side = st::Side::Left;
    per.nerve = "peroneal";
    per.recordingSite = "extensor digitorum brevis";
    per.sites = {{"ankle", 90.0, {{"distalLatencyMs", 4.6, "ms", st::Provenance::Auto, "test", ""}}}};
    s.tests.push_back(per);
    return store.saveStudy(s);
}

QPushButton* button(StudySigningBar& bar, const char* name) {
    auto* b = bar.findChild<QPushButton*>(name);
    REQUIRE(b != nullptr);
    return b;
}

}  // namespace

TEST_CASE("the signing row signs the study, locks it and takes addenda", "[ui][study][signing]") {
    emg::test::qtApp();
    QTemporaryDir dir;
    auto store = st::SessionStore::open("sqlite:" + (dir.path() + "/store.sqlite").toStdString());
    const std::string id = storeWithStudy(*store);
    const auto reference = emg::ui::StudyReference::loadDefault();
    REQUIRE(reference.norms);
    StudySigningBar bar;
    QStringList messages;
    QObject::connect(&bar, &StudySigningBar::message, [&](const QString& text, bool) { messages << text; });
    int changed = 0;
    QObject::connect(&bar, &StudySigningBar::studyChanged, [&] { ++changed; });

    bar.setStudy(store.get(), &reference, {});
    CHECK_FALSE(button(bar, "study-sign")->isEnabled());
    CHECK_FALSE(button(bar, "study-addendum")->isEnabled());

    bar.setStudy(store.get(), &reference, id);
    CHECK(button(bar, "study-sign")->isEnabled());
    CHECK_FALSE(button(bar, "study-addendum")->isEnabled());
    CHECK(bar.statusText().contains("Not signed"));
    CHECK_FALSE(bar.sign("  "));   // a name is needed
    CHECK_FALSE(store->signature(id));

    REQUIRE(bar.sign("Dr. Sign"));
    CHECK(changed == 1);
    const auto sig = store->signature(id);
    REQUIRE(sig);
    CHECK(sig->examinerName == "Dr. Sign");
    CHECK(emg::io::sha256Hex(store->signedPdf(id)) == sig->pdfSha256);
    CHECK(bar.statusText().contains("Signed by Dr. Sign"));
    CHECK(bar.statusText().contains("0 addenda"));
    CHECK_FALSE(button(bar, "study-sign")->isEnabled());
    CHECK(button(bar, "study-addendum")->isEnabled());

    auto edited = *store->study(id);   // the lock holds for every path, this one too
    std::get<st::MotorNcs>(edited.tests[0]).sites[0].measurements[0].value = 5.2;
    CHECK_THROWS_AS(store->saveStudy(edited), st::StudyLocked);

    CHECK_FALSE(bar.sign("Dr. Other"));   // signed once only
    CHECK(messages.back().contains("already signed"));
    REQUIRE(bar.addAddendum("Repeat the peroneal study in 3 months.", "Dr. Sign"));
    const auto addenda = store->addenda(id);
    REQUIRE(addenda.size() == 1);
    CHECK(addenda[0].author == "Dr. Sign");
    CHECK(bar.statusText().contains("1 addendum"));
    CHECK_FALSE(bar.addAddendum("", "Dr. Sign"));   // empty text refused by the store
    CHECK(store->addenda(id).size() == 1);

    bar.resize(900, bar.sizeHint().height());
    const QString shot = QDir::current().filePath("study-signing-bar.png");
    CHECK(bar.grab().save(shot));
}
