#include "stimulator_panel.h"

#include "keymap.h"
#include "stimulator_keys.h"

#include <QAction>
#include <QApplication>
#include <QKeyEvent>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>

namespace emg::ui {

StimulatorPanel::StimulatorPanel(QWidget* parent) : QWidget(parent) {
    intensity_ = new QDoubleSpinBox(this);
    intensity_->setObjectName("stim-intensity");
    // deliberately wider than any stimulator: the engine's bound refuses, and says why
    intensity_->setRange(0.0, 200.0);
    intensity_->setDecimals(1);
    intensity_->setSingleStep(1.0);
    intensity_->setSuffix(tr(" mA"));
    intensity_->setValue(20.0);
    width_ = new QDoubleSpinBox(this);
    width_->setObjectName("stim-width");
    width_->setRange(0.01, 2.0);
    width_->setDecimals(2);
    width_->setSingleStep(0.05);
    width_->setSuffix(tr(" ms"));
    width_->setValue(0.2);
    site_ = new QComboBox(this);
    site_->setObjectName("stim-site");
    kind_ = new QComboBox(this);
    kind_->setObjectName("stim-kind");
    kind_->addItems({tr("Single shock"), tr("Train")});
    count_ = new QSpinBox(this);
    count_->setObjectName("stim-train-count");
    count_->setRange(2, 200);
    count_->setValue(10);
    rate_ = new QDoubleSpinBox(this);
    rate_->setObjectName("stim-train-rate");
    rate_->setRange(0.1, 100.0);
    rate_->setValue(3.0);
    rate_->setSuffix(tr(" Hz"));
    stimulate_ = new QPushButton(tr("Stimulate"), this);
    stimulate_->setObjectName("stimulate");
    result_ = new QLabel(this);
    result_->setObjectName("stim-result");
    result_->setWordWrap(true);
    result_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    source_ = new QLabel(tr("Built into the amplifier"), this);
    source_->setObjectName("stim-source");
    source_->setWordWrap(true);

    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Stimulator"), source_);
    form->addRow(tr("Intensity"), intensity_);
    form->addRow(tr("Pulse width"), width_);
    form->addRow(tr("Site"), site_);
    form->addRow(tr("Delivery"), kind_);
    form->addRow(tr("Train pulses"), count_);
    form->addRow(tr("Train rate"), rate_);
    form->addRow(stimulate_);
    form->addRow(result_);

    auto updateTrain = [this] {
        const bool train = kind_->currentIndex() == 1;
        count_->setEnabled(train);
        rate_->setEnabled(train);
    };
    updateTrain();
    connect(kind_, qOverload<int>(&QComboBox::currentIndexChanged), this, updateTrain);
    connect(stimulate_, &QPushButton::clicked, this, [this] { stimulateNow(false); });
    declareStimulatorKeys(Keymap::instance());
    addKeyAction(stim_keys::kStimulate, [this] { stimulateNow(keyHeld_); });
    qApp->installEventFilter(this);   // sees the key's ShortcutOverride (with its auto-repeat flag) before the shortcut fires
    addKeyAction(stim_keys::kIntensityUp1, [this] { stepIntensityMa(1.0); });
    addKeyAction(stim_keys::kIntensityDown1, [this] { stepIntensityMa(-1.0); });
    addKeyAction(stim_keys::kIntensityUp5, [this] { stepIntensityMa(5.0); });
    addKeyAction(stim_keys::kIntensityDown5, [this] { stepIntensityMa(-5.0); });
    addKeyAction(stim_keys::kWidthLonger, [this] { stepPulseWidthMs(0.05); });
    addKeyAction(stim_keys::kWidthShorter, [this] { stepPulseWidthMs(-0.05); });
    QStringList keys;
    for (const auto& k : Keymap::instance().keys(QString::fromLatin1(stim_keys::kStimulate))) keys << k.toString(QKeySequence::NativeText);
    stimulate_->setToolTip(tr("Stimulate (%1; a footswitch sending that key works too)").arg(keys.join(QStringLiteral(", "))));
    setSites({tr("site 1")});
}

StimulusCommand StimulatorPanel::command() const {
    StimulusCommand cmd;
    cmd.intensityMa = intensity_->value();
    cmd.pulseWidthMs = width_->value();
    cmd.siteId = static_cast<std::uint16_t>(std::max(0, site_->currentIndex()));
    if (kind_->currentIndex() == 1) {
        cmd.trainCount = static_cast<std::uint16_t>(count_->value());
        cmd.trainRateHz = rate_->value();
    }
    return cmd;
}

void StimulatorPanel::setIntensityMa(double mA) { intensity_->setValue(mA); }
double StimulatorPanel::intensityMa() const { return intensity_->value(); }
double StimulatorPanel::pulseWidthMs() const { return width_->value(); }
void StimulatorPanel::setPulseWidthMs(double ms) { width_->setValue(ms); }
void StimulatorPanel::stepIntensityMa(double deltaMa) { intensity_->setValue(intensity_->value() + deltaMa); }
void StimulatorPanel::stepPulseWidthMs(double deltaMs) { width_->setValue(width_->value() + deltaMs); }

void StimulatorPanel::stimulateNow(bool held) {
    if (!stimulate_->isEnabled()) return;
    if (handler_ && handler_(held)) return;
    // Outside a ramp one press is one shock: a held key's repeats (~25 a second from a keyboard or
    // footswitch) would be a train nobody chose. Trains are set as such (Delivery).
    if (held) return;
    emit stimulateRequested(command());
}

bool StimulatorPanel::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::ShortcutOverride) {
        const auto* key = static_cast<QKeyEvent*>(event);
        const QKeySequence pressed = Keymap::sequenceOf(*key);
        for (const auto& k : Keymap::instance().keys(QString::fromLatin1(stim_keys::kStimulate)))
            if (k.matches(pressed) == QKeySequence::ExactMatch) keyHeld_ = key->isAutoRepeat();
    }
    return QWidget::eventFilter(watched, event);
}

void StimulatorPanel::addKeyAction(const char* id, std::function<void()> run) {
    auto* action = new QAction(QString::fromLatin1(id), this);
    action->setObjectName(QString::fromLatin1(id));
    action->setShortcuts(Keymap::instance().keys(QString::fromLatin1(id)));
    action->setShortcutContext(Qt::WindowShortcut);
    addAction(action);
    connect(action, &QAction::triggered, this, std::move(run));
}

void StimulatorPanel::setSites(const QStringList& labels, const QStringList& names) {
    site_->clear();
    for (int i = 0; i < labels.size(); ++i) site_->addItem(labels[i], i < names.size() ? names[i] : labels[i]);
}

std::vector<std::string> StimulatorPanel::siteNames() const {
    std::vector<std::string> names;
    for (int i = 0; i < site_->count(); ++i) names.push_back(site_->itemData(i).toString().toStdString());
    return names;
}

void StimulatorPanel::showResult(const StimulusCommand& command, const std::optional<std::string>& refusal) {
    lastRefused_ = refusal.has_value();
    if (refusal) {
        result_->setStyleSheet("QLabel { color: #ffffff; background: #b3261e; padding: 4px; font-weight: bold; }");
        result_->setText(tr("Stimulus refused: %1").arg(QString::fromStdString(*refusal)));
        return;
    }
    result_->setStyleSheet("QLabel { color: #1b5e20; }");
    const QString what = command.trainCount > 1 ? tr("train of %1 at %2 Hz").arg(command.trainCount).arg(command.trainRateHz)
                                                : tr("single shock");
    const QString done = external_ ? tr("Set for the next pulses: %1 mA × %2 ms, %3, at %4")
                                   : tr("Delivered %1 mA × %2 ms, %3, at %4");
    result_->setText(done.arg(command.intensityMa)
                         .arg(command.pulseWidthMs)
                         .arg(what, site_->currentText()));
}

QString StimulatorPanel::resultText() const { return result_->text(); }

void StimulatorPanel::setStimulator(const QString& name, bool external) {
    external_ = external;
    source_->setText(name.isEmpty() ? tr("Built into the amplifier") : name);
    stimulate_->setText(external ? tr("Set for the next pulses") : tr("Stimulate"));
    stimulate_->setToolTip(external ? tr("The external stimulator triggers itself; its pulses are read on the trigger input "
                                         "and recorded with this intensity, width and site")
                                    : QString());
}

QString StimulatorPanel::stimulatorText() const { return source_->text(); }

}  // namespace emg::ui
