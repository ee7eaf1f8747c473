// Late responses tab "Save to study": the simulator's F-wave train, H-reflex series and RNS train
// are measured by the panel and stored as F-wave, H-reflex and RNS tests of the active study (a
// temporary SQLite store) with their units and provenance; the Study tab flags the stored F-wave
// latency against the norm. (The Qt-free entries and the upsert rule: tests/study/test_study_session.cpp.)
#include "ui_test_support.h"


#include <emg/study/study.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>

namespace st = emg::study;

namespace {

const st::Measurement* measurement(const st::TestCommon& t, const std::string& name) {
    for (const auto& m : t.measurements)
        if (m.name == name) return &m;
    return nullptr;
}

}  // namespace

#include "acquisition_session.h"
#include "active_study.h"
#include "late_responses_panel.h"
#include "late_save_bar.h"
#include "main_window.h"
#include "study_content_view.h"
#include "study_panel.h"

#include <emg/study/session_store.h>
#include <sim/simulated_amplifier.h>

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

namespace {

template <class T>
const T* testOf(const st::Study& s, const std::string& nerve, st::Side side) {
    for (const auto& t : s.tests)
        if (const auto* x = std::get_if<T>(&t); x && x->nerve == nerve && x->side == side) return x;
    return nullptr;
}

struct SaveFixture {
    QApplication& app = emg::test::qtApp();   // before any widget
    QTemporaryDir dir;
    std::unique_ptr<st::SessionStore> store;
    std::string studyId;
    emg::ui::MainWindow window{[] {
        emg::ui::MainWindowOptions o;   // the built-in simulator, without the user's store
        o.watchUsb = false;
        o.openStore = false;
        return o;
    }()};
    emg::ui::ActiveStudy active;
    std::unique_ptr<emg::ui::StudyPanel> studyTab;
    emg::sim::SimulatedAmplifier* amp = nullptr;
    emg::ui::LateResponsesPanel* panel = nullptr;

    explicit SaveFixture(const std::string& protocolId) {
        store = st::SessionStore::open("sqlite:" + (dir.path() + "/store.sqlite").toStdString());
        store->savePatient({"P9", "Poe, Ann", "1970-03-04", st::Sex::Female, 165.0, st::Side::Right});
        st::Study s;
        s.patientId = "P9";
        s.date = "2026-11-30";
        s.examiner = "Dr. Examiner";
        s.protocolId = protocolId;
        studyId = store->saveStudy(s);
        studyTab = std::make_unique<emg::ui::StudyPanel>(store.get(), nullptr, &active);
        window.resize(1400, 900);
        window.show();
        amp = dynamic_cast<emg::sim::SimulatedAmplifier*>(window.session().device());
        panel = window.findChild<emg::ui::LateResponsesPanel*>("panel-late-responses");
        REQUIRE(amp != nullptr);
        REQUIRE(panel != nullptr);
        REQUIRE(panel->saveBar() != nullptr);
        window.tabs().setCurrentWidget(panel);
        panel->setStudyTarget(store.get(), &active);
        QTest::qWait(300);
    }
    void useNerve(const std::string& nerve, double rnsDecrementPercent = -1.0) {
        auto s = amp->settings();
        s.nerve = nerve;
        s.siteIndex = 0;
        s.rnsDecrementPercent = rnsDecrementPercent;
        amp->setSettings(s);
        QTest::qWait(200);
    }
    void stimulate(double intensityMa, std::uint16_t count = 1, double rateHz = 0.0) {
        emg::StimulusCommand c;
        c.intensityMa = intensityMa;
        c.pulseWidthMs = 0.1;
        c.trainCount = count;
        c.trainRateHz = rateHz;
        const auto refusal = window.session().stimulate(c);
        INFO(refusal.value_or(""));
        REQUIRE_FALSE(refusal.has_value());
    }
    bool waitFor(const std::function<bool()>& done, int timeoutMs) {
        for (int t = 0; t < timeoutMs && !done(); t += 50) QTest::qWait(50);
        return done();
    }
    std::size_t sweeps() const { return panel->analysis().prepared.sweeps.size(); }
    QString status() const { return panel->saveBar()->findChild<QLabel*>("late-save-status")->text(); }
    QLineEdit* field(const char* name) const { return panel->saveBar()->findChild<QLineEdit*>(name); }
    st::Study stored() const {
        auto s = store->study(studyId);
        REQUIRE(s.has_value());
        return *s;
    }
};

}  // namespace

TEST_CASE("Late responses Save to study: an F-wave train becomes the study's F-wave test, flagged normal against the norm",
          "[ui][late][study][sim]") {
    SaveFixture f("cervical-radiculopathy");
    auto* button = f.panel->saveBar()->button();
    auto* target = f.panel->saveBar()->findChild<QLabel*>("late-save-study");
    // no active study yet: the row says so and nothing is saved
    CHECK_FALSE(button->isEnabled());
    CHECK(target->text().contains("No active study"));
    CHECK_FALSE(f.panel->saveToStudy());
    f.panel->setStudyTarget(nullptr, &f.active);
    CHECK(target->text().contains("No session store"));
    f.panel->setStudyTarget(f.store.get(), &f.active);
    REQUIRE(f.studyTab->activateStudy(QString::fromStdString(f.studyId)));
    CHECK(button->isEnabled());
    CHECK(target->text().contains("P9"));

    f.useNerve("median-motor");
    f.panel->setMode(emg::study::LateMode::FWave);
    // the protocol's F-wave tests are offered, the first (median → APB, wrist) chosen
    CHECK(f.panel->saveBar()->findChild<QComboBox*>("late-save-protocol")->count() == 3);
    CHECK(f.field("late-save-nerve")->text() == "median");
    CHECK(f.field("late-save-recording")->text() == "abductor pollicis brevis");
    CHECK(f.field("late-save-stim")->text() == "wrist");
    f.panel->saveBar()->findChild<QComboBox*>("late-save-side")->setCurrentText("right");

    f.panel->startSeries();
    constexpr std::uint16_t kStimuli = 16;
    f.stimulate(40.0, kStimuli, 5.0);
    REQUIRE(f.waitFor([&] { return f.sweeps() == kStimuli; }, 8000));
    const auto r = *f.panel->analysis().fwave;
    QTest::mouseClick(button, Qt::LeftButton);
    INFO(f.status().toStdString());
    CHECK(f.status().contains("saved"));

    auto s = f.stored();
    const auto* fw = testOf<st::FWave>(s, "median", st::Side::Right);
    REQUIRE(fw != nullptr);
    CHECK(fw->recordingSite == "abductor pollicis brevis");
    CHECK(fw->stimSite == "wrist");
    CHECK(fw->stimuli == kStimuli);
    const auto check = [&](const char* name, double value, const char* unit) {
        INFO(name);
        const auto* m = measurement(*fw, name);
        REQUIRE(m != nullptr);
        CHECK(m->value == value);
        CHECK(m->unit == unit);
        CHECK(m->provenance == st::Provenance::Auto);
        CHECK_FALSE(m->method.empty());
    };
    check("persistencePct", r.persistencePercent, "%");
    check("fMinLatencyMs", r.minLatencyMs, "ms");
    check("fMeanLatencyMs", r.meanLatencyMs, "ms");
    check("fMaxLatencyMs", r.maxLatencyMs, "ms");
    check("chronodispersionMs", r.chronodispersionMs, "ms");
    REQUIRE(r.m.found);
    check("mLatencyMs", r.m.measures.onsetLatencyMs, "ms");
    check("mAmplitudeUv", r.m.measures.amplitudeUv, "uV");
    CHECK(measurement(*fw, "fMinLatencyMs")->method.find(r.method) != std::string::npos);

    // the Study tab re-read the study and flags F min latency against the norm (≤ 31 ms): normal
    auto* table = f.studyTab->content()->measurementTable();
    int fRow = -1;
    for (int row = 0; row < table->rowCount(); ++row)
        if (table->item(row, 2) && table->item(row, 2)->toolTip().startsWith("fMinLatencyMs")) fRow = row;
    REQUIRE(fRow >= 0);
    INFO(table->item(fRow, 3)->text().toStdString() << " " << table->item(fRow, 4)->text().toStdString());
    CHECK(table->item(fRow, 5)->text() == "normal");
    CHECK(table->item(fRow, 4)->text().contains("31"));
    QTest::qWait(100);
    f.window.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/screenshot-late-save-fwave.png"));

    // saved again: replaced, not added
    REQUIRE(f.panel->saveToStudy());
    CHECK(f.status().contains("replaced"));
    s = f.stored();
    CHECK(std::count_if(s.tests.begin(), s.tests.end(), [](const st::Test& t) { return std::holds_alternative<st::FWave>(t); }) == 1);

    // the supramaximal search is no study test
    f.panel->setMode(emg::study::LateMode::Supramaximal);
    CHECK_FALSE(button->isEnabled());
    CHECK_FALSE(f.panel->saveToStudy());
}

TEST_CASE("Late responses Save to study: an H-reflex series becomes the study's H-reflex test (H/M, H latency)",
          "[ui][late][study][sim]") {
    SaveFixture f("lumbosacral-radiculopathy");
    REQUIRE(f.studyTab->activateStudy(QString::fromStdString(f.studyId)));
    f.useNerve("tibial-h");
    f.panel->setMode(emg::study::LateMode::HReflex);
    CHECK(f.field("late-save-nerve")->text() == "tibial");
    CHECK(f.field("late-save-recording")->text() == "soleus");
    f.panel->saveBar()->findChild<QComboBox*>("late-save-side")->setCurrentText("left");
    f.panel->startSeries();
    std::size_t delivered = 0;
    for (double mA = 4.0; mA <= 44.0; mA += 2.5, ++delivered) {
        f.stimulate(mA);
        QTest::qWait(150);
    }
    REQUIRE(f.waitFor([&] { return f.sweeps() == delivered; }, 4000));
    const auto r = *f.panel->analysis().hreflex;
    REQUIRE(r.hLatencyMs.has_value());
    REQUIRE(f.panel->saveToStudy());
    const auto s = f.stored();
    const auto* h = testOf<st::HReflex>(s, "tibial", st::Side::Left);
    REQUIRE(h != nullptr);
    CHECK(h->recordingSite == "soleus");
    REQUIRE(measurement(*h, "hLatencyMs") != nullptr);
    CHECK(measurement(*h, "hLatencyMs")->value == *r.hLatencyMs);
    CHECK(measurement(*h, "hLatencyMs")->unit == "ms");
    CHECK(measurement(*h, "hmRatio")->value == r.hmRatio);
    CHECK(measurement(*h, "hAmplitudeUv")->value == r.hMaxUv);
    CHECK(measurement(*h, "mAmplitudeUv")->value == r.mMaxUv);
    CHECK(measurement(*h, "hmRatio")->method.find(r.method) != std::string::npos);
    CHECK(h->note.find("absent") == std::string::npos);
}

TEST_CASE("Late responses Save to study: an RNS train with a 20 % decrement becomes the study's RNS test",
          "[ui][late][study][sim]") {
    SaveFixture f("myopathy");
    REQUIRE(f.studyTab->activateStudy(QString::fromStdString(f.studyId)));
    f.useNerve("median-motor", 20.0);
    f.panel->setMode(emg::study::LateMode::Rns);
    f.panel->saveBar()->setFields("median", st::Side::Right, "abductor pollicis brevis", "wrist");   // by hand
    f.panel->startSeries();
    constexpr std::uint16_t kPulses = 9;
    f.stimulate(40.0, kPulses, 3.0);
    REQUIRE(f.waitFor([&] { return f.sweeps() == kPulses; }, 8000));
    const auto r = *f.panel->analysis().rns;
    REQUIRE(f.panel->saveToStudy());
    const auto s = f.stored();
    const auto* rns = testOf<st::Rns>(s, "median", st::Side::Right);
    REQUIRE(rns != nullptr);
    CHECK(rns->recordingSite == "abductor pollicis brevis");
    CHECK(rns->rateHz == Approx(3.0).margin(0.05));
    CHECK(rns->trainLength == kPulses);
    CHECK(measurement(*rns, "rateHz")->unit == "Hz");
    CHECK(measurement(*rns, "decrement4AmplitudePct")->value == *r.decrement4AmplitudePercent);
    CHECK(measurement(*rns, "decrement4AreaPct")->value == *r.decrement4AreaPercent);
    CHECK(measurement(*rns, "decrement5AmplitudePct")->value == *r.decrement5AmplitudePercent);
    CHECK(measurement(*rns, "decrement4AmplitudePct")->unit == "%");
    REQUIRE(measurement(*rns, "decrementPct") != nullptr);
    CHECK(measurement(*rns, "decrementPct")->value == Approx(20.0).margin(3.0));
    CHECK(f.status().contains("RNS median saved"));
    CHECK(rns->note == "stimulated at wrist");
    CHECK(f.panel->saveBar()->findChild<QComboBox*>("late-save-protocol")->currentIndex() == 0);   // "protocol test… (or by hand)"
    QTest::qWait(100);
    f.panel->grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/screenshot-late-save-rns.png"));
}

#include "synthetic_ncs.h"

#include <sim/sim_recording.h>

TEST_CASE("Late responses Save to study: a recording of two RNS trains (rest, after exercise) saves each train as its own test, "
          "the second with its facilitation",
          "[ui][late][study][rns]") {
    SaveFixture f("myopathy");
    REQUIRE(f.studyTab->activateStudy(QString::fromStdString(f.studyId)));
    // a 3 Hz train of a 25 % decrement, a record per stimulus glued back to back, twice in one file:
    // the second 1.5 times the first (a facilitation of 50 %), "Post exercise" between them
    emg::sim::SimRecordingOptions o;
    o.test = emg::sim::SimTest::Rns;
    o.rnsDecrementPercent = 25.0;
    const auto sim = emg::sim::simulateRecording(o);
    const auto glued = emg::test::gluedRecordPerStimulus(sim.recording, 10.0, 50.0, {-2000.0, 3000.0, 500.0});
    auto twice = std::make_shared<emg::Recording>(emg::test::twiceWithPhase(glued, 1.5, "Post exercise"));
    f.panel->setMode(emg::study::LateMode::Rns);
    f.panel->saveBar()->setFields("median", st::Side::Left, "abductor pollicis brevis", "wrist");
    // (the live simulator has several channels; the file one: its channel is measured, not the live
    // choice, which read "channel 2 does not exist")
    auto* channel = f.panel->findChild<QComboBox*>("late-channel");
    REQUIRE(channel != nullptr);
    const int liveChannels = channel->count();
    REQUIRE(liveChannels > 1);
    const bool analysed = f.panel->analyzeRecording(twice);
    INFO(f.panel->analysis().error);
    REQUIRE(analysed);
    CHECK(channel->count() == 1);
    CHECK(channel->currentText().toStdString() == twice->channels[0].label);

    // the panel shows the last train, offers both, and its phase as the condition to save it under
    auto* trains = f.panel->findChild<QComboBox*>("late-rns-train");
    REQUIRE(trains != nullptr);
    CHECK(trains->isVisible());
    REQUIRE(trains->count() == 2);
    CHECK(trains->currentIndex() == 1);
    CHECK(trains->itemText(1).contains("Post exercise"));
    auto* condition = f.field("late-save-condition");
    REQUIRE(condition != nullptr);
    CHECK(condition->isVisible());
    CHECK(condition->text() == "Post exercise");
    const auto after = *f.panel->analysis().rns;
    REQUIRE(f.panel->analysis().rnsFirstResponseChangePercent.has_value());
    CHECK(*f.panel->analysis().rnsFirstResponseChangePercent == Approx(50.0).margin(2.0));
    REQUIRE(f.panel->saveToStudy());
    CHECK(f.status().contains("(Post exercise) saved"));

    // the first train: chosen, its place as the condition, renamed by hand to what it was
    REQUIRE(f.panel->chooseRnsTrain(0));
    CHECK(trains->currentIndex() == 0);
    CHECK(condition->text() == "train 1 of 2");
    CHECK_FALSE(f.panel->analysis().rnsFirstResponseChangePercent.has_value());
    const auto rest = *f.panel->analysis().rns;
    REQUIRE(rest.decrement4AmplitudePercent.has_value());
    CHECK(*rest.decrement4AmplitudePercent == Approx(*after.decrement4AmplitudePercent).margin(1.0));   // the same train, scaled
    CHECK(rest.responses.front().measures.amplitudeUv * 1.5 == Approx(after.responses.front().measures.amplitudeUv).epsilon(0.02));
    condition->setText("rest");
    REQUIRE(f.panel->saveToStudy());
    QTest::qWait(100);
    f.window.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/screenshot-late-save-rns-two-trains.png"));

    // two tests of the study, one per condition; only the later one carries the facilitation
    const auto s = f.stored();
    std::vector<const st::Rns*> stored;
    for (const auto& t : s.tests)
        if (const auto* r = std::get_if<st::Rns>(&t)) stored.push_back(r);
    REQUIRE(stored.size() == 2);
    const auto* post = stored[0]->condition == "Post exercise" ? stored[0] : stored[1];
    const auto* first = post == stored[0] ? stored[1] : stored[0];
    CHECK(post->condition == "Post exercise");
    CHECK(first->condition == "rest");
    REQUIRE(measurement(*post, "firstResponseChangePct") != nullptr);
    CHECK(measurement(*post, "firstResponseChangePct")->value == Approx(50.0).margin(2.0));
    CHECK(measurement(*post, "firstResponseChangePct")->unit == "%");
    CHECK(measurement(*first, "firstResponseChangePct") == nullptr);
    CHECK(measurement(*first, "decrementPct")->value == Approx(25.0).margin(3.0));
    CHECK(measurement(*post, "decrementPct")->value == Approx(25.0).margin(3.0));

    // saved again under the same condition: replaced, not added
    REQUIRE(f.panel->saveToStudy());
    CHECK(f.status().contains("replaced"));
    const auto again = f.stored();
    CHECK(std::count_if(again.tests.begin(), again.tests.end(), [](const st::Test& t) { return std::holds_alternative<st::Rns>(t); }) == 2);

    // "Start series": the live channels again, and no train choice
    f.panel->startSeries();
    CHECK(channel->count() == liveChannels);
    CHECK_FALSE(trains->isVisible());
}
