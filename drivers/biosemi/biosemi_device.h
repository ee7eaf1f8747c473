#pragma once
// The BioSemi ActiveTwo USB2 receiver over libusb (protocol: biosemi_protocol.h, docs/biosemi.md).
// libusb is reached through drivers/usblink (shared with drivers/usb). open() finds the receiver by its USB IDs, selects
// configuration 1, claims interface 0 and runs the start handshake once to learn the speed mode
// and model from the first frames (the rate is set by a switch on the AD box, not by the host).
// start() sends the start command on bulk OUT and keeps several 64 KiB bulk IN transfers in
// flight, serviced by an event thread, decoding straight into the AcquisitionRing.
//
// Stimulation: the ActiveTwo has no stimulator. With an external stimulator whose TTL output is
// wired to a trigger input, its pulses become stimulus events (setExternalStimulator); stimulate()
// then checks the clinician's settings against the engine's bounds and attaches them to the next
// pulses (also across a later configure/start), sending nothing to the hardware.

#include "biosemi_decoder.h"
#include "biosemi_protocol.h"

#include <usblink/linked_device.h>

#include <emg/acq/device.h>
#include <emg/acq/trigger_stimulus.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace emg::biosemi {

/// One receiver on the bus, as the device list shows it.
struct ReceiverEntry : usblink::BusLocation {
    std::string label;  ///< "BioSemi ActiveTwo USB2 receiver (bus 1, port 1-1)"
};
/// The entry for a receiver at this place on the bus (its label).
ReceiverEntry receiverEntry(const usblink::BusLocation& where);

/// All receivers present. Never throws: an unusable libusb gives an empty list (logged).
std::vector<ReceiverEntry> enumerate();
/// True when libusb can report arrivals and removals here.
using usblink::hotplugSupported;

/// Reports arrivals and removals of receivers on its own thread (libusb hotplug); receivers
/// present at construction are reported as arrivals. Inactive where libusb has no hotplug.
class HotplugWatcher : public usblink::EntryHotplugWatcher<ReceiverEntry> {
public:
    explicit HotplugWatcher(Callback callback);
};

/// Link counters beyond DeviceStatus.
using LinkCounters = usblink::LinkCountersOf<DecoderCounters>;

class ActiveTwo : public usblink::LinkedDevice {
public:
    static constexpr int kTransfersInFlight = 4;

    /// An empty portPath means: the first receiver found by open().
    explicit ActiveTwo(ReceiverEntry entry = {});
    ~ActiveTwo() override;

    DeviceInfo info() const override;
    void open() override;
    /// Channel labels: "A1".., "EX1".., "EX1-EX2" (bipolar), "Status". The rate must be the one
    /// the AD box's speed switch gives (info().sampleRatesHz); the scale is always 31.25 nV/count.
    void configure(const AcquisitionConfig& config) override;
    AcquisitionConfig configuration() const override;
    void start(AcquisitionRing& ring) override;
    void stimulate(const StimulusCommand& command) override;
    DeviceStatus status() const override;

    /// Use an external stimulator on a trigger input (before configure()); nullopt: none.
    void setExternalStimulator(std::optional<ExternalStimulatorSettings> settings);
    const std::optional<ExternalStimulatorSettings>& externalStimulator() const noexcept { return external_; }
    /// The receiver's mode as found by open(): model, speed mode, rate, frame layout.
    const std::optional<Layout>& layout() const noexcept { return layout_; }
    /// The Status flags of the last frame seen (CMS in range, battery, triggers).
    Status lastStatus() const;
    LinkCounters linkCounters() const;

private:
    void onData(std::span<const std::uint8_t> bytes) override;
    void sendStopCommand(unsigned timeoutMs) override;
    void afterStop() override;
    void forgetStream() override;
    std::string portPath() const override { return entry_.portPath; }
    std::uint64_t framesKept() const override;
    void sendCommand(std::uint8_t first, unsigned timeoutMs = 1000);
    void probeLayout();

    ReceiverEntry entry_;
    std::optional<Layout> layout_;
    Status probeStatus_;
    AcquisitionConfig config_;
    bool configured_ = false;
    std::optional<ExternalStimulatorSettings> external_;
    std::unique_ptr<TriggerStimulusDetector> trigger_;
    std::optional<StimulusCommand> lastCommand_;  ///< the clinician's last entry (stimulate())
    std::unique_ptr<Decoder> decoder_;
};

}  // namespace emg::biosemi
