#pragma once
// Stimulator controls: intensity (mA), pulse width (ms), site, single shock or train. The
// engine's validateStimulus() decides; a refusal is shown here in plain words.

#include <emg/acq/stimulator.h>

#include <QWidget>

#include <functional>
#include <optional>
#include <string>
#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace emg::ui {

class StimulatorPanel : public QWidget {
    Q_OBJECT
public:
    explicit StimulatorPanel(QWidget* parent = nullptr);

    StimulusCommand command() const;
    void setIntensityMa(double mA);
    double intensityMa() const;
    double pulseWidthMs() const;
    void setPulseWidthMs(double ms);   ///< clamped to the field's range
    /// The keyboard/footswitch steps (stimulator_keys.h): intensity by ±mA and pulse width by
    /// ±ms, clamped to the fields' ranges (the engine's bounds still apply when stimulating).
    void stepIntensityMa(double deltaMa);
    void stepPulseWidthMs(double deltaMs);
    /// Site labels shown; `names` (same order) are the one-word names used in "Stim <name>"
    /// annotations, e.g. label "wrist (70 mm)", name "wrist". Without names the labels are used.
    void setSites(const QStringList& labels, const QStringList& names = {});
    std::vector<std::string> siteNames() const;
    /// Show the outcome of the last request: nothing = delivered, else the refusal.
    void showResult(const StimulusCommand& command, const std::optional<std::string>& refusal);
    QString resultText() const;
    /// Which stimulator is in use ("" = the amplifier's own). An external one triggers itself:
    /// the button then sets what its next pulses are recorded with.
    void setStimulator(const QString& name, bool external);
    QString stimulatorText() const;
    bool lastRefused() const noexcept { return lastRefused_; }
    /// Someone else answers the stimulate key, footswitch and button first (the protocol run's
    /// stimulus ramp): `handler(held)` returns true when it took the press (held: an automatic
    /// repeat of a key that is held down). Null: the panel stimulates itself.
    void setStimulateHandler(std::function<bool(bool held)> handler) { handler_ = std::move(handler); }

signals:
    void stimulateRequested(const emg::StimulusCommand& command);

protected:
    /// Notes whether the stimulate key's press is an automatic repeat (key held down).
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void addKeyAction(const char* id, std::function<void()> run);
    void stimulateNow(bool held = false);

    QDoubleSpinBox* intensity_;
    QDoubleSpinBox* width_;
    QComboBox* site_;
    QComboBox* kind_;
    QSpinBox* count_;
    QDoubleSpinBox* rate_;
    QPushButton* stimulate_;
    QLabel* result_;
    QLabel* source_;
    bool external_ = false;
    bool lastRefused_ = false;
    bool keyHeld_ = false;   ///< the last stimulate key press was an automatic repeat
    std::function<bool(bool)> handler_;
};

}  // namespace emg::ui
