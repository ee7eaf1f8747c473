// NCS review "Save to study": measured responses (a distal and a proximal peroneal CMAP) go into
// the active study as a motor test with latencies, amplitudes and the segment CV, each with its
// provenance, and the Study tab shows them flagged against the normative limits.
#include "ui_test_support.h"

#include "active_study.h"
#include "ncs_review_panel.h"
#include "ncs_save_bar.h"
#include "study_content_view.h"
#include "study_panel.h"

#include <emg/study/session_store.h>

#include <catch2/catch.hpp>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QTest>

#include <cmath>
#include <random>

namespace st = emg::study;

namespace {

constexpr double kRateHz = 20000.0;
constexpr std::int64_t kStimulus = 10000;

/// A fresh run in the display buffer: one stimulus and a biphasic CMAP at onsetMs of amplitudeUv.
void feedCmap(emg::DisplayBuffer& buffer, double onsetMs, double amplitudeUv) {
    emg::AcquisitionConfig cfg;
    cfg.sampleRateHz = kRateHz;
    emg::ChannelInfo surface;
    surface.label = "EDB";
    cfg.channels = {surface};
    buffer.onStart(cfg);
    std::mt19937 rng(7);
    std::normal_distribution<double> noise(0.0, 2.0);
    constexpr double negativeMs = 4.0;
    std::vector<float> uv(200);
    for (std::int64_t first = 0; first < kStimulus + 2000; first += 200) {
        emg::StimulusEvent ev{kStimulus, 20.0, 20.0, 0.2, 0, 0};
        for (std::int64_t f = 0; f < 200; ++f) {
            const double t = static_cast<double>(first + f - kStimulus) * 1000.0 / kRateHz - onsetMs;
            double v = 0.0;
            if (t >= 0 && t < negativeMs) v = -amplitudeUv * std::sin(M_PI * t / negativeMs);
            else if (t >= negativeMs && t < 2 * negativeMs) v = 0.4 * amplitudeUv * std::sin(M_PI * (t - negativeMs) / negativeMs);
            uv[static_cast<std::size_t>(f)] = static_cast<float>(v + noise(rng));
        }
        emg::SampleBlockView view;
        view.firstSampleIndex = first;
        view.frames = 200;
        view.channelCount = 1;
        view.microvolts = uv.data();
        view.stimuli = &ev;
        view.stimulusCount = kStimulus >= first && kStimulus < first + 200 ? 1 : 0;
        buffer.onBlock(view);
    }
}

void fillBar(emg::ui::NcsSaveBar& bar, const char* site, double distanceMm) {
    bar.findChild<QLineEdit*>("ncs-save-nerve")->setText("peroneal");
    bar.findChild<QLineEdit*>("ncs-save-recording")->setText("extensor digitorum brevis");
    auto* side = bar.findChild<QComboBox*>("ncs-save-side");
    side->setCurrentIndex(side->findText("left"));
    bar.findChild<QLineEdit*>("ncs-save-site")->setText(site);
    bar.findChild<QDoubleSpinBox*>("ncs-save-distance-mm")->setValue(distanceMm);
}

const st::Measurement* measurement(const st::StimSite& s, const std::string& name) {
    for (const auto& m : s.measurements)
        if (m.name == name) return &m;
    return nullptr;
}

}  // namespace

TEST_CASE("NCS review Save to study stores the responses as a motor test of the active study, flagged in the Study tab",
          "[ui][ncs][study]") {
    emg::test::qtApp();
    QTemporaryDir dir;
    auto store = st::SessionStore::open("sqlite:" + (dir.path() + "/store.sqlite").toStdString());
    store->savePatient({"P7", "Doe, Jane", "1968-03-14", st::Sex::Female, 168.0, st::Side::Left});
    st::Study s;
    s.patientId = "P7";
    s.date = "2026-11-30";
    s.examiner = "Dr. Examiner";
    s.limbTemperatureC = 32.5;
    s.protocolId = "lumbosacral-radiculopathy";
    const std::string id = store->saveStudy(s);

    emg::ui::ActiveStudy active;
    emg::DisplayBuffer buffer(2.0);
    emg::ui::NcsReviewPanel ncs(buffer);
    ncs.setStudyTarget(store.get(), &active);
    emg::ui::StudyPanel studyTab(store.get(), nullptr, &active);
    ncs.resize(1100, 700);
    ncs.show();
    REQUIRE(ncs.saveBar() != nullptr);
    auto* saveButton = ncs.saveBar()->findChild<QPushButton*>("ncs-save");
    REQUIRE(saveButton != nullptr);
    CHECK_FALSE(saveButton->isEnabled());   // no active study yet
    CHECK(ncs.saveBar()->findChild<QLabel*>("ncs-save-study")->text().contains("No active study"));
    CHECK_FALSE(ncs.saveToStudy());

    REQUIRE(studyTab.activateStudy(QString::fromStdString(id)));
    CHECK(saveButton->isEnabled());
    CHECK(ncs.saveBar()->findChild<QLabel*>("ncs-save-study")->text().contains("P7"));

    // distal site: ankle, 90 mm to the recording electrode; a low CMAP (1.5 mV)
    ncs.setWindowMs(30.0);
    feedCmap(buffer, 5.0, 1500.0);
    REQUIRE(ncs.captureLatest());
    REQUIRE(ncs.result()->found);
    fillBar(*ncs.saveBar(), "ankle", 90.0);
    QTest::mouseClick(saveButton, Qt::LeftButton);
    CHECK(ncs.saveBar()->findChild<QLabel*>("ncs-save-status")->text().startsWith("Saved"));

    // proximal site: below the fibular head, 300 mm from the ankle; the clinician moves the onset
    feedCmap(buffer, 11.5, 1400.0);
    REQUIRE(ncs.captureLatest());
    ncs.chartView().moveMarker(emg::ui::MarkerKind::Onset, 11.6);
    REQUIRE(ncs.result()->provenance.markers.origin == emg::dsp::MarkerOrigin::Clinician);
    fillBar(*ncs.saveBar(), "below fibular head", 300.0);
    REQUIRE(ncs.saveToStudy());

    const auto stored = store->study(id);
    REQUIRE(stored.has_value());
    REQUIRE(stored->tests.size() == 1);
    const auto* motor = std::get_if<st::MotorNcs>(&stored->tests[0]);
    REQUIRE(motor != nullptr);
    CHECK(motor->nerve == "peroneal");
    CHECK(motor->side == st::Side::Left);
    REQUIRE(motor->sites.size() == 2);
    CHECK(motor->sites[0].name == "ankle");
    CHECK(motor->sites[0].distanceMm.value_or(0) == Approx(90));
    const auto* distal = measurement(motor->sites[0], "distalLatencyMs");
    REQUIRE(distal != nullptr);
    CHECK(distal->value == Approx(5.0).margin(0.1));
    CHECK(distal->unit == "ms");
    CHECK(distal->provenance == st::Provenance::Auto);
    CHECK_FALSE(distal->method.empty());
    const auto* amp = measurement(motor->sites[0], "amplitudeUv");
    REQUIRE(amp != nullptr);
    CHECK(amp->value == Approx(1500).epsilon(0.03));
    const auto* proximal = measurement(motor->sites[1], "latencyMs");
    REQUIRE(proximal != nullptr);
    CHECK(proximal->value == Approx(11.6).margin(0.05));
    CHECK(proximal->provenance == st::Provenance::Clinician);
    CHECK(proximal->placedBy == "Dr. Examiner");
    const auto* cv = measurement(motor->sites[1], "conductionVelocityMps");
    REQUIRE(cv != nullptr);
    CHECK(cv->unit == "m/s");
    CHECK(cv->value == Approx(300.0 / (proximal->value - distal->value)).epsilon(0.001));
    CHECK(cv->provenance == st::Provenance::Clinician);   // from a clinician's marker

    // the Study tab was told and shows the values flagged against the norms
    auto* table = studyTab.content()->measurementTable();
    bool ampAbnormal = false, cvNormal = false;
    for (int r = 0; r < table->rowCount(); ++r) {
        const QString param = table->item(r, 2)->text(), flag = table->item(r, 5)->text();
        if (table->item(r, 1)->text() == "ankle" && param == QStringLiteral("Amplitude (µV)")) ampAbnormal = flag == "abnormal";
        if (param == "Conduction velocity (m/s)") cvNormal = flag == "normal";
    }
    CHECK(ampAbnormal);
    CHECK(cvNormal);

    // saving the ankle again replaces that site, it does not add a third
    feedCmap(buffer, 5.1, 1600.0);
    REQUIRE(ncs.captureLatest());
    fillBar(*ncs.saveBar(), "ankle", 90.0);
    REQUIRE(ncs.saveToStudy());
    const auto again = store->study(id);
    REQUIRE(std::get<st::MotorNcs>(again->tests[0]).sites.size() == 2);
    CHECK(measurement(std::get<st::MotorNcs>(again->tests[0]).sites[0], "amplitudeUv")->value == Approx(1600).epsilon(0.03));

    QTest::qWait(50);
    REQUIRE(ncs.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/ncs_save_to_study.png")));
}
