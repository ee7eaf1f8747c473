#pragma once
// Chooses the external stimulator used with an amplifier that has trigger inputs (the BioSemi
// ActiveTwo): its name and model, the trigger input (1-16) its TTL output is wired to, the edge
// that marks a pulse (rising, or falling for an active-low output) and the refractory time
// against contact bounce. The stimulator panel then names it; TriggerStimulusDetector uses it.

#include <emg/acq/trigger_stimulus.h>

#include <QDialog>

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace emg::ui {

class ExternalStimulatorDialog : public QDialog {
    Q_OBJECT
public:
    explicit ExternalStimulatorDialog(const ExternalStimulatorSettings& settings, QWidget* parent = nullptr);
    /// The settings as edited (intensity, width and site are kept from the ones given).
    ExternalStimulatorSettings settings() const;

private:
    ExternalStimulatorSettings base_;
    QLineEdit* name_;
    QLineEdit* model_;
    QSpinBox* input_;
    QComboBox* edge_;
    QDoubleSpinBox* refractory_;
};

}  // namespace emg::ui
