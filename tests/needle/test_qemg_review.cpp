// The QEMG review screen of the needle panel under QT_QPA_PLATFORM=offscreen, on a simulated
// needle record (rest, weak and strong effort): the units listed are the analysis' units, the
// superimposed firings line up with the template, rejecting a unit and moving a marker change the
// muscle means as the definitions say, the cloud shows every epoch, a marker follows a mouse
// drag, and an expert decomposition written from the simulator's truth is compared and shown.
// Screenshots go to the build's tests/needle folder for a person to look at.
#include "needle_truth.h"
#include "synth.h"

#include "needle_panel.h"
#include "qemg_cloud_plot.h"
#include "qemg_firing_raster.h"
#include "qemg_review_view.h"
#include "qemg_template_view.h"

#include <emg/needle/muap_measures.h>
#include <emg/needle/muscle_summary.h>
#include <emg/needle/reference_values.h>
#include <emg/needle/signal_tools.h>

#include <QApplication>
#include <QEventLoop>
#include <QImage>
#include <QLabel>
#include <QMouseEvent>
#include <QPixmap>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>

#include "ui_test_support.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>

namespace {

std::filesystem::path outDir() {
    const auto d = std::filesystem::path(EMGWS_BINARY_DIR) / "tests" / "needle" / "qemg_review";
    std::filesystem::create_directories(d);
    return d;
}

/// A measured unit of a 10 ms triphasic shape (Gaussian bumps, 20 kHz) firing at 10 Hz for 4 s,
/// its train offset by 13 ms x id.
emg::needle::MotorUnit bumpUnit(int id) {
    emg::needle::MotorUnit u;
    u.id = id;
    u.sampleRateHz = 20000.0;
    for (int i = -300; i < 500; ++i) u.templateUv.push_back(needle_test::bumpsAt(needle_test::muap(800.0), i / 20.0));
    u.templatePeakIndex = 300;
    u.params = emg::needle::measureMuap(u.templateUv, 300, u.sampleRateHz, 5.0);
    for (double t = 0.1; t < 3.9; t += 0.1) u.firingTimesSec.push_back(t + 0.013 * id);
    u.meanRateHz = 10.0;
    u.shapeVariabilityPercent = 20.0;
    u.shapeMeasured = true;
    return u;
}

/// Two bump units (bumpUnit), the second's shape not measured as `notMeasured` sets it, and their
/// automatic summary against the biceps reference at 40 years.
template <class F>
emg::needle::NeedleAnalysis twoUnitsSecondLeftOut(F notMeasured) {
    emg::needle::NeedleAnalysis a;
    a.sampleRateHz = 20000.0;
    a.durationSec = 4.0;
    for (int id = 1; id <= 2; ++id) {
        emg::needle::MotorUnit u = bumpUnit(id);
        if (id == 2) {
            u.shapeMeasured = false;
            notMeasured(u);
        }
        a.motorUnits.units.push_back(u);
    }
    a.summary = emg::needle::summarizeMuscle(a.motorUnits.units, emg::needle::muapReference("biceps brachii", 40.0));
    return a;
}

// a normal muscle: 4 s rest, 4 s weak (15 %), 4 s strong (80 %) effort at 20 kHz, 10 µV noise,
// the layout of `emgws-cli simulate --test needle`
const emg::sim::NeedleSignal& simulated() {
    static const emg::sim::NeedleSignal sig = [] {
        emg::sim::NeedleMuscleConfig c;
        c.pattern = emg::sim::MusclePattern::Normal;
        c.noiseRmsUv = 10.0;
        c.seed = 7;
        emg::sim::NeedleMuscleModel m(c);
        return m.generate(12.0, {{0.0, 0.0}, {4.0, 0.15}, {8.0, 0.8}});
    }();
    return sig;
}

const std::vector<emg::Annotation> kLevels{{0.0, 4.0, "rest"}, {4.0, 4.0, "weak"}, {8.0, 4.0, "strong"}};

int rowOf(const emg::ui::QemgReviewView& v, int unitId) {
    const auto ids = v.listedUnitIds();
    return static_cast<int>(std::find(ids.begin(), ids.end(), unitId) - ids.begin());
}

void sendMouse(QWidget* w, QEvent::Type type, QPointF pos, Qt::MouseButtons buttons) {
    QMouseEvent e(type, pos, w->mapToGlobal(pos), Qt::LeftButton, buttons, Qt::NoModifier);
    QApplication::sendEvent(w, &e);
}

}  // namespace

TEST_CASE("QEMG review: units, templates, accept/reject, markers, cloud, evidence") {
    emg::test::qtApp();
    emg::ui::NeedlePanel panel(nullptr);
    panel.setMuscle("tibialis anterior");
    auto* button = panel.findChild<QPushButton*>("needle-qemg");
    REQUIRE(button);
    CHECK_FALSE(button->isEnabled());   // nothing analysed yet
    CHECK_FALSE(panel.openQemgReview());
    const auto& sig = simulated();
    const auto a = panel.analyzeSignal(sig.microvolts, sig.sampleRateHz, kLevels);
    CHECK(button->isEnabled());
    auto* v = panel.qemgReview();
    REQUIRE(v);
    REQUIRE(panel.openQemgReview());
    CHECK(v->isVisible());
    v->resize(1600, 1100);
    emg::test::runEventsFor(150);

    // the units listed are the analysis' units, in its order
    const auto& units = a.motorUnits.units;
    REQUIRE(units.size() >= 3);   // a normal muscle at 15 % effort recruits several units
    std::vector<int> ids;
    for (const auto& u : units) ids.push_back(u.id);
    CHECK(v->listedUnitIds() == ids);
    CHECK(v->unitTable()->rowCount() == static_cast<int>(units.size()));
    for (std::size_t k = 0; k < units.size(); ++k) {
        const int row = static_cast<int>(k);
        CHECK(v->unitTable()->item(row, emg::ui::QemgReviewView::ColAccept)->checkState() == Qt::Checked);
        CHECK(v->unitTable()->item(row, emg::ui::QemgReviewView::ColFirings)->text().toULongLong() == units[k].firingTimesSec.size());
        CHECK(v->unitTable()->item(row, emg::ui::QemgReviewView::ColDuration)->text().toDouble() ==
              Approx(units[k].params.durationMs).margin(0.005));
        CHECK(v->unitTable()->item(row, emg::ui::QemgReviewView::ColMarkers)->text() == "auto");
    }
    // before any change the means are the analysis' summary
    auto s = v->reviewedSummary();
    CHECK(s.unitCount == a.summary.unitCount);
    CHECK(s.meanDurationMs == Approx(a.summary.meanDurationMs).epsilon(1e-12));

    SECTION("the superimposed firings are the analysed signal at the unit's firings, aligned on the template") {
        const auto& u = units.front();
        v->selectUnit(u.id);
        const auto* t = v->templateView();
        CHECK(t->unitId() == u.id);
        CHECK(t->firingsDrawn() == static_cast<int>(std::min<std::size_t>(u.firingTimesSec.size(), emg::ui::QemgTemplateView::kMaxFirings)));
        // average of the filtered signal's windows at the firing times against the template at its
        // main peak: the template is that average without the other units' overlaps, so within 15 %
        emg::needle::FilterApplied fa;
        const auto x = emg::needle::filterForNeedle(sig.microvolts, sig.sampleRateHz, 0.0, fa);
        double sum = 0.0;
        for (double ft : u.firingTimesSec) sum += x[static_cast<std::size_t>(std::llround(ft * sig.sampleRateHz))];
        const double peak = u.templateUv[static_cast<std::size_t>(u.templatePeakIndex)];
        CHECK(sum / static_cast<double>(u.firingTimesSec.size()) == Approx(peak).epsilon(0.15));
        CHECK(t->markerMs(emg::ui::QemgMarker::Onset) == Approx(u.params.onsetMs).margin(1e-9));
        CHECK(t->markerMs(emg::ui::QemgMarker::End) == Approx(u.params.endMs).margin(1e-9));
    }

    SECTION("rejecting a unit: the means are those of the other units") {
        const int rejected = units[1].id;
        v->setAccepted(rejected, false);
        double durations = 0.0, amplitudes = 0.0;
        for (const auto& u : units)
            if (u.id != rejected) durations += u.params.durationMs, amplitudes += u.params.amplitudeUv;
        const double others = static_cast<double>(units.size() - 1);
        s = v->reviewedSummary();
        CHECK(s.unitCount == static_cast<int>(units.size()) - 1);
        CHECK(s.meanDurationMs == Approx(durations / others).epsilon(1e-12));
        CHECK(s.meanAmplitudeUv == Approx(amplitudes / others).epsilon(1e-12));
        CHECK(v->review().unit(rejected).accepted == false);
        CHECK(v->unitTable()->item(rowOf(*v, rejected), emg::ui::QemgReviewView::ColAccept)->checkState() == Qt::Unchecked);
        CHECK(v->meansLabel()->text().contains(QString("Accepted %1 of %2").arg(units.size() - 1).arg(units.size())));
        CHECK(v->ourRaster()->rowCount() == static_cast<int>(units.size()) - 1);
        // the clinician's checkbox does the same: accept it again from the table
        v->unitTable()->item(rowOf(*v, rejected), emg::ui::QemgReviewView::ColAccept)->setCheckState(Qt::Checked);
        CHECK(v->review().unit(rejected).accepted);
        CHECK(v->reviewedSummary().meanDurationMs == Approx(a.summary.meanDurationMs).epsilon(1e-12));
        CHECK(v->ourRaster()->rowCount() == static_cast<int>(units.size()));
    }

    SECTION("moving the end marker by +2 ms lengthens that unit by 2 ms") {
        const auto& u = units.front();
        const double dtMs = 1000.0 / sig.sampleRateHz;
        v->moveMarker(u.id, emg::ui::QemgMarker::End, u.params.endMs + 2.0);
        const auto p = v->unitParameters(u.id);
        CHECK(p.durationMs == Approx(u.params.durationMs + 2.0).margin(dtMs));
        CHECK(p.endMs == Approx(u.params.endMs + 2.0).margin(dtMs));
        CHECK(p.onsetMs == Approx(u.params.onsetMs).margin(1e-9));   // the other marker stays
        CHECK(p.amplitudeUv >= u.params.amplitudeUv - 1e-9);          // a wider span never loses the peak-to-peak
        CHECK(v->review().unit(u.id).endProvenance() == emg::needle::MarkerProvenance::Clinician);
        CHECK(v->review().unit(u.id).onsetProvenance() == emg::needle::MarkerProvenance::Automatic);
        const int row = rowOf(*v, u.id);
        CHECK(v->unitTable()->item(row, emg::ui::QemgReviewView::ColMarkers)->text() == "clinician: end");
        CHECK(v->unitTable()->item(row, emg::ui::QemgReviewView::ColDuration)->text().toDouble() == Approx(p.durationMs).margin(0.005));
        CHECK(v->unitLabel()->text().contains("clinician"));
        // the muscle mean moves by 2 ms / units
        CHECK(v->reviewedSummary().meanDurationMs ==
              Approx(a.summary.meanDurationMs + 2.0 / static_cast<double>(units.size())).margin(dtMs / static_cast<double>(units.size())));
        emg::test::runEventsFor(50);   // the chart's legend is laid out from the event loop
        CHECK(v->templateView()->grab().toImage().save(QString::fromStdString((outDir() / "qemg_template_marker_moved.png").string())));
        CHECK(v->grab().toImage().save(QString::fromStdString((outDir() / "qemg_review_marker_moved.png").string())));
    }

    SECTION("a marker follows the mouse: press on the end line, drag 40 px right, release") {
        const auto& u = units.front();
        v->selectUnit(u.id);
        emg::test::runEventsFor(50);
        auto* t = v->templateView();
        const double before = t->markerMs(emg::ui::QemgMarker::End);
        const double x0 = t->markerX(emg::ui::QemgMarker::End);
        const double y = t->viewport()->height() / 2.0;
        sendMouse(t->viewport(), QEvent::MouseButtonPress, QPointF(x0 + 2, y), Qt::LeftButton);
        sendMouse(t->viewport(), QEvent::MouseMove, QPointF(x0 + 20, y), Qt::LeftButton);
        sendMouse(t->viewport(), QEvent::MouseButtonRelease, QPointF(x0 + 40, y), Qt::NoButton);
        CHECK(t->markerMs(emg::ui::QemgMarker::End) > before + 0.5);   // 40 px of a 40 ms axis on a ~600 px plot: >= 2 ms
        CHECK(t->markerX(emg::ui::QemgMarker::End) == Approx(x0 + 40).margin(1.5));
        CHECK(v->review().unit(u.id).endMs.has_value());
        CHECK(v->unitParameters(u.id).durationMs > u.params.durationMs);
    }

    // the cloud: one point per strong-effort epoch, and both limit lines
    REQUIRE_FALSE(a.interference.epochs.empty());
    CHECK(v->cloudPlot()->pointCount() == static_cast<int>(a.interference.epochs.size()));
    const auto low = v->cloudPlot()->lowLine(), high = v->cloudPlot()->highLine();
    REQUIRE(low.size() == 2);
    CHECK(low[0].y() == Approx(a.interference.cloud.lowInterceptUv));
    CHECK(high[1].y() == Approx(a.interference.cloud.highInterceptUv + a.interference.cloud.highSlopeUvPerTurnPerSec * high[1].x()));
    // the evidence of the muscle's reading, as text
    CHECK(v->evidenceText()->toPlainText().contains(emg::needle::toString(a.reading.pattern)));
    CHECK(static_cast<std::size_t>(v->evidenceText()->toPlainText().count("counted]")) == a.reading.evidence.size());

    emg::test::runEventsFor(50);
    const QImage img = v->grab().toImage();
    CHECK(img.width() == 1600);
    CHECK(img.save(QString::fromStdString((outDir() / "qemg_review.png").string())));
}

TEST_CASE("QEMG review: the simulator's truth as an expert decomposition is found unit by unit") {
    emg::test::qtApp();
    const auto& sig = simulated();
    emg::ui::NeedlePanel panel(nullptr);
    panel.setMuscle("tibialis anterior");
    const auto a = panel.analyzeSignal(sig.microvolts, sig.sampleRateHz, kLevels);
    auto* v = panel.qemgReview();
    REQUIRE(panel.openQemgReview());
    v->resize(1600, 1100);

    // the expert: units a clinician would mark (>= 100 µV peak to peak) firing >= 10 times in the
    // weak segment, at their main peak, written as `time_s,unit`
    const auto dir = outDir();
    const auto csv = dir / "expert.csv";
    std::size_t written = 0;
    {
        std::ofstream f(csv, std::ios::binary);
        f << "time_s,unit\n";
        for (const auto& u : sig.units) {
            const auto weak = needle_test::truthPeakTimes(u.firingTimesSec, u.templateUv, sig.sampleRateHz, 4.0, 8.0);
            if (u.peakToPeakUv < 100.0 || weak.size() < 10) continue;
            for (double t : needle_test::truthPeakTimes(u.firingTimesSec, u.templateUv, sig.sampleRateHz)) {
                char line[64];
                std::snprintf(line, sizeof line, "%.6f,%d\n", t, u.id);
                f << line;
            }
            ++written;
        }
    }
    REQUIRE(written >= 2);
    REQUIRE(v->loadExpertDecomposition(QString::fromStdString(csv.string())));
    REQUIRE(v->comparison().has_value());
    const auto& c = *v->comparison();
    INFO(v->comparisonLabel()->text().toStdString());
    CHECK(c.expertUnits.size() == written);
    CHECK(c.expertUnitsCompared == written);
    // every unit the expert marked is found (sensitivity and PPV >= 0.5 at +-0.5 ms), both marking the main peak
    CHECK(c.unitsFound == written);
    for (const auto& e : c.expertUnits) {
        INFO("expert unit " << e.expertId << ": ours " << (e.ourUnitId ? *e.ourUnitId : -1) << ", sensitivity " << e.sensitivity
                            << ", PPV " << e.ppv << ", lag " << e.lagMs << " ms");
        CHECK(e.found);
        CHECK(std::abs(e.lagMs) < 0.5);
    }
    // the table: one row per expert unit with our matched unit, lag, sensitivity, PPV
    auto* table = v->comparisonTable();
    CHECK(table->isVisible());
    REQUIRE(table->rowCount() == static_cast<int>(written));
    for (int r = 0; r < table->rowCount(); ++r) {
        const auto& e = c.expertUnits[static_cast<std::size_t>(r)];
        CHECK(table->item(r, 0)->text().toStdString() == e.expertId);
        CHECK(table->item(r, 2)->text() == QString::number(e.ourUnitId.value_or(-1)));
        CHECK(table->item(r, 5)->text().toDouble() == Approx(e.sensitivity).margin(0.005));
        CHECK(table->item(r, 6)->text().toDouble() == Approx(e.ppv).margin(0.005));
        CHECK(table->item(r, 7)->text() == "yes");
    }
    // both rasters, ours above the expert's, over the same span
    CHECK(v->expertRaster()->isVisible());
    CHECK(v->expertRaster()->rowCount() == static_cast<int>(written));
    CHECK(v->ourRaster()->rowCount() == static_cast<int>(a.motorUnits.units.size()));
    CHECK(v->ourRaster()->geometry().bottom() <= v->expertRaster()->geometry().top());
    CHECK(v->comparisonLabel()->text().contains(QString("%1 of %1 expert units found").arg(written)));
    emg::test::runEventsFor(100);
    CHECK(v->grab().toImage().save(QString::fromStdString((dir / "qemg_review_expert.png").string())));

    // a bad file is refused with the line named, the previous comparison stays
    const auto bad = dir / "bad.csv";
    {
        std::ofstream f(bad);
        f << "time_s,unit\n4.1,1\nfour,2\n";
    }
    CHECK_FALSE(v->loadExpertDecomposition(QString::fromStdString(bad.string())));
    CHECK(v->comparisonLabel()->text().contains("line 3"));
    CHECK(v->comparison().has_value());
}

TEST_CASE("QEMG review: the expert decomposition as an EMGlab annotation file (.eaf) compares as the CSV does") {
    emg::test::qtApp();
    const auto& sig = simulated();
    emg::ui::NeedlePanel panel(nullptr);
    panel.setMuscle("tibialis anterior");
    panel.analyzeSignal(sig.microvolts, sig.sampleRateHz, kLevels);
    auto* v = panel.qemgReview();
    REQUIRE(panel.openQemgReview());
    // the same expert as above, in EMGlab's layout: CR line ends, a header naming the columns
    const auto dir = outDir();
    const auto csv = dir / "expert_same.csv", eaf = dir / "expert.eaf";
    std::size_t written = 0;
    {
        std::ofstream c(csv, std::ios::binary), e(eaf, std::ios::binary);
        c << "time_s,unit\n";
        e << "<?xml version=\"1.0\" encoding=\"ASCII\"?>\r<emglab_annotation_file>\r<emglab_spike_header>\r<time></time>\r"
             "<unit></unit>\r<chan></chan>\r</emglab_spike_header>\r<emglab_spike_events>\r<!--  time  unit  chan  -->\r";
        for (const auto& u : sig.units) {
            const auto weak = needle_test::truthPeakTimes(u.firingTimesSec, u.templateUv, sig.sampleRateHz, 4.0, 8.0);
            if (u.peakToPeakUv < 100.0 || weak.size() < 10) continue;
            for (double t : needle_test::truthPeakTimes(u.firingTimesSec, u.templateUv, sig.sampleRateHz)) {
                char line[64];
                std::snprintf(line, sizeof line, "%.6f,%d\n", t, u.id);
                c << line;
                std::snprintf(line, sizeof line, "%.5f %d 1\r", t, u.id);
                e << line;
            }
            ++written;
        }
        e << "</emglab_spike_events>\r</emglab_annotation_file>\r";
    }
    REQUIRE(written >= 2);
    REQUIRE(v->loadExpertDecomposition(QString::fromStdString(csv.string())));
    REQUIRE(v->comparison().has_value());
    const auto fromCsv = *v->comparison();
    REQUIRE(v->loadExpertDecomposition(QString::fromStdString(eaf.string())));
    REQUIRE(v->comparison().has_value());
    const auto& c = *v->comparison();
    CHECK(c.expertUnits.size() == written);
    CHECK(c.unitsFound == fromCsv.unitsFound);
    CHECK(c.unitsFound == written);
    for (std::size_t i = 0; i < c.expertUnits.size(); ++i) {
        CHECK(c.expertUnits[i].expertId == fromCsv.expertUnits[i].expertId);
        // times written to 10 us in the .eaf (as EMGlab does), to 1 us in the CSV: the same matches
        CHECK(c.expertUnits[i].matchedFirings == fromCsv.expertUnits[i].matchedFirings);
    }
    CHECK(v->expertRaster()->rowCount() == static_cast<int>(written));
    CHECK(v->comparisonLabel()->text().contains(QString("%1 of %1 expert units found").arg(written)));
}

TEST_CASE("QEMG review of a record without units says so and offers no comparison") {
    emg::test::qtApp();
    // 3 s of 10 µV noise at rest: no units, no effort epochs
    emg::sim::NeedleMuscleConfig c;
    c.noiseRmsUv = 10.0;
    c.seed = 3;
    emg::sim::NeedleMuscleModel m(c);
    const auto sig = m.generate(3.0);
    emg::ui::NeedlePanel panel(nullptr);
    const auto a = panel.analyzeSignal(sig.microvolts, sig.sampleRateHz, {{0.0, 3.0, "rest"}});
    REQUIRE(a.motorUnits.units.empty());
    auto* v = panel.qemgReview();
    CHECK(v->unitTable()->rowCount() == 0);
    CHECK(v->templateView()->unitId() == -1);
    CHECK(v->unitLabel()->text().contains("No motor units"));
    CHECK_FALSE(v->findChild<QPushButton*>("qemg-compare")->isEnabled());
    CHECK(v->cloudPlot()->pointCount() == static_cast<int>(a.interference.epochs.size()));
    CHECK(v->reviewedSummary().unitCount == 0);
    CHECK(v->ourRaster()->rowCount() == 0);
}

TEST_CASE("QEMG review: a unit whose long window is not its own starts rejected, says why, and counts once accepted") {
    emg::test::qtApp();
    // two units of the same 10 ms triphasic shape (Gaussian bumps, 20 kHz); the second's shape is
    // not measured (its long window held other units' activity, shape variability 120 %)
    auto a = twoUnitsSecondLeftOut([](emg::needle::MotorUnit& u) {
        u.shapeVariabilityPercent = 120.0;
        u.riseTimeMs = 0.8;
    });
    a.motorUnits.units[0].riseTimeMs = 0.3;
    REQUIRE(a.summary.unitsShapeNotMeasured == 1);
    emg::ui::QemgReviewView v(nullptr);
    v.resize(1600, 1100);
    v.setAnalysis(a, {}, 50.0);
    auto* table = v.unitTable();
    REQUIRE(table->rowCount() == 2);
    CHECK(table->item(0, 0)->checkState() == Qt::Checked);
    CHECK(table->item(1, 0)->checkState() == Qt::Unchecked);
    CHECK(table->item(1, table->columnCount() - 1)->text().contains("window not its own"));
    CHECK(table->item(1, table->columnCount() - 1)->toolTip().contains("120 %"));
    CHECK(v.reviewedSummary().unitCount == 1);
    CHECK(v.meansLabel()->text().contains("1 more with other units' activity in their long window start rejected"));
    v.selectUnit(2);
    CHECK(v.unitLabel()->text().contains("(rejected)"));
    CHECK(v.unitLabel()->text().contains("shape variability 120.0 %"));
    CHECK(v.unitLabel()->text().contains("starts rejected"));
    // its rise time shown, and what a slow one may mean (listed for the clinician, not a criterion)
    CHECK(v.unitLabel()->text().contains("main-spike rise time 0.80 ms (slower than 0.5 ms"));
    v.selectUnit(1);
    CHECK(v.unitLabel()->text().contains("main-spike rise time 0.30 ms"));
    CHECK_FALSE(v.unitLabel()->text().contains("slower than"));
    v.selectUnit(2);
    // the clinician accepts it (the markers theirs to hold): it counts in the means
    v.setAccepted(2, true);
    CHECK(v.reviewedSummary().unitCount == 2);
    CHECK(table->item(1, 0)->checkState() == Qt::Checked);
}

TEST_CASE("QEMG review: a train of several look-alike units starts rejected and says why") {
    emg::test::qtApp();
    // the second unit's train fires again within 20 ms in 24 % of its intervals: several units
    // sorted as one (muap_sorter: maxTrainShortIsiFraction), its rate and template not one unit's
    const auto a = twoUnitsSecondLeftOut([](emg::needle::MotorUnit& u) {
        u.shortIntervalPercent = 24.0;
        u.severalUnitsTrain = true;
    });
    REQUIRE(a.summary.unitsShapeNotMeasured == 1);
    // the summary names the reason, not the long window's
    bool named = false;
    for (const auto& r : a.summary.reasons) named = named || r.find("several look-alike units") != std::string::npos;
    CHECK(named);
    emg::ui::QemgReviewView v(nullptr);
    v.resize(1600, 1100);
    v.setAnalysis(a, {}, 50.0);
    auto* table = v.unitTable();
    REQUIRE(table->rowCount() == 2);
    CHECK(table->item(1, 0)->checkState() == Qt::Unchecked);
    CHECK(table->item(1, table->columnCount() - 1)->text().contains("several units' train"));
    CHECK(table->item(1, table->columnCount() - 1)->toolTip().contains("24 %"));
    CHECK(v.meansLabel()->text().contains("1 more, train(s) of several look-alike units, start rejected"));
    CHECK_FALSE(v.meansLabel()->text().contains("long window"));
    v.selectUnit(2);
    CHECK(v.unitLabel()->text().contains("24 % of its intervals under 20 ms"));
    CHECK_FALSE(v.unitLabel()->text().contains("long window"));
}

TEST_CASE("QEMG review: a mean of fewer than 5 accepted units is said to count only by a duration beyond the limit for so few") {
    emg::test::qtApp();
    // six measured units of the same 10 ms triphasic shape
    emg::needle::NeedleAnalysis a;
    a.sampleRateHz = 20000.0;
    a.durationSec = 4.0;
    for (int id = 1; id <= 6; ++id) a.motorUnits.units.push_back(bumpUnit(id));
    a.summary = emg::needle::summarizeMuscle(a.motorUnits.units, emg::needle::muapReference("biceps brachii", 40.0));
    emg::ui::QemgReviewView v(nullptr);
    v.resize(1600, 1100);
    v.setAnalysis(a, {}, 50.0);
    CHECK(v.reviewedSummary().unitCount == 6);
    CHECK_FALSE(v.meansLabel()->text().contains("not counted"));
    // a unit the sorter found in parts and merged by its train says so; one found whole does not
    a.motorUnits.units[2].sortedParts = 3;
    v.setAnalysis(a, {}, 50.0);
    v.selectUnit(3);
    CHECK(v.unitLabel()->text().contains("sorted as 3 templates and merged by its train"));
    v.selectUnit(1);
    CHECK_FALSE(v.unitLabel()->text().contains("merged"));
    v.setAccepted(5, false);
    CHECK_FALSE(v.meansLabel()->text().contains("not counted"));   // 5 units: a mean the reading counts
    v.setAccepted(6, false);
    CHECK(v.meansLabel()->text().contains("(4 units: a mean of fewer than 5 counts in the muscle's reading only by its duration beyond the limit for so few, not by one unit alone)"));
    // the limit for a mean of 4 (sw 30 %, +-20 % for 20): 2 sqrt(100 - 45 + 900/4) = 33.5 %
    CHECK(v.meansLabel()->text().contains("± 33.5 %"));
    CHECK(v.meansLabel()->text().contains("(the duration limit for a mean of 4 units; ± 20 % for 20)"));
    v.setAccepted(6, true);
    CHECK_FALSE(v.meansLabel()->text().contains("not counted"));
    CHECK_FALSE(v.meansLabel()->text().contains("fewer than 5"));
    CHECK(v.meansLabel()->text().contains("± 30.7 %"));
    CHECK(v.meansLabel()->text().contains("(the duration limit for a mean of 5 units"));   // unit 5 still rejected
}

TEST_CASE("QEMG review: firings found where a unit's train predicted them are named, drawn short and kept out of the template's firings") {
    emg::test::qtApp();
    // one unit of a 10 ms triphasic shape firing at 10 Hz; 8 of its 38 firings were found where its
    // train predicted them (inside superimpositions), the rest cleanly
    emg::needle::NeedleAnalysis a;
    a.sampleRateHz = 20000.0;
    a.durationSec = 4.0;
    auto u = bumpUnit(1);
    u.firingPredicted.assign(u.firingTimesSec.size(), 0);
    for (std::size_t i = 3, n = 0; i < u.firingPredicted.size() && n < 8; i += 4, ++n) u.firingPredicted[i] = 1;
    REQUIRE(u.predictedFirings() == 8);
    const std::size_t clean = u.firingTimesSec.size() - 8;
    a.motorUnits.units.push_back(u);
    // the raw signal: the unit at each firing in 10 uV noise
    std::vector<double> raw(static_cast<std::size_t>(a.durationSec * a.sampleRateHz), 0.0);
    for (double t : u.firingTimesSec) needle_test::place(raw, a.sampleRateHz, needle_test::muap(800.0), t);
    needle_test::addNoise(raw, 10.0, 5);
    a.summary = emg::needle::summarizeMuscle(a.motorUnits.units, emg::needle::muapReference("biceps brachii", 40.0));
    emg::ui::QemgReviewView v(nullptr);
    v.resize(1600, 1100);
    v.setAnalysis(a, raw, 50.0);
    v.selectUnit(1);
    CHECK(v.unitLabel()->text().contains("8 of them found where its regular train predicted them"));
    // under the template: the clean firings only (the template leaves the predicted ones out)
    CHECK(v.templateView()->firingsDrawn() == static_cast<int>(std::min<std::size_t>(clean, emg::ui::QemgTemplateView::kMaxFirings)));
    // the raster: every firing, the predicted ones flagged (drawn as short ticks)
    REQUIRE(v.ourRaster()->rowCount() == 1);
    const auto& row = v.ourRaster()->row(0);
    CHECK(row.timesSec.size() == u.firingTimesSec.size());
    CHECK(static_cast<std::size_t>(std::count(row.predicted.begin(), row.predicted.end(), 1)) == 8);
    CHECK(v.ourRaster()->ticksDrawn() == u.firingTimesSec.size());
    CHECK(v.ourRaster()->grab().toImage().save(QString::fromStdString((outDir() / "qemg_raster_predicted.png").string())));
}

TEST_CASE("QEMG review: the outlier rule over the accepted units, and each value beyond a limit marked") {
    emg::test::qtApp();
    // four measured units against the biceps at 40 years (outlier limits 3.4-13.3 ms, 178-1414 uV):
    // three of them 16 ms long
    emg::needle::NeedleAnalysis a;
    a.sampleRateHz = 20000.0;
    a.durationSec = 4.0;
    for (int id = 1; id <= 4; ++id) {
        auto u = bumpUnit(id);
        if (id <= 3) u.params.durationMs = 16.0;
        a.motorUnits.units.push_back(u);
    }
    a.summary = emg::needle::summarizeMuscle(a.motorUnits.units, emg::needle::muapReference("biceps brachii", 40.0));
    REQUIRE(a.summary.reference.hasOutlierLimits);
    emg::ui::QemgReviewView v(nullptr);
    v.resize(1600, 1100);
    v.setAnalysis(a, {}, 50.0);
    const QString text = v.meansLabel()->text();
    INFO(text.toStdString());
    CHECK(text.contains("3 long, 0 short, 0 large, 0 small of 4 → neuropathic"));
    // the long unit's duration cell is marked with the limit; the fourth unit's (within) is not
    const auto* longCell = v.unitTable()->item(rowOf(v, 1), 4);
    const auto* withinCell = v.unitTable()->item(rowOf(v, 4), 4);
    REQUIRE(longCell != nullptr);
    REQUIRE(withinCell != nullptr);
    CHECK(longCell->font().bold());
    CHECK(longCell->toolTip().contains("outlier limit"));
    CHECK(longCell->toolTip().contains("13.3"));
    CHECK_FALSE(withinCell->font().bold());
    CHECK(withinCell->toolTip().isEmpty());
    v.grab().save(QString::fromStdString((outDir() / "qemg_outliers.png").string()));
    // the clinician rejects one long unit: two beyond the limit are within the rule, and 3 units
    // are too few to call the muscle normal by it
    v.setAccepted(2, false);
    CHECK(v.meansLabel()->text().contains("2 long, 0 short, 0 large, 0 small of 3 → not enough units to call normal"));
    // a muscle the source gives no limits for says so
    a.summary = emg::needle::summarizeMuscle(a.motorUnits.units, emg::needle::muapReference("tibialis anterior", 40.0));
    v.setAnalysis(a, {}, 50.0);
    CHECK(v.meansLabel()->text().contains("no outlier limits of individual MUPs for this muscle"));
    CHECK_FALSE(v.unitTable()->item(rowOf(v, 1), 4)->font().bold());
}
