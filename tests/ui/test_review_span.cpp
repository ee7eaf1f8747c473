// Issue 13, "measure where it is": a span selected in the review view is read through the paged
// reader and measured by the NCS review panel with the CLI's chain; reviewer annotations are
// removed from the view; an EDF+ copy with them is exported, the raw file untouched.
#include "ui_test_support.h"

#include "late_responses_panel.h"
#include "main_window.h"
#include "needle_panel.h"
#include "ncs_review_panel.h"
#include "pulse_window_options.h"
#include "review/review_keys.h"
#include "review/review_trace_area.h"
#include "review/review_view.h"
#include "synthetic_ncs.h"

#include <emg/io/recording_io.h>
#include <emg/review/reviewer_annotations.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <QCryptographicHash>
#include <QFile>
#include <QMenu>
#include <QProcess>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using emg::ui::ReviewView;
using emg::ui::ReviewViewOptions;

namespace {

QByteArray sha256Of(const QString& path) {
    QFile f(path);
    REQUIRE(f.open(QIODevice::ReadOnly));
    QCryptographicHash h(QCryptographicHash::Sha256);
    REQUIRE(h.addData(&f));
    return h.result().toHex();
}

/// Two motor studies of the median nerve in one 6 s recording (20 kHz, 1 s records): wrist/elbow
/// at 0.5/1.5 s, then again at 3.5/4.5 s with longer latencies and smaller amplitudes.
QString writeTwoStudies(const QString& dir) {
    const emg::test::ResponseShape wristA{3.61, 7000.0, 5.5, 2800.0}, elbowA{7.93, 6600.0, 5.9, 2600.0};
    const emg::test::ResponseShape wristB{4.20, 6000.0, 5.5, 2500.0}, elbowB{8.60, 5600.0, 5.9, 2300.0};
    emg::test::Disturbances d;
    d.seed = 13;
    const auto rec = emg::test::synthesize(
        {{0.5, "Stim wrist", wristA, {}}, {1.5, "Stim elbow", elbowA, {}}, {3.5, "Stim wrist", wristB, {}}, {4.5, "Stim elbow", elbowB, {}}},
        20000.0, 6.0, d);
    const QString path = dir + "/two-motor-studies.edf";
    emg::io::writeRecording(rec, path.toStdString(), emg::io::FileFormat::EdfPlus);
    return path;
}

nlohmann::json cliAnalyze(const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral(EMGWS_BINARY_DIR "/src/cli/emgws-cli"), QStringList{"analyze"} + args);
    REQUIRE(p.waitForFinished(120000));
    INFO(p.readAllStandardError().toStdString());
    REQUIRE(p.exitCode() == 0);
    return nlohmann::json::parse(p.readAllStandardOutput().toStdString());
}

const nlohmann::json& cliSite(const nlohmann::json& j, const std::string& name) {
    for (const auto& s : j.at("sites"))
        if (s.at("site") == name) return s;
    FAIL("no site " << name);
    throw std::logic_error("unreachable");
}

struct SpanFixture {
    QTemporaryDir dir, cache;
    QString path;
    emg::review::InMemoryReviewerAnnotations source;
    std::unique_ptr<ReviewView> view;
    SpanFixture() {
        emg::test::qtApp();
        path = writeTwoStudies(dir.path());
        ReviewViewOptions o;
        o.annotations = &source;
        o.document.summaryCacheDir = cache.path().toStdString();
        o.author = QStringLiteral("Dr. Test");
        view = std::make_unique<ReviewView>(path.toStdString(), o);
        view->resize(1400, 800);
        view->show();
        REQUIRE(QTest::qWaitFor([&] { return view->traceArea().firstPaintMs().has_value(); }, 5000));
        REQUIRE(QTest::qWaitFor([&] { return !view->document().sha256().isEmpty(); }, 20000));
    }
};

}  // namespace

TEST_CASE("review span: shift+drag selects the second study, NCS review measures it as emgws-cli analyze --from --to does",
          "[ui][review][span]") {
    SpanFixture f;
    auto& v = *f.view;
    v.setMsPerDiv(500.0);   // 5 s page: both studies of the second half on screen from 1 s
    v.setStart(1.0);
    auto& area = v.traceArea();
    const QRectF plot = area.layout().plot;
    const int y = static_cast<int>(plot.center().y());
    // shift+drag from 3.0 s to 5.2 s
    const QPoint from(static_cast<int>(std::round(area.xAtTime(3.0))), y), to(static_cast<int>(std::round(area.xAtTime(5.2))), y);
    QTest::mousePress(&area, Qt::LeftButton, Qt::ShiftModifier, from);
    QTest::mouseMove(&area, QPoint((from.x() + to.x()) / 2, y));
    QTest::mouseMove(&area, to);
    QTest::mouseRelease(&area, Qt::LeftButton, Qt::ShiftModifier, to);
    const auto span = v.selectedSpan();
    REQUIRE(span.has_value());
    const double pxSec = 5.0 / plot.width();   // one pixel of the 5 s page
    CHECK(span->first == Approx(3.0).margin(1.5 * pxSec));
    CHECK(span->second == Approx(5.2).margin(1.5 * pxSec));
    const QImage shot = v.grab().toImage();
    shot.save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/review-span-selection.png"));
    // the span is shaded between the cursors and not outside
    const QRectF inside(area.mapTo(&v, QPoint(from.x() + 40, static_cast<int>(plot.top()) + 4)), QSizeF(30, 10));
    const QRectF outside(area.mapTo(&v, QPoint(static_cast<int>(area.xAtTime(1.5)), static_cast<int>(plot.top()) + 4)), QSizeF(30, 10));
    const QColor shaded = shot.pixelColor(inside.center().toPoint()), plain = shot.pixelColor(outside.center().toPoint());
    CHECK(shaded != plain);

    // Measure span -> NCS review (the signal the "Measure span…" action emits)
    emg::DisplayBuffer buffer(1.0);
    emg::ui::NcsReviewPanel panel(buffer);
    panel.resize(1100, 700);
    QObject::connect(&v, &ReviewView::measureSpanRequested, &panel, [&](const QString& target, const emg::ui::SpanMeasurement& m) {
        if (target == emg::ui::span_targets::kNcsReview) panel.measureRecording(*m.recording, m.provenance);
    });
    REQUIRE(v.measureSpan(emg::ui::span_targets::kNcsReview));
    REQUIRE(panel.spanProvenance().has_value());
    const auto& prov = *panel.spanProvenance();
    CHECK(prov.file == f.path.toStdString());
    CHECK(QByteArray::fromStdString(prov.sha256) == sha256Of(f.path));
    CHECK(prov.fromSec >= span->first);
    CHECK(prov.fromSec < span->first + 1.0 / 20000.0 + 1e-9);   // the next sample at or after the start
    CHECK(prov.toSec == Approx(span->second).margin(1.0 / 20000.0));
    CHECK(panel.resultsText().contains(QStringLiteral("%1–%2 s").arg(prov.fromSec, 0, 'f', 3).arg(prov.toSec, 0, 'f', 3)));
    CHECK(panel.resultsText().contains(QString::fromStdString(prov.sha256)));
    // a study entry saved from this result names the recording, the span and its checksum
    const std::string source = panel.measuredSource();
    CHECK(source.find("recording " + prov.file) == 0);
    CHECK(source.find(QStringLiteral("%1-%2 s").arg(prov.fromSec, 0, 'f', 3).arg(prov.toSec, 0, 'f', 3).toStdString()) != std::string::npos);
    CHECK(source.find("SHA-256 " + prov.sha256) != std::string::npos);
    CHECK(source.find("channel APB") != std::string::npos);

    // the CLI on the same span
    const auto cli = cliAnalyze({f.path, "--test", "motor", "--from", QString::number(prov.fromSec, 'g', 12), "--to",
                                 QString::number(prov.toSec, 'g', 12)});
    CHECK(cli.at("provenance").at("sha256") == prov.sha256);
    const auto& sites = panel.spanSites();
    REQUIRE(sites.size() == 2);
    for (const auto& s : sites) {
        INFO("site " << s.site);
        REQUIRE(s.response.found);
        const auto& c = cliSite(cli, s.site);
        const double cliOnset = c.at("onsetLatencyMs").is_null() ? c.at("onsetLatencyEstimateMs").get<double>() : c.at("onsetLatencyMs").get<double>();
        CHECK(s.response.measures.onsetLatencyMs == Approx(cliOnset).margin(0.01));
        CHECK(s.response.measures.amplitudeUv == Approx(c.at("amplitudeUv").get<double>()).epsilon(0.005));
    }
    // and it is the second study, not the first: wrist onset 4.20 ms, elbow 8.60 ms (truth ± 0.3 ms,
    // one sample is 0.05 ms; the first study's 3.61 / 7.93 ms are far outside)
    CHECK(sites[0].site == "wrist");
    CHECK(sites[0].response.measures.onsetLatencyMs == Approx(4.20).margin(0.3));
    CHECK(sites[1].response.measures.onsetLatencyMs == Approx(8.60).margin(0.3));
    // the panel shows the first site's values
    REQUIRE(panel.result().has_value());
    CHECK(panel.result()->measures.onsetLatencyMs == sites[0].response.measures.onsetLatencyMs);
    panel.grab().save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/review-span-ncs.png"));

    // without a span: refused with the reason, nothing emitted
    int emitted = 0;
    QObject::connect(&v, &ReviewView::measureSpanRequested, [&] { ++emitted; });
    v.performAction(emg::ui::review_keys::kClearCursors);
    CHECK_FALSE(v.measureSpan(emg::ui::span_targets::kNcsReview));
    CHECK(emitted == 0);
}

TEST_CASE("review span: Del removes the reviewer annotation nearest cursor 1 through the source, by the OS login", "[ui][review][span]") {
    // a source that records who removed what
    struct RecordingSource final : emg::review::ReviewerAnnotationSource {
        emg::review::InMemoryReviewerAnnotations inner;
        std::vector<std::pair<std::int64_t, std::string>> removals;
        std::vector<emg::review::ReviewerAnnotation> annotations(const std::string& sha) override { return inner.annotations(sha); }
        emg::review::ReviewerAnnotation add(emg::review::ReviewerAnnotation a) override { return inner.add(std::move(a)); }
        bool remove(std::int64_t id, const std::string& by) override {
            removals.emplace_back(id, by);
            return inner.remove(id, by);
        }
    };
    emg::test::qtApp();
    QTemporaryDir dir, cache;
    const QString path = writeTwoStudies(dir.path());
    RecordingSource source;
    ReviewViewOptions o;
    o.annotations = &source;
    o.document.summaryCacheDir = cache.path().toStdString();
    o.author = QStringLiteral("Dr. Typed Name");
    ReviewView v(path.toStdString(), o);
    v.resize(1400, 800);
    v.show();
    REQUIRE(QTest::qWaitFor([&] { return !v.document().sha256().isEmpty(); }, 20000));
    const QByteArray rawSha = sha256Of(path);
    v.setMsPerDiv(500.0);
    v.setStart(0.0);
    const auto a = v.addReviewerAnnotation(1.20, QStringLiteral("fasciculation?"));
    const auto b = v.addReviewerAnnotation(2.60, QStringLiteral("cramp"));
    REQUIRE(v.reviewerAnnotations().size() == 2);

    // cursor 1 at 2.4 s: "cramp" (2.6 s) is the nearer one
    v.traceArea().setCursors(2.4, std::nullopt, 0);
    QTest::keyClick(&v, Qt::Key_Delete);
    REQUIRE(source.removals.size() == 1);
    CHECK(source.removals[0].first == b.id);
    const QString login = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME"));
    CHECK(source.removals[0].second == (login.isEmpty() ? std::string("reviewer") : login.toStdString()));
    REQUIRE(v.reviewerAnnotations().size() == 1);
    CHECK(v.reviewerAnnotations()[0].id == a.id);
    CHECK(source.inner.annotations(v.document().sha256().toStdString()).size() == 1);

    // a right click on the remaining mark asks for its menu (Remove annotation), and places no cursor 2
    {
        QSignalSpy menu(&v.traceArea(), &emg::ui::ReviewTraceArea::reviewerMarkMenuRequested);
        v.traceArea().setCursors(std::nullopt, std::nullopt, 0);
        const int x = static_cast<int>(std::round(v.traceArea().xAtTime(1.20))) + 2;
        QTest::mouseClick(&v.traceArea(), Qt::RightButton, Qt::NoModifier, QPoint(x, static_cast<int>(v.traceArea().layout().plot.center().y())));
        REQUIRE(menu.count() == 1);
        CHECK(menu.at(0).at(0).value<std::int64_t>() == a.id);
        CHECK_FALSE(v.traceArea().cursor2().has_value());
        // 20 px away: an ordinary right click, cursor 2
        QTest::mouseClick(&v.traceArea(), Qt::RightButton, Qt::NoModifier, QPoint(x + 20, static_cast<int>(v.traceArea().layout().plot.center().y())));
        CHECK(menu.count() == 1);
        CHECK(v.traceArea().cursor2().has_value());
        // the menu's Remove removes it through the source
        auto* popup = v.findChild<QMenu*>("reviewer-mark-menu");
        REQUIRE(popup != nullptr);
        auto* remove = popup->findChild<QAction*>("remove-reviewer-annotation");
        REQUIRE(remove != nullptr);
        remove->trigger();
        popup->close();
        REQUIRE(source.removals.size() == 2);
        CHECK(source.removals[1].first == a.id);
        CHECK(v.reviewerAnnotations().empty());
        // put one back for the off-page case below
        v.addReviewerAnnotation(1.20, QStringLiteral("fasciculation?"));
    }
    // an annotation off the page (1 s page at 3 s; it is at 1.2 s) is not removed by Del
    v.setMsPerDiv(100.0);
    v.setStart(3.0);
    REQUIRE(v.startSec() == Approx(3.0));
    v.traceArea().setCursors(3.5, std::nullopt, 0);
    QTest::keyClick(&v, Qt::Key_Delete);
    CHECK(source.removals.size() == 2);
    CHECK(v.reviewerAnnotations().size() == 1);
    // an id that is not there: false
    CHECK_FALSE(v.removeReviewerAnnotation(b.id));
    CHECK(sha256Of(path) == rawSha);   // the raw file is never written
}

TEST_CASE("review span: Export annotated copy writes an EDF+ copy with the reviewer's annotation, the raw file is unchanged", "[ui][review][span]") {
    SpanFixture f;
    auto& v = *f.view;
    const QByteArray rawSha = sha256Of(f.path);
    v.addReviewerAnnotation(2.25, QStringLiteral("needle moved"));
    const QString out = f.dir.path() + "/two-motor-studies-annotated.edf";
    const auto r = v.exportAnnotatedCopy(out.toStdString());
    CHECK(r.annotationsAdded == 1);
    CHECK(r.records == 6);
    CHECK(sha256Of(f.path) == rawSha);
    const auto copy = emg::io::readRecording(out.toStdString());
    const auto raw = emg::io::readRecording(f.path.toStdString());
    int found = 0;
    for (const auto& a : copy.annotations)
        if (a.text.find("needle moved") != std::string::npos) {
            ++found;
            CHECK(a.onsetSec == Approx(2.25).margin(1e-6));   // TAL onsets are written to 100 ns or better
            CHECK(a.text.find("Dr. Test") != std::string::npos);
        }
    CHECK(found == 1);
    CHECK(copy.annotations.size() == raw.annotations.size() + 1);
    // the data are the raw file's, sample for sample
    REQUIRE(copy.channels.size() == raw.channels.size());
    CHECK(copy.channels[0].samples == raw.channels[0].samples);
    // the copy must not be written over the raw file
    CHECK_THROWS_AS(v.exportAnnotatedCopy(f.path.toStdString()), std::invalid_argument);
    CHECK(sha256Of(f.path) == rawSha);
}

TEST_CASE("review span: in the main window, Measure span sends the span to the NCS review tab, which shows it with its provenance",
          "[ui][review][span]") {
    emg::test::qtApp();
    QTemporaryDir dir, cache;
    const QString path = writeTwoStudies(dir.path());
    emg::review::InMemoryReviewerAnnotations source;
    auto options = emg::test::pulseWindowOptions(1, 20000.0);
    options.reviewerAnnotations = &source;
    options.summaryCacheDir = cache.path();
    emg::ui::MainWindow w(options);
    w.resize(1400, 900);
    w.show();
    REQUIRE(w.openRecording(path));
    auto* v = w.reviewView();
    REQUIRE(v != nullptr);
    REQUIRE(QTest::qWaitFor([&] { return !v->document().sha256().isEmpty(); }, 20000));
    auto* ncs = w.findChild<emg::ui::NcsReviewPanel*>("panel-ncs-review");
    REQUIRE(ncs != nullptr);
    v->selectSpan(3.0, 5.2);
    REQUIRE(v->measureSpan(emg::ui::span_targets::kNcsReview));
    CHECK(w.tabs().currentWidget() == ncs);
    REQUIRE(ncs->spanProvenance().has_value());
    CHECK(ncs->spanProvenance()->fromSec == Approx(3.0).margin(1.0 / 20000.0));
    CHECK(ncs->spanProvenance()->toSec == Approx(5.2).margin(1.0 / 20000.0));
    REQUIRE(ncs->result().has_value());
    // the second study's wrist response (truth 4.20 ms; the first study's is 3.61 ms)
    CHECK(ncs->result()->measures.onsetLatencyMs == Approx(4.20).margin(0.3));
    // the late-responses tab takes spans too (it analyses them as a series)
    auto* late = w.findChild<emg::ui::LateResponsesPanel*>("panel-late-responses");
    REQUIRE(late != nullptr);
    CHECK(v->measureSpan(emg::ui::span_targets::kLateResponses));
    CHECK(w.tabs().currentWidget() == late);
    // and keeps the span's provenance for Save to study, as NCS review does
    const std::string lateSource = late->measuredSource();
    CHECK(lateSource.find(path.toStdString()) != std::string::npos);
    CHECK(lateSource.find("3.000-5.200 s") != std::string::npos);
    CHECK(lateSource.find("SHA-256 " + v->document().sha256().toStdString()) != std::string::npos);
    late->startSeries();   // back to the live series: no span any more
    CHECK(late->measuredSource().empty());
    // and so does the needle panel (the span's 2.2 s of APB: its first signal channel)
    auto* needle = w.findChild<emg::ui::NeedlePanel*>("panel-needle");
    REQUIRE(needle != nullptr);
    CHECK(v->measureSpan(emg::ui::span_targets::kNeedle));
    CHECK(w.tabs().currentWidget() == needle);
    REQUIRE(needle->spanProvenance().has_value());
    CHECK(needle->spanProvenance()->fromSec == Approx(3.0).margin(1.0 / 20000.0));
    CHECK(needle->spanProvenance()->sha256 == v->document().sha256().toStdString());
}
