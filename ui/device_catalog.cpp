#include "device_catalog.h"

#include "biosemi_settings.h"

#include <biosemi/biosemi_device.h>
#include <usb/usb_device.h>
#include <sim/simulated_amplifier.h>

#include <QObject>

namespace emg::ui {

DeviceChoice simulatorChoice() {
    DeviceChoice c;
    c.kind = DeviceKind::Simulator;
    c.label = QObject::tr("Simulated amplifier (built-in)");
    c.id = "sim";
    c.create = [] { return DevicePtr(std::make_unique<sim::SimulatedAmplifier>()); };
    return c;
}

std::vector<DeviceChoice> usbChoices() {
    std::vector<DeviceChoice> result;
    for (const auto& entry : usb::enumerate()) {
        DeviceChoice c;
        c.kind = DeviceKind::Usb;
        c.label = QString::fromStdString(entry.label);
        c.id = "usb:" + entry.portPath;
        c.create = [entry] { return DevicePtr(std::make_unique<usb::UsbAmplifier>(entry)); };
        result.push_back(std::move(c));
    }
    for (const auto& entry : biosemi::enumerate()) {
        DeviceChoice c;
        c.kind = DeviceKind::Usb;
        c.label = QString::fromStdString(entry.label);
        c.id = "biosemi:" + entry.portPath;
        c.create = [entry] {
            auto amp = std::make_unique<biosemi::ActiveTwo>(entry);
            amp->setExternalStimulator(loadExternalStimulator());  // as chosen in its dialog (default: input 1, rising)
            amp->open();  // the handshake tells the speed mode, hence the rate and the channels
            return DevicePtr(std::move(amp));
        };
        result.push_back(std::move(c));
    }
    return result;
}

namespace {
/// The ActiveTwo: the rate is the AD box's switch; the channels are the montage chosen
/// (loadBiosemiMontage(): by default the four bipolar EX pairs).
AcquisitionConfig biosemiConfig(const DeviceInfo& info, Pacing pacing) {
    AcquisitionConfig cfg;
    cfg.sampleRateHz = info.sampleRatesHz.empty() ? 2048.0 : info.sampleRatesHz.front();
    cfg.pacing = pacing;
    for (const auto& label : loadBiosemiMontage()) {
        ChannelInfo ch;
        ch.label = label;
        ch.sampleRateHz = cfg.sampleRateHz;
        cfg.channels.push_back(ch);
    }
    return cfg;
}
}  // namespace

std::vector<DeviceChoice> defaultDeviceChoices() {
    std::vector<DeviceChoice> result;
    result.push_back(simulatorChoice());
    auto usb = usbChoices();
    result.insert(result.end(), std::make_move_iterator(usb.begin()), std::make_move_iterator(usb.end()));
    return result;
}

AcquisitionConfig makeAcquisitionConfig(const Device& device, std::size_t channels, double sampleRateHz,
                                        Pacing pacing) {
    if (dynamic_cast<const sim::SimulatedAmplifier*>(&device)) {
        // half needle (the selected muscle), half surface (the selected nerve's responses)
        const std::size_t needle = channels >= 2 ? channels / 2 : 1;
        return sim::SimulatedAmplifier::makeConfig(channels, sampleRateHz, needle, pacing);
    }
    AcquisitionConfig cfg;
    const AcquisitionConfig current = device.configuration();
    const DeviceInfo info = device.info();
    if (info.driver == "biosemi") return biosemiConfig(info, pacing);
    cfg.sampleRateHz = sampleRateHz;
    cfg.pacing = pacing;
    cfg.framesPerBlock = current.framesPerBlock;
    for (std::size_t c = 0; c < channels; ++c) {
        ChannelInfo ch;
        if (c < current.channels.size()) {
            ch = current.channels[c];
        } else {
            ch.label = "Ch " + std::to_string(c + 1);
            if (!info.gainsMicrovoltsPerCount.empty()) ch.microvoltsPerCount = info.gainsMicrovoltsPerCount.front();
        }
        ch.sampleRateHz = sampleRateHz;
        cfg.channels.push_back(ch);
    }
    return cfg;
}

}  // namespace emg::ui
