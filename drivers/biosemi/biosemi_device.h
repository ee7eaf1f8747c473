#pragma once
// The BioSemi ActiveTwo USB2 receiver over libusb (protocol: biosemi_protocol.h, docs/biosemi.md).
// libusb is included only in biosemi_device.cpp. open() finds the receiver by its USB IDs, selects
// configuration 1, claims interface 0 and runs the start handshake once to learn the speed mode
// and model from the first frames (the rate is set by a switch on the AD box, not by the host).
// start() sends the start command on bulk OUT and keeps several 64 KiB bulk IN transfers in
// flight, serviced by an event thread, decoding straight into the AcquisitionRing.
//
// Stimulation: the ActiveTwo has no stimulator. With an external stimulator whose TTL output is
// wired to a trigger input, its pulses become stimulus events (setExternalStimulator); stimulate()
// then checks the clinician's settings against the engine's bounds and attaches them to the next
// pulses, sending nothing to the hardware.

#include "biosemi_decoder.h"
#include "biosemi_protocol.h"

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
struct ReceiverEntry {
    std::uint8_t bus = 0;
    std::uint8_t address = 0;
    std::string portPath;   ///< "1-1.4": stable across reconnects to the same socket
    std::string label;      ///< "BioSemi ActiveTwo USB2 receiver (bus 1, port 1-1)"
};

/// All receivers present. Never throws: an unusable libusb gives an empty list (logged).
std::vector<ReceiverEntry> enumerate();
/// True when libusb can report arrivals and removals here.
bool hotplugSupported();

/// Reports arrivals and removals of receivers on its own thread (libusb hotplug); receivers
/// present at construction are reported as arrivals. Inactive where libusb has no hotplug.
class HotplugWatcher {
public:
    using Callback = std::function<void(const ReceiverEntry& receiver, bool arrived)>;
    explicit HotplugWatcher(Callback callback);
    ~HotplugWatcher();
    HotplugWatcher(const HotplugWatcher&) = delete;
    HotplugWatcher& operator=(const HotplugWatcher&) = delete;
    bool active() const noexcept;
    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

struct LinkCounters {
    std::uint64_t transfersCompleted = 0;
    std::uint64_t transfersResubmitted = 0;  ///< completions whose transfer went back in flight
    std::uint64_t transferErrors = 0;
    std::uint64_t bytesReceived = 0;
    DecoderCounters decoder;
};

class ActiveTwo : public Device {
public:
    static constexpr int kTransfersInFlight = 4;

    /// An empty portPath means: the first receiver found by open().
    explicit ActiveTwo(ReceiverEntry entry = {});
    ~ActiveTwo() override;
    ActiveTwo(const ActiveTwo&) = delete;
    ActiveTwo& operator=(const ActiveTwo&) = delete;

    DeviceInfo info() const override;
    void open() override;
    void close() override;
    /// Channel labels: "A1".., "EX1".., "EX1-EX2" (bipolar), "Status". The rate must be the one
    /// the AD box's speed switch gives (info().sampleRatesHz); the scale is always 31.25 nV/count.
    void configure(const AcquisitionConfig& config) override;
    AcquisitionConfig configuration() const override;
    void start(AcquisitionRing& ring) override;
    void stop() override;
    void stimulate(const StimulusCommand& command) override;
    DeviceStatus status() const override;
    bool reopen() override;

    /// Use an external stimulator on a trigger input (before configure()); nullopt: none.
    void setExternalStimulator(std::optional<ExternalStimulatorSettings> settings);
    const std::optional<ExternalStimulatorSettings>& externalStimulator() const noexcept { return external_; }
    /// The receiver's mode as found by open(): model, speed mode, rate, frame layout.
    const std::optional<Layout>& layout() const noexcept { return layout_; }
    /// The Status flags of the last frame seen (CMS in range, battery, triggers).
    Status lastStatus() const;
    LinkCounters linkCounters() const;

    struct Impl;  // libusb state, defined in biosemi_device.cpp

private:
    void setState(DeviceState s, const std::string& error = {});
    void sendCommand(std::uint8_t first, unsigned timeoutMs = 1000);
    void probeLayout();
    void eventThreadMain();

    ReceiverEntry entry_;
    std::unique_ptr<Impl> impl_;
    std::optional<Layout> layout_;
    Status probeStatus_;
    AcquisitionConfig config_;
    bool configured_ = false;
    std::optional<ExternalStimulatorSettings> external_;
    std::unique_ptr<TriggerStimulusDetector> trigger_;
    std::unique_ptr<Decoder> decoder_;
    std::thread eventThread_;
    std::atomic<bool> stopEvents_{false};

    mutable std::mutex stateMutex_;
    DeviceState state_ = DeviceState::Closed;
    std::string lastError_;
};

}  // namespace emg::biosemi
