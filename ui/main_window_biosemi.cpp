// MainWindow: the BioSemi receiver's choices, the external stimulator and the montage (their
// dialogs, saving them, applying them to the current receiver).

#include "main_window.h"

#include "acquisition_session.h"
#include "biosemi_montage_dialog.h"
#include "biosemi_settings.h"
#include "external_stimulator_dialog.h"
#include "stimulator_panel.h"

#include <biosemi/biosemi_device.h>
#include <biosemi/biosemi_montage.h>

#include <spdlog/spdlog.h>

namespace emg::ui {

void MainWindow::editExternalStimulator() {
    auto* dialog = new ExternalStimulatorDialog(loadExternalStimulator(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { applyExternalStimulator(dialog->settings()); });
    dialog->open();
}

void MainWindow::editBiosemiMontage() {
    const auto* amp = dynamic_cast<const biosemi::ActiveTwo*>(session_->device());
    const biosemi::Layout layout = amp && amp->layout() ? *amp->layout() : biosemi::montageCheckLayout();
    auto* dialog = new BiosemiMontageDialog(loadBiosemiMontage(), layout, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { applyBiosemiMontage(dialog->labels()); });
    dialog->open();
}

void MainWindow::applyExternalStimulator(const ExternalStimulatorSettings& settings) {
    saveExternalStimulator(settings);
    spdlog::info("external stimulator: {}", describe(settings));
    auto* amp = dynamic_cast<biosemi::ActiveTwo*>(session_->device());
    if (!amp) return;
    const bool wasRunning = session_->running();
    if (wasRunning) session_->stop();
    try {
        amp->setExternalStimulator(settings);
    } catch (const std::exception& e) {
        spdlog::error("external stimulator not applied: {}", e.what());
    }
    const DeviceInfo info = amp->info();
    stimulator_->setEnabled(info.stimulator.present);
    stimulator_->setStimulator(QString::fromStdString(info.stimulatorName), info.stimulatorExternal);
    if (wasRunning) startAcquisition();
}

void MainWindow::applyBiosemiMontage(const std::vector<std::string>& labels) {
    saveBiosemiMontage(labels);
    if (!dynamic_cast<biosemi::ActiveTwo*>(session_->device()) || !session_->running()) return;
    session_->stop();
    startAcquisition();
}

}  // namespace emg::ui
