#include "needle_panel.h"

#include "acquisition_session.h"
#include "muap_capture_view.h"
#include "needle_findings_grid.h"
#include "needle_sweep_view.h"
#include "panel_registry.h"
#include "qemg_review_view.h"
#include "study_save_bar.h"

#include <emg/core/header_comments.h>
#include <emg/needle/effort.h>
#include <emg/needle/muscle_sites.h>
#include <emg/needle/reference_values.h>
#include <emg/study/recording_age.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>

#include <emg/needle/needle_channel.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

namespace emg::ui {

void NeedleTap::onBlock(const SampleBlockView& b) {
    const int ch = channel_.load();
    if (ch < 0 || ch >= b.channelCount || !b.microvolts) return;
    const std::size_t n = std::min<std::size_t>(b.frames, scratch_.size());
    for (std::size_t f = 0; f < n; ++f) scratch_[f] = b.uv(static_cast<std::uint32_t>(f), static_cast<std::uint16_t>(ch));
    (void)ring_.tryPush(std::span<const float>(scratch_.data(), n));   // a full ring (GUI stalled) drops the block
}

NeedlePanel::NeedlePanel(AcquisitionSession* session, QWidget* parent) : QWidget(parent), session_(session) {
    sound_ = new EmgSound(this);
    sweep_ = new NeedleSweepView(this);
    capture_ = new MuapCaptureView(this);
    grid_ = new NeedleFindingsGrid(this);

    speed_ = new QComboBox(this);
    for (double v : NeedleSweepView::sweepSpeedsMsPerDiv()) speed_->addItem(QString("%1 ms/div").arg(v), v);
    speed_->setCurrentIndex(3);   // 10 ms/div
    gain_ = new QComboBox(this);
    for (double v : NeedleSweepView::sensitivitiesUvPerDiv()) gain_->addItem(QString("%1 uV/div").arg(v), v);
    gain_->setCurrentIndex(3);    // 200 µV/div
    trigLevel_ = new QDoubleSpinBox(this);
    trigLevel_->setRange(-5000, 5000);
    trigLevel_->setSuffix(" uV");
    trigLevel_->setValue(-200);
    trigDelay_ = new QDoubleSpinBox(this);
    trigDelay_->setRange(0, 20);
    trigDelay_->setSuffix(" ms delay");
    trigDelay_->setValue(5);
    trigOn_ = new QCheckBox("Trigger", this);
    channel_ = new QSpinBox(this);
    channel_->setRange(0, 63);
    channel_->setPrefix("ch ");
    volume_ = new QSlider(Qt::Horizontal, this);
    volume_->setRange(0, 100);
    volume_->setValue(70);
    volume_->setMaximumWidth(120);
    mute_ = new QCheckBox("Mute", this);
    muscle_ = new QLineEdit(this);
    muscle_->setObjectName("needle-muscle");
    muscle_->setPlaceholderText("muscle (e.g. tibialis anterior)");
    side_ = new QComboBox(this);
    side_->setObjectName("needle-side");
    side_->addItem("left", "left");
    side_->addItem("right", "right");
    side_->addItem("side ?", QString());
    side_->setToolTip("The side examined: new findings rows are filed under it");
    age_ = new QSpinBox(this);
    age_->setObjectName("needle-age");
    age_->setRange(0, 120);
    age_->setSpecialValueText("age ?");
    age_->setSuffix(" y");
    connect(age_, &QSpinBox::valueChanged, this, [this] { ageFromFile_ = false; });   // typed: the clinician's age stays
    connect(muscle_, &QLineEdit::textEdited, this, [this] { muscleFromFile_ = false; });   // (likewise the muscle, the effort below)
    effort_ = new QComboBox(this);
    effort_->setObjectName("needle-effort");
    effort_->addItem("effort ?", QString());
    for (const char* e : {"rest", "slight", "moderate", "maximal"}) effort_->addItem(e, QString(e));
    connect(effort_, &QComboBox::activated, this, [this] { effortFromFile_ = false; });
    effort_->setToolTip("The effort this record was taken at. 'effort ?': from the record (level annotations, else inferred "
                        "from the activity; a low-amplitude record may then read as rest). A declared effort is never read as rest.");
    electrode_ = new QComboBox(this);
    electrode_->setObjectName("needle-electrode");
    electrode_->addItem("electrode ?", QString());
    electrode_->addItem("concentric", QString("concentric"));
    electrode_->addItem("monopolar", QString("monopolar"));
    electrode_->setToolTip("The needle electrode. The reference values are concentric-needle values: a monopolar record's "
                           "evidence measured against them is shown, not counted. 'electrode ?': the file's (its channel's "
                           "transducer or label), else concentric is assumed.");
    anotherSite_ = new QCheckBox("another site", this);
    anotherSite_->setObjectName("needle-another-site");
    anotherSite_->setToolTip("Checked, an analysis is another needle site of its muscle and side: the findings row then reads "
                             "the muscle over the sites analysed of it here (units pooled, the other evidence weighed over the "
                             "sites). Unchecked, an analysis starts the muscle's sites again with itself.");
    auto* analyzeBtn = new QPushButton("Analyze", this);
    auto* clearBtn = new QPushButton("Clear captures", this);
    qemgButton_ = new QPushButton("QEMG review", this);
    qemgButton_->setObjectName("needle-qemg");
    qemgButton_->setToolTip("Review the sorted units of the last analysis: templates, markers, accept/reject, cloud, expert comparison");
    qemgButton_->setEnabled(false);
    // its own window (it needs the room), kept with the panel
    qemg_ = new QemgReviewView(this);
    qemg_->setWindowFlag(Qt::Window);
    qemg_->setWindowTitle("QEMG review");
    qemg_->resize(1500, 1000);
    status_ = new QLabel(this);
    status_->setWordWrap(true);   // the reading and its caveats, never wider than the panel

    // first row: what is shown and heard; second row: what the analysis is told and run on
    auto* controls = new QHBoxLayout;
    for (QWidget* w : std::initializer_list<QWidget*>{channel_, speed_, gain_, trigOn_, trigLevel_, trigDelay_, clearBtn,
                                                      new QLabel("Volume", this), volume_, mute_})
        controls->addWidget(w);
    auto* analysisRow = new QHBoxLayout;
    for (QWidget* w : std::initializer_list<QWidget*>{muscle_, side_, age_, effort_, electrode_, anotherSite_, analyzeBtn, qemgButton_}) analysisRow->addWidget(w);
    analysisRow->addStretch(1);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(sweep_);
    split->addWidget(capture_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addLayout(analysisRow);
    layout->addWidget(split, 3);
    layout->addWidget(grid_, 1);
    saveBar_ = new StudySaveBar(QStringLiteral("needle-save"), tr("Save findings to study"), this);
    layout->addWidget(saveBar_);
    layout->addWidget(status_);

    const auto apply = [this] { applyControls(); };
    connect(speed_, &QComboBox::currentIndexChanged, this, apply);
    connect(gain_, &QComboBox::currentIndexChanged, this, apply);
    connect(trigLevel_, &QDoubleSpinBox::valueChanged, this, apply);
    connect(trigDelay_, &QDoubleSpinBox::valueChanged, this, apply);
    connect(trigOn_, &QCheckBox::toggled, this, apply);
    connect(channel_, &QSpinBox::valueChanged, this, apply);
    connect(volume_, &QSlider::valueChanged, this, apply);
    connect(mute_, &QCheckBox::toggled, this, apply);
    connect(clearBtn, &QPushButton::clicked, capture_, &MuapCaptureView::clear);
    connect(analyzeBtn, &QPushButton::clicked, this, [this] { analyze(); });
    connect(qemgButton_, &QPushButton::clicked, this, &NeedlePanel::openQemgReview);
    connect(saveBar_, &StudySaveBar::saveRequested, this, &NeedlePanel::saveToStudy);

    timer_ = new QTimer(this);
    timer_->setInterval(33);   // ~30 Hz repaint from what arrived
    connect(timer_, &QTimer::timeout, this, &NeedlePanel::drain);
    timer_->start();

    if (session_) {
        session_->addConsumer(&tap_);
        session_->addConsumer(sound_);
        connect(session_, &AcquisitionSession::started, this, [this] {
            fs_ = session_->config().sampleRateHz;
            sweep_->setSampleRate(fs_);
            capture_->setSampleRate(fs_);
            history_.clear();
            if (!sound_->startOutput(fs_)) status_->setText("sound: " + sound_->lastError());
        });
        connect(session_, &AcquisitionSession::stopped, this, [this] { sound_->stopOutput(); });
    }
    applyControls();
}

NeedlePanel::~NeedlePanel() {
    if (session_) {
        session_->removeConsumer(&tap_);
        session_->removeConsumer(sound_);
    }
}

void NeedlePanel::applyControls() {
    sweep_->setSweepMsPerDiv(speed_->currentData().toDouble());
    sweep_->setSensitivityUvPerDiv(gain_->currentData().toDouble());
    capture_->setSensitivityUvPerDiv(gain_->currentData().toDouble());
    sweep_->setTrigger(trigLevel_->value(), trigDelay_->value(), trigOn_->isChecked());
    capture_->setDelayMs(trigDelay_->value());
    tap_.setChannel(channel_->value());
    sound_->setChannel(channel_->value());
    sound_->setVolume(volume_->value() / 100.0);
    sound_->setMuted(mute_->isChecked());
}

void NeedlePanel::setSweep(double msPerDiv, double uvPerDiv) {
    const int a = speed_->findData(msPerDiv), b = gain_->findData(uvPerDiv);
    if (a >= 0) speed_->setCurrentIndex(a);
    if (b >= 0) gain_->setCurrentIndex(b);
    applyControls();
}

void NeedlePanel::setTrigger(double levelUv, double delayMs, bool enabled) {
    trigLevel_->setValue(levelUv);
    trigDelay_->setValue(delayMs);
    trigOn_->setChecked(enabled);
    applyControls();
}

void NeedlePanel::setMuscle(const QString& m) { muscle_->setText(m); }

void NeedlePanel::setSide(const QString& side) {
    const int i = side_->findData(side.toLower());
    side_->setCurrentIndex(i >= 0 ? i : side_->findData(QString()));
}

void NeedlePanel::drain() {
    auto& ring = tap_.ring();
    std::vector<float> buf;
    for (;;) {
        auto s = ring.peek(65536);
        if (s.size() == 0) break;
        buf.insert(buf.end(), s.first.begin(), s.first.end());
        buf.insert(buf.end(), s.second.begin(), s.second.end());
        ring.release(s.size());
    }
    if (!buf.empty()) feed(buf.data(), buf.size(), tap_.rateHz());
}

void NeedlePanel::feed(const float* uv, std::size_t n, double rateHz) {
    if (rateHz > 0 && rateHz != fs_) {
        fs_ = rateHz;
        sweep_->setSampleRate(fs_);
        capture_->setSampleRate(fs_);
        history_.clear();
        triggerPending_ = false;
        holdUntil_ = 0;
    }
    sweep_->append(uv, n);
    const std::size_t first = history_.size();
    history_.insert(history_.end(), uv, uv + n);
    detectTriggers(first);
    const auto maxLen = static_cast<std::size_t>(kHistorySec * fs_);
    if (history_.size() > maxLen) {
        const std::size_t cut = history_.size() - maxLen;
        history_.erase(history_.begin(), history_.begin() + static_cast<std::ptrdiff_t>(cut));
        pendingTrigger_ = pendingTrigger_ > cut ? pendingTrigger_ - cut : 0;
        holdUntil_ = holdUntil_ > cut ? holdUntil_ - cut : 0;
    }
    sweep_->update();
}

void NeedlePanel::detectTriggers(std::size_t firstNew) {
    if (!trigOn_->isChecked()) return;
    const double level = trigLevel_->value();
    const auto pre = static_cast<std::size_t>(trigDelay_->value() * 1e-3 * fs_);
    const auto len = static_cast<std::size_t>(kCaptureMs * 1e-3 * fs_);
    const auto crossed = [&](std::size_t i) {
        const double a = history_[i - 1], b = history_[i];
        return level < 0 ? (a > level && b <= level) : (a < level && b >= level);
    };
    for (std::size_t i = std::max<std::size_t>(firstNew, 1); i < history_.size(); ++i) {
        if (triggerPending_ || i < holdUntil_ || i < pre || !crossed(i)) continue;
        pendingTrigger_ = i;
        triggerPending_ = true;
        holdUntil_ = i + len;
    }
    if (triggerPending_ && pendingTrigger_ + (len - pre) <= history_.size()) {
        const std::size_t a = pendingTrigger_ - pre;
        capture_->addCapture(std::vector<float>(history_.begin() + static_cast<std::ptrdiff_t>(a),
                                                history_.begin() + static_cast<std::ptrdiff_t>(a + len)));
        triggerPending_ = false;
        // catch up triggers in the rest of the data on the next feed
    }
}

namespace {
/// The muscle over its sites as the findings grid reads an analysis: the last site's analysis with
/// the pooled units, their summary, the spontaneous activity of all sites, and the recruitment and
/// interference as the muscle's evidence weighed them over the sites.
emg::needle::NeedleAnalysis overSitesView(const emg::needle::MuscleOverSites& m, emg::needle::NeedleAnalysis last) {
    last.motorUnits = m.units;
    last.summary = m.summary;
    last.spontaneous = m.spontaneous;
    last.multiMup = m.multiMup;
    last.reading = m.reading;
    last.restSec = m.restSec;
    last.recruitment.reading = m.recruitment;
    if (m.interference != emg::needle::InterferenceReading::Insufficient) last.interference.reading = m.interference;
    return last;
}
}  // namespace

emg::needle::NeedleAnalysis NeedlePanel::analyzeSignal(const std::vector<double>& uv, double rateHz,
                                                       const std::vector<Annotation>& annotations) {
    spanProvenance_.reset();
    return runAnalysis(uv, rateHz, annotations, muscle_->text().toStdString(), {});
}

emg::needle::NeedleAnalysis NeedlePanel::runAnalysis(const std::vector<double>& uv, double rateHz, const std::vector<Annotation>& annotations,
                                                     const std::string& muscle, const study::RawDataLink& source,
                                                     emg::needle::NeedleElectrode electrode) {
    emg::needle::NeedleAnalysisOptions o;
    o.muscle = muscle;
    // the electrode the clinician chose, else the file's
    const QString chosen = electrode_->currentData().toString();
    o.reading.electrode = chosen == "monopolar"    ? emg::needle::NeedleElectrode::Monopolar
                          : chosen == "concentric" ? emg::needle::NeedleElectrode::Concentric
                                                   : electrode;
    if (age_->value() > 0) o.ageYears = age_->value();
    o.declaredEffort = emg::needle::parseDeclaredEffort(effort_->currentData().toString().toStdString());
    auto a = emg::needle::analyzeNeedleSignal(uv, rateHz, annotations, o);
    // "electrode ?" (the file's, else concentric) names the electrode a file stated, as the muscle's field does
    electrode_->setItemText(0, electrode == emg::needle::NeedleElectrode::Monopolar    ? QString("electrode: monopolar (file)")
                               : electrode == emg::needle::NeedleElectrode::Concentric ? QString("electrode: concentric (file)")
                                                                                       : QString("electrode ?"));
    const QString name = muscle.empty() ? QString("muscle %1").arg(grid_->rowCount() + 1) : QString::fromStdString(muscle);
    const QString side = side_->currentData().toString();
    // each muscle and side keeps its sites: checked, this analysis is another of them; unchecked, the first again
    sitesKey_ = name.toLower() + QLatin1Char('|') + side;
    auto& sites = sites_[sitesKey_];
    if (!anotherSite_->isChecked()) sites.clear();
    sites.push_back(a);
    std::optional<emg::needle::MuscleOverSites> over;
    if (sites.size() > 1) over = emg::needle::readMuscleOverSites(sites, o.reading);
    const int row = grid_->setFindings(name, over ? overSitesView(*over, a) : a, side);
    grid_->setRowSource(row, source);
    qemg_->setWindowTitle(QString("QEMG review: %1").arg(name));
    qemg_->setAnalysis(a, uv, o.mainsHz);
    qemgButton_->setEnabled(true);
    const bool monopolar = a.electrode == emg::needle::NeedleElectrode::Monopolar;
    // the units' summary alone is one piece of the evidence: said when the muscle's reading did not count it
    QString units = monopolar ? QString("not graded") : QString(toString(a.summary.reading));
    if (const auto* e = a.reading.evidenceFrom("motor units"); !monopolar && a.summary.unitCount > 0 && e && !e->counted)
        units += QString(" (%1 unit%2, not counted)").arg(a.summary.unitCount).arg(a.summary.unitCount == 1 ? "" : "s");
    const auto sorted = a.motorUnits.units.size();
    QString text = QString("%1 unit%6, summary %2, recruitment %3, spontaneous grade %4; the muscle's reading from all the evidence: %5 "
                           "(a suggestion for the clinician to confirm)")
                       .arg(sorted)
                       .arg(units)
                       .arg(toString(a.recruitment.reading))
                       .arg(a.spontaneous.grade)
                       .arg(toString(a.reading.pattern))
                       .arg(sorted == 1 ? "" : "s");
    if (monopolar) text += ", monopolar needle: the evidence against concentric references is shown, not counted";
    if (over) {
        const auto& m = over->summary;
        text += QString("\nThe muscle over %1 sites (units pooled from %2): %3 units, mean duration %4 ms (%5 %, limit ±%6 %); "
                        "its reading: %7 (the findings row)")
                    .arg(over->sites)
                    .arg(over->sitesUnitsPooled)
                    .arg(m.unitCount)
                    .arg(m.meanDurationMs, 0, 'f', 1)
                    .arg((m.durationDeviationPercent > 0 ? "+" : "") + QString::number(m.durationDeviationPercent, 'f', 0))
                    .arg(m.durationLimitAppliedPercent, 0, 'f', 0)
                    .arg(toString(over->reading.pattern));
    }
    if (spanProvenance_) text += QString("\nSource: %1, channel %2").arg(QString::fromStdString(review::describeSpan(*spanProvenance_)),
                                                                        QString::fromStdString(source.channel));
    status_->setText(text);
    last_ = a;
    return a;
}

bool NeedlePanel::measureRecording(const Recording& span, const review::SpanProvenance& provenance) {
    try {
        const int ch = emg::needle::pickNeedleChannel(span);
        if (ch < 0) throw std::invalid_argument("the span has no signal channel to analyse");
        const auto& c = span.channels[static_cast<std::size_t>(ch)];
        if (c.sampleRateHz < 1000.0)
            throw std::invalid_argument("channel '" + c.label + "' is sampled at " + std::to_string(c.sampleRateHz) +
                                        " Hz: needle EMG needs at least 1 kHz");
        if (c.samples.size() < static_cast<std::size_t>(0.5 * c.sampleRateHz))
            throw std::invalid_argument("the span is shorter than 0.5 s: not enough signal to analyse");
        study::RawDataLink source;
        source.path = provenance.file;
        source.sha256 = provenance.sha256;
        source.channel = c.label;
        source.startSec = provenance.fromSec;
        source.endSec = provenance.toSec;
        spanProvenance_ = provenance;
        // the age the file states ("<age>: 62", an EDF+ birthdate) when none is typed, shown in the field to correct
        // (an age the previous file stated is replaced, or cleared when this file states none: never carried to another patient)
        if (age_->value() <= 0 || ageFromFile_) {
            const auto years = emg::study::ageFromRecording(span);
            age_->setValue(years ? static_cast<int>(std::lround(*years)) : 0);
            ageFromFile_ = years.has_value();
        }
        fillFromHeader(span.headerComments);
        runAnalysis(c.samples, c.sampleRateHz, span.annotations, emg::needle::muscleFor(c, muscle_->text().toStdString()), source,
                    emg::needle::needleElectrodeOf(c));
        return true;
    } catch (const std::exception& e) {
        spanProvenance_.reset();
        status_->setText(QString("span not analysed: %1").arg(e.what()));
        spdlog::warn("needle panel: span not analysed: {}", e.what());
        return false;
    }
}

void NeedlePanel::fillFromHeader(const std::vector<std::string>& comments) {
    // the muscle and effort the file's header states (EMGLAB: "# muscle: brachial biceps", "# level: 10% MVC") where
    // none is chosen, shown in their fields to correct; what the previous file stated is replaced or cleared
    if (muscle_->text().isEmpty() || muscleFromFile_) {
        const auto m = emg::headerCommentValue(comments, "muscle");
        muscleFromFile_ = m && emg::needle::muapReference(*m, std::nullopt).muscle != "general";
        muscle_->setText(muscleFromFile_ ? QString::fromStdString(*m) : QString());
    }
    if (effort_->currentIndex() == 0 || effortFromFile_) {
        const auto e = emg::needle::effortStatedInHeader(comments);
        effortFromFile_ = e.has_value();
        effort_->setCurrentIndex(e ? std::max(0, effort_->findData(QString(emg::needle::toString(e->effort)))) : 0);
    }
}

QString NeedlePanel::statusText() const { return status_->text(); }

std::optional<emg::needle::NeedleAnalysis> NeedlePanel::analyze() {
    try {
        if (session_ && session_->recording() && !session_->running()) {
            const auto& rec = *session_->recording();
            const int ch = channel_->value();
            if (ch < static_cast<int>(rec.channels.size()) && !rec.channels[static_cast<std::size_t>(ch)].isAnnotationOrTrigger) {
                const auto& c = rec.channels[static_cast<std::size_t>(ch)];
                return analyzeSignal(c.samples, c.sampleRateHz, rec.annotations);
            }
        }
        if (history_.size() < static_cast<std::size_t>(0.5 * fs_)) {
            status_->setText("not enough signal to analyse (at least 0.5 s)");
            return std::nullopt;
        }
        return analyzeSignal(std::vector<double>(history_.begin(), history_.end()), fs_);
    } catch (const std::exception& e) {
        status_->setText(QString("analysis failed: %1").arg(e.what()));
        spdlog::warn("needle panel: analysis failed: {}", e.what());
        return std::nullopt;
    }
}

bool NeedlePanel::openQemgReview() {
    if (!qemg_->hasAnalysis()) return false;
    if (qemg_->isVisible()) {   // already open behind other windows
        qemg_->raise();
        qemg_->activateWindow();
    }
    qemg_->show();
    return true;
}

void NeedlePanel::setAnotherSite(bool on) { anotherSite_->setChecked(on); }

namespace {
PanelDescriptor withSpans(PanelDescriptor d) {
    // the needle analysis of the span (the CLI's channel, muscle and chain); the findings row keeps the span
    d.measureSpan = [](QWidget* w, std::shared_ptr<const Recording> span, const review::SpanProvenance& provenance) {
        auto* panel = qobject_cast<NeedlePanel*>(w);
        return panel && span && panel->measureRecording(*span, provenance);
    };
    return d;
}

const PanelRegistration reg{withSpans({"needle", "Needle EMG", PanelPlacement::Tab,
                                       [](const PanelContext& ctx) -> QWidget* {
                                           auto* panel = new NeedlePanel(ctx.session, ctx.parent);
                                           panel->setStudyTarget(ctx.store, ctx.activeStudy);
                                           return panel;
                                       },
                                       30, {}})};   // measureSpan: set by withSpans
}

}  // namespace emg::ui
