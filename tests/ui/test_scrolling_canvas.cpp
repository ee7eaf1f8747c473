// The scrolling live trace drawn incrementally (issue 13, sample-to-screen within one frame): after
// a block of 10 ms arrives, a frame reduces only the pixel columns that block fills, and the
// picture equals what a full redraw of the same buffer shows (the same traces in every band, the
// grid fixed on screen under them).
#include "trace_renderer.h"
#include "ui_test_support.h"

#include <emg/acq/display_buffer.h>

#include <catch2/catch.hpp>

#include <QImage>
#include <QPainter>

#include <cmath>
#include <vector>

namespace {

constexpr double kRateHz = 48000.0;
constexpr std::uint32_t kBlockFrames = 480;   // 10 ms, the devices' default block
constexpr std::size_t kChannels = 4;

emg::AcquisitionConfig config() {
    emg::AcquisitionConfig cfg;
    cfg.sampleRateHz = kRateHz;
    for (std::size_t c = 0; c < kChannels; ++c) {
        emg::ChannelInfo ch;
        ch.label = "Ch " + std::to_string(c + 1);
        ch.sampleRateHz = kRateHz;
        cfg.channels.push_back(ch);
    }
    return cfg;
}

/// A 37 Hz sine of 150 µV with a 2 ms spike of −600 µV every 70 ms, phase shifted per channel.
void pushBlock(emg::DisplayBuffer& buffer, std::int64_t first) {
    std::vector<float> uv(kBlockFrames * kChannels);
    for (std::uint32_t f = 0; f < kBlockFrames; ++f)
        for (std::size_t c = 0; c < kChannels; ++c) {
            const double t = static_cast<double>(first + f) / kRateHz + 0.011 * static_cast<double>(c);
            const bool spike = std::fmod(t, 0.070) < 0.002;
            uv[f * kChannels + c] = static_cast<float>(150.0 * std::sin(2.0 * M_PI * 37.0 * t) + (spike ? -600.0 : 0.0));
        }
    emg::SampleBlockView v;
    v.firstSampleIndex = first;
    v.frames = kBlockFrames;
    v.channelCount = kChannels;
    v.microvolts = uv.data();
    buffer.onBlock(v);
}

QImage render(emg::ui::TraceRenderer& renderer, const emg::DisplayBuffer& buffer, const emg::ui::TraceSettings& s) {
    QImage image(900, 420, QImage::Format_RGB32);
    QPainter painter(&image);
    renderer.paint(painter, image.rect(), buffer, s, emg::ui::TraceStyle{});
    return image;
}

/// Per plot column and band: the topmost and bottommost trace pixel (−1 when none).
std::vector<std::pair<int, int>> traceSpans(const QImage& image, const emg::ui::TraceLayout& layout) {
    const QRgb trace = emg::ui::TraceStyle{}.trace.rgb();
    std::vector<std::pair<int, int>> spans;
    for (const QRectF& band : layout.bands)
        for (int x = static_cast<int>(layout.plot.left()); x < static_cast<int>(layout.plot.right()); ++x) {
            int top = -1, bottom = -1;
            for (int y = static_cast<int>(std::ceil(band.top())); y < static_cast<int>(band.bottom()); ++y)
                if (image.pixel(x, y) == trace) {
                    if (top < 0) top = y;
                    bottom = y;
                }
            spans.emplace_back(top, bottom);
        }
    return spans;
}

}  // namespace

TEST_CASE("a scrolling frame reduces only the new columns and shows what a full redraw shows", "[trace][scrolling]") {
    emg::test::qtApp();
    emg::DisplayBuffer buffer(2.0);
    buffer.onStart(config());
    std::int64_t next = 0;
    for (; next < static_cast<std::int64_t>(kRateHz); next += kBlockFrames) pushBlock(buffer, next);   // 1 s

    emg::ui::TraceSettings settings;
    settings.msPerDiv = 20.0;   // 200 ms on screen
    settings.defaultUvPerDiv = 200.0;
    emg::ui::TraceRenderer incremental;
    render(incremental, buffer, settings);
    const double spp = incremental.layout().samplesPerPixel;
    REQUIRE(spp > 1.0);
    const double plotColumns = std::floor(incremental.layout().plot.width());
    CHECK(static_cast<double>(incremental.columnsReducedLastFrame()) >= plotColumns);   // the first frame: all

    QImage last;
    for (int block = 0; block < 25; ++block) {   // a quarter of a second, one frame a block
        pushBlock(buffer, next);
        next += kBlockFrames;
        last = render(incremental, buffer, settings);
        // a 10 ms block fills 480 / spp columns (+1 for the partial column redrawn)
        CHECK(static_cast<double>(incremental.columnsReducedLastFrame()) <= std::ceil(kBlockFrames / spp) + 2.0);
        CHECK(static_cast<double>(incremental.columnsReducedLastFrame()) >= std::floor(kBlockFrames / spp));
    }
    last.save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/scrolling_incremental.png"));

    emg::ui::TraceRenderer full;
    const QImage reference = render(full, buffer, settings);
    reference.save(QStringLiteral(EMGWS_BINARY_DIR "/tests/ui/scrolling_full.png"));
    const auto a = traceSpans(last, incremental.layout());
    const auto b = traceSpans(reference, full.layout());
    REQUIRE(a.size() == b.size());
    // the column grids may start up to one sample apart, so a column's span may differ by a pixel;
    // more than 2 px apart in at most 1 % of the columns
    std::size_t differ = 0, drawn = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        drawn += b[i].first >= 0;
        if (std::abs(a[i].first - b[i].first) > 2 || std::abs(a[i].second - b[i].second) > 2) ++differ;
    }
    CHECK(drawn > a.size() * 95 / 100);   // a spike may leave its band
    CHECK(differ <= a.size() / 100);
    // the vertical grid lines stay where the full redraw has them (the traces on top of them)
    const QRgb grid = emg::ui::TraceStyle{}.grid.rgb();
    std::size_t gridPixels = 0, gridSame = 0;
    for (int y = 0; y < reference.height(); ++y)
        for (int x = 0; x < reference.width(); ++x)
            if (reference.pixel(x, y) == grid) {
                ++gridPixels;
                gridSame += last.pixel(x, y) == grid;
            }
    REQUIRE(gridPixels > 1000);
    CHECK(static_cast<double>(gridSame) >= 0.99 * static_cast<double>(gridPixels));
}
