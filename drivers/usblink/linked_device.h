#pragma once
// The life cycle shared by the libusb amplifier drivers (drivers/usb, drivers/biosemi): state and
// last error, opening and claiming through UsbLink, the bulk IN stream's start and stop, a
// disconnect reported from the stream, close() and reopen(). A driver adds its protocol: what
// open() asks the device, configure(), the start/stop commands, decoding (StreamSink::onData).

#include "usb_link.h"

#include <emg/acq/device.h>

#include <mutex>
#include <string>

namespace emg::usblink {

class LinkedDevice : public Device, protected StreamSink {
public:
    LinkedDevice(const LinkedDevice&) = delete;
    LinkedDevice& operator=(const LinkedDevice&) = delete;
    void close() override;
    void stop() override;
    /// After a disconnect: open() again (same port if known) and re-apply configuration().
    /// False when the device is not back yet.
    bool reopen() override;

protected:
    /// name: how logs and errors call the device ("BioSemi receiver", "USB amplifier").
    LinkedDevice(UsbIds ids, std::uint8_t interfaceNumber, std::string name);

    // --- what the driver supplies
    /// The device's stop command after the stream was cancelled (not after a disconnect).
    virtual void sendStopCommand(unsigned timeoutMs) = 0;
    /// After stop(): detach the decoder from the ring, log the run's counters.
    virtual void afterStop() = 0;
    /// close()/reopen(): forget the decoder and the applied configuration.
    virtual void forgetStream() = 0;
    virtual std::string portPath() const = 0;
    /// Frames delivered so far (for the disconnect log line).
    virtual std::uint64_t framesKept() const = 0;

    // --- helpers for the driver
    void setState(DeviceState s, const std::string& error = {});
    DeviceState state() const;
    /// Closed, Disconnected or Error: open() has work to do.
    bool needsOpen() const;
    /// Claims the interface of the opened link; throws "<name>: cannot claim interface N: …".
    void claimOrThrow();
    /// Throws unless configured (the driver's flag) and in state Configured.
    void requireConfigured(bool configured) const;
    /// State Running, then the stream (the state is back to Configured if it cannot start).
    void beginStreaming();
    /// State and last error; the driver adds its counters.
    DeviceStatus baseStatus() const;
    /// For destructors: close() with errors logged, never thrown.
    void closeQuietly() noexcept;

    void onDisconnected(const std::string& why) override;
    void onFatal(const std::string& why) override;

    UsbLink link_;
    const std::string name_;

private:
    mutable std::mutex stateMutex_;
    DeviceState state_ = DeviceState::Closed;
    std::string lastError_;
};

}  // namespace emg::usblink
