// The stimulus ramp on the keys (run_ramp.h).
#include "run_ramp.h"

#include "acquisition_session.h"
#include "keymap.h"
#include "run_acquisition.h"
#include "stimulator_panel.h"

#include <emg/acq/device.h>
#include <emg/study/protocol_run.h>
#include <emg/study/run_site.h>

#include <QAction>

#include <spdlog/spdlog.h>

namespace emg::ui {

namespace {
constexpr const char* kRampId = "run.ramp";
constexpr const char* kRampStopId = "run.ramp-stop";
}  // namespace

void declareRampKeys(Keymap& keymap) {
    auto k = [](const char* text) { return QKeySequence(QString::fromLatin1(text), QKeySequence::PortableText); };
    keymap.declare({kRampId, QString::fromLatin1(kWindowKeyContext), {k("Ctrl+F5")},
                    QObject::tr("Protocol: stimulus ramp (arm or stop; then the stimulate key steps it, held: a step every second)")});
    keymap.declare({kRampStopId, QString::fromLatin1(kRampKeyContext), {k("Esc")}, QObject::tr("Stop the stimulus ramp at once (while it runs)")});
}

RunRamp::RunRamp(RunAcquisition* run, StimulatorPanel* stimulator, AcquisitionSession* session, QObject* parent)
    : QObject(parent), run_(run), stimulator_(stimulator), session_(session) {
    declareRampKeys(Keymap::instance());
    clock_.start();
    stop_ = new QAction(tr("Stop the stimulus ramp"), this);
    stop_->setObjectName(QString::fromLatin1(kRampStopId));
    stop_->setShortcuts(Keymap::instance().keys(QString::fromLatin1(kRampStopId)));
    stop_->setShortcutContext(Qt::WindowShortcut);
    stop_->setEnabled(false);
    connect(stop_, &QAction::triggered, this, &RunRamp::stop);
    if (stimulator_) stimulator_->setStimulateHandler([this](bool held) { return onStimulate(held); });
    if (run_) connect(run_, &RunAcquisition::sweepStored, this, &RunRamp::onSweepStored);
}

RunRamp::~RunRamp() {
    if (stimulator_) stimulator_->setStimulateHandler(nullptr);
}

void RunRamp::toggle() {
    if (ramp_) {
        cancel(tr("Ramp stopped"));
        return;
    }
    auto* run = run_ ? run_->run() : nullptr;
    if (!run || run->finished() || run->currentTest().kind == TestKind::Needle || !stimulator_) {
        emit message(tr("No stimulation test to ramp"));
        return;
    }
    StimulatorLimits device = kAbsoluteStimulatorBounds;
    if (session_ && session_->device()) device = session_->device()->info().stimulator;
    try {
        ramp_ = std::make_unique<study::StimulusRamp>(study::rampSettingsFor(run->currentTest().presets), device);
    } catch (const std::exception& e) {
        emit message(tr("No ramp: %1").arg(QString::fromStdString(e.what())));
        return;
    }
    last_.clear();
    lastState_ = ramp_->state();
    swallowHeld_ = false;
    stop_->setEnabled(true);
    emit message(tr("Ramp armed: from %1 mA, ceiling %2 mA. Stimulate (F5) for each step, hold it for a step every second; Esc stops")
                     .arg(run->currentTest().presets.stimulusStartMa)
                     .arg(ramp_->ceilingMa()));
    emit changed();
}

bool RunRamp::onStimulate(bool held) {
    if (!ramp_) {
        if (held && swallowHeld_) return true;   // the key that drove the ramp is still down
        swallowHeld_ = false;
        return false;
    }
    const double now = static_cast<double>(clock_.elapsed()) / 1000.0;
    const auto cmd = held ? ramp_->held(now) : ramp_->press(now);
    if (!cmd) {   // waiting for the last response, too soon while held, or stopped
        if (ramp_->stopped()) finish(tr("Ramp ended: %1").arg(QString::fromStdString(ramp_->stopReason())));
        return true;
    }
    StimulusCommand c = stimulator_->command();
    c.intensityMa = cmd->intensityMa;
    c.pulseWidthMs = cmd->pulseWidthMs;
    c.trainCount = 1;
    c.trainRateHz = 0.0;
    stimulator_->setIntensityMa(cmd->intensityMa);
    emit stimulator_->stimulateRequested(c);
    if (stimulator_->lastRefused()) {
        ramp_->abort();
        finish(tr("Ramp stopped: the stimulator refused %1 mA (%2)").arg(cmd->intensityMa).arg(stimulator_->resultText()));
        return true;
    }
    lastState_ = ramp_->state();
    emit message(tr("Ramp: %1 mA delivered%2").arg(cmd->intensityMa).arg(ramp_->state() == study::RampState::Supramaximal ? tr(" (supramaximal)") : QString()));
    emit changed();
    return true;
}

void RunRamp::onSweepStored() {
    if (!ramp_ || ramp_->stopped() || !run_) return;
    auto* site = run_->currentSite();
    auto* run = run_->run();
    if (!site || site->sweeps().empty() || !run || run->finished()) return;
    ramp_->recordResponse(study::rampResponseUv(run->currentTest().kind, site->sweeps().back()));
    lastState_ = ramp_->state();
    last_ = ramp_->delivered();
    if (ramp_->state() == study::RampState::Done) {
        const auto& p = ramp_->plateau();
        finish(tr("Ramp done: the response stopped growing at %1 mA; supramaximal %2 mA delivered (%3 µV)")
                   .arg(p.plateauIntensityMa)
                   .arg(last_.back().intensityMa)
                   .arg(last_.back().responseUv.value_or(0.0), 0, 'f', 0));
    } else if (ramp_->stopped()) {
        finish(tr("Ramp ended: %1").arg(QString::fromStdString(ramp_->stopReason())));
    } else {
        emit changed();
    }
}

void RunRamp::stop() { cancel(tr("Ramp stopped (Esc)")); }

void RunRamp::cancel(const QString& why) {
    if (!ramp_) return;
    ramp_->abort();
    finish(why);
}

void RunRamp::finish(const QString& why) {
    if (ramp_) {
        last_ = ramp_->delivered();
        lastState_ = ramp_->state();
    }
    ramp_.reset();
    swallowHeld_ = true;
    stop_->setEnabled(false);
    spdlog::info("stimulus ramp: {}", why.toStdString());
    emit message(why);
    emit changed();
}

}  // namespace emg::ui
