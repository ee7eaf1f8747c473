#pragma once
// Controls of the built-in simulated amplifier (muscle pattern, effort, denervation, nerve and
// stimulation site), shown while the simulator is the selected device.

#include <QWidget>

namespace emg::ui {

class AcquisitionSession;
class StimulatorPanel;

QWidget* createSimControls(AcquisitionSession& session, StimulatorPanel& stimulator, QWidget* parent);
/// Bring the controls (and the stimulator's site list) in line with the selected simulator.
void syncSimControls(QWidget* simControls);

}  // namespace emg::ui
