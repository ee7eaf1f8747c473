// Frame decoder throughput against the USB 2.0 high-speed bulk limit (~53 MB/s of payload):
// 32 channels at 48 kHz (the heaviest configuration), fed in 10 ms bulk transfers, decoded
// into an AcquisitionRing drained by the same thread. Prints MB/s and the ratio to 53 MB/s.

#include <usb/frame_decoder.h>
#include <usb/usb_protocol.h>

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <vector>

using namespace emg;
using namespace emg::usb;

int main() {
    constexpr std::uint32_t rate = 48000;
    constexpr std::uint16_t channels = 32;
    const std::uint16_t spf = proto::defaultSamplesPerFrame(rate, channels);
    const std::uint32_t fpt = proto::framesPerTransfer(rate, spf);
    const std::size_t fbytes = proto::frameBytes(channels, spf);
    const std::size_t transferBytes = fpt * fbytes;

    // 1 s of frames, reused with rewritten sequence/index/CRC per pass would cost time;
    // instead build 2 s of frames once and feed them repeatedly with a decoder reset per pass.
    const std::uint32_t framesPerPass = 2 * rate / spf;
    std::vector<std::uint8_t> stream(framesPerPass * fbytes);
    std::vector<std::int32_t> s(std::size_t{channels} * spf);
    for (std::uint32_t f = 0; f < framesPerPass; ++f) {
        proto::FrameHeader h;
        h.channelCount = channels;
        h.sampleFrames = spf;
        h.sequence = f;
        h.firstSampleIndex = std::int64_t{f} * spf;
        for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<std::int32_t>((f * 7919u + i * 31u) % 16777216u) - 8388608;
        proto::encodeFrame(h, s, stream.data() + std::size_t{f} * fbytes);
    }

    AcquisitionRing ring(std::size_t{1} << 22);
    FrameDecoder dec(channels, transferBytes);
    dec.setRing(&ring);
    std::uint64_t bytes = 0, sink = 0;
    const auto t0 = std::chrono::steady_clock::now();
    double seconds = 0;
    int passes = 0;
    while (seconds < 2.0) {
        dec.reset();
        for (std::size_t at = 0; at < stream.size(); at += transferBytes) {
            const std::size_t n = std::min(transferBytes, stream.size() - at);
            dec.feed({stream.data() + at, n});
            bytes += n;
            BlockHeader h;
            while (ring.popHeader(h)) {
                const std::size_t k = std::size_t{h.sampleFrames} * h.channelCount;
                auto sp = ring.peekSamples(k);
                sink += static_cast<std::uint32_t>(sp.first[0]);
                ring.releaseSamples(k);
            }
        }
        ++passes;
        seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    const auto c = dec.counters();
    if (c.badFrames != 0 || c.framesDroppedRingFull != 0) {
        spdlog::error("benchmark stream decoded with errors: {} bad frames, {} dropped", c.badFrames, c.framesDroppedRingFull);
        return 1;
    }
    const double mbPerS = bytes / seconds / 1e6;
    constexpr double usbHighSpeedBulkMbPerS = 53.0;
    std::printf("usb frame decoder: %d ch x %u Hz, %u samples/frame, %zu-byte transfers\n", channels, rate, spf, transferBytes);
    std::printf("  decoded %.1f MB in %.2f s: %.1f MB/s (checksum %llu)\n", bytes / 1e6, seconds, mbPerS,
                static_cast<unsigned long long>(sink % 1000));
    std::printf("  ratio to the USB 2.0 high-speed bulk limit (%.0f MB/s): %.1fx\n", usbHighSpeedBulkMbPerS,
                mbPerS / usbHighSpeedBulkMbPerS);
    std::printf("  ratio to this configuration's data rate (%.2f MB/s): %.0fx\n", rate / double(spf) * fbytes / 1e6,
                mbPerS / (rate / double(spf) * fbytes / 1e6));
    return 0;
}
