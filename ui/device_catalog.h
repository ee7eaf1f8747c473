#pragma once
// The devices the user can pick: the built-in simulated amplifier (default), every USB
// amplifier on the bus, and whatever a test or embedding program adds.

#include <emg/acq/device.h>

#include <QString>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace emg::ui {

enum class DeviceKind { Simulator, Usb, Replay, Custom };

struct DeviceChoice {
    DeviceKind kind = DeviceKind::Custom;
    QString label;
    std::string id;                          ///< stable key: "sim", "usb:1-1.4", a file path, ...
    std::function<DevicePtr()> create;       ///< makes the device (may throw with a clear message)
    std::optional<double> headerlessRateHz;  ///< replay of a headerless signal file (ASCII column) at this rate
};

DeviceChoice simulatorChoice();
/// One choice per matching USB amplifier (emg::usb::enumerate()) and per BioSemi ActiveTwo
/// receiver (emg::biosemi::enumerate(), with the external stimulator saved by its dialog,
/// biosemi_settings.h); never throws.
std::vector<DeviceChoice> usbChoices();
/// Simulator first, then the USB amplifiers.
std::vector<DeviceChoice> defaultDeviceChoices();

/// A configuration with `channels` channels at `sampleRateHz`, taking labels and scales from the
/// device's current configuration where it has them, else "Ch n" and the device's first gain.
/// A BioSemi receiver gets the saved montage instead (its labels, at the AD box's rate).
AcquisitionConfig makeAcquisitionConfig(const Device& device, std::size_t channels, double sampleRateHz,
                                        Pacing pacing = Pacing::RealTime);

}  // namespace emg::ui
