// Paint on arrival without polling (issue 13): the live view paints when the display buffer's
// writer says samples arrived, at most refreshHz frames a second, shows the last block once the
// writer stops, and paints nothing while nothing arrives. And the review pane's rows reduced to
// pixel columns where the page is read (page_columns.h).
#include "review/page_columns.h"
#include "trace_view.h"
#include "ui_test_support.h"

#include <emg/acq/display_buffer.h>

#include <catch2/catch.hpp>

#include <QElapsedTimer>

#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <thread>
#include <vector>

namespace {

constexpr double kRateHz = 48000.0;
constexpr std::uint32_t kBlockFrames = 480;   // 10 ms
constexpr std::size_t kChannels = 2;

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

void pushBlock(emg::DisplayBuffer& buffer, std::int64_t first) {
    std::vector<float> uv(kBlockFrames * kChannels);
    for (std::size_t i = 0; i < uv.size(); ++i) uv[i] = static_cast<float>(100.0 * std::sin(0.01 * static_cast<double>(first) + 0.001 * static_cast<double>(i)));
    emg::SampleBlockView v;
    v.firstSampleIndex = first;
    v.frames = kBlockFrames;
    v.channelCount = kChannels;
    v.microvolts = uv.data();
    buffer.onBlock(v);
}

class CountingView : public emg::ui::TraceView {
public:
    using TraceView::TraceView;
    std::vector<std::int64_t> paintedEnds;   ///< the buffer's end at each paint
    const emg::DisplayBuffer* buffer = nullptr;

protected:
    void paintEvent(QPaintEvent* e) override {
        paintedEnds.push_back(buffer->endSampleIndex());
        TraceView::paintEvent(e);
    }
};

bool waitFor(const std::function<bool()>& done, int timeoutMs) {
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs) return false;
        emg::test::runEventsFor(5);
    }
    return true;
}

}  // namespace

TEST_CASE("the live view paints when samples arrive, at most refreshHz a second, and not while none arrive", "[ui][scrollback][arrival]") {
    emg::test::qtApp();
    emg::DisplayBuffer buffer(2.0);
    buffer.onStart(config());
    CountingView view(buffer);
    view.buffer = &buffer;
    view.resize(600, 300);
    view.show();
    REQUIRE(view.paintOnArrival());
    view.setRefreshHz(60.0);
    emg::test::runEventsFor(100);   // the first expose
    const std::size_t exposed = view.paintedEnds.size();

    // 600 blocks of 10 ms written 1 ms apart: far more blocks than frames
    constexpr int kBlocks = 600;
    std::atomic<bool> done{false};
    QElapsedTimer wall;
    wall.start();
    std::thread writer([&] {
        for (int b = 0; b < kBlocks; ++b) {
            pushBlock(buffer, static_cast<std::int64_t>(b) * kBlockFrames);
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        done.store(true);
    });
    const std::int64_t lastEnd = static_cast<std::int64_t>(kBlocks) * kBlockFrames;
    const bool shown = waitFor([&] { return done.load() && !view.paintedEnds.empty() && view.paintedEnds.back() == lastEnd; }, 10000);
    const double seconds = static_cast<double>(wall.elapsed()) / 1000.0;
    writer.join();
    REQUIRE(shown);   // the last block is drawn once the writer stops (a frame due at the end of the period)
    const std::size_t frames = view.paintedEnds.size() - exposed;
    INFO("frames " << frames << " in " << seconds << " s");
    CHECK(frames >= 3);                                                          // painted while data came, not only at the end
    CHECK(static_cast<double>(frames) <= 60.0 * seconds + 3.0);                  // never more than 60 a second
    CHECK(frames < static_cast<std::size_t>(kBlocks) / 4);                       // never a frame per block

    // nothing arrives: no frame (no poll repaints an unchanged buffer)
    const std::size_t idle0 = view.paintedEnds.size();
    emg::test::runEventsFor(300);
    CHECK(view.paintedEnds.size() == idle0);

    // one more block after the pause: painted at once
    pushBlock(buffer, lastEnd);
    CHECK(waitFor([&] { return view.paintedEnds.back() == lastEnd + kBlockFrames; }, 2000));
}

TEST_CASE("a page row is reduced to one min/max per pixel column, holes skipped", "[ui][review]") {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::vector<emg::ColumnMinMax> out;
    // 10 samples in 3 columns: [0,3) [3,6) [6,10)
    const std::vector<float> v{1, -2, 3, 4, 5, nan, nan, -7, 8, 0};
    emg::ui::reduceToColumns(v, 3, out);
    REQUIRE(out.size() == 3);
    CHECK(out[0].minUv == -2.0f);
    CHECK(out[0].maxUv == 3.0f);
    CHECK(out[1].minUv == 4.0f);
    CHECK(out[1].maxUv == 5.0f);
    CHECK(out[2].minUv == -7.0f);
    CHECK(out[2].maxUv == 8.0f);
    // a column of only holes is empty
    emg::ui::reduceToColumns(std::vector<float>{1, nan, nan, 2}, 4, out);
    REQUIRE(out.size() == 4);
    CHECK(out[1].empty());
    CHECK(out[2].empty());
    CHECK(out[3].minUv == 2.0f);
    // fewer samples than columns: not reduced (drawn as a polyline)
    emg::ui::reduceToColumns(std::vector<float>{1, 2}, 3, out);
    CHECK(out.empty());
}
