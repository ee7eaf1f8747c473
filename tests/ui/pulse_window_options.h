#pragma once
// Main-window options for the offscreen GUI tests: the test amplifier with known pulses
// (pulse_device.h) as the only device, no USB watch, no store.

#include "main_window.h"
#include "pulse_device.h"

#include <cstdint>
#include <memory>

namespace emg::test {

inline emg::ui::MainWindowOptions pulseWindowOptions(int channels, double sampleRateHz, std::int64_t clipEvery = 0) {
    emg::ui::MainWindowOptions o;
    emg::ui::DeviceChoice d;
    d.kind = emg::ui::DeviceKind::Custom;
    d.label = "pulse test amplifier";
    d.id = "pulse";
    d.create = [clipEvery] {
        auto dev = std::make_unique<PulseDevice>();
        dev->clipEvery = clipEvery;
        return emg::DevicePtr(std::move(dev));
    };
    o.devices = {d};
    o.watchUsb = false;
    o.openStore = false;
    o.channels = channels;
    o.sampleRateHz = sampleRateHz;
    return o;
}

}  // namespace emg::test
