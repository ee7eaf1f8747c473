#pragma once
// The stimulus ramp on the keys (issue 14): Ctrl+F5 (run.ramp) arms a ramp for the current test
// (emg/study/stimulus_ramp.h, from the test's start intensity in its steps, ceiling the lowest of
// the protocol's, the device's and the engine's bound). While it is armed the stimulate key or
// footswitch (F5) gives one step per press, and automatic steps at least 1 s apart while it is
// held; each step's sweep is stored by the run as any stimulus (with its delivered current) and
// its response goes back to the ramp. Once the response stops growing one stimulus at 1.2 x the
// plateau follows and the ramp is done (the stimulator is left at that supramaximal intensity).
// Esc (run.ramp-stop, context "ramp": only while a ramp runs) stops it at once; a key still held
// after the ramp stopped gives no more stimuli until it is pressed again.

#include <emg/study/stimulus_ramp.h>

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QString>

#include <memory>

class QAction;

namespace emg::ui {

class AcquisitionSession;
class RunAcquisition;
class StimulatorPanel;

/// The context of the keys that work only while a ramp runs (they take precedence in the window).
inline constexpr const char* kRampKeyContext = "ramp";

class RunRamp : public QObject {
    Q_OBJECT
public:
    RunRamp(RunAcquisition* run, StimulatorPanel* stimulator, AcquisitionSession* session, QObject* parent = nullptr);
    ~RunRamp() override;

    bool armed() const noexcept { return ramp_ != nullptr; }
    /// The ramp running now (null when none).
    const study::StimulusRamp* ramp() const noexcept { return ramp_.get(); }
    /// Every stimulus the last ramp delivered, with its response (kept after it stopped).
    const std::vector<study::DeliveredStimulus>& lastDelivered() const noexcept { return last_; }
    study::RampState lastState() const noexcept { return lastState_; }
    /// The Esc action (enabled only while a ramp runs).
    QAction* stopAction() const noexcept { return stop_; }

    /// Arms a ramp at the run's current test (a stimulation test), or stops the one running.
    void toggle();
    /// Stops the ramp at once (Esc): no stimulus after this.
    void stop();
    /// Stops it saying why (the run moved, the study changed); nothing when none runs.
    void cancel(const QString& why);

signals:
    void message(const QString& text);
    void changed();

private:
    bool onStimulate(bool held);
    void onSweepStored();
    void finish(const QString& why);

    RunAcquisition* run_;
    QPointer<StimulatorPanel> stimulator_;   ///< the window's (may go before the strip)
    AcquisitionSession* session_;
    std::unique_ptr<study::StimulusRamp> ramp_;
    std::vector<study::DeliveredStimulus> last_;
    study::RampState lastState_ = study::RampState::Ready;
    QElapsedTimer clock_;
    bool swallowHeld_ = false;   ///< the key that drove a stopped ramp is still held: its repeats are ignored
    QAction* stop_ = nullptr;
};

/// Declares run.ramp (window) and run.ramp-stop (context "ramp", Esc) in the keymap.
void declareRampKeys(class Keymap& keymap);

}  // namespace emg::ui
