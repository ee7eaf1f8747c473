#pragma once
// The libusb driver for the emgws USB amplifier (protocol: docs/usb-protocol.md). The only code
// in the project that includes libusb, and only in usb_device.cpp: this header is libusb-free.
// Several bulk IN transfers (about 10 ms of data each) stay in flight, serviced by a dedicated
// event thread that runs from start() to stop(); frames are decoded straight into the ring.

#include "frame_decoder.h"
#include "usb_protocol.h"

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
struct UsbDeviceEntry {
    std::uint8_t bus = 0;
    std::uint8_t address = 0;
    std::string portPath;   ///< "1-1.4": stable across reconnects to the same socket
    std::string label;      ///< human-readable, e.g. "emgws USB amplifier (bus 1, port 1-1)"
};

/// All devices with our VID/PID. Never throws: an unusable libusb gives an empty list (logged).
std::vector<UsbDeviceEntry> enumerate();
/// True when libusb can report arrivals and removals on this platform.
bool hotplugSupported();

/// Reports arrivals and removals of our devices on its own thread (libusb hotplug). Devices
/// already present are reported as arrivals at construction. Inactive (and silent) where libusb
/// has no hotplug support; then refresh the list with enumerate().
class UsbHotplugWatcher {
public:
    using Callback = std::function<void(const UsbDeviceEntry& device, bool arrived)>;
    explicit UsbHotplugWatcher(Callback callback);
    ~UsbHotplugWatcher();
    UsbHotplugWatcher(const UsbHotplugWatcher&) = delete;
    UsbHotplugWatcher& operator=(const UsbHotplugWatcher&) = delete;
    bool active() const noexcept;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

/// Link counters beyond DeviceStatus.
struct LinkCounters {
    std::uint64_t transfersCompleted = 0;
    std::uint64_t stalls = 0;              ///< bulk endpoint halted; cleared and resumed
    std::uint64_t transferErrors = 0;
    std::uint64_t bytesReceived = 0;
    DecoderCounters decoder;
};

class UsbAmplifier : public Device {
public:
    static constexpr int kTransfersInFlight = 8;

    /// An empty portPath means: the first matching device found by open().
    explicit UsbAmplifier(UsbDeviceEntry entry = {});
    ~UsbAmplifier() override;
    UsbAmplifier(const UsbAmplifier&) = delete;
    UsbAmplifier& operator=(const UsbAmplifier&) = delete;

    DeviceInfo info() const override;
    void open() override;
    void close() override;
    void configure(const AcquisitionConfig& config) override;
    AcquisitionConfig configuration() const override;
    void start(AcquisitionRing& ring) override;
    void stop() override;
    void stimulate(const StimulusCommand& command) override;
    DeviceStatus status() const override;

    /// After a disconnect: find the device again (same port if known), open it, read its
    /// description and re-send the last configuration. Returns false if it is not back yet.
    bool reopen() override;
    /// Electrode impedances in ohms, one per configured channel (not while running).
    std::vector<double> impedanceOhms();
    const proto::Description& description() const noexcept { return description_; }
    LinkCounters linkCounters() const;

    struct Impl;  // libusb state, defined in usb_device.cpp

private:
    void setState(DeviceState s, const std::string& error = {});
    void controlOut(std::uint8_t request, const std::uint8_t* data, std::uint16_t length, unsigned timeoutMs = 1000);
    void eventThreadMain();

    UsbDeviceEntry entry_;
    std::unique_ptr<Impl> impl_;
    proto::Description description_;
    AcquisitionConfig config_;
    proto::Config wireConfig_;
    bool configured_ = false;
    std::unique_ptr<FrameDecoder> decoder_;
    std::thread eventThread_;
    std::atomic<bool> stopEvents_{false};

    mutable std::mutex stateMutex_;
    DeviceState state_ = DeviceState::Closed;
    std::string lastError_;
};

}  // namespace emg::usb
