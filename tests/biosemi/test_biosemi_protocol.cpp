// The ActiveTwo protocol and decoder on synthesised word streams (no libusb). Expected numbers are
// BioSemi's: the Status bit assignment, the speed-mode table, 31.25 nV per bit (docs/biosemi.md).

#include "biosemi_stream.h"
#include "../support/ring_drain.h"

#include <biosemi/biosemi_decoder.h>

#include <catch2/catch.hpp>

#include <algorithm>

using namespace emg;
using namespace emg::biosemi;
using namespace emg::biosemi::test;

namespace {

using emg::test::Drained;
using emg::test::drain;

/// Feeds `bytes` in pieces of `chunk` bytes (frames span pieces).
void feedInChunks(Decoder& dec, const std::vector<std::uint8_t>& bytes, std::size_t chunk) {
    for (std::size_t at = 0; at < bytes.size(); at += chunk)
        dec.feed({bytes.data() + at, std::min(chunk, bytes.size() - at)});
}

/// Every delivered time point holds what the stream sent for `words` at its sample index.
std::size_t mismatches(const Drained& d, const std::vector<std::uint16_t>& words) {
    std::size_t bad = 0, k = 0;
    for (const auto& h : d.headers)
        for (std::uint32_t t = 0; t < h.sampleFrames; ++t)
            for (std::size_t c = 0; c < words.size(); ++c, ++k) bad += d.samples[k] != sampleAt(h.firstSampleIndex + t, words[c]);
    return bad;
}

std::vector<ChannelSource> monopolar(const std::vector<std::uint16_t>& words) {
    std::vector<ChannelSource> s;
    for (auto w : words) s.push_back({ChannelSource::Kind::Monopolar, w, 0});
    return s;
}

}  // namespace

TEST_CASE("BioSemi Status word: BioSemi's bit assignment", "[biosemi]") {
    // bit 20 CMS in range, bit 22 battery low, bit 23 Mk2, speed bits 17,18,19,21, triggers 0..15
    const Status s = decodeStatus(0x100000u | 0x5A5Au);
    CHECK(s.cmsInRange);
    CHECK_FALSE(s.batteryLow);
    CHECK_FALSE(s.mk2);
    CHECK(s.speedMode == 0);
    CHECK(s.triggers == 0x5A5A);
    CHECK(decodeStatus(1u << 22).batteryLow);
    CHECK(decodeStatus(1u << 23).mk2);
    CHECK(decodeStatus(1u << 16).newEpoch);
    CHECK(decodeStatus((1u << 17) | (1u << 19)).speedMode == 5);
    CHECK(decodeStatus(1u << 21).speedMode == 8);  // speed bit 3 is bit 21, not 20
    CHECK_FALSE(decodeStatus(1u << 21).cmsInRange);
    for (int mode = 0; mode < 16; ++mode) {
        Status in;
        in.speedMode = mode;
        in.mk2 = mode % 2 == 1;
        in.batteryLow = mode % 3 == 0;
        in.triggers = static_cast<std::uint16_t>(mode * 4097);
        const Status out = decodeStatus(encodeStatus(in));
        CHECK(out.speedMode == mode);
        CHECK(out.mk2 == in.mk2);
        CHECK(out.batteryLow == in.batteryLow);
        CHECK(out.triggers == in.triggers);
    }
    // in the USB word the Status value sits in the upper three bytes
    CHECK(statusValue(0x80A00000u) == 0x80A000u);
    CHECK(decodeStatus(statusValue(0x80A00000u)).mk2);
}

TEST_CASE("BioSemi speed modes: rate and words per frame on Mk1 and Mk2", "[biosemi]") {
    struct Row { bool mk2; int mode; std::uint32_t rate; std::uint16_t words, electrodes, ex; };
    const Row rows[] = {
        {false, 0, 2048, 258, 256, 0},  {false, 1, 4096, 130, 128, 0}, {false, 2, 8192, 66, 64, 0},
        {false, 3, 16384, 34, 32, 0},   {false, 4, 2048, 258, 232, 8}, {false, 5, 4096, 130, 104, 8},
        {false, 6, 8192, 66, 40, 8},    {false, 7, 16384, 34, 8, 8},   {false, 8, 2048, 290, 256, 8},
        {true, 0, 2048, 610, 512, 8},   {true, 3, 2048, 610, 512, 8},  {true, 4, 2048, 282, 256, 8},
        {true, 5, 4096, 154, 128, 8},   {true, 6, 8192, 90, 64, 8},    {true, 7, 16384, 58, 32, 8},
        {true, 8, 2048, 314, 280, 8},
    };
    for (const auto& r : rows) {
        const auto l = layoutFor(r.mk2, r.mode);
        REQUIRE(l);
        CHECK(l->rateHz == r.rate);
        CHECK(l->frameWords == r.words);
        CHECK(l->electrodes == r.electrodes);
        CHECK(l->exChannels() == r.ex);
    }
    CHECK_FALSE(layoutFor(true, 9));
    CHECK_FALSE(layoutFor(false, 15));
    // the highest data rate: Mk2 modes 0-3, 610 words x 4 bytes x 2048 Hz = 4.997 MB/s
    CHECK(layoutFor(true, 0)->frameBytes() * 2048 == 4997120);
}

TEST_CASE("BioSemi samples: 24 bits in the upper three bytes, 31.25 nV per bit", "[biosemi]") {
    CHECK(sampleOf(0x00000100u) == 1);
    CHECK(sampleOf(0xFFFFFF00u) == -1);
    CHECK(sampleOf(0x7FFFFF00u) == 8388607);
    CHECK(sampleOf(0x80000000u) == -8388608);
    CHECK(sampleOf(wordOf(-123456)) == -123456);
    CHECK(32 * kMicrovoltsPerCount == Approx(1.0));                      // 32 counts = 1 µV
    CHECK(8388607 * kMicrovoltsPerCount == Approx(262143.97).margin(0.01));  // ±262 mV input range
    const auto cmd = command(kCommandStart);
    CHECK(cmd.size() == 64);
    CHECK(cmd[0] == 0xFF);
    CHECK(std::all_of(cmd.begin() + 1, cmd.end(), [](std::uint8_t b) { return b == 0; }));
    CHECK(command(kCommandStop)[0] == 0x00);
}

TEST_CASE("BioSemi channel names and montage", "[biosemi]") {
    const Layout l = *layoutFor(true, 4);  // 256 electrodes + 8 EX
    const auto names = channelNames(l);
    REQUIRE(names.size() == 264);
    CHECK(names[0] == "A1");
    CHECK(names[31] == "A32");
    CHECK(names[32] == "B1");
    CHECK(names[255] == "H32");
    CHECK(names[256] == "EX1");
    CHECK(names[263] == "EX8");
    CHECK(*wordIndexOf(l, "A1") == 2);
    CHECK(*wordIndexOf(l, "b1") == 34);
    CHECK(*wordIndexOf(l, "EX1") == 258);
    CHECK(*wordIndexOf(l, "EX8") == 265);
    CHECK_FALSE(wordIndexOf(l, "EX9"));
    CHECK_FALSE(wordIndexOf(l, "A33"));
    CHECK_FALSE(wordIndexOf(l, "I1"));   // no 9th bank at 256 electrodes
    CHECK_FALSE(wordIndexOf(l, "A0"));
    const auto bip = parseChannel(l, "EX1-EX2");
    CHECK(bip.kind == ChannelSource::Kind::Bipolar);
    CHECK(bip.word == 258);
    CHECK(bip.minusWord == 259);
    CHECK(parseChannel(l, "Status").kind == ChannelSource::Kind::Status);
    CHECK_THROWS_AS(parseChannel(l, "EX1-EX1"), std::invalid_argument);
    CHECK_THROWS_AS(parseChannel(l, "EX1-EX9"), std::invalid_argument);
    CHECK_THROWS_AS(parseChannel(l, "APB"), std::invalid_argument);
    CHECK_THROWS_AS(parseChannel(*layoutFor(false, 0), "EX1"), std::invalid_argument);  // Mk1 mode 0: no EX
}

TEST_CASE("BioSemi decoder: every speed mode, frames spanning transfers, sample-exact", "[biosemi]") {
    for (bool mk2 : {false, true})
        for (int mode = 0; mode <= kMaxSpeedMode; ++mode) {
            const Layout l = *layoutFor(mk2, mode);
            const std::vector<std::uint16_t> words = {2, static_cast<std::uint16_t>(1 + l.electrodes),
                                                      static_cast<std::uint16_t>(l.frameWords - 1)};
            Decoder dec(l, monopolar(words), 4096, 16);
            AcquisitionRing ring(1 << 20);
            dec.setRing(&ring);
            const int frames = 300;
            auto bytes = std::vector<std::uint8_t>{0x12, 0x34, 0x56};  // a partial word before the first frame
            const auto body = plainFrames(l, 0, frames);
            bytes.insert(bytes.end(), body.begin(), body.end());
            feedInChunks(dec, bytes, 1001);  // odd pieces: frames and words span them
            const auto d = drain(ring);
            INFO((mk2 ? "Mk2" : "Mk1") << " mode " << mode);
            const auto c = dec.counters();
            CHECK(c.frames == frames - 1);  // the last frame waits for the next sync word to confirm it
            CHECK(c.syncLosses == 0);
            CHECK(c.framesLost == 0);
            CHECK(c.bytesSkipped == 3);
            REQUIRE(!d.headers.empty());
            CHECK(d.headers.front().firstSampleIndex == 0);
            CHECK(mismatches(d, words) == 0);
            std::int64_t next = 0;
            for (const auto& h : d.headers) {
                CHECK(h.firstSampleIndex == next);
                CHECK(h.flags == 0);
                next += h.sampleFrames;
            }
            CHECK(next == frames - 1);
        }
}

TEST_CASE("BioSemi decoder: a lost sync word is one counted gap, channels stay aligned", "[biosemi]") {
    const Layout l = *layoutFor(true, 4);
    const std::vector<std::uint16_t> words = {2, 3, 258, 265};
    Decoder dec(l, monopolar(words), 65536, 16);
    AcquisitionRing ring(1 << 20);
    dec.setRing(&ring);
    auto bytes = plainFrames(l, 0, 400);
    bytes[100 * l.frameBytes() + 1] ^= 0x40;  // frame 100's sync word damaged
    feedInChunks(dec, bytes, 65536);
    const auto d = drain(ring);
    const auto c = dec.counters();
    CHECK(c.syncLosses == 1);
    CHECK(c.framesLost == 1);
    CHECK(c.frames == 398);  // 400 - the damaged one - the last (unconfirmed)
    CHECK(mismatches(d, words) == 0);
    bool sawGap = false;
    for (const auto& h : d.headers) {
        CHECK(h.firstSampleIndex != 100);
        if (h.firstSampleIndex == 101) {
            sawGap = true;
            CHECK((h.flags & kBlockSamplesMissing) != 0);
        }
    }
    CHECK(sawGap);
}

TEST_CASE("BioSemi decoder: a short frame and garbage are skipped, counted, never shifted", "[biosemi]") {
    const Layout l = *layoutFor(false, 7);  // 34 words at 16 kHz
    const std::vector<std::uint16_t> words = {2, 9, 10, 33};
    Decoder dec(l, monopolar(words), 65536, 64);
    AcquisitionRing ring(1 << 20);
    dec.setRing(&ring);
    auto bytes = plainFrames(l, 0, 1000);
    // frame 300 loses its last 5 words (a short frame)
    const std::size_t f = l.frameBytes();
    bytes.erase(bytes.begin() + static_cast<std::ptrdiff_t>(301 * f - 20), bytes.begin() + static_cast<std::ptrdiff_t>(301 * f));
    // whole frames 600..609 are replaced by noise of the same length
    const std::size_t at = 600 * f - 20;
    for (std::size_t i = 0; i < 10 * f; ++i) bytes[at + i] = static_cast<std::uint8_t>(i * 37 + 11);
    feedInChunks(dec, bytes, 777);
    const auto d = drain(ring);
    const auto c = dec.counters();
    CHECK(c.syncLosses == 2);
    // frame 599 is intact but both boundaries after it are noise: it cannot be confirmed and is
    // dropped with the noise (conservative); the clock after the gap is exact all the same
    CHECK(c.framesLost == 1 + 11);
    CHECK(c.frames == 1000 - 12 - 1);
    CHECK(mismatches(d, words) == 0);  // every delivered sample is the one sent at its index
}

TEST_CASE("BioSemi decoder: bipolar EX pairs, the Status channel and the scale", "[biosemi]") {
    const Layout l = *layoutFor(true, 7);
    std::vector<std::uint8_t> bytes;
    for (int i = 0; i < 50; ++i)
        appendFrame(bytes, l, statusFor(l, static_cast<std::uint16_t>(i)), [&](std::uint16_t w) {
            if (w == 34) return 32 * 1000;  // EX1: 1000 µV
            if (w == 35) return -32 * 250;  // EX2: -250 µV
            return 0;
        });
    std::vector<ChannelSource> src = {parseChannel(l, "EX1-EX2"), parseChannel(l, "Status"), parseChannel(l, "EX2")};
    Decoder dec(l, src, 65536, 8);
    AcquisitionRing ring(1 << 16);
    dec.setRing(&ring);
    dec.feed(bytes);
    const auto d = drain(ring);
    REQUIRE(d.samples.size() == 49 * 3);
    CHECK(d.samples[0] * kMicrovoltsPerCount == Approx(1250.0));
    CHECK(d.samples[2] * kMicrovoltsPerCount == Approx(-250.0));
    const auto st = decodeStatus(static_cast<std::uint32_t>(d.samples[3 * 7 + 1]) & 0xFFFFFFu);
    CHECK(st.triggers == 7);
    CHECK(st.mk2);
    CHECK(st.speedMode == 7);
    CHECK(st.cmsInRange);
    CHECK(d.samples[3 * 7 + 1] < 0);  // Mk2 sets bit 23: the 24-bit Status is negative, as BDF files hold it
    CHECK(dec.counters().framesCmsOutOfRange == 0);
}

TEST_CASE("BioSemi decoder: a speed switch moved mid-run is counted, never decoded as the old layout", "[biosemi]") {
    const Layout a = *layoutFor(true, 5), b = *layoutFor(true, 6);
    auto bytes = plainFrames(a, 0, 100);
    const auto more = plainFrames(b, 100, 100);
    bytes.insert(bytes.end(), more.begin(), more.end());
    Decoder dec(a, monopolar({2, 3}), 65536, 16);
    AcquisitionRing ring(1 << 20);
    dec.setRing(&ring);
    dec.feed(bytes);
    const auto c = dec.counters();
    CHECK(c.layoutChanges == 1);
    CHECK(c.frames == 99);
    CHECK(mismatches(drain(ring), {2, 3}) == 0);
}

TEST_CASE("BioSemi decoder: a full ring drops whole blocks and counts them", "[biosemi]") {
    const Layout l = *layoutFor(true, 4);
    Decoder dec(l, monopolar({2, 3, 4, 5}), 65536, 16);
    AcquisitionRing ring(256);  // 64 time points of 4 channels
    dec.setRing(&ring);
    dec.feed(plainFrames(l, 0, 201));
    const auto c = dec.counters();
    CHECK(c.frames == 200);
    CHECK(c.blocks == 4);
    CHECK(c.blocksDroppedRingFull == 200 / 16 + 1 - 4);
    CHECK(c.framesDroppedRingFull == 200 - 64);
}
