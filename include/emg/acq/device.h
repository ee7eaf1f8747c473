#pragma once
// The one interface every signal source implements: the USB amplifier, the built-in simulator,
// the replay of a recorded session. A device pushes blocks into the AcquisitionRing from its
// own thread; it never allocates, locks or logs per block.

#include <emg/acq/acquisition_ring.h>
#include <emg/acq/stimulator.h>
#include <emg/core/sample_types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace emg {

struct DeviceInfo {
    std::string driver;              ///< "sim", "usb", "replay"
    std::string name;                ///< human-readable model name
    std::string serial;
    std::string firmwareVersion;
    std::uint16_t maxChannels = 0;
    std::vector<double> sampleRatesHz;     ///< supported rates
    std::vector<double> gainsMicrovoltsPerCount; ///< selectable input ranges as scale factors
    std::uint8_t adcBits = 24;
    StimulatorLimits stimulator;
    /// The stimulator in use, for the stimulator panel: "" = the amplifier's own. An external
    /// stimulator (triggering itself, its TTL pulses read on a trigger input) is named here with
    /// its input; stimulate() then sets what the next pulses are recorded with, delivering nothing.
    std::string stimulatorName;
    bool stimulatorExternal = false;
};

/// How a source paces its output. Real hardware is always RealTime.
enum class Pacing : std::uint8_t {
    RealTime,     ///< blocks arrive on the wall clock
    FreeRunning,  ///< as fast as the consumer takes them (sim/replay only; waits on a full ring)
};

struct AcquisitionConfig {
    double sampleRateHz = 20000.0;
    std::vector<ChannelInfo> channels;   ///< size = channel count; sampleRateHz copied to each
    std::uint32_t framesPerBlock = 0;    ///< 0 = device default (~10 ms of data)
    Pacing pacing = Pacing::RealTime;
};

enum class DeviceState : std::uint8_t { Closed, Open, Configured, Running, Error, Disconnected };

const char* toString(DeviceState state) noexcept;

/// Counters a device keeps about its own link (the engine keeps its own on top).
struct DeviceStatus {
    DeviceState state = DeviceState::Closed;
    std::uint64_t blocksProduced = 0;
    std::uint64_t framesProduced = 0;
    std::uint64_t blocksDroppedRingFull = 0;  ///< producer found the ring full and dropped the block
    std::uint64_t framesDroppedRingFull = 0;
    std::uint64_t badFrames = 0;              ///< CRC/format errors on the link (USB)
    std::uint64_t sequenceGaps = 0;           ///< gaps seen on the link (USB)
    std::string lastError;
};

class Device {
public:
    virtual ~Device() = default;

    virtual DeviceInfo info() const = 0;
    /// Open the device; throws std::runtime_error with a clear message on failure.
    virtual void open() = 0;
    virtual void close() = 0;
    /// Validate and apply; throws std::invalid_argument for an out-of-range setting.
    virtual void configure(const AcquisitionConfig& config) = 0;
    virtual AcquisitionConfig configuration() const = 0;
    /// Start pushing blocks into `ring` from the device's own thread.
    virtual void start(AcquisitionRing& ring) = 0;
    virtual void stop() = 0;
    /// Deliver a stimulus (or train). The command is checked with validateStimulus() first;
    /// throws std::invalid_argument with the reason if refused. The delivered event(s) appear
    /// in the ring's stimulus queue on the sample clock.
    virtual void stimulate(const StimulusCommand& command) = 0;
    virtual DeviceStatus status() const = 0;
    /// After a disconnect (state Disconnected): find the device again, open it and re-apply the
    /// last configuration, leaving it Configured. Returns false while it is not back (or for
    /// sources that cannot come back).
    virtual bool reopen() { return false; }
};

using DevicePtr = std::unique_ptr<Device>;

}  // namespace emg
