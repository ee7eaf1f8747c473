// The needle panel under QT_QPA_PLATFORM=offscreen (sweep, trigger capture, findings grid, a
// grab() written for a person to look at) and the EMG sound played into a PulseAudio null sink
// whose monitor is recorded and checked (burst rate, carrier frequency, level, mute).
#include "needle_truth.h"
#include "pulse_null_sink.h"
#include "synth.h"

#include "emg_sound.h"
#include "muap_capture_view.h"
#include "needle_findings_grid.h"

#include <QScrollBar>
#include "needle_panel.h"
#include "needle_sweep_view.h"
#include "qemg_review_view.h"

#include <emg/needle/muscle_sites.h>
#include <emg/needle/signal_tools.h>

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QEventLoop>
#include <QImage>
#include <QLabel>
#include <QPixmap>
#include <QTemporaryDir>
#include <QTimer>

#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>
#include <filesystem>
#include <fstream>

namespace {

QApplication& app() {
    static int argc = 1;
    static char name[] = "test_needle_ui";
    static char* argv[] = {name, nullptr};
    // created once and never destroyed: a static QApplication torn down after Qt's own statics crashes at exit
    static QApplication* a = [] {
        ::setenv("QT_QPA_PLATFORM", "offscreen", 0);
        if (!std::getenv("XDG_RUNTIME_DIR")) {
            static QTemporaryDir runtime;   // private, 0700, removed at exit
            ::setenv("XDG_RUNTIME_DIR", runtime.path().toLocal8Bit().constData(), 1);
        }
        return new QApplication(argc, argv);
    }();
    return *a;
}

void runFor(int ms) {
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

}  // namespace

TEST_CASE("needle panel: sweep, trigger capture, findings from the analysis, editable") {
    app();
    emg::ui::NeedlePanel panel(nullptr);
    panel.resize(1200, 700);
    panel.setMuscle("tibialis anterior");
    panel.setSweep(10.0, 200.0);
    panel.setTrigger(-150.0, 5.0, true);
    // a simulated muscle: 4 s rest (grade 2 denervation) then 4 s weak effort, at 20 kHz
    emg::sim::NeedleMuscleConfig c;
    c.pattern = emg::sim::MusclePattern::Neuropathic;
    c.noiseRmsUv = 8.0;
    c.seed = 9;
    c.spontaneous = emg::sim::SpontaneousConfig::fromGrade(2);
    emg::sim::NeedleMuscleModel m(c);
    const auto sig = m.generate(8.0, {{0.0, 0.0}, {4.0, 0.15}});
    std::vector<float> f(sig.microvolts.begin(), sig.microvolts.end());
    for (std::size_t i = 0; i < f.size(); i += 2000) panel.feed(f.data() + i, std::min<std::size_t>(2000, f.size() - i), sig.sampleRateHz);
    // the 1 mV unit crosses -150 µV once per discharge: captures follow its firings
    CHECK(panel.captureView()->captures() >= 40);
    const auto a = panel.analyzeSignal(sig.microvolts, sig.sampleRateHz, {{0.0, 4.0, "rest"}, {4.0, 4.0, "weak"}});
    auto* grid = panel.findings();
    const int row = grid->rowOf("tibialis anterior");
    REQUIRE(row >= 0);
    QString cells;
    for (int c = 0; c < grid->columnCount(); ++c) cells += grid->horizontalHeaderItem(c)->text() + ": " + grid->cell(row, c) + " | ";
    INFO(cells.toStdString());
    CHECK(grid->cell(row, 2).startsWith(QString("%1+").arg(a.spontaneous.grade)));   // fibs column
    CHECK(grid->cell(row, 6).startsWith("long"));                                    // MUAP duration
    // a mean the muscle's reading did not count carries its unit count (here: fewer than the 5 units a mean needs)
    REQUIRE(a.summary.unitCount >= 1);
    const auto* unitsEvidence = a.reading.evidenceFrom("motor units");
    REQUIRE(unitsEvidence != nullptr);
    CHECK(unitsEvidence->counted == (a.summary.unitCount >= 5));
    const QString few = QString("; n=%1, not counted)").arg(a.summary.unitCount);
    for (int col : {5, 6, 7}) CHECK(grid->cell(row, col).endsWith(few) == !unitsEvidence->counted);
    CHECK(grid->cell(row, 8) == "reduced");                                          // recruitment
    CHECK(grid->cell(row, 1).isEmpty());   // insertional activity: not from a recording, the clinician's
    // editable: the clinician's value stays (the analysis never writes insertional activity)
    grid->item(row, 1)->setText("increased");
    panel.analyzeSignal(sig.microvolts, sig.sampleRateHz, {{0.0, 4.0, "rest"}, {4.0, 4.0, "weak"}});
    CHECK(grid->cell(row, 1) == "increased");
    CHECK((grid->item(row, 1)->flags() & Qt::ItemIsEditable));

    panel.show();
    runFor(100);
    // the row fits the 1200 px panel: no sideways scrolling, the MUAP cells' caveat wrapped onto a
    // second line of the row, not cut
    CHECK(grid->horizontalScrollBar()->maximum() == 0);
    if (!unitsEvidence->counted) CHECK(grid->rowHeight(row) >= 2 * grid->fontMetrics().height());
    const QImage img = panel.grab().toImage();
    CHECK(img.width() == 1200);
    const auto out = std::filesystem::path(EMGWS_BINARY_DIR) / "tests" / "needle" / "needle_panel.png";
    CHECK(img.save(QString::fromStdString(out.string())));
    // the sweep shows the trace: green pixels in the sweep view
    const QImage sweep = panel.sweepView()->grab().toImage();
    int green = 0;
    for (int y = 0; y < sweep.height(); y += 2)
        for (int x = 0; x < sweep.width(); x += 2) {
            const QColor px = sweep.pixelColor(x, y);
            green += px.green() > 180 && px.red() < 150;
        }
    CHECK(green > 50);
}

TEST_CASE("EMG sound takes the chosen channel from acquisition blocks") {
    emg::ui::EmgSound sound;
    emg::AcquisitionConfig cfg;
    cfg.sampleRateHz = 20000.0;
    cfg.channels.resize(2);
    sound.onStart(cfg);
    sound.setChannel(1);
    std::vector<float> uv(2 * 400, 0.0f);
    std::vector<std::int32_t> counts(2 * 400, 0);
    emg::SampleBlockView b;
    b.frames = 400;
    b.channelCount = 2;
    b.microvolts = uv.data();
    b.counts = counts.data();
    sound.onBlock(b);
    CHECK(sound.queuedMs() == Approx(20.0));   // 400 frames at 20 kHz queued for the sound card
    sound.setChannel(5);                       // a channel the block does not have: ignored
    sound.onBlock(b);
    CHECK(sound.queuedMs() == Approx(20.0));
    CHECK(sound.droppedSamples() == 0);
}

TEST_CASE("EMG sound: bursts at a known rate reach a null sink and mute silences them") {
    needle_test::PulseNullSink pulse;
    REQUIRE(pulse.ready());
    app();
    emg::ui::EmgSound sound;
    sound.setFullScaleUv(1000.0);
    sound.setVolume(0.7);
    const double fs = 20000.0;
    REQUIRE(sound.startOutput(fs));
    INFO("sink rate " << sound.sinkRateHz() << " Hz, buffer " << sound.bufferLatencyMs() << " ms");
    CHECK(sound.bufferLatencyMs() <= 50.0);
    pulse.startRecording(48000);
    runFor(300);   // recorder settles

    // 1 kHz carrier, 15 ms bursts of 800 µV at 8 per second: a motor unit "heard" at 8 Hz. The
    // feeder keeps ~30 ms queued (as the acquisition would at real time), generating by sample
    // index, so the burst rate in the played samples is exact whatever the sound server's pace.
    constexpr double kBurstRateHz = 8.0;
    std::size_t sample = 0, samplesBeforeMute = 0;
    QTimer feeder;
    QObject::connect(&feeder, &QTimer::timeout, [&] {
        std::vector<float> chunk(100);   // 5 ms
        while (sound.queuedMs() < 30.0) {
            for (auto& v : chunk) {
                const double t = static_cast<double>(sample++) / fs;
                const double inBurst = std::fmod(t, 1.0 / kBurstRateHz) < 0.015 ? 1.0 : 0.0;
                v = static_cast<float>(inBurst * 800.0 * std::sin(2.0 * M_PI * 1000.0 * t));
            }
            sound.push(chunk);
        }
    });
    feeder.start(5);
    runFor(5000);
    const std::string soundState = sound.debugState().toStdString();
    INFO("sound: " << soundState);
    samplesBeforeMute = sample;
    sound.setMuted(true);
    runFor(1500);
    feeder.stop();
    runFor(200);
    sound.stopOutput();
    const auto rec = pulse.stopRecording();
    REQUIRE(rec.size() > static_cast<std::size_t>(1.0 * pulse.recordRate()));
    const auto burstsBeforeMute = static_cast<std::size_t>(static_cast<double>(samplesBeforeMute) / fs * kBurstRateHz);

    // envelope (2 ms moving mean of |x|), burst onsets above 30 % of the largest
    const int rr = pulse.recordRate();
    const auto w = static_cast<std::size_t>(0.002 * rr);
    std::vector<double> env(rec.size(), 0.0);
    double acc = 0.0, peak = 0.0;
    for (std::size_t i = 0; i < rec.size(); ++i) {
        acc += std::abs(static_cast<double>(rec[i]));
        if (i >= w) acc -= std::abs(static_cast<double>(rec[i - w]));
        env[i] = acc / static_cast<double>(w);
        peak = std::max(peak, env[i]);
    }
    REQUIRE(peak > 1000.0);
    std::vector<double> onsets;
    std::size_t lastOn = 0;
    for (std::size_t i = 1; i < env.size(); ++i)
        if (env[i - 1] < 0.3 * peak && env[i] >= 0.3 * peak && (onsets.empty() || i - lastOn > static_cast<std::size_t>(0.05 * rr))) {
            onsets.push_back(static_cast<double>(i) / rr);
            lastOn = i;
        }
    if (const char* dump = std::getenv("NEEDLE_SOUND_DUMP")) {
        std::ofstream(dump, std::ios::binary).write(reinterpret_cast<const char*>(rec.data()), static_cast<std::streamsize>(rec.size() * 2));
    }
    std::ostringstream heard;
    for (double o : onsets) heard << ' ' << o;
    INFO("recorded " << static_cast<double>(rec.size()) / rr << " s, peak " << peak << ", onsets:" << heard.str());
    REQUIRE(onsets.size() >= 8);
    std::vector<double> isi;
    for (std::size_t k = 1; k < onsets.size(); ++k) isi.push_back(onsets[k] - onsets[k - 1]);
    const double rate = 1.0 / emg::needle::median(isi);
    INFO("bursts " << onsets.size() << ", rate " << rate << " Hz");
    CHECK(rate == Approx(kBurstRateHz).epsilon(0.03));   // played at 8 Hz: heard at 8 Hz
    // carrier inside the bursts: zero crossings of the first burst's middle 10 ms
    const auto b0 = static_cast<std::size_t>((onsets[2] + 0.0025) * rr);
    int zc = 0;
    for (std::size_t i = b0 + 1; i < b0 + static_cast<std::size_t>(0.010 * rr); ++i) zc += (rec[i - 1] < 0) != (rec[i] < 0);
    CHECK(zc / 2.0 / 0.010 == Approx(1000.0).epsilon(0.1));
    // level: 800 µV of 1000 µV full scale at volume 0.7 -> mean |x| of a sine 0.56 * 32767 * 2/pi
    double burstMean = 0.0;
    for (std::size_t i = b0; i < b0 + static_cast<std::size_t>(0.010 * rr); ++i) burstMean += std::abs(static_cast<double>(rec[i]));
    burstMean /= 0.010 * rr;
    CHECK(burstMean == Approx(0.56 * 32767.0 * 2.0 / M_PI).epsilon(0.15));
    // muted: bursts fed after the mute are not heard (at most the one in flight)
    INFO("bursts fed before mute " << burstsBeforeMute << ", heard " << onsets.size());
    CHECK(onsets.size() <= burstsBeforeMute + 1);
    CHECK(sample > samplesBeforeMute + static_cast<std::size_t>(0.2 * fs));   // feeding went on while muted
}

TEST_CASE("needle panel: the declared effort field reads the record as effort, never as rest") {
    app();
    emg::ui::NeedlePanel panel(nullptr);
    panel.resize(1400, 700);
    panel.setMuscle("deltoid");
    auto* effort = panel.findChild<QComboBox*>("needle-effort");
    REQUIRE(effort != nullptr);
    CHECK(effort->currentData().toString().isEmpty());   // default: from the record (annotations, else inferred)
    // a quiet needle (8 uV noise, no unit firing): inferred, it is rest
    emg::sim::NeedleMuscleConfig c;
    c.noiseRmsUv = 8.0;
    c.seed = 4;
    emg::sim::NeedleMuscleModel m(c);
    const auto sig = m.generate(3.0, {{0.0, 0.0}});
    const auto inferred = panel.analyzeSignal(sig.microvolts, sig.sampleRateHz, {});
    CHECK(inferred.restSec > 2.5);
    CHECK_FALSE(inferred.declaredEffort.declared);
    effort->setCurrentIndex(effort->findData("moderate"));
    REQUIRE(effort->currentData().toString() == "moderate");
    const auto declared = panel.analyzeSignal(sig.microvolts, sig.sampleRateHz, {});
    CHECK(declared.restSec == 0.0);
    REQUIRE_FALSE(declared.segments.empty());
    CHECK(declared.segments[0].source == "declared");
    CHECK(declared.declaredEffort.declared);
    panel.show();
    runFor(100);
    CHECK(effort->isVisible());
    const auto out = std::filesystem::path(EMGWS_BINARY_DIR) / "tests" / "needle" / "needle_panel_effort.png";
    CHECK(panel.grab().save(QString::fromStdString(out.string())));
}

TEST_CASE("needle panel: the electrode field, a monopolar record not read against the concentric references") {
    app();
    emg::ui::NeedlePanel panel(nullptr);
    panel.resize(1400, 700);
    panel.setMuscle("biceps brachii");
    auto* electrode = panel.findChild<QComboBox*>("needle-electrode");
    REQUIRE(electrode != nullptr);
    CHECK(electrode->currentData().toString().isEmpty());   // default: the file's, else concentric
    // a neuropathic muscle at weak and strong effort: its interference pattern is evidence
    emg::sim::NeedleMuscleConfig c;
    c.pattern = emg::sim::MusclePattern::Neuropathic;
    c.seed = 11;
    emg::sim::NeedleMuscleModel m(c);
    const auto sig = m.generate(6.0, {{0.0, 0.3}, {3.0, 0.8}});
    const std::vector<emg::Annotation> levels{{0.0, 3.0, "weak"}, {3.0, 3.0, "strong"}};
    const auto countedOf = [](const emg::needle::NeedleAnalysis& a) {
        int n = 0;
        for (const auto& e : a.reading.evidence) n += e.counted && e.source != "recruitment";
        return n;
    };
    const auto assumed = panel.analyzeSignal(sig.microvolts, sig.sampleRateHz, levels);
    REQUIRE(countedOf(assumed) >= 1);   // read against the concentric references
    // the status gives the muscle's reading from all the evidence, not only the units' summary
    CHECK(panel.statusText().contains(QString("the muscle's reading from all the evidence: %1").arg(toString(assumed.reading.pattern))));
    const auto* unitsEvidence = assumed.reading.evidenceFrom("motor units");
    CHECK(panel.statusText().contains("not counted") == (assumed.summary.unitCount > 0 && unitsEvidence && !unitsEvidence->counted));
    electrode->setCurrentIndex(electrode->findData("monopolar"));
    const auto mono = panel.analyzeSignal(sig.microvolts, sig.sampleRateHz, levels);
    CHECK(countedOf(mono) == 0);
    bool noted = false;
    for (const auto& n : mono.notes) noted = noted || n.find("monopolar needle") != std::string::npos;
    CHECK(noted);
    CHECK(panel.statusText().contains("monopolar"));
    // the findings grid gives values, not grades, for a monopolar record
    auto* grid = panel.findChild<emg::ui::NeedleFindingsGrid*>();
    REQUIRE(grid != nullptr);
    const int row = grid->rowOf("biceps brachii");
    REQUIRE(row >= 0);
    bool ungraded = false;
    for (int col = 1; col < grid->columnCount(); ++col) {
        const QString cell = grid->cell(row, col);
        CHECK_FALSE(cell.startsWith("increased"));
        CHECK_FALSE(cell.startsWith("long"));
        CHECK_FALSE(cell == "neuropathic");
        ungraded = ungraded || cell.contains("monopolar, not graded");
    }
    CHECK(ungraded);
    // the clinician's choice wins over the file's: concentric chosen, a monopolar file is read as concentric
    electrode->setCurrentIndex(electrode->findData("concentric"));
    CHECK(countedOf(panel.analyzeSignal(sig.microvolts, sig.sampleRateHz, levels)) == countedOf(assumed));
    electrode->setCurrentIndex(electrode->findData("monopolar"));
    panel.analyzeSignal(sig.microvolts, sig.sampleRateHz, levels);   // the screenshot shows the monopolar reading
    // the QEMG review's means: values, and "not graded" where a concentric record gets its reading
    REQUIRE(panel.openQemgReview());
    const QString means = panel.qemgReview()->meansLabel()->text();
    INFO(means.toStdString());
    // the accepted units' means, the automatic ones and the outlier rule over the accepted units
    CHECK(means.count("not graded (monopolar needle") == 3);
    CHECK_FALSE(means.contains("→ <b>neuropathic"));
    CHECK_FALSE(means.contains("→ neuropathic"));
    panel.qemgReview()->close();
    panel.show();
    runFor(100);
    CHECK(electrode->isVisible());
    const auto out = std::filesystem::path(EMGWS_BINARY_DIR) / "tests" / "needle" / "needle_panel_electrode.png";
    CHECK(panel.grab().save(QString::fromStdString(out.string())));
}

TEST_CASE("needle panel: another site of a muscle, its findings row read over the sites analysed of it") {
    app();
    emg::ui::NeedlePanel panel(nullptr);
    panel.resize(1400, 700);
    panel.setMuscle("biceps brachii");
    auto* another = panel.findChild<QCheckBox*>("needle-another-site");
    REQUIRE(another != nullptr);
    CHECK_FALSE(another->isChecked());   // default: an analysis replaces the muscle's findings
    auto* grid = panel.findChild<emg::ui::NeedleFindingsGrid*>();
    REQUIRE(grid != nullptr);
    // three needle sites of a neuropathic muscle at weak effort (different units: different seeds)
    const auto site = [&](unsigned seed) {
        emg::sim::NeedleMuscleConfig c;
        c.pattern = emg::sim::MusclePattern::Neuropathic;
        c.seed = seed;
        emg::sim::NeedleMuscleModel m(c);
        const auto sig = m.generate(4.0, {{0.0, 0.3}});
        return panel.analyzeSignal(sig.microvolts, sig.sampleRateHz, {{0.0, 4.0, "weak"}});
    };
    const auto durationCell = [&] { return grid->cell(grid->rowOf("biceps brachii", "left"), 6); };
    std::vector<emg::needle::NeedleAnalysis> sites{site(31)};
    CHECK(panel.siteCount() == 1);
    CHECK_FALSE(panel.statusText().contains("over"));
    panel.setAnotherSite(true);
    sites.push_back(site(32));
    sites.push_back(site(33));
    CHECK(panel.siteCount() == 3);
    CHECK(grid->rowCount() == 1);   // one muscle, one row
    // the row holds the muscle over its 3 sites: the pooled units' mean duration, as the engine reads them
    const auto over = emg::needle::readMuscleOverSites(sites, emg::needle::ReadingCriteria{});
    REQUIRE(over.summary.unitCount > sites.back().summary.unitCount);
    INFO(durationCell().toStdString() << " | " << panel.statusText().toStdString());
    CHECK(durationCell().contains(QString("%1 ms").arg(over.summary.meanDurationMs, 0, 'f', 1)));
    CHECK(panel.statusText().contains(QString("The muscle over 3 sites (units pooled from %1): %2 units")
                                          .arg(over.sitesUnitsPooled)
                                          .arg(over.summary.unitCount)));
    CHECK(panel.statusText().contains(QString("its reading: %1").arg(toString(over.reading.pattern))));
    // another muscle in between keeps the biceps' sites; unchecked, an analysis starts them again
    panel.setMuscle("deltoid");
    site(34);
    CHECK(panel.siteCount() == 1);
    CHECK(grid->rowCount() == 2);
    panel.setMuscle("biceps brachii");
    panel.setAnotherSite(false);
    const auto alone = site(35);
    CHECK(panel.siteCount() == 1);
    CHECK(durationCell().contains(QString("%1 ms").arg(alone.summary.meanDurationMs, 0, 'f', 1)));
    panel.setAnotherSite(true);
    site(36);
    CHECK(panel.siteCount() == 2);
    panel.show();
    runFor(100);
    const auto out = std::filesystem::path(EMGWS_BINARY_DIR) / "tests" / "needle" / "needle_panel_sites.png";
    CHECK(panel.grab().save(QString::fromStdString(out.string())));
}
