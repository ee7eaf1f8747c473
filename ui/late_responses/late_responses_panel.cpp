#include "late_responses_panel.h"

#include "fwave_raster_view.h"
#include "intensity_curve_view.h"
#include "late_recording.h"
#include "late_save_bar.h"
#include "late_summary.h"
#include "rns_view.h"

#include <emg/dsp/ncs_analysis.h>

#include <spdlog/spdlog.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace emg::ui {

LateResponsesPanel::LateResponsesPanel(const DisplayBuffer& buffer, QWidget* parent) : QWidget(parent), buffer_(buffer) {
    modeBox_ = new QComboBox(this);
    modeBox_->setObjectName("late-mode");
    for (auto m : {study::LateMode::FWave, study::LateMode::Rns, study::LateMode::HReflex, study::LateMode::Supramaximal})
        modeBox_->addItem(QString::fromUtf8(toString(m)), static_cast<int>(m));
    channelBox_ = new QComboBox(this);
    channelBox_->setObjectName("late-channel");
    channelBox_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    auto* start = new QPushButton(tr("Start series"), this);
    start->setObjectName("late-start");
    recordingButton_ = new QPushButton(tr("Analyse recording"), this);
    recordingButton_->setObjectName("late-recording");
    recordingButton_->setToolTip(tr("Measure the whole replayed recording as the command line does"));
    recordingButton_->setEnabled(false);
    rnsTrainBox_ = new QComboBox(this);
    rnsTrainBox_->setObjectName("late-rns-train");
    rnsTrainBox_->setToolTip(tr("The recording holds several trains: the one measured and saved"));
    rnsTrainBox_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    rnsTrainBox_->setVisible(false);
    status_ = new QLabel(this);
    status_->setObjectName("late-status");
    raster_ = new FWaveRasterView(this);
    rns_ = new RnsView(this);
    hreflex_ = new IntensityCurveView(tr("H-reflex recruitment"), this);
    supramax_ = new IntensityCurveView(tr("Supramaximal search"), this);
    stack_ = new QStackedWidget(this);
    for (QWidget* w : std::initializer_list<QWidget*>{raster_, rns_, hreflex_, supramax_}) stack_->addWidget(w);
    values_ = new QLabel(tr("Press “Start series”, then stimulate."), this);
    values_->setObjectName("late-values");
    values_->setWordWrap(true);
    values_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Test"), this));
    top->addWidget(modeBox_);
    top->addWidget(new QLabel(tr("Channel"), this));
    top->addWidget(channelBox_);
    top->addWidget(start);
    top->addWidget(recordingButton_);
    top->addWidget(rnsTrainBox_);
    top->addWidget(status_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(stack_, 1);
    layout->addWidget(values_);
    addSaveRow(layout);

    connect(start, &QPushButton::clicked, this, &LateResponsesPanel::startSeries);
    connect(recordingButton_, &QPushButton::clicked, this, [this] {
        if (auto rec = recordingSource_ ? recordingSource_() : nullptr) analyzeRecording(std::move(rec));
    });
    connect(rnsTrainBox_, qOverload<int>(&QComboBox::activated), this, [this](int i) { chooseRnsTrain(i); });
    connect(modeBox_, qOverload<int>(&QComboBox::activated), this,
            [this](int) { setMode(static_cast<study::LateMode>(modeBox_->currentData().toInt())); });
    connect(channelBox_, qOverload<int>(&QComboBox::activated), this,
            [this](int i) { setChannel(static_cast<std::size_t>(std::max(0, i))); });
    connect(&timer_, &QTimer::timeout, this, &LateResponsesPanel::poll);
    timer_.start(100);
    startSeries();
}

void LateResponsesPanel::refreshChannels() {
    if (reviewed_) return;   // the combo lists the recording's channels (showRecordingChannels)
    if (buffer_.generation() == generation_ && channelBox_->count() > 0 && !channelsOfRecording_) return;
    channelsOfRecording_ = false;
    generation_ = buffer_.generation();
    const auto channels = buffer_.channels();
    channelBox_->clear();
    int firstSurface = -1;
    for (std::size_t c = 0; c < channels.size(); ++c) {
        channelBox_->addItem(QString::fromStdString(channels[c].label));
        if (firstSurface < 0 && channels[c].electrode == ElectrodeKind::Surface) firstSurface = static_cast<int>(c);
    }
    const int chosen = std::max(0, firstSurface);   // late responses are recorded with surface electrodes
    channelBox_->setCurrentIndex(chosen);
    series_.setChannel(static_cast<std::size_t>(chosen));
}

void LateResponsesPanel::setMode(study::LateMode mode) {
    mode_ = mode;
    modeBox_->setCurrentIndex(modeBox_->findData(static_cast<int>(mode)));
    stack_->setCurrentIndex(static_cast<int>(mode));
    offerProtocolTests();
    reanalyze();
}

void LateResponsesPanel::setChannel(std::size_t channel) {
    refreshChannels();
    if (static_cast<int>(channel) >= channelBox_->count()) return;
    channelBox_->setCurrentIndex(static_cast<int>(channel));
    if (!reviewed_) {   // (a reviewed recording's channel is the combo's, not the live series')
        series_.setChannel(channel);
        series_.collect(buffer_);
    }
    reanalyze();   // the live series, or the reviewed recording on the new channel
}

void LateResponsesPanel::setRecordingSource(std::function<std::shared_ptr<const Recording>()> source) {
    recordingSource_ = std::move(source);
}

bool LateResponsesPanel::analyzeRecording(std::shared_ptr<const Recording> recording, std::optional<review::SpanProvenance> span) {
    if (!recording) return false;
    reviewed_ = std::move(recording);
    spanProvenance_ = std::move(span);
    rnsTrain_.reset();
    showRecordingChannels();
    reanalyze();
    return analysis_.error.empty();
}

void LateResponsesPanel::showRecordingChannels() {
    // a recording's channels are not the live device's (a span of another file, a foreign recording):
    // the channel chosen by label where the recording has it (a replay of the live layout), else its
    // first signal channel, as the command line chooses
    const QString chosen = channelBox_->currentText();
    channelBox_->clear();
    int pick = -1, firstSignal = -1;
    for (std::size_t c = 0; c < reviewed_->channels.size(); ++c) {
        const auto& ch = reviewed_->channels[c];
        channelBox_->addItem(QString::fromStdString(ch.label));
        if (firstSignal < 0 && !dsp::looksLikeTriggerChannel(ch) && ch.sampleRateHz > 0.0 && !ch.samples.empty()) firstSignal = static_cast<int>(c);
        if (pick < 0 && !chosen.isEmpty() && QString::fromStdString(ch.label) == chosen && !dsp::looksLikeTriggerChannel(ch)) pick = static_cast<int>(c);
    }
    channelBox_->setCurrentIndex(pick >= 0 ? pick : firstSignal);
    channelsOfRecording_ = true;
}

bool LateResponsesPanel::chooseRnsTrain(int index) {
    if (mode_ != study::LateMode::Rns || !reviewed_ || index < 0 || index >= static_cast<int>(analysis_.rnsTrainLabels.size())) return false;
    rnsTrain_ = static_cast<std::size_t>(index);
    reanalyze();
    return true;
}

std::string LateResponsesPanel::measuredSource() const {
    return reviewed_ && spanProvenance_ ? review::describeSpan(*spanProvenance_) : std::string();
}

void LateResponsesPanel::startSeries() {
    reviewed_.reset();
    spanProvenance_.reset();
    refreshChannels();
    const auto stimuli = buffer_.recentStimuli(1);
    const std::int64_t from = stimuli.empty() ? 0 : stimuli.back().sampleIndex + 1;
    series_.start(std::max(from, buffer_.endSampleIndex()), static_cast<std::size_t>(std::max(0, channelBox_->currentIndex())));
    spdlog::info("late responses: new {} series on channel {}", toString(mode_), series_.channel());
    reanalyze();
}

void LateResponsesPanel::poll() {
    refreshChannels();
    recordingButton_->setEnabled(recordingSource_ && recordingSource_() != nullptr);
    if (series_.collect(buffer_) && !reviewed_) reanalyze();
}

void LateResponsesPanel::reanalyze() {
    if (reviewed_) {
        const int channel = channelBox_->currentIndex();
        analysis_ = analyzeLateRecording(mode_, *reviewed_, channel >= 0 ? std::optional<int>(channel) : std::nullopt, rnsTrain_);
        status_->setText(tr("Recording: %1 sweeps").arg(analysis_.prepared.sweeps.size()));
        showTrains();
        showAnalysis();
        return;
    }
    showTrains();
    const auto raw = series_.rawSweeps();
    const auto events = series_.sweepEvents();
    analysis_ = study::analyzeLateSeries(mode_, raw, events);
    const auto lost = series_.lostCount();
    status_->setText(tr("%1 stimuli, %2 sweeps%3")
                         .arg(series_.stimuli().size())
                         .arg(raw.size())
                         .arg(lost ? tr(", %1 lost (no longer in the buffer)").arg(lost) : QString()));
    showAnalysis();
}

void LateResponsesPanel::showTrains() {
    const auto& labels = analysis_.rnsTrainLabels;
    const bool several = mode_ == study::LateMode::Rns && reviewed_ && labels.size() > 1;
    rnsTrainBox_->clear();
    for (std::size_t k = 0; several && k < labels.size(); ++k) {
        const QString place = tr("train %1 of %2").arg(k + 1).arg(labels.size()), label = QString::fromStdString(labels[k]);
        rnsTrainBox_->addItem(label == place ? place : tr("%1: %2").arg(place, label));
    }
    if (several) rnsTrainBox_->setCurrentIndex(static_cast<int>(analysis_.rnsTrainShown));
    rnsTrainBox_->setVisible(several);
    // the train's phase as the file names it is what it is saved under (still editable); a file of
    // one train that names none: empty (rest); the live series leaves the field as typed
    if (mode_ == study::LateMode::Rns && reviewed_ && !labels.empty() && analysis_.rnsTrainShown < labels.size() && saveBar_)
        saveBar_->setCondition(QString::fromStdString(labels[analysis_.rnsTrainShown]));
}

void LateResponsesPanel::showAnalysis() {
    const auto& a = analysis_;
    const auto& sweeps = a.prepared.sweeps;
    // an error (a recording without stimuli, a failed analysis) is said; no sweep yet is not an error
    values_->setText(sweeps.empty() && a.error.empty() ? tr("Press “Start series”, then stimulate.") : lateSummaryText(a));
    if (a.fwave) raster_->setData(sweeps, *a.fwave);
    else if (mode_ == study::LateMode::FWave) raster_->clear();
    if (a.rns) rns_->setData(sweeps, *a.rns);
    else if (mode_ == study::LateMode::Rns) rns_->clear();
    if (a.hreflex) {
        IntensityCurve h{tr("H (peak to peak)"), QColor(200, 60, 30), {}, {}};
        IntensityCurve m{tr("M (peak to peak)"), QColor(30, 80, 160), {}, {}};
        // a recording whose stimuli state no intensity: the sweeps in their order instead (an empty chart said nothing)
        const bool anyIntensity = std::any_of(a.hreflex->sweeps.begin(), a.hreflex->sweeps.end(), [](const auto& s) { return s.intensityMa.has_value(); });
        for (std::size_t k = 0; k < a.hreflex->sweeps.size(); ++k) {
            const auto& s = a.hreflex->sweeps[k];
            if (anyIntensity && !s.intensityMa) continue;
            const double x = anyIntensity ? *s.intensityMa : static_cast<double>(k + 1);
            h.intensityMa.push_back(x);
            h.amplitudeUv.push_back(s.hPeakToPeakUv);
            m.intensityMa.push_back(x);
            m.amplitudeUv.push_back(s.mPeakToPeakUv);
        }
        hreflex_->setCurves({m, h}, {}, anyIntensity ? QString() : tr("sweep, in order (the recording states no intensity)"));
    } else if (mode_ == study::LateMode::HReflex) {
        hreflex_->clear();
    }
    if (a.supramax) {
        IntensityCurve c{tr("amplitude (baseline to negative peak)"), QColor(30, 80, 160), {}, {}};
        for (const auto& p : a.supramax->points) {
            c.intensityMa.push_back(p.intensityMa);
            c.amplitudeUv.push_back(p.amplitudeUv);
        }
        std::vector<IntensityMarker> marks;
        if (a.supramax->plateauReached) {
            marks.push_back({tr("plateau %1 mA").arg(a.supramax->plateauIntensityMa, 0, 'f', 1), QColor(40, 150, 60),
                             a.supramax->plateauIntensityMa});
            marks.push_back({tr("recommended %1 mA").arg(a.supramax->recommendedMa, 0, 'f', 1), QColor(200, 60, 30),
                             a.supramax->recommendedMa});
        }
        supramax_->setCurves({c}, marks);
    } else if (mode_ == study::LateMode::Supramaximal) {
        supramax_->clear();
    }
}

QString LateResponsesPanel::summaryText() const { return values_->text(); }

}  // namespace emg::ui
