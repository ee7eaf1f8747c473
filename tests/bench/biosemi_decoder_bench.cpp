// BioSemi ActiveTwo decoder throughput against the highest ActiveTwo data rate (Mk2 speed modes
// 0-3: 610 words x 4 bytes x 2048 Hz = 4.997 MB/s) and against the USB 2.0 high-speed wire
// (~53 MB/s of bulk payload at best). Prints both ratios per layout.

#include "../biosemi/biosemi_stream.h"

#include <biosemi/biosemi_decoder.h>

#include <spdlog/spdlog.h>

#include <chrono>

using namespace emg;
using namespace emg::biosemi;

namespace {

double decodeMBps(const Layout& l, std::size_t channels, int repeats) {
    const auto bytes = test::plainFrames(l, 0, static_cast<std::int64_t>((8u << 20) / l.frameBytes()));
    std::vector<ChannelSource> src;
    for (std::size_t c = 0; c < channels; ++c) src.push_back({ChannelSource::Kind::Monopolar, static_cast<std::uint16_t>(2 + c), 0});
    Decoder dec(l, src, kTransferBytes, std::max<std::uint32_t>(1, l.rateHz / 128));
    AcquisitionRing ring(std::size_t{1} << 24);
    dec.setRing(&ring);
    const auto t0 = std::chrono::steady_clock::now();
    std::size_t total = 0;
    for (int r = 0; r < repeats; ++r) {
        dec.reset();
        for (std::size_t at = 0; at < bytes.size(); at += kTransferBytes) {
            const std::size_t n = std::min(kTransferBytes, bytes.size() - at);
            dec.feed({bytes.data() + at, n});
            total += n;
            BlockHeader h;  // the consumer keeps up
            while (ring.popHeader(h)) ring.releaseSamples(std::size_t{h.sampleFrames} * h.channelCount);
        }
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return total / s / 1e6;
}

}  // namespace

int main() {
    const double highestMBps = layoutFor(true, 0)->frameBytes() * 2048.0 / 1e6;
    const double usbHsMBps = 53.0;
    spdlog::info("BioSemi decoder: highest ActiveTwo rate {:.3f} MB/s, USB 2.0 HS bulk ~{:.0f} MB/s", highestMBps, usbHsMBps);
    struct Case { bool mk2; int mode; std::size_t channels; const char* what; };
    const Case cases[] = {
        {true, 0, 512, "Mk2 mode 0, all 512 electrodes (the highest data rate)"},
        {true, 4, 264, "Mk2 mode 4, 256 electrodes + 8 EX"},
        {true, 7, 40, "Mk2 mode 7 (16 kHz), 32 electrodes + 8 EX"},
        {true, 7, 8, "Mk2 mode 7 (16 kHz), 8 channels kept (EMG)"},
        {false, 3, 32, "Mk1 mode 3 (16 kHz), 32 electrodes"},
    };
    for (const auto& c : cases) {
        const Layout l = *layoutFor(c.mk2, c.mode);
        const double mbps = decodeMBps(l, c.channels, 4);
        spdlog::info("{:<55} {:8.1f} MB/s = {:6.1f} x this mode's {:.2f} MB/s, {:5.1f} x the highest ActiveTwo rate, {:5.2f} x USB 2.0 HS",
                     c.what, mbps, mbps / (l.frameBytes() * l.rateHz / 1e6), l.frameBytes() * l.rateHz / 1e6,
                     mbps / highestMBps, mbps / usbHsMBps);
    }
    return 0;
}
