// Trace view paint time at the workstation's heaviest load: 32 channels × 48 kHz, display
// buffers full, a writer thread feeding 48 kHz in real time while the view repaints into a
// 1920×1080 image. Prints the mean and worst paint time per frame for several sweep speeds and
// the ratio against the 16.7 ms of a 60 Hz frame (ratio < 1: fits in a 60 Hz frame).
#include "trace_renderer.h"

#include <emg/acq/display_buffer.h>

#include <QGuiApplication>
#include <QImage>
#include <QPainter>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <random>
#include <thread>
#include <vector>

namespace {

constexpr std::size_t kChannels = 32;
constexpr double kRateHz = 48000.0;
constexpr std::uint32_t kBlockFrames = 480;  // 10 ms
constexpr double kFrameBudgetMs = 1000.0 / 60.0;

emg::AcquisitionConfig config() {
    emg::AcquisitionConfig cfg;
    cfg.sampleRateHz = kRateHz;
    for (std::size_t c = 0; c < kChannels; ++c) {
        emg::ChannelInfo ch;
        ch.label = "Ch " + std::to_string(c + 1);
        ch.electrode = c % 2 ? emg::ElectrodeKind::Surface : emg::ElectrodeKind::Needle;
        ch.sampleRateHz = kRateHz;
        cfg.channels.push_back(ch);
    }
    return cfg;
}

// noise plus a MUAP-like spike train, different per channel
void fillBlock(std::vector<float>& uv, std::int64_t first, std::mt19937& rng) {
    std::normal_distribution<float> noise(0.0f, 10.0f);
    for (std::uint32_t f = 0; f < kBlockFrames; ++f) {
        const std::int64_t i = first + f;
        for (std::size_t c = 0; c < kChannels; ++c) {
            const auto phase = static_cast<double>((i + static_cast<std::int64_t>(c) * 997) % 4800) / kRateHz * 1000.0;
            const double spike = phase < 8.0 ? -400.0 * std::sin(phase / 8.0 * 2.0 * M_PI) : 0.0;
            uv[f * kChannels + c] = static_cast<float>(spike) + noise(rng);
        }
    }
}

void push(emg::DisplayBuffer& buffer, std::vector<float>& uv, std::int64_t first) {
    emg::SampleBlockView v;
    v.firstSampleIndex = first;
    v.frames = kBlockFrames;
    v.channelCount = kChannels;
    v.microvolts = uv.data();
    buffer.onBlock(v);
}

}  // namespace

int main(int argc, char* argv[]) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);

    emg::DisplayBuffer buffer(8.0);
    buffer.onStart(config());
    std::mt19937 rng(3);
    std::vector<float> uv(kBlockFrames * kChannels);
    std::int64_t next = 0;
    while (next < static_cast<std::int64_t>(buffer.capacityFrames())) {  // full buffers
        fillBlock(uv, next, rng);
        push(buffer, uv, next);
        next += kBlockFrames;
    }

    // the acquisition thread's load: 48 kHz × 32 channels in 10 ms blocks, in real time
    std::atomic<bool> stop{false};
    std::thread writer([&] {
        std::mt19937 wrng(5);
        std::vector<float> wuv(kBlockFrames * kChannels);
        auto due = std::chrono::steady_clock::now();
        std::int64_t index = next;
        while (!stop.load()) {
            fillBlock(wuv, index, wrng);
            push(buffer, wuv, index);
            index += kBlockFrames;
            due += std::chrono::milliseconds(10);
            std::this_thread::sleep_until(due);
        }
    });

    QImage image(1920, 1080, QImage::Format_RGB32);
    emg::ui::TraceRenderer renderer;
    emg::ui::TraceStyle style;
    std::cout << "trace view paint time, " << kChannels << " ch x " << kRateHz / 1000 << " kHz, "
              << image.width() << "x" << image.height() << ", buffers full, writer running in real time\n";
    std::cout << "sweep ms/div | samples/px | mean ms/frame | worst ms/frame | ratio mean/16.7 ms\n";
    double worstRatio = 0.0;
    for (double msPerDiv : {1.0, 20.0, 100.0, 500.0}) {
        emg::ui::TraceSettings settings;
        settings.msPerDiv = msPerDiv;
        settings.defaultUvPerDiv = 200.0;
        constexpr int kFrames = 60;
        std::vector<double> ms;
        for (int f = 0; f < kFrames + 5; ++f) {
            const auto t0 = std::chrono::steady_clock::now();
            {
                QPainter painter(&image);
                renderer.paint(painter, image.rect(), buffer, settings, style);
            }
            const auto t1 = std::chrono::steady_clock::now();
            if (f >= 5) ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());  // skip warm-up
        }
        double mean = 0;
        for (double v : ms) mean += v;
        mean /= static_cast<double>(ms.size());
        const double worst = *std::max_element(ms.begin(), ms.end());
        worstRatio = std::max(worstRatio, mean / kFrameBudgetMs);
        std::cout << std::setw(12) << msPerDiv << " | " << std::setw(10) << std::setprecision(3)
                  << renderer.layout().samplesPerPixel << " | " << std::setw(13) << std::fixed << std::setprecision(2)
                  << mean << " | " << std::setw(14) << worst << " | " << std::setw(8) << std::setprecision(3)
                  << mean / kFrameBudgetMs << "\n"
                  << std::defaultfloat;
    }
    stop = true;
    writer.join();
    image.save("bench_trace_view.png");
    std::cout << "worst mean ratio against a 60 Hz frame: " << std::fixed << std::setprecision(3) << worstRatio
              << (worstRatio < 1.0 ? " (fits)" : " (does not fit)") << "\n";
    return 0;
}
