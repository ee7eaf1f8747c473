#pragma once
// The emulated amplifier shared by the fixture generator (which writes what the device sends)
// and the umockdev tests (which check what arrived): description, configuration, sample values
// and the scenarios, all built from drivers/usb/usb_protocol.h so they cannot drift.

#include <usb/usb_protocol.h>

#include <emg/acq/device.h>

#include <cstdint>
#include <string>

namespace emg::usb::test {

inline proto::Description amplifierDescription() {
    proto::Description d;
    d.channelCount = 8;
    d.adcBits = 24;
    d.ratesHz = {2000, 5000, 10000, 20000, 48000};
    d.gainsNvPerCount = {50, 100, 500, 1000};  // 0.05 .. 1 µV per count
    d.stimulatorPresent = true;
    d.stimMaxIntensityUa = 100000;             // 100 mA
    d.stimMinWidthUs = 50;
    d.stimMaxWidthUs = 1000;
    d.stimMaxRateCentiHz = 5000;               // 50 Hz
    d.stimMaxTrainCount = 100;
    d.firmwareMajor = 1;
    d.firmwareMinor = 2;
    d.firmwarePatch = 3;
    return d;
}

inline constexpr std::uint32_t kRateHz = 10000;
inline constexpr std::size_t kChannels = 4;

/// The host's configuration in the tests: 4 channels, 10 kHz, 0.1 µV/count, 2 Hz–3 kHz.
inline AcquisitionConfig hostConfig() {
    AcquisitionConfig c;
    c.sampleRateHz = kRateHz;
    for (std::size_t i = 0; i < kChannels; ++i) {
        ChannelInfo ch;
        ch.label = "ch" + std::to_string(i + 1);
        ch.microvoltsPerCount = 0.1;
        ch.highPassHz = 2.0;
        ch.lowPassHz = 3000.0;
        c.channels.push_back(ch);
    }
    return c;
}

/// What the device expects to receive for hostConfig().
inline proto::Config wireConfig() {
    proto::Config w;
    w.rateHz = kRateHz;
    w.channelMask = (1u << kChannels) - 1;
    w.samplesPerFrame = proto::defaultSamplesPerFrame(kRateHz, kChannels);
    for (std::size_t i = 0; i < kChannels; ++i) w.channels.push_back({1, 20, 3000});
    return w;
}

/// Sample value of the emulated device: covers the whole signed 24-bit range, both signs.
inline std::int32_t sampleAt(std::int64_t sampleIndex, std::size_t channel) {
    const std::int64_t v = (sampleIndex * 7919 + static_cast<std::int64_t>(channel) * 1048573) % 16777216;
    return static_cast<std::int32_t>(v - 8388608);
}

/// Impedances the emulated device reports (ohms).
inline std::uint32_t impedanceOhmsAt(std::size_t channel) { return 2000 + 1500 * static_cast<std::uint32_t>(channel); }

enum class Scenario { Describe, Stream, Corrupt, Gap, Stimulus, Stall, Disconnect };

struct ScenarioSpec {
    const char* name;
    Scenario kind;
    std::uint32_t frames;        ///< bulk frames the device sends (before any disconnect)
    std::uint32_t specialFrame;  ///< frame index the scenario acts on
};

inline constexpr ScenarioSpec kScenarios[] = {
    {"describe", Scenario::Describe, 0, 0},
    {"stream", Scenario::Stream, 5000, 0},
    {"corrupt", Scenario::Corrupt, 400, 150},     // frame 150 has one flipped sample bit
    {"gap", Scenario::Gap, 400, 200},             // frames 200..204 never sent
    {"stimulus", Scenario::Stimulus, 300, 100},   // frame 100 reports the pulse
    {"stall", Scenario::Stall, 400, 20},          // transfer 20 ends with a STALL
    {"disconnect", Scenario::Disconnect, 200, 0}, // every transfer in flight then fails with ENODEV
};
inline constexpr std::uint32_t kGapFrames = 5;
inline constexpr std::uint16_t kStimOffset = 3;
inline constexpr std::uint32_t kStimDeliveredUa = 24870;  // 24.87 mA measured for 25 mA requested
inline constexpr double kStimRequestedMa = 25.0;
inline constexpr double kStimWidthMs = 0.2;
inline constexpr std::uint32_t kStimAfterTransfer = 5;     // STIMULATE is sent after 60 frames
inline constexpr std::uint32_t kFramesAfterReconnect = 50;

/// sysfs path of the emulated device (umockdev-run -p PATH=file.pcap).
inline constexpr const char* kSysfsPath = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1";

}  // namespace emg::usb::test
