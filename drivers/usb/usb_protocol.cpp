#include "usb_protocol.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace emg::usb::proto {

namespace {

void put16(std::uint8_t* p, std::uint16_t v) {
    p[0] = static_cast<std::uint8_t>(v);
    p[1] = static_cast<std::uint8_t>(v >> 8);
}
void put32(std::uint8_t* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put64(std::uint8_t* p, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint16_t get16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }
std::uint32_t get32(const std::uint8_t* p) {
    return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) | (std::uint32_t{p[3]} << 24);
}
std::uint64_t get64(const std::uint8_t* p) { return std::uint64_t{get32(p)} | (std::uint64_t{get32(p + 4)} << 32); }

constexpr std::array<std::uint32_t, 256> makeCrcTable() {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1u) ? (0xEDB88320u ^ (c >> 1)) : (c >> 1);
        t[i] = c;
    }
    return t;
}
constexpr auto kCrcTable = makeCrcTable();

}  // namespace

StimulatorLimits Description::stimulatorLimits() const {
    StimulatorLimits l;
    l.present = stimulatorPresent;
    l.maxIntensityMa = stimMaxIntensityUa / 1000.0;
    l.minPulseWidthMs = stimMinWidthUs / 1000.0;
    l.maxPulseWidthMs = stimMaxWidthUs / 1000.0;
    l.maxTrainRateHz = stimMaxRateCentiHz / 100.0;
    l.maxTrainCount = stimMaxTrainCount;
    return l;
}

std::string Description::firmwareVersion() const {
    return std::to_string(firmwareMajor) + "." + std::to_string(firmwareMinor) + "." + std::to_string(firmwarePatch);
}

std::array<std::uint8_t, kDescriptionBytes> encodeDescription(const Description& d) {
    if (d.ratesHz.size() > kMaxRates || d.gainsNvPerCount.size() > kMaxGains)
        throw std::invalid_argument("USB description: too many rates or gains");
    std::array<std::uint8_t, kDescriptionBytes> b{};
    put16(&b[0], d.protocolVersion);
    b[2] = d.channelCount;
    b[3] = d.adcBits;
    b[4] = static_cast<std::uint8_t>(d.ratesHz.size());
    b[5] = static_cast<std::uint8_t>(d.gainsNvPerCount.size());
    b[6] = d.stimulatorPresent ? 1 : 0;
    for (std::size_t i = 0; i < d.ratesHz.size(); ++i) put32(&b[8 + 4 * i], d.ratesHz[i]);
    for (std::size_t i = 0; i < d.gainsNvPerCount.size(); ++i) put32(&b[40 + 4 * i], d.gainsNvPerCount[i]);
    put32(&b[56], d.stimMaxIntensityUa);
    put16(&b[60], d.stimMinWidthUs);
    put16(&b[62], d.stimMaxWidthUs);
    put16(&b[64], d.stimMaxRateCentiHz);
    put16(&b[66], d.stimMaxTrainCount);
    b[68] = d.firmwareMajor;
    b[69] = d.firmwareMinor;
    put16(&b[70], d.firmwarePatch);
    return b;
}

Description decodeDescription(std::span<const std::uint8_t> b) {
    if (b.size() < kDescriptionBytes)
        throw std::runtime_error("USB description: " + std::to_string(b.size()) + " bytes, expected " +
                                 std::to_string(kDescriptionBytes));
    Description d;
    d.protocolVersion = get16(&b[0]);
    d.channelCount = b[2];
    d.adcBits = b[3];
    const std::size_t rates = b[4], gains = b[5];
    if (d.protocolVersion != kProtocolVersion)
        throw std::runtime_error("USB description: protocol version " + std::to_string(d.protocolVersion) +
                                 " is not supported (expected " + std::to_string(kProtocolVersion) + ")");
    if (d.channelCount == 0 || d.channelCount > kMaxChannels || rates == 0 || rates > kMaxRates || gains == 0 ||
        gains > kMaxGains || d.adcBits == 0 || d.adcBits > 24)
        throw std::runtime_error("USB description: inconsistent channel, rate, gain or ADC counts");
    d.stimulatorPresent = b[6] != 0;
    for (std::size_t i = 0; i < rates; ++i) d.ratesHz.push_back(get32(&b[8 + 4 * i]));
    for (std::size_t i = 0; i < gains; ++i) d.gainsNvPerCount.push_back(get32(&b[40 + 4 * i]));
    d.stimMaxIntensityUa = get32(&b[56]);
    d.stimMinWidthUs = get16(&b[60]);
    d.stimMaxWidthUs = get16(&b[62]);
    d.stimMaxRateCentiHz = get16(&b[64]);
    d.stimMaxTrainCount = get16(&b[66]);
    d.firmwareMajor = b[68];
    d.firmwareMinor = b[69];
    d.firmwarePatch = get16(&b[70]);
    return d;
}

std::vector<std::uint8_t> encodeConfig(const Config& c) {
    std::vector<std::uint8_t> b(configBytes(c.channels.size()), 0);
    put32(&b[0], c.rateHz);
    put32(&b[4], c.channelMask);
    put16(&b[8], c.samplesPerFrame);
    for (std::size_t i = 0; i < c.channels.size(); ++i) {
        std::uint8_t* p = &b[12 + 8 * i];
        p[0] = c.channels[i].gainIndex;
        put16(p + 2, c.channels[i].highPassDeciHz);
        put16(p + 4, c.channels[i].lowPassHz);
    }
    return b;
}

Config decodeConfig(std::span<const std::uint8_t> b) {
    if (b.size() < 12) throw std::runtime_error("USB config: too short");
    Config c;
    c.rateHz = get32(&b[0]);
    c.channelMask = get32(&b[4]);
    c.samplesPerFrame = get16(&b[8]);
    const auto n = static_cast<std::size_t>(__builtin_popcount(c.channelMask));
    if (b.size() != configBytes(n)) throw std::runtime_error("USB config: length does not match the channel mask");
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint8_t* p = &b[12 + 8 * i];
        c.channels.push_back({p[0], get16(p + 2), get16(p + 4)});
    }
    return c;
}

StimulusWire toWire(const StimulusCommand& cmd) {
    StimulusWire s;
    s.intensityUa = static_cast<std::uint32_t>(std::lround(cmd.intensityMa * 1000.0));
    s.pulseWidthUs = static_cast<std::uint16_t>(std::lround(cmd.pulseWidthMs * 1000.0));
    s.trainCount = cmd.trainCount;
    s.trainRateCentiHz = cmd.trainCount > 1 ? static_cast<std::uint16_t>(std::lround(cmd.trainRateHz * 100.0)) : 0;
    s.polarity = cmd.polarity == StimPolarity::CathodeDistal ? 0 : 1;
    return s;
}

std::array<std::uint8_t, kStimulusBytes> encodeStimulus(const StimulusWire& s) {
    std::array<std::uint8_t, kStimulusBytes> b{};
    put32(&b[0], s.intensityUa);
    put16(&b[4], s.pulseWidthUs);
    put16(&b[6], s.trainCount);
    put16(&b[8], s.trainRateCentiHz);
    b[10] = s.polarity;
    return b;
}

StimulusWire decodeStimulus(std::span<const std::uint8_t> b) {
    if (b.size() != kStimulusBytes) throw std::runtime_error("USB stimulus: wrong length");
    return {get32(&b[0]), get16(&b[4]), get16(&b[6]), get16(&b[8]), b[10]};
}

std::uint32_t framesPerTransfer(std::uint32_t rateHz, std::uint16_t samplesPerFrame) {
    if (rateHz == 0 || samplesPerFrame == 0) return 1;
    const double framesPer10Ms = rateHz * 0.010 / samplesPerFrame;
    return static_cast<std::uint32_t>(std::clamp<long>(std::lround(framesPer10Ms), 1, 64));
}

std::uint16_t defaultSamplesPerFrame(std::uint32_t rateHz, std::size_t channels) {
    long n = std::lround(rateHz / 1000.0);
    // keep a frame under 16 KiB
    const long maxByBytes = static_cast<long>((16384 - kFrameHeaderBytes - kFrameCrcBytes) / (3 * std::max<std::size_t>(channels, 1)));
    return static_cast<std::uint16_t>(std::clamp<long>(n, 1, std::min<long>(512, std::max<long>(maxByBytes, 1))));
}

std::uint32_t crc32(std::span<const std::uint8_t> bytes, std::uint32_t crc) noexcept {
    crc = ~crc;
    for (const std::uint8_t b : bytes) crc = kCrcTable[(crc ^ b) & 0xFFu] ^ (crc >> 8);
    return ~crc;
}

void encodeFrame(const FrameHeader& h, std::span<const std::int32_t> interleaved, std::uint8_t* out) noexcept {
    put32(out, kFrameMagic);
    out[4] = kFrameVersion;
    out[5] = h.flags;
    out[6] = h.channelCount;
    out[7] = 0;
    put32(out + 8, h.sequence);
    put64(out + 12, static_cast<std::uint64_t>(h.firstSampleIndex));
    put16(out + 20, h.sampleFrames);
    put16(out + 22, h.stimOffset);
    put32(out + 24, h.stimDeliveredUa);
    put32(out + 28, h.leadsOffMask);
    const std::size_t n = std::size_t{h.channelCount} * h.sampleFrames;
    std::uint8_t* p = out + kFrameHeaderBytes;
    for (std::size_t i = 0; i < n; ++i, p += 3)
        put24(p, std::clamp<std::int32_t>(i < interleaved.size() ? interleaved[i] : 0, -8388608, 8388607));
    const std::size_t body = kFrameHeaderBytes + 3 * n;
    put32(out + body, crc32({out, body}));
}

bool parseHeader(const std::uint8_t* p, FrameHeader& h) noexcept {
    if (get32(p) != kFrameMagic || p[4] != kFrameVersion) return false;
    h.flags = p[5];
    h.channelCount = p[6];
    h.sequence = get32(p + 8);
    h.firstSampleIndex = static_cast<std::int64_t>(get64(p + 12));
    h.sampleFrames = get16(p + 20);
    h.stimOffset = get16(p + 22);
    h.stimDeliveredUa = get32(p + 24);
    h.leadsOffMask = get32(p + 28);
    return h.channelCount >= 1 && h.channelCount <= kMaxChannels && h.sampleFrames >= 1 && h.sampleFrames <= 4096 &&
           h.firstSampleIndex >= 0 && (!(h.flags & kFrameStimulus) || h.stimOffset < h.sampleFrames);
}

}  // namespace emg::usb::proto
