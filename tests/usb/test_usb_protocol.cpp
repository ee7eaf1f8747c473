// Pure tests of the USB protocol code and the frame decoder (no libusb, no umockdev).

#include <usb/frame_decoder.h>
#include <usb/usb_protocol.h>

#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

using namespace emg;
using namespace emg::usb;

namespace {

constexpr std::uint16_t kCh = 3;
constexpr std::uint16_t kSpf = 8;

std::int32_t value(std::int64_t index, std::size_t ch) {
    return static_cast<std::int32_t>(((index * 104729 + static_cast<std::int64_t>(ch) * 7) % 16777216) - 8388608);
}

/// Frames [first, first+count) with sequence = frame number (optionally offset), appended to out.
void appendFrames(std::vector<std::uint8_t>& out, std::uint32_t first, std::uint32_t count, std::uint32_t seqBase = 0,
                  std::uint8_t flags = 0) {
    std::vector<std::int32_t> s(kCh * kSpf);
    for (std::uint32_t f = first; f < first + count; ++f) {
        proto::FrameHeader h;
        h.channelCount = kCh;
        h.sampleFrames = kSpf;
        h.sequence = seqBase + f;
        h.firstSampleIndex = std::int64_t{f} * kSpf;
        h.flags = flags;
        if (flags & proto::kFrameStimulus) {
            h.stimOffset = 5;
            h.stimDeliveredUa = 9950;
        }
        for (std::size_t t = 0; t < kSpf; ++t)
            for (std::size_t c = 0; c < kCh; ++c) s[t * kCh + c] = value(h.firstSampleIndex + std::int64_t(t), c);
        const auto at = out.size();
        out.resize(at + proto::frameBytes(kCh, kSpf));
        proto::encodeFrame(h, s, out.data() + at);
    }
}

struct Popped {
    std::vector<BlockHeader> headers;
    std::size_t mismatches = 0;
    std::vector<StimulusEvent> stimuli;
};

Popped popAll(AcquisitionRing& ring) {
    Popped p;
    BlockHeader h;
    StimulusEvent e;
    while (ring.popStimulus(e)) p.stimuli.push_back(e);
    while (ring.popHeader(h)) {
        const std::size_t n = std::size_t{h.sampleFrames} * h.channelCount;
        auto sp = ring.peekSamples(n);
        REQUIRE(sp.size() == n);
        std::vector<std::int32_t> v(sp.first.begin(), sp.first.end());
        v.insert(v.end(), sp.second.begin(), sp.second.end());
        for (std::size_t t = 0; t < h.sampleFrames; ++t)
            for (std::size_t c = 0; c < kCh; ++c)
                p.mismatches += v[t * kCh + c] != value(h.firstSampleIndex + std::int64_t(t), c);
        ring.releaseSamples(n);
        p.headers.push_back(h);
    }
    return p;
}

}  // namespace

TEST_CASE("CRC-32 matches the IEEE 802.3 check value", "[usb][protocol]") {
    const std::string check = "123456789";
    const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(check.data()), check.size());
    CHECK(proto::crc32(bytes) == 0xCBF43926u);  // the standard CRC-32 check value
    CHECK(proto::crc32({}) == 0u);
    // incremental computation equals one pass
    CHECK(proto::crc32(bytes.subspan(4), proto::crc32(bytes.first(4))) == 0xCBF43926u);
    const std::uint8_t a[1] = {'a'};
    CHECK(proto::crc32(a) == 0xE8B7BE43u);  // published CRC-32 of "a"
}

TEST_CASE("24-bit samples are little-endian two's complement with sign extension", "[usb][protocol]") {
    std::uint8_t b[3];
    const std::uint8_t max[3] = {0xFF, 0xFF, 0x7F}, min[3] = {0x00, 0x00, 0x80}, minus1[3] = {0xFF, 0xFF, 0xFF};
    CHECK(proto::get24(max) == 8388607);
    CHECK(proto::get24(min) == -8388608);
    CHECK(proto::get24(minus1) == -1);
    for (std::int32_t v : {0, 1, -1, 123456, -123456, 8388607, -8388608, 0x12345, -0x7FFF00}) {
        proto::put24(b, v);
        CHECK(proto::get24(b) == v);
    }
    proto::put24(b, 0x123456);
    CHECK(b[0] == 0x56);
    CHECK(b[1] == 0x34);
    CHECK(b[2] == 0x12);
}

TEST_CASE("frame layout: sizes, header fields and clamping", "[usb][protocol]") {
    CHECK(proto::frameBytes(4, 10) == 32 + 120 + 4);
    CHECK(proto::defaultSamplesPerFrame(10000, 4) == 10);                  // 1 ms frames
    CHECK(proto::framesPerTransfer(10000, 10) == 10);                      // 10 ms per transfer
    CHECK(proto::framesPerTransfer(48000, proto::defaultSamplesPerFrame(48000, 32)) == 10);
    std::vector<std::uint8_t> buf(proto::frameBytes(2, 2));
    proto::FrameHeader h;
    h.channelCount = 2;
    h.sampleFrames = 2;
    h.sequence = 0xA1B2C3D4;
    h.firstSampleIndex = 0x0102030405060708;
    h.flags = proto::kFrameClipping | proto::kFrameLeadsOff;
    h.leadsOffMask = 0x2;
    const std::vector<std::int32_t> s = {9000000, -9000000, 5, -5};  // the first two exceed 24 bits
    proto::encodeFrame(h, s, buf.data());
    CHECK(buf[0] == 'E');
    CHECK(buf[1] == 'G');
    CHECK(buf[2] == 'M');
    CHECK(buf[3] == 'F');
    CHECK(buf[8] == 0xD4);   // sequence, little-endian
    CHECK(buf[12] == 0x08);  // first sample index, little-endian
    proto::FrameHeader back;
    REQUIRE(proto::parseHeader(buf.data(), back));
    CHECK(back.sequence == h.sequence);
    CHECK(back.firstSampleIndex == h.firstSampleIndex);
    CHECK(back.leadsOffMask == 2u);
    CHECK(proto::get24(&buf[32]) == 8388607);   // clamped to the ADC range
    CHECK(proto::get24(&buf[35]) == -8388608);
    CHECK(proto::get24(&buf[41]) == -5);
    const std::size_t body = buf.size() - 4;
    const std::uint32_t crc = buf[body] | (buf[body + 1] << 8) | (buf[body + 2] << 16) | (std::uint32_t{buf[body + 3]} << 24);
    CHECK(crc == proto::crc32({buf.data(), body}));
}

TEST_CASE("control payloads round-trip", "[usb][protocol]") {
    proto::Description d;
    d.channelCount = 16;
    d.ratesHz = {1000, 20000, 48000};
    d.gainsNvPerCount = {100, 1000};
    d.stimMaxIntensityUa = 60000;
    d.firmwareMajor = 2;
    d.firmwarePatch = 300;
    const auto b = proto::encodeDescription(d);
    const auto back = proto::decodeDescription(b);
    CHECK(back.channelCount == 16);
    CHECK(back.ratesHz == d.ratesHz);
    CHECK(back.gainsNvPerCount == d.gainsNvPerCount);
    CHECK(back.firmwareVersion() == "2.0.300");
    CHECK(back.stimulatorLimits().maxIntensityMa == Approx(60.0));
    CHECK_THROWS_AS(proto::decodeDescription(std::span<const std::uint8_t>(b.data(), 40)), std::runtime_error);
    auto wrongVersion = b;
    wrongVersion[0] = 9;
    CHECK_THROWS_AS(proto::decodeDescription(wrongVersion), std::runtime_error);

    proto::Config c;
    c.rateHz = 20000;
    c.channelMask = 0b101;
    c.samplesPerFrame = 20;
    c.channels = {{1, 20, 3000}, {3, 5, 10000}};
    const auto cb = proto::encodeConfig(c);
    CHECK(cb.size() == 28u);
    const auto cback = proto::decodeConfig(cb);
    CHECK(cback.rateHz == 20000u);
    REQUIRE(cback.channels.size() == 2);
    CHECK(cback.channels[1].gainIndex == 3);
    CHECK(cback.channels[1].lowPassHz == 10000);

    StimulusCommand cmd;
    cmd.intensityMa = 25.0004;
    cmd.pulseWidthMs = 0.2;
    cmd.trainCount = 10;
    cmd.trainRateHz = 3.0;  // 3 Hz repetitive nerve stimulation
    cmd.polarity = StimPolarity::CathodeProximal;
    const auto sw = proto::decodeStimulus(proto::encodeStimulus(proto::toWire(cmd)));
    CHECK(sw.intensityUa == 25000u);
    CHECK(sw.pulseWidthUs == 200);
    CHECK(sw.trainCount == 10);
    CHECK(sw.trainRateCentiHz == 300);
    CHECK(sw.polarity == 1);
}

TEST_CASE("stimulator limits reported by the device narrow but never widen the absolute bound", "[usb][protocol]") {
    proto::Description weak;
    weak.stimMaxIntensityUa = 50000;  // a 50 mA stimulator
    weak.stimMinWidthUs = 100;
    StimulusCommand c;
    c.intensityMa = 60.0;
    c.pulseWidthMs = 0.2;
    REQUIRE(validateStimulus(c, weak.stimulatorLimits()).has_value());
    CHECK(validateStimulus(c, weak.stimulatorLimits())->find("60") != std::string::npos);
    c.intensityMa = 40.0;
    CHECK_FALSE(validateStimulus(c, weak.stimulatorLimits()).has_value());
    c.pulseWidthMs = 0.05;  // within the absolute bound, below this device's 0.1 ms
    CHECK(validateStimulus(c, weak.stimulatorLimits()).has_value());

    proto::Description bragging;
    bragging.stimMaxIntensityUa = 200000;  // claims 200 mA: still capped at 100 mA
    bragging.stimMaxRateCentiHz = 20000;   // claims 200 Hz: capped at 50 Hz
    c.pulseWidthMs = 0.2;
    c.intensityMa = 101.0;
    CHECK(validateStimulus(c, bragging.stimulatorLimits()).has_value());
    c.intensityMa = 20.0;
    c.trainCount = 5;
    c.trainRateHz = 60.0;
    CHECK(validateStimulus(c, bragging.stimulatorLimits()).has_value());
    proto::Description none;
    none.stimulatorPresent = false;
    c.trainCount = 1;
    CHECK(validateStimulus(c, none.stimulatorLimits()).has_value());
}

TEST_CASE("decoder delivers frames split at any byte boundary", "[usb][decoder]") {
    std::vector<std::uint8_t> stream;
    appendFrames(stream, 0, 50);
    for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{97}, stream.size()}) {
        AcquisitionRing ring(1 << 16);
        FrameDecoder dec(kCh, 4096);
        dec.setRing(&ring);
        for (std::size_t at = 0; at < stream.size(); at += chunk)
            dec.feed({stream.data() + at, std::min(chunk, stream.size() - at)});
        const auto p = popAll(ring);
        CHECK(p.headers.size() == 50);
        CHECK(p.mismatches == 0);
        CHECK(dec.counters().badFrames == 0);
        CHECK(dec.counters().samplesFrames == 50u * kSpf);
    }
}

TEST_CASE("decoder resynchronises after garbage and a bad CRC and never passes a bad frame on", "[usb][decoder]") {
    std::vector<std::uint8_t> stream = {0x00, 0x45, 0x47, 0x13, 0x99};  // garbage with a partial magic
    appendFrames(stream, 0, 10);
    const std::size_t fb = proto::frameBytes(kCh, kSpf);
    stream[5 + 4 * fb + proto::kFrameHeaderBytes + 2] ^= 0x01;  // one bit of frame 4's samples
    AcquisitionRing ring(1 << 16);
    FrameDecoder dec(kCh, 4096);
    dec.setRing(&ring);
    dec.feed(stream);
    const auto p = popAll(ring);
    const auto c = dec.counters();
    CHECK(c.badFrames == 2);       // the leading garbage and the corrupted frame
    CHECK(c.bytesSkipped == 5 + fb);
    CHECK(c.sequenceGaps == 1);
    CHECK(c.framesLost == kSpf);
    REQUIRE(p.headers.size() == 9);
    CHECK(p.mismatches == 0);
    CHECK(p.headers[4].firstSampleIndex == 5 * kSpf);
    CHECK((p.headers[4].flags & kBlockSamplesMissing) != 0);
    CHECK((p.headers[5].flags & kBlockSamplesMissing) == 0);
}

TEST_CASE("decoder counts sequence gaps but not a 32-bit sequence wrap", "[usb][decoder]") {
    std::vector<std::uint8_t> stream;
    appendFrames(stream, 0, 3, 0xFFFFFFFEu);   // sequences ...FE, ...FF, 0
    appendFrames(stream, 3, 2, 0xFFFFFFFEu);   // 1, 2
    appendFrames(stream, 12, 2, 0xFFFFFFFEu);  // frames 5..11 never sent
    AcquisitionRing ring(1 << 16);
    FrameDecoder dec(kCh, 4096);
    dec.setRing(&ring);
    dec.feed(stream);
    const auto p = popAll(ring);
    CHECK(dec.counters().sequenceGaps == 1);
    CHECK(dec.counters().framesLost == 7u * kSpf);
    REQUIRE(p.headers.size() == 7);
    CHECK(p.headers[3].sequence == p.headers[2].sequence + 1);  // unwrapped, monotonic
    CHECK(p.headers[5].sequence == p.headers[4].sequence + 8);
    CHECK((p.headers[5].flags & kBlockSamplesMissing) != 0);
}

TEST_CASE("decoder counts blocks dropped on a full ring and marks the next block", "[usb][decoder]") {
    std::vector<std::uint8_t> stream;
    appendFrames(stream, 0, 6);
    AcquisitionRing ring(128);  // 128 samples: room for 5 frames of 24
    FrameDecoder dec(kCh, 4096);
    dec.setRing(&ring);
    dec.feed(stream);
    CHECK(dec.counters().framesDroppedRingFull == 1u * kSpf);
    CHECK(ring.droppedFrames() == 1u * kSpf);
    auto p = popAll(ring);
    CHECK(p.headers.size() == 5);
    std::vector<std::uint8_t> more;
    appendFrames(more, 6, 1);
    dec.feed(more);
    p = popAll(ring);
    REQUIRE(p.headers.size() == 1);
    CHECK((p.headers[0].flags & kBlockSamplesMissing) != 0);
}

TEST_CASE("decoder turns a stimulus flag into an event pushed before its block", "[usb][decoder]") {
    std::vector<std::uint8_t> stream;
    appendFrames(stream, 0, 2);
    appendFrames(stream, 2, 1, 0, proto::kFrameStimulus | proto::kFrameClipping);
    AcquisitionRing ring(1 << 16);
    FrameDecoder dec(kCh, 4096);
    dec.setRing(&ring);
    dec.setStimulusContext({10.0, 0.1, 4});
    dec.feed(stream);
    const auto p = popAll(ring);
    REQUIRE(p.stimuli.size() == 1);
    CHECK(p.stimuli[0].sampleIndex == 2 * kSpf + 5);
    CHECK(p.stimuli[0].intensityMa == Approx(10.0));
    CHECK(p.stimuli[0].deliveredMa == Approx(9.95));
    CHECK(p.stimuli[0].siteId == 4);
    REQUIRE(p.headers.size() == 3);
    CHECK((p.headers[2].flags & kBlockClipped) != 0);

    // a train: pulses reported after one command are numbered 0, 1, 2; a new command restarts
    std::vector<std::uint8_t> train;
    for (std::uint32_t f = 3; f < 6; ++f) appendFrames(train, f, 1, 0, proto::kFrameStimulus);
    dec.setStimulusContext({20.0, 0.2, 1});
    dec.feed(train);
    std::vector<std::uint8_t> next;
    appendFrames(next, 6, 1, 0, proto::kFrameStimulus);
    const auto t = popAll(ring);
    REQUIRE(t.stimuli.size() == 3);
    for (std::uint16_t i = 0; i < 3; ++i) CHECK(t.stimuli[i].trainIndex == i);
    dec.setStimulusContext({30.0, 0.2, 1});
    dec.feed(next);
    const auto n = popAll(ring);
    REQUIRE(n.stimuli.size() == 1);
    CHECK(n.stimuli[0].trainIndex == 0);
    CHECK(n.stimuli[0].intensityMa == Approx(30.0));
}
