#pragma once
// The libusb driver for the emgws USB amplifier (protocol: docs/usb-protocol.md). libusb is reached
// through drivers/usblink (shared with drivers/biosemi): this header is libusb-free.
// Several bulk IN transfers (about 10 ms of data each) stay in flight, serviced by a dedicated
// event thread that runs from start() to stop(); frames are decoded straight into the ring.

#include "frame_decoder.h"
#include "usb_protocol.h"

#include <usblink/linked_device.h>

#include <emg/acq/device.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace emg::usb {

/// One matching device on the bus, as shown in the GUI's device list.
struct UsbDeviceEntry : usblink::BusLocation {
    std::string label;  ///< human-readable, e.g. "emgws USB amplifier (bus 1, port 1-1)"
};
/// The entry for an amplifier at this place on the bus (its label).
UsbDeviceEntry amplifierEntry(const usblink::BusLocation& where);

/// All devices with our VID/PID. Never throws: an unusable libusb gives an empty list (logged).
std::vector<UsbDeviceEntry> enumerate();
/// True when libusb can report arrivals and removals on this platform.
using usblink::hotplugSupported;

/// Reports arrivals and removals of our devices on its own thread (libusb hotplug). Devices
/// already present are reported as arrivals at construction. Inactive (and silent) where libusb
/// has no hotplug support; then refresh the list with enumerate().
class UsbHotplugWatcher : public usblink::EntryHotplugWatcher<UsbDeviceEntry> {
public:
    explicit UsbHotplugWatcher(Callback callback);
};

/// Link counters beyond DeviceStatus.
using LinkCounters = usblink::LinkCountersOf<DecoderCounters>;

class UsbAmplifier : public usblink::LinkedDevice {
public:
    static constexpr int kTransfersInFlight = 8;

    /// An empty portPath means: the first matching device found by open().
    explicit UsbAmplifier(UsbDeviceEntry entry = {});
    ~UsbAmplifier() override;

    DeviceInfo info() const override;
    void open() override;
    void configure(const AcquisitionConfig& config) override;
    AcquisitionConfig configuration() const override;
    void start(AcquisitionRing& ring) override;
    void stimulate(const StimulusCommand& command) override;
    DeviceStatus status() const override;

    // reopen() (LinkedDevice): after a disconnect, find the device again (same port if known),
    // open it, read its description and re-send the last configuration.
    /// Electrode impedances in ohms, one per configured channel (not while running).
    std::vector<double> impedanceOhms();
    const proto::Description& description() const noexcept { return description_; }
    LinkCounters linkCounters() const;

private:
    void onData(std::span<const std::uint8_t> bytes) override;
    void sendStopCommand(unsigned timeoutMs) override;
    void afterStop() override;
    void forgetStream() override;
    std::string portPath() const override { return entry_.portPath; }
    std::uint64_t framesKept() const override;
    void controlOut(std::uint8_t request, const std::uint8_t* data, std::uint16_t length, unsigned timeoutMs = 1000);

    UsbDeviceEntry entry_;
    proto::Description description_;
    AcquisitionConfig config_;
    proto::Config wireConfig_;
    bool configured_ = false;
    std::unique_ptr<FrameDecoder> decoder_;
};

}  // namespace emg::usb
