#include "ncs_review_panel.h"

#include "active_study.h"
#include "ncs_report.h"
#include "ncs_save_bar.h"

#include <emg/report/pdf_report_writer.h>
#include <emg/study/sweep_capture.h>

#include <spdlog/spdlog.h>

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <cmath>

namespace emg::ui {

NcsReviewPanel::NcsReviewPanel(const DisplayBuffer& buffer, QWidget* parent) : QWidget(parent), buffer_(buffer) {
    channel_ = new QComboBox(this);
    channel_->setObjectName("ncs-channel");
    window_ = new QComboBox(this);
    window_->setObjectName("ncs-window");
    for (int ms : {10, 20, 30, 50, 100}) window_->addItem(tr("%1 ms").arg(ms), ms);
    window_->setCurrentIndex(2);
    follow_ = new QCheckBox(tr("Measure each new stimulus"), this);
    follow_->setChecked(true);
    auto* capture = new QPushButton(tr("Measure last response"), this);
    capture->setObjectName("ncs-capture");
    auto* exportPdf = new QPushButton(tr("Export PDF report…"), this);
    exportPdf->setObjectName("ncs-export");
    chart_ = new MarkerChartView(this);
    chart_->setMinimumHeight(280);
    values_ = new QLabel(tr("Stimulate to record a response."), this);
    values_->setObjectName("ncs-values");
    values_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    values_->setWordWrap(true);

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Channel"), this));
    top->addWidget(channel_);
    top->addWidget(new QLabel(tr("Window"), this));
    top->addWidget(window_);
    top->addWidget(follow_);
    top->addStretch(1);
    top->addWidget(capture);
    top->addWidget(exportPdf);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(chart_, 1);
    layout->addWidget(values_);
    saveBar_ = new NcsSaveBar(this);
    layout->addWidget(saveBar_);
    connect(saveBar_, &StudySaveBar::saveRequested, this, &NcsReviewPanel::saveToStudy);
    connect(saveBar_, &StudySaveBar::targetChanged, this, &NcsReviewPanel::offerProtocolTests);

    connect(capture, &QPushButton::clicked, this, [this] { captureLatest(); });
    connect(exportPdf, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export PDF report"), QStringLiteral("ncs-report.pdf"),
                                                          tr("PDF (*.pdf)"));
        if (!path.isEmpty()) exportReport(path);
    });
    connect(channel_, qOverload<int>(&QComboBox::activated), this, [this](int) { captureLatest(); });
    connect(window_, qOverload<int>(&QComboBox::activated), this, [this](int) { captureLatest(); });
    connect(chart_, &MarkerChartView::markersMoved, this, &NcsReviewPanel::onMarkersMoved);
    connect(&timer_, &QTimer::timeout, this, &NcsReviewPanel::poll);
    timer_.start(250);
}

void NcsReviewPanel::setChannel(std::size_t channel) {
    refreshChannels();
    channel_->setCurrentIndex(static_cast<int>(channel));
}

void NcsReviewPanel::setWindowMs(double ms) {
    const int i = window_->findData(static_cast<int>(ms));
    if (i >= 0) window_->setCurrentIndex(i);
}

void NcsReviewPanel::refreshChannels() {
    if (buffer_.generation() == generation_ && channel_->count() > 0) return;
    generation_ = buffer_.generation();
    const auto channels = buffer_.channels();
    channel_->clear();
    int firstSurface = -1;
    for (std::size_t c = 0; c < channels.size(); ++c) {
        channel_->addItem(QString::fromStdString(channels[c].label));
        if (firstSurface < 0 && channels[c].electrode == ElectrodeKind::Surface) firstSurface = static_cast<int>(c);
    }
    channel_->setCurrentIndex(std::max(0, firstSurface));  // NCS responses come from surface electrodes
    lastStimulus_ = -1;
}

void NcsReviewPanel::poll() {
    refreshChannels();
    if (!follow_->isChecked()) return;
    const auto stimuli = buffer_.recentStimuli(1);
    if (stimuli.empty() || stimuli.back().sampleIndex == lastStimulus_) return;
    captureLatest();
}

bool NcsReviewPanel::captureLatest() {
    refreshChannels();
    const auto stimuli = buffer_.recentStimuli(1);
    if (stimuli.empty() || channel_->currentIndex() < 0) return false;
    dsp::SweepSettings settings;
    settings.preTriggerMs = 5.0;
    settings.windowMs = window_->currentData().toDouble();
    auto sweep = study::captureSweep(buffer_, static_cast<std::size_t>(channel_->currentIndex()), stimuli.back(), settings);
    if (!sweep) return false;  // not all in yet: the timer tries again
    lastStimulus_ = stimuli.back().sampleIndex;
    stimulus_ = stimuli.back();
    sweep_ = std::move(sweep);
    spanSites_.clear();
    spanProvenance_.reset();
    try {
        result_ = dsp::detectResponse(*sweep_);
    } catch (const std::exception& e) {
        spdlog::warn("NCS review: detection failed: {}", e.what());
        result_.reset();
    }
    chart_->setSweep(*sweep_);
    if (result_) chart_->setMarkers(result_->provenance.markers);
    showResult();
    return true;
}

bool NcsReviewPanel::measureRecording(const Recording& span, const review::SpanProvenance& provenance, dsp::NcsTest test) {
    follow_->setChecked(false);   // a recorded span is on screen: new live stimuli must not replace it
    const auto settings = dsp::ncsSettingsFor(test);
    std::vector<dsp::SiteResult> sites;
    QString channel, stimuliNote;
    std::string stimuliSource;
    try {
        const auto prepared = dsp::prepareSignal(span, std::nullopt, settings);
        channel = QString::fromStdString(prepared.channelLabel);
        stimuliNote = QString::fromStdString(prepared.stimuliOrigin);   // the span marks none (or no site): say how they were placed
        stimuliSource = prepared.stimuliOriginShort;
        sites = dsp::analyzeSites(prepared, settings);
    } catch (const std::exception& e) {
        values_->setText(tr("Span %1–%2 s not measured: %3").arg(provenance.fromSec, 0, 'f', 3).arg(provenance.toSec, 0, 'f', 3).arg(QString::fromStdString(e.what())));
        return false;
    }
    if (sites.empty()) {
        values_->setText(tr("Span %1–%2 s holds no stimulus to measure.").arg(provenance.fromSec, 0, 'f', 3).arg(provenance.toSec, 0, 'f', 3));
        return false;
    }
    std::size_t shown = 0;
    while (shown < sites.size() && !sites[shown].response.found) ++shown;
    if (shown == sites.size()) shown = 0;
    spanSites_ = std::move(sites);
    spanProvenance_ = provenance;
    spanChannel_ = channel;
    spanStimuliSource_ = stimuliSource;
    stimulus_ = StimulusEvent{};
    if (spanSites_[shown].intensityMa) stimulus_.intensityMa = *spanSites_[shown].intensityMa;
    sweep_ = spanSites_[shown].averaged.average;
    result_ = spanSites_[shown].response;
    chart_->setSweep(*sweep_);
    if (result_->found) chart_->setMarkers(result_->provenance.markers);
    showResult();
    if (!stimuliNote.isEmpty()) values_->setText(values_->text() + tr("\nStimuli: %1").arg(stimuliNote));
    spdlog::info("NCS review: span {:.3f}-{:.3f} s of {} measured ({} sites)", provenance.fromSec, provenance.toSec, provenance.file,
                 spanSites_.size());
    return true;
}

void NcsReviewPanel::onMarkersMoved(const dsp::Markers& markers) {
    if (!sweep_ || !result_) return;
    try {
        result_ = dsp::remeasure(*sweep_, *result_, markers);
    } catch (const std::invalid_argument& e) {
        values_->setText(tr("Markers not usable: %1").arg(QString::fromStdString(e.what())));
        return;
    }
    showResult();
}

void NcsReviewPanel::showResult() {
    if (!result_) {
        values_->setText(tr("No measurement."));
        return;
    }
    QString source;
    if (spanProvenance_) {
        const auto& sp = *spanProvenance_;
        source = tr("\nSource: %1, %2–%3 s (SHA-256 %4), channel %5")
                     .arg(QString::fromStdString(sp.file))
                     .arg(sp.fromSec, 0, 'f', 3)
                     .arg(sp.toSec, 0, 'f', 3)
                     .arg(sp.sha256.empty() ? tr("not yet known") : QString::fromStdString(sp.sha256))
                     .arg(spanChannel_);
    }
    const auto& r = *result_;
    if (!r.found) {
        values_->setText(tr("No response found: %1").arg(QString::fromStdString(r.note)) + source);
        return;
    }
    const auto& m = r.measures;
    const auto& p = r.provenance;
    // An onset the detector could not place confidently: said, with its reason, until the clinician
    // moves the onset marker (dsp::remeasure then clears it).
    const QString uncertainty = r.onsetUncertain ? tr("\nOnset uncertain, check or place the onset marker: %1").arg(QString::fromStdString(dsp::onsetUncertaintyReason(r))) : QString();
    // The amplitude's standard error (noise on the peak and on the baseline under it) when known; a
    // peak or baseline marker the clinician placed has none.
    const QString amplitude = std::isfinite(m.amplitudeSeUv) ? tr("%1 ± %2").arg(m.amplitudeUv, 0, 'f', 0).arg(m.amplitudeSeUv, 0, 'f', m.amplitudeSeUv < 10.0 ? 1 : 0)
                                                             : QString::number(m.amplitudeUv, 'f', 0);
    values_->setText(tr("Onset latency %1 ms · negative peak latency %2 ms · amplitude %3 µV (baseline to negative "
                        "peak%9), %4 µV peak to peak · negative duration %5 ms · negative area %6 µV·ms\n"
                        "Markers: %7 · onset: %8")
                         .arg(m.onsetLatencyMs, 0, 'f', 2)
                         .arg(m.peakLatencyMs, 0, 'f', 2)
                         .arg(amplitude)
                         .arg(m.peakToPeakUv, 0, 'f', 0)
                         .arg(m.negativeDurationMs, 0, 'f', 2)
                         .arg(m.negativeAreaUvMs, 0, 'f', 0)
                         .arg(QString::fromUtf8(dsp::toString(p.markers.origin)), QString::fromStdString(p.onsetMethod))
                         .arg(std::isfinite(m.amplitudeSeUv) ? tr("; ± its standard error") : QString()) +
                     uncertainty + source);
}

bool NcsReviewPanel::exportReport(const QString& path) {
    if (!sweep_ || !result_) {
        values_->setText(tr("Nothing to report yet: stimulate and measure a response first."));
        return false;
    }
    NcsReportContext context;
    context.channelLabel = (spanProvenance_ ? spanChannel_ : channel_->currentText()).toStdString();
    context.deviceName = deviceName_.toStdString();
    context.stimulusMa = stimulus_.deliveredMa > 0 ? stimulus_.deliveredMa : stimulus_.intensityMa;
    context.pulseWidthMs = stimulus_.pulseWidthMs;
    try {
        report::writePdfReport(makeNcsReport(*sweep_, *result_, context), path.toStdString());
    } catch (const std::exception& e) {
        values_->setText(tr("Report not written: %1").arg(QString::fromStdString(e.what())));
        return false;
    }
    spdlog::info("NCS report written to {}", path.toStdString());
    return true;
}

QString NcsReviewPanel::resultsText() const { return values_->text(); }

std::string NcsReviewPanel::measuredSource() const {
    if (spanProvenance_) {   // a recorded span: the study entry keeps where it was measured
        return review::describeSpan(*spanProvenance_) + ", channel " + spanChannel_.toStdString() +
               (spanStimuliSource_.empty() ? std::string() : "; " + spanStimuliSource_);
    }
    return "channel " + channel_->currentText().toStdString() + (deviceName_.isEmpty() ? "" : ", " + deviceName_.toStdString());
}

void NcsReviewPanel::setStudyTarget(study::SessionStore* store, ActiveStudy* active) { saveBar_->setTarget(store, active); }

void NcsReviewPanel::offerProtocolTests() {
    auto session = saveBar_->hasStudy() ? saveBar_->openSession() : std::nullopt;
    saveBar_->setProtocolTests(session ? session->protocolSteps() : std::vector<study::ProtocolStep>{});   // keeps motor and sensory
}

bool NcsReviewPanel::saveToStudy() {
    if (!result_ || !result_->found) {
        saveBar_->setStatus(tr("Nothing to save: stimulate and measure a response first."), true);
        return false;
    }
    auto session = saveBar_->openSession();
    if (!session) return false;
    auto entry = saveBar_->entry();
    entry.source = measuredSource();
    try {
        session->saveNcsResponse(entry, *result_);
    } catch (const std::exception& e) {
        saveBar_->failed(QString::fromStdString(e.what()));
        return false;
    }
    const auto kind = study::toString(entry.kind);
    saveBar_->saved(tr("Saved: %1 %2, %3 site.")
                        .arg(QString::fromUtf8(kind.data(), static_cast<int>(kind.size())), QString::fromStdString(entry.nerve),
                             QString::fromStdString(entry.siteName)));
    return true;
}

}  // namespace emg::ui
