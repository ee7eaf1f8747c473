// Scroll back while live at the workstation's heaviest load (issue 13): the built-in simulator at
// 32 channels × 48 kHz in real time, recording to a temporary BDF+, the live trace view (1920×1080
// window, offscreen) repainting on its timer while the scroll-back pane pages back through the
// recording being written (a page flip every 250 ms, 1 s pages of 32 channels read from the file).
// Runs of 6 s: live only; live + scroll back with the pane's pages read on the GUI thread (as
// before) and on its worker (page_worker.h), 0.2 s and 1 s pages; and the live view painting on
// arrival of new samples (TraceView::setPaintOnArrival, the default since the scrolling trace is
// drawn incrementally) instead of on a fixed timer.
// Prints per run: sample-to-screen latency (each block from its arrival in the display buffer to
// the end of the first frame that shows it) p50/p95/max against one 60 Hz frame (16.7 ms); the
// age of the newest sample when a frame is done (how far the display trails the amplifier); the
// GUI thread's CPU share of one core (goal ≤ 30 %); and dropped or lost samples (goal 0).
#include "acquisition_session.h"
#include "device_catalog.h"
#include "live_scrollback.h"
#include "review/review_keys.h"
#include "review/review_trace_area.h"
#include "review/review_view.h"
#include "trace_view.h"

#include <sim/simulated_amplifier.h>

#include <spdlog/spdlog.h>

#include <QApplication>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <sys/resource.h>
#include <iostream>
#include <numeric>
#include <vector>

namespace {

constexpr std::size_t kChannels = 32;
constexpr double kRateHz = 48000.0;
constexpr double kFrameMs = 1000.0 / 60.0;
constexpr int kRunMs = 6000;

double nowMs() {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// Times the GUI thread went to sleep waiting (voluntary context switches): its wake-ups.
long threadWaits() {
    rusage u{};
    getrusage(RUSAGE_THREAD, &u);
    return u.ru_nvcsw;
}

double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

/// When each block reached the display buffer (a consumer after it): sample end index and time.
class ArrivalLog : public emg::AcquisitionConsumer {
public:
    struct Entry {
        std::int64_t end;
        double ms;
    };
    ArrivalLog() : entries_(1 << 16) {}
    void onStart(const emg::AcquisitionConfig&) override { count_.store(0); }
    void onBlock(const emg::SampleBlockView& b) override {
        const std::size_t i = count_.load(std::memory_order_relaxed);
        if (i >= entries_.size()) return;
        entries_[i] = {b.firstSampleIndex + b.frames, nowMs()};
        count_.store(i + 1, std::memory_order_release);
    }
    std::vector<Entry> snapshot() const { return {entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(count_.load())}; }
    void clear() { count_.store(0); }

private:
    std::vector<Entry> entries_;
    std::atomic<std::size_t> count_{0};
};

/// The live view, noting for every frame the newest sample it drew and when the paint ended.
class TimedTraceView : public emg::ui::TraceView {
public:
    using TraceView::TraceView;
    struct Frame {
        std::int64_t end;
        double doneMs;
    };
    std::vector<Frame> frames;
    const emg::DisplayBuffer* buffer = nullptr;

protected:
    void paintEvent(QPaintEvent* e) override {
        const std::int64_t end = buffer->endSampleIndex();
        TraceView::paintEvent(e);
        frames.push_back({end, nowMs()});
    }
};

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(std::min<double>(static_cast<double>(v.size() - 1), p * static_cast<double>(v.size() - 1)))];
}

void runEvents(int ms) {
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

struct RunResult {
    double p50, p95, max, lagP95, cpuShare, wakeupsPerSec, flipMeanMs, flipMaxMs, shownP95Ms, paintMeanMs, paintMaxMs;
    std::size_t frames, flips;
};

RunResult measure(emg::ui::LiveScrollback& tab, TimedTraceView& live, ArrivalLog& log, bool scrollBack, double refreshHz, double pageMsPerDiv,
                  bool onArrival, bool pagesOnWorker) {
    tab.setPagesOnWorker(pagesOnWorker);
    live.setPaintOnArrival(onArrival);
    live.setRefreshHz(refreshHz);
    auto settings = live.settings();
    settings.msPerDiv = pageMsPerDiv;   // the pane opens with the live sweep's ms/div
    live.setSettings(settings);
    if (scrollBack && !tab.scrollBack()) throw std::runtime_error(tab.lastError().toStdString());
    runEvents(300);   // settle
    log.clear();
    live.frames.clear();
    std::size_t flips = 0;
    double flipSumMs = 0.0, flipMaxMs = 0.0, flipAt = 0.0;
    std::vector<double> shownMs;   // from a flip to its page drawn in the pane (read on the worker)
    std::vector<double> paintMs;   // the GUI thread's paint of a page read on the worker
    if (auto* v = tab.view())
        QObject::connect(v, &emg::ui::ReviewView::pageShown, v, [&, v] {
            const double p0 = threadCpuMs();   // CPU time: on a shared machine wall time is mostly waiting for a core
            v->traceArea().repaint();   // the new page's paint, now rather than at the next update
            paintMs.push_back(threadCpuMs() - p0);
            if (flipAt > 0) shownMs.push_back(nowMs() - flipAt);
            flipAt = 0;
        });
    QTimer pager;
    QObject::connect(&pager, &QTimer::timeout, [&] {
        auto* v = tab.view();
        if (!v) return;
        using namespace emg::ui::review_keys;
        const double t0 = nowMs();
        flipAt = t0;
        v->performAction(v->startSec() <= v->document().earliestSec() + 1e-9 ? kEnd : kPagePrevious);
        v->repaint();   // the page drawn now, inside the flip's time
        const double ms = nowMs() - t0;
        flipSumMs += ms;
        flipMaxMs = std::max(flipMaxMs, ms);
        ++flips;
    });
    if (scrollBack) pager.start(250);
    const double cpu0 = threadCpuMs(), wall0 = nowMs();
    const long waits0 = threadWaits();
    runEvents(kRunMs);
    const double cpu1 = threadCpuMs(), wall1 = nowMs();
    const long waits1 = threadWaits();
    pager.stop();
    if (scrollBack) tab.returnToLive();

    const auto blocks = log.snapshot();
    std::vector<double> latency, lag;
    std::size_t f = 0;
    for (const auto& b : blocks) {
        while (f < live.frames.size() && (live.frames[f].end < b.end || live.frames[f].doneMs < b.ms)) ++f;
        if (f == live.frames.size()) break;   // after the last frame
        latency.push_back(live.frames[f].doneMs - b.ms);
    }
    for (const auto& fr : live.frames) {
        const auto it = std::lower_bound(blocks.begin(), blocks.end(), fr.end, [](const ArrivalLog::Entry& e, std::int64_t end) { return e.end < end; });
        if (it != blocks.end() && it->end == fr.end) lag.push_back(fr.doneMs - it->ms);
    }
    RunResult r{};
    r.p50 = percentile(latency, 0.5);
    r.p95 = percentile(latency, 0.95);
    r.max = latency.empty() ? 0.0 : *std::max_element(latency.begin(), latency.end());
    r.lagP95 = percentile(lag, 0.95);
    r.cpuShare = (cpu1 - cpu0) / (wall1 - wall0);
    r.wakeupsPerSec = static_cast<double>(waits1 - waits0) / ((wall1 - wall0) / 1e3);
    r.frames = live.frames.size();
    r.flips = flips;
    r.flipMeanMs = flips ? flipSumMs / static_cast<double>(flips) : 0.0;
    r.flipMaxMs = flipMaxMs;
    r.shownP95Ms = percentile(shownMs, 0.95);
    r.paintMeanMs = paintMs.empty() ? 0.0 : std::accumulate(paintMs.begin(), paintMs.end(), 0.0) / static_cast<double>(paintMs.size());
    r.paintMaxMs = paintMs.empty() ? 0.0 : *std::max_element(paintMs.begin(), paintMs.end());
    return r;
}

}  // namespace

int main(int argc, char* argv[]) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QTemporaryDir runtime;
    if (qgetenv("XDG_RUNTIME_DIR").isEmpty()) qputenv("XDG_RUNTIME_DIR", runtime.path().toLocal8Bit());
    QApplication app(argc, argv);
    spdlog::set_level(spdlog::level::warn);
    QTemporaryDir dir;

    emg::ui::AcquisitionSession session;
    ArrivalLog log;
    session.addConsumer(&log);
    auto device = std::make_unique<emg::sim::SimulatedAmplifier>();
    const auto config = emg::ui::makeAcquisitionConfig(*device, kChannels, kRateHz, emg::Pacing::RealTime);
    session.setDevice(std::move(device), "simulator");
    if (!session.start(config)) return 1;
    const std::string file = dir.filePath("bench.bdf").toStdString();
    if (!session.startRecording(file)) return 1;

    auto* live = new TimedTraceView(session.displayBuffer());
    live->buffer = &session.displayBuffer();
    emg::ui::LiveScrollback tab(session, live);
    tab.resize(1920, 1080);
    tab.show();
    runEvents(3000);   // 3 s recorded before scrolling back

    struct Named {
        const char* name;
        bool scroll;
        double hz;
        double msPerDiv;
        bool onArrival;
        bool worker;
    };
    const Named runs[] = {{"live only, 40 Hz", false, 40.0, 20.0, false, true},
                          {"live only, 60 Hz", false, 60.0, 20.0, false, true},
                          {"+ scroll back 0.2 s, 60 Hz, GUI reads", true, 60.0, 20.0, false, false},
                          {"+ scroll back 0.2 s, 60 Hz, worker", true, 60.0, 20.0, false, true},
                          {"+ scroll back 1 s, 60 Hz, GUI reads", true, 60.0, 100.0, false, false},
                          {"+ scroll back 1 s, 60 Hz, worker", true, 60.0, 100.0, false, true},
                          {"live only, on arrival <=60 Hz", false, 60.0, 20.0, true, true},
                          {"live only, on arrival <=120 Hz", false, 120.0, 20.0, true, true},
                          {"+ scroll back 1 s, arrival <=60, worker", true, 60.0, 100.0, true, true},
                          {"+ scroll back 0.2 s, arrival <=120, worker", true, 120.0, 20.0, true, true},
                          {"+ scroll back 1 s, arrival <=120, worker", true, 120.0, 100.0, true, true}};
    double load[3] = {0, 0, 0};
    if (getloadavg(load, 3) == 3) std::printf("machine load (1/5/15 min): %.2f %.2f %.2f\n", load[0], load[1], load[2]);
    std::printf("live view while scrolling back: %zu ch x %.0f kHz, recording, 1920x1080 offscreen, %d s per run\n", kChannels,
                kRateHz / 1000.0, kRunMs / 1000);
    std::printf("%-42s %7s %7s %7s %8s %8s %7s %7s %6s %6s %9s %8s %10s\n", "run (repaint rate)", "p50 ms", "p95 ms", "max ms", "p95/16.7",
                "lag95 ms", "GUI CPU", "wakes/s", "frames", "flips", "flip ms", "shown95", "paint cpu");
    for (const auto& run : runs) {
        const RunResult r = measure(tab, *live, log, run.scroll, run.hz, run.msPerDiv, run.onArrival, run.worker);
        std::printf("%-42s %7.1f %7.1f %7.1f %8.2f %8.1f %6.0f%% %7.0f %6zu %6zu %4.1f/%4.1f %8.1f %4.1f/%4.1f\n", run.name, r.p50, r.p95, r.max,
                    r.p95 / kFrameMs, r.lagP95, r.cpuShare * 100.0, r.wakeupsPerSec, r.frames, r.flips, r.flipMeanMs, r.flipMaxMs, r.shownP95Ms, r.paintMeanMs,
                    r.paintMaxMs);
    }
    std::printf("p50/p95/max: each block from its arrival in the display buffer to the end of the first live frame showing it;\n"
                "lag95: age of the newest sample when a frame is done; flip ms: mean/max of a page flip on the GUI thread (pages are\n"
                "read on the pane's worker: the request and a repaint); shown95: p95 from a flip to its page drawn in the pane;\n"
                "wakes/s: the GUI thread's voluntary context switches a second (its wake-ups);\n"
                "paint cpu: mean/max GUI-thread CPU time of the pane's paint of a page read on the worker;\n"
                "on arrival: the live view paints as soon as new samples are in (told by the display buffer, no polling), at most that many frames a second;\n"
                "the workstation's default is on arrival <=120 Hz with pages on the worker (the last two runs)\n");
    if (getloadavg(load, 3) == 3) std::printf("machine load after (1/5/15 min): %.2f %.2f %.2f\n", load[0], load[1], load[2]);
    const auto stats = session.stats();
    session.stopRecording();
    session.stop();
    std::printf("samples dropped (ring full): %llu, lost in gaps: %llu, gaps: %llu, frames delivered: %llu (goal: 0 dropped)\n",
                static_cast<unsigned long long>(stats.framesDroppedRingFull), static_cast<unsigned long long>(stats.framesLostGap),
                static_cast<unsigned long long>(stats.gaps), static_cast<unsigned long long>(stats.frames));
    std::printf("goals: sample-to-screen p95 <= 16.7 ms (one 60 Hz frame), GUI thread <= 30 %% of a core, 0 dropped\n");
    return 0;
}
