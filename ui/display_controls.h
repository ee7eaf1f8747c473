#pragma once
// Sweep speed, sensitivity per channel group, display mode and Freeze.

#include "trace_settings.h"

#include <emg/core/sample_types.h>

#include <QWidget>

#include <vector>

class QComboBox;
class QPushButton;
class QSpinBox;

namespace emg::ui {

class DisplayControls : public QWidget {
    Q_OBJECT
public:
    explicit DisplayControls(QWidget* parent = nullptr);

    const TraceSettings& settings() const noexcept { return settings_; }
    /// The channels being shown, for the sensitivity groups (all, surface, needle, ...).
    void setChannels(const std::vector<ChannelInfo>& channels);
    void setSweep(double msPerDiv);
    void setSensitivity(double uvPerDiv);  ///< for the selected group
    void setMode(TraceMode mode);
    void setFrozen(bool frozen);           ///< reflect without emitting

signals:
    void settingsChanged(const emg::ui::TraceSettings& settings);
    void freezeToggled(bool frozen);

private:
    void applySensitivity();
    void syncSensitivityCombo();

    TraceSettings settings_;
    std::vector<ChannelInfo> channels_;
    QComboBox* sweep_;
    QComboBox* group_;
    QComboBox* sensitivity_;
    QComboBox* mode_;
    QComboBox* stacking_;
    QSpinBox* sweeps_;
    QPushButton* freeze_;
};

}  // namespace emg::ui
