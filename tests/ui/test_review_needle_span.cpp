// Issue 13, "measure where it is", the needle panel: a span selected in the review view and sent
// with "Measure in needle panel" is analysed with the CLI's channel choice and chain, so its
// values equal `emgws-cli analyze --test needle --from A --to B` on that span; the findings row
// keeps the span (file, SHA-256, channel, start, end) and "Save to study" stores it as the test's
// raw-data link. And a WFDB record (.hea) opens in the Review tab, read page by page.
#include "ui_test_support.h"

#include "active_study.h"
#include "main_window.h"
#include "pulse_window_options.h"
#include "review/overview_strip.h"
#include "review/review_trace_area.h"
#include "wfdb_test_bytes.h"
#include "needle_findings_grid.h"
#include "needle_panel.h"
#include "review/review_view.h"
#include "study_panel.h"

#include <sim/needle_emg_model.h>
#include <emg/io/recording_io.h>
#include <emg/review/reviewer_annotations.h>
#include <emg/study/session_store.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <QAction>
#include <QComboBox>
#include <QLineEdit>
#include <QProcess>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <random>

#include <cmath>

namespace {

/// 12 s at 20 kHz: a scalp-like channel first (not a needle), then the needle channel "Biceps"
/// of a neuropathic muscle: rest with grade-2 denervation 0-4 s, weak effort 4-8 s, strong 8-12 s.
QString writeNeedleRecording(const QString& dir) {
    emg::sim::NeedleMuscleConfig c;
    c.pattern = emg::sim::MusclePattern::Neuropathic;
    c.sampleRateHz = 20000.0;
    c.noiseRmsUv = 8.0;
    c.seed = 5;
    c.spontaneous = emg::sim::SpontaneousConfig::fromGrade(2);
    emg::sim::NeedleMuscleModel model(c);
    const auto sig = model.generate(12.0, {{0.0, 0.0}, {4.0, 0.3}, {8.0, 0.8}});
    emg::Recording rec;
    // an EDF+ patient born 2 May 1951, recorded 2 March 2002: 50 completed years, read from the file by both
    rec.patientId = "X M 02-MAY-1951 X";
    rec.recordingId = "Startdate 02-MAR-2002 needle_span_test X X";
    rec.startDateTime = "2002-03-02T10:00:00";
    emg::RecordedChannel other;
    other.label = "Fz";
    other.transducer = "surface electrode";
    other.sampleRateHz = 20000.0;
    other.samples.assign(sig.microvolts.size(), 0.0);
    for (std::size_t i = 0; i < other.samples.size(); ++i) other.samples[i] = 20.0 * std::sin(static_cast<double>(i) * 0.001);
    rec.channels.push_back(other);
    emg::RecordedChannel needle;
    needle.label = "Biceps";
    needle.transducer = "concentric needle electrode";
    needle.prefilter = "HP:2Hz LP:10kHz";
    needle.sampleRateHz = 20000.0;
    needle.samples = sig.microvolts;
    rec.channels.push_back(needle);
    rec.annotations = {{0.0, 4.0, "rest"}, {4.0, 4.0, "weak contraction"}, {8.0, 4.0, "strong contraction"}};
    const QString path = dir + "/needle-biceps.edf";
    emg::io::writeRecording(rec, path.toStdString(), emg::io::FileFormat::EdfPlus);
    return path;
}

nlohmann::json cliNeedle(const QString& path, double fromSec, double toSec) {
    QProcess p;
    p.start(QStringLiteral(EMGWS_BINARY_DIR "/src/cli/emgws-cli"),
            {"analyze", path, "--test", "needle", "--from", QString::number(fromSec, 'g', 12), "--to", QString::number(toSec, 'g', 12)});
    REQUIRE(p.waitForFinished(120000));
    INFO(p.readAllStandardError().toStdString());
    REQUIRE(p.exitCode() == 0);
    return nlohmann::json::parse(p.readAllStandardOutput().toStdString());
}

const emg::study::NeedleEmg* needleTest(const emg::study::Study& s, const std::string& muscle) {
    for (const auto& t : s.tests)
        if (const auto* n = std::get_if<emg::study::NeedleEmg>(&t); n && n->muscle == muscle) return n;
    return nullptr;
}

}  // namespace

TEST_CASE("review span: Measure in needle panel analyses the span as emgws-cli analyze --test needle --from --to, the saved row keeps the span",
          "[ui][review][span][needle]") {
    emg::test::qtApp();
    QTemporaryDir dir, cache;
    const QString path = writeNeedleRecording(dir.path());
    emg::review::InMemoryReviewerAnnotations annotations;
    emg::ui::ReviewViewOptions o;
    o.annotations = &annotations;
    o.document.summaryCacheDir = cache.path().toStdString();
    o.author = QStringLiteral("Dr. Test");
    emg::ui::ReviewView v(path.toStdString(), o);
    v.resize(1400, 800);
    v.show();
    REQUIRE(QTest::qWaitFor([&] { return !v.document().sha256().isEmpty(); }, 20000));

    emg::ui::NeedlePanel panel(nullptr);
    panel.resize(1400, 800);
    emg::Recording lastSpan;
    QObject::connect(&v, &emg::ui::ReviewView::measureSpanRequested, &panel, [&](const QString& target, const emg::ui::SpanMeasurement& m) {
        if (target != emg::ui::span_targets::kNeedle) return;
        lastSpan = *m.recording;
        panel.measureRecording(*m.recording, m.provenance);
    });
    // the weak-effort part with the last second of rest before it: 3.5-8.0 s
    v.setMsPerDiv(500.0);
    v.selectSpan(3.5, 8.0);
    v.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/review-needle-span-selection.png"));
    auto* action = v.findChild<QAction*>(QStringLiteral("measure-in-") + emg::ui::span_targets::kNeedle);
    REQUIRE(action != nullptr);
    CHECK(action->text() == "Measure in needle panel");
    action->trigger();
    INFO(panel.statusText().toStdString());
    REQUIRE(panel.spanProvenance().has_value());
    REQUIRE(panel.lastAnalysis().has_value());
    const auto& prov = *panel.spanProvenance();
    const auto& a = *panel.lastAnalysis();
    CHECK(prov.file == path.toStdString());
    CHECK(prov.sha256 == v.document().sha256().toStdString());
    CHECK(prov.fromSec == Approx(3.5).margin(1.0 / 20000.0));
    CHECK(prov.toSec == Approx(8.0).margin(1.0 / 20000.0));
    CHECK(panel.statusText().contains(QString::fromStdString(prov.sha256)));

    // the span's own annotation ("weak contraction" at 4.0 s) is 0.5 s into it: the weak segment starts there
    bool weakAtHalf = false;
    for (const auto& s : a.segments)
        if (s.level == emg::needle::ContractionLevel::Weak && std::abs(s.startSec - 0.5) < 0.01) weakAtHalf = true;
    CHECK(weakAtHalf);

    // the CLI on the same span: the needle channel (index 1, not the first channel) and the same values
    const auto cli = cliNeedle(path, prov.fromSec, prov.toSec);
    CHECK(cli.at("provenance").at("sha256") == prov.sha256);
    CHECK(cli.at("channel").at("index") == 1);
    CHECK(cli.at("channel").at("label") == "Biceps");
    CHECK(cli.at("reference").at("muscleSource") == "channel label");
    // the age the file states, in the panel's field (to correct) and in the CLI's reference
    auto* age = panel.findChild<QSpinBox*>("needle-age");
    REQUIRE(age != nullptr);
    CHECK(age->value() == 50);
    CHECK(cli.at("reference").at("ageYears") == 50.0);
    CHECK(cli.at("reference").at("ageSource") == "file: 'birthdate 1951-05-02, recorded 2002-03-02'");
    CHECK(cli.at("segments").size() == a.segments.size());
    CHECK(cli.at("noiseUv").get<double>() == Approx(a.noiseUv).margin(0.006));
    CHECK(cli.at("motorUnits").size() == a.motorUnits.units.size());
    const auto& sum = cli.at("summary");
    CHECK(sum.at("units") == a.summary.unitCount);
    CHECK(sum.at("meanDurationMs").get<double>() == Approx(a.summary.meanDurationMs).margin(0.006));
    CHECK(sum.at("meanAmplitudeUv").get<double>() == Approx(a.summary.meanAmplitudeUv).margin(0.06));
    CHECK(sum.at("pattern") == std::string(emg::needle::toString(a.summary.reading)));
    CHECK(cli.at("recruitment").at("reading") == std::string(emg::needle::toString(a.recruitment.reading)));
    const std::string grade = a.spontaneous.grade == 0 ? "0" : std::to_string(a.spontaneous.grade) + "+";
    CHECK(cli.at("spontaneous").at("grade") == grade);
    CHECK(cli.at("interference").at("meanTurnsPerSec").get<double>() == Approx(a.interference.meanTurnsPerSec).margin(0.06));
    // the muscle is the channel's label, as the CLI reads it; the row keeps the span
    auto& grid = *panel.findings();
    const int row = grid.rowOf("Biceps");
    REQUIRE(row >= 0);
    const auto source = grid.rowSource(row);
    CHECK(source.path == prov.file);
    CHECK(source.sha256 == prov.sha256);
    CHECK(source.channel == "Biceps");
    REQUIRE(source.startSec.has_value());
    CHECK(*source.startSec == prov.fromSec);
    CHECK(*source.endSec == prov.toSec);
    panel.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/review-needle-span-panel.png"));

    // Save to study: the needle test's raw-data link is the span
    auto store = emg::study::SessionStore::open("sqlite:" + (dir.path() + "/store.sqlite").toStdString());
    store->savePatient({"P9", "Doe, Ann", "1970-01-01", emg::study::Sex::Female, 165.0, emg::study::Side::Right});
    emg::study::Study s;
    s.patientId = "P9";
    s.date = "2026-12-03";
    s.examiner = "Dr. Examiner";
    const std::string id = store->saveStudy(s);
    emg::ui::ActiveStudy active;
    emg::ui::StudyPanel studyTab(store.get(), nullptr, &active);
    REQUIRE(studyTab.activateStudy(QString::fromStdString(id)));
    panel.setStudyTarget(store.get(), &active);
    REQUIRE(panel.saveToStudy());
    const auto stored = store->study(id);
    REQUIRE(stored.has_value());
    const auto* t = needleTest(*stored, "Biceps");
    REQUIRE(t != nullptr);
    CHECK(t->raw.path == prov.file);
    REQUIRE(t->raw.startSec.has_value());
    CHECK(*t->raw.startSec == Approx(prov.fromSec).margin(1e-9));
    CHECK(*t->raw.endSec == Approx(prov.toSec).margin(1e-9));
    CHECK(t->raw.channel == "Biceps");

    // a live analysis afterwards has no span
    std::vector<double> quiet(20000, 0.0);
    for (std::size_t i = 0; i < quiet.size(); ++i) quiet[i] = 5.0 * std::sin(static_cast<double>(i) * 0.37) + 3.0 * std::sin(static_cast<double>(i) * 1.91);
    panel.analyzeSignal(quiet, 20000.0);
    CHECK_FALSE(panel.spanProvenance().has_value());

    // the next span, of a file stating no age (another patient): the first file's age is not carried over
    emg::Recording noAge = lastSpan;
    noAge.patientId = "X";
    REQUIRE(panel.measureRecording(noAge, prov));
    CHECK(age->value() == 0);
    // an age the clinician typed stays, whatever the next file states
    age->setValue(70);
    REQUIRE(panel.measureRecording(lastSpan, prov));
    CHECK(age->value() == 70);

    // the muscle and effort a header states (EMGLAB's comments) fill their fields where none is chosen
    auto* muscle = panel.findChild<QLineEdit*>("needle-muscle");
    auto* effort = panel.findChild<QComboBox*>("needle-effort");
    REQUIRE(muscle != nullptr);
    REQUIRE(effort != nullptr);
    REQUIRE(muscle->text().isEmpty());
    REQUIRE(effort->currentIndex() == 0);
    emg::Recording stated = lastSpan;
    stated.headerComments = {"gender: f", "muscle: brachial biceps", "level: 10% MVC"};
    REQUIRE(panel.measureRecording(stated, prov));
    CHECK(muscle->text() == "brachial biceps");
    CHECK(effort->currentData().toString() == "slight");
    CHECK(panel.findings()->rowOf("brachial biceps") >= 0);
    // the next file states neither: what the last one stated is not carried over
    REQUIRE(panel.measureRecording(lastSpan, prov));
    CHECK(muscle->text().isEmpty());
    CHECK(effort->currentIndex() == 0);
    // chosen by the clinician: kept whatever the file states
    muscle->setText("deltoid");
    effort->setCurrentIndex(effort->findData(QString("moderate")));
    REQUIRE(panel.measureRecording(stated, prov));
    CHECK(muscle->text() == "deltoid");
    CHECK(effort->currentData().toString() == "moderate");

    // the electrode a file states (its channel's transducer) is named in the electrode field left to
    // the file, and read so; a file stating none leaves "electrode ?" (concentric assumed)
    auto* electrode = panel.findChild<QComboBox*>("needle-electrode");
    REQUIRE(electrode != nullptr);
    REQUIRE(electrode->currentIndex() == 0);
    emg::Recording mono = stated;
    for (auto& ch : mono.channels) ch.transducer = "monopolar needle";
    REQUIRE(panel.measureRecording(mono, prov));
    CHECK(electrode->currentIndex() == 0);
    CHECK(electrode->currentText() == "electrode: monopolar (file)");
    REQUIRE(panel.lastAnalysis().has_value());
    CHECK(panel.lastAnalysis()->electrode == emg::needle::NeedleElectrode::Monopolar);
    REQUIRE(panel.measureRecording(lastSpan, prov));   // our recorder's file states its concentric needle
    INFO("transducer '" << lastSpan.channels.front().transducer << "', label '" << lastSpan.channels.front().label << "'");
    CHECK(electrode->currentText().toStdString() == "electrode: concentric (file)");
    emg::Recording unstated = lastSpan;
    for (auto& ch : unstated.channels) ch.transducer.clear();
    REQUIRE(panel.measureRecording(unstated, prov));
    CHECK(electrode->currentText().toStdString() == "electrode ?");
    CHECK(panel.lastAnalysis()->electrode == emg::needle::NeedleElectrode::Unknown);
}

TEST_CASE("review: a WFDB record (.hea) opens in the Review tab, paged, with its overview and the .atr marks", "[ui][review][wfdb]") {
    emg::test::qtApp();
    constexpr double kPi = 3.14159265358979323846;
    QTemporaryDir dir, cache;
    // 2 signals, format 16, 4 kHz, 120 s (3.8 MB): a 50 Hz sine of 1000 uV peak on signal 0, noise on 1
    const int rate = 4000, seconds = 120;
    std::vector<std::uint8_t> bytes;
    std::mt19937 rng(2);
    std::uniform_int_distribution<int> noise(-300, 300);
    for (int i = 0; i < rate * seconds; ++i) {
        emg::test::put16le(bytes, static_cast<int>(std::lround(2000.0 * std::sin(2.0 * kPi * 50.0 * i / rate))));   // 2 ADC/uV
        emg::test::put16le(bytes, noise(rng));
    }
    const QString base = dir.path() + "/emg_rec";
    {
        std::ofstream dat((base + ".dat").toStdString(), std::ios::binary);
        dat.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        std::ofstream hea((base + ".hea").toStdString());
        hea << "emg_rec 2 4000 " << rate * seconds << "\nemg_rec.dat 16 2(0)/uV 16 0 0 0 0 Sine\nemg_rec.dat 16 1(0)/uV 16 0 0 0 0 Noise\n";
        const auto atr = emg::test::mitBeats({1000, 2000});   // marks at 0.25 s and 0.5 s
        std::ofstream a((base + ".atr").toStdString(), std::ios::binary);
        a.write(reinterpret_cast<const char*>(atr.data()), static_cast<std::streamsize>(atr.size()));
    }
    auto options = emg::test::pulseWindowOptions(1, 20000.0);
    emg::review::InMemoryReviewerAnnotations source;
    options.reviewerAnnotations = &source;
    options.summaryCacheDir = cache.path();
    emg::ui::MainWindow w(options);
    w.resize(1400, 900);
    w.show();
    REQUIRE(w.openRecording(base + ".hea"));
    auto* v = w.reviewView();
    REQUIRE(v != nullptr);
    CHECK(w.tabs().currentWidget() == v);
    REQUIRE(v->document().reader().channels().size() == 2);
    CHECK(v->document().durationSec() == Approx(120.0));
    CHECK(v->document().annotations().size() == 2);
    REQUIRE(QTest::qWaitFor([&] { return v->document().readySummary() != nullptr; }, 30000));
    // a page at minute 1: the sine's samples as written (2 ADC units per uV), 1000 uV peak
    v->setMsPerDiv(20.0);
    v->setStart(60.0);
    REQUIRE(QTest::qWaitFor([&] { return v->traceArea().firstPaintMs().has_value(); }, 5000));
    double peak = 0.0;
    for (int i = 0; i < 800; ++i) {
        const double t = 60.0 + i / 4000.0;
        const auto value = v->page().valueAt(0, t);
        REQUIRE(value);
        CHECK(*value == Approx(std::lround(2000.0 * std::sin(2.0 * kPi * 50.0 * std::lround(t * 4000.0) / 4000.0)) / 2.0).margin(1e-9));
        peak = std::max(peak, std::fabs(*value));
    }
    CHECK(peak == Approx(1000.0).margin(1.0));
    // the reader holds its cache only, not the record
    CHECK(v->document().reader().cachedBytes() <= std::size_t{32} << 20);
    // the whole record from the overview: the envelope of a 1000 uV sine
    v->setMsPerDiv(10000.0);
    v->setStart(0.0);
    v->grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/review-wfdb.png"));
    CHECK(v->overview().hasEnvelope());   // the overview strip drawn from the summary of the .dat
}
