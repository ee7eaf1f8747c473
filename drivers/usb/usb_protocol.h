#pragma once
// The emgws USB amplifier protocol (docs/usb-protocol.md), without libusb: identifiers, control
// request codes and payloads, the bulk frame layout, CRC-32 and 24-bit packing. Everything is
// little-endian on the wire. The driver (usb_device.cpp), the test fixture generator and the
// decoder benchmark all use this one file so they cannot drift apart.

#include <emg/acq/stimulator.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace emg::usb::proto {

// ------------------------------------------------------------------ identification
inline constexpr std::uint16_t kVendorId = 0x1209;   ///< pid.codes open-hardware vendor ID
inline constexpr std::uint16_t kProductId = 0xE3C0;  ///< provisional, not yet allocated by pid.codes
inline constexpr std::uint8_t kInterface = 0;
inline constexpr std::uint8_t kBulkInEndpoint = 0x81;
inline constexpr std::uint16_t kBulkMaxPacket = 512;  ///< USB 2.0 high-speed bulk
inline constexpr std::uint16_t kProtocolVersion = 1;

// ------------------------------------------------------------------ control requests
/// bmRequestType: vendor, recipient interface; direction bit 0x80 for IN.
inline constexpr std::uint8_t kRequestTypeOut = 0x41;
inline constexpr std::uint8_t kRequestTypeIn = 0xC1;

enum Request : std::uint8_t {
    kGetDescription = 0x01,  ///< IN, kDescriptionBytes
    kSetConfig = 0x02,       ///< OUT, configBytes(channels)
    kStart = 0x03,           ///< OUT, no data
    kStop = 0x04,            ///< OUT, no data
    kImpedance = 0x05,       ///< IN, 4 bytes per channel: impedance in ohms (u32), measured on request
    kStimulate = 0x06,       ///< OUT, kStimulusBytes
};

inline constexpr std::size_t kMaxChannels = 32;
inline constexpr std::size_t kMaxRates = 8;
inline constexpr std::size_t kMaxGains = 4;

/// Answer to kGetDescription (kDescriptionBytes on the wire).
struct Description {
    std::uint16_t protocolVersion = kProtocolVersion;
    std::uint8_t channelCount = 0;
    std::uint8_t adcBits = 24;
    std::vector<std::uint32_t> ratesHz;          ///< at most kMaxRates
    std::vector<std::uint32_t> gainsNvPerCount;  ///< at most kMaxGains, nanovolts per count
    bool stimulatorPresent = true;
    std::uint32_t stimMaxIntensityUa = 100000;
    std::uint16_t stimMinWidthUs = 50;
    std::uint16_t stimMaxWidthUs = 1000;
    std::uint16_t stimMaxRateCentiHz = 5000;
    std::uint16_t stimMaxTrainCount = 100;
    std::uint8_t firmwareMajor = 0, firmwareMinor = 0;
    std::uint16_t firmwarePatch = 0;

    StimulatorLimits stimulatorLimits() const;
    std::string firmwareVersion() const;
};
inline constexpr std::size_t kDescriptionBytes = 80;
std::array<std::uint8_t, kDescriptionBytes> encodeDescription(const Description& d);
/// Throws std::runtime_error on a short or inconsistent description.
Description decodeDescription(std::span<const std::uint8_t> bytes);

/// Payload of kSetConfig.
struct ChannelConfig {
    std::uint8_t gainIndex = 0;          ///< into Description::gainsNvPerCount
    std::uint16_t highPassDeciHz = 0;    ///< hardware high-pass corner in 0.1 Hz, 0 = DC
    std::uint16_t lowPassHz = 0;         ///< hardware low-pass corner in Hz, 0 = none
};
struct Config {
    std::uint32_t rateHz = 0;
    std::uint32_t channelMask = 0;       ///< bit i = physical channel i enabled
    std::uint16_t samplesPerFrame = 0;   ///< time points per bulk frame
    std::vector<ChannelConfig> channels; ///< one per enabled channel, in channel order
};
inline constexpr std::size_t configBytes(std::size_t enabledChannels) { return 12 + 8 * enabledChannels; }
std::vector<std::uint8_t> encodeConfig(const Config& c);
Config decodeConfig(std::span<const std::uint8_t> bytes);

/// Payload of kStimulate.
struct StimulusWire {
    std::uint32_t intensityUa = 0;
    std::uint16_t pulseWidthUs = 0;
    std::uint16_t trainCount = 1;
    std::uint16_t trainRateCentiHz = 0;
    std::uint8_t polarity = 0;           ///< 0 cathode distal, 1 cathode proximal
};
inline constexpr std::size_t kStimulusBytes = 12;
/// Converts a (validated) command to wire units, rounding to the nearest unit.
StimulusWire toWire(const StimulusCommand& cmd);
std::array<std::uint8_t, kStimulusBytes> encodeStimulus(const StimulusWire& s);
StimulusWire decodeStimulus(std::span<const std::uint8_t> bytes);

// ------------------------------------------------------------------ bulk frames
inline constexpr std::uint32_t kFrameMagic = 0x464D4745;  ///< bytes 'E' 'G' 'M' 'F'
inline constexpr std::uint8_t kFrameVersion = 1;
inline constexpr std::size_t kFrameHeaderBytes = 32;
inline constexpr std::size_t kFrameCrcBytes = 4;

enum FrameFlags : std::uint8_t {
    kFrameStimulus = 1u << 0,        ///< a pulse started in this frame (offset, delivered current valid)
    kFrameClipping = 1u << 1,        ///< at least one sample at the ADC limits
    kFrameLeadsOff = 1u << 2,        ///< leadsOffMask non-zero
    kFrameOverrun = 1u << 3,         ///< the device lost samples before this frame (its FIFO overflowed)
};

struct FrameHeader {
    std::uint8_t flags = 0;
    std::uint8_t channelCount = 0;
    std::uint16_t sampleFrames = 0;      ///< time points in this frame
    std::uint32_t sequence = 0;          ///< +1 per frame, wraps at 2^32
    std::int64_t firstSampleIndex = 0;   ///< sample-clock index of the first time point
    std::uint16_t stimOffset = 0;        ///< time point (0..sampleFrames-1) at which the pulse started
    std::uint32_t stimDeliveredUa = 0;   ///< measured pulse current, µA
    std::uint32_t leadsOffMask = 0;      ///< bit i = enabled channel i has an electrode off
};

inline constexpr std::size_t frameBytes(std::size_t channels, std::size_t sampleFrames) {
    return kFrameHeaderBytes + 3 * channels * sampleFrames + kFrameCrcBytes;
}
/// Frames per bulk transfer so that one transfer holds about 10 ms of data (at least 1).
std::uint32_t framesPerTransfer(std::uint32_t rateHz, std::uint16_t samplesPerFrame);
/// Time points per frame the host asks for: about 1 ms of data, 1..512.
std::uint16_t defaultSamplesPerFrame(std::uint32_t rateHz, std::size_t channels);

/// CRC-32 (IEEE 802.3: reflected polynomial 0xEDB88320, init and final xor 0xFFFFFFFF).
std::uint32_t crc32(std::span<const std::uint8_t> bytes, std::uint32_t crc = 0) noexcept;

/// 24-bit two's complement, little-endian.
inline void put24(std::uint8_t* p, std::int32_t v) noexcept {
    const auto u = static_cast<std::uint32_t>(v);
    p[0] = static_cast<std::uint8_t>(u);
    p[1] = static_cast<std::uint8_t>(u >> 8);
    p[2] = static_cast<std::uint8_t>(u >> 16);
}
inline std::int32_t get24(const std::uint8_t* p) noexcept {
    const std::uint32_t u = p[0] | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16);
    return static_cast<std::int32_t>(u << 8) >> 8;  // sign-extend bit 23
}

/// Writes one frame (header, samples interleaved by channel, CRC) at `out`, which must hold
/// frameBytes(h.channelCount, h.sampleFrames). Samples are clamped to the 24-bit range.
void encodeFrame(const FrameHeader& h, std::span<const std::int32_t> interleaved, std::uint8_t* out) noexcept;

/// Parses a header at p (kFrameHeaderBytes available); false if the magic, version or sizes are wrong.
bool parseHeader(const std::uint8_t* p, FrameHeader& h) noexcept;

}  // namespace emg::usb::proto
