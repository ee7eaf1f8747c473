#pragma once
// The live trace widget: repaints from the DisplayBuffer when new samples are in (told by the
// buffer's writer through an ArrivalSignal, at most 120 frames a second; never per sample), or on
// a fixed timer.

#include "arrival_signal.h"
#include "trace_renderer.h"
#include "trace_settings.h"

#include <emg/acq/display_buffer.h>

#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

namespace emg::ui {

class TraceView : public QWidget {
    Q_OBJECT
public:
    explicit TraceView(const DisplayBuffer& buffer, QWidget* parent = nullptr);
    ~TraceView() override;

    const TraceSettings& settings() const noexcept { return settings_; }
    void setSettings(const TraceSettings& settings);
    const TraceStyle& style() const noexcept { return style_; }
    /// Layout of the last paint (bands, scales), e.g. for tests and marker hit-testing.
    const TraceLayout& layout() const noexcept { return renderer_.layout(); }
    /// Markers or cursors drawn on top of the traces.
    void setOverlay(TraceOverlay overlay) { renderer_.setOverlay(std::move(overlay)); }
    /// With paint on arrival (the default), the most frames a second (default 120: every block of
    /// 10 ms gets its own frame); on a fixed timer, the repaint rate.
    void setRefreshHz(double hz);
    static constexpr double kDefaultMaxFramesPerSecond = 120.0;
    /// Paint on arrival (the default): instead of a frame every 1/refreshHz whatever came, a frame
    /// as soon as new samples are in the buffer (the writer's notification, no polling), at most
    /// refreshHz a second: a block arriving sooner after the last frame waits for the rest of
    /// that period (a one-shot timer). A block then waits for one paint, not for the next tick of
    /// a fixed timer (up to a whole period). Measured in bench_live_scrollback: p95 within one
    /// 60 Hz frame while scrolling back at 32 ch × 48 kHz, where a 60 Hz timer alone gives p95 ≈
    /// 2 frames.
    void setPaintOnArrival(bool on);
    bool paintOnArrival() const noexcept { return paintOnArrival_; }
    /// Paint into any device (used by the benchmark), as paintEvent does.
    void renderTo(QPainter& painter, const QRect& area);

    QSize sizeHint() const override { return {1000, 640}; }
    QSize minimumSizeHint() const override { return {320, 200}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    const DisplayBuffer& buffer_;
    TraceSettings settings_;
    TraceStyle style_;
    TraceRenderer renderer_;
    QTimer timer_;        ///< the fixed repaint timer (paint on arrival off)
    QTimer coalesce_;     ///< one-shot: the rest of the period after a frame (paint on arrival)
    ArrivalSignal* arrival_ = nullptr;
    void onArrival();
    bool paintOnArrival_ = false;
    double minFrameMs_ = 25.0;
    std::int64_t paintedEnd_ = -1;   ///< the buffer's end when the last frame was asked for
    QElapsedTimer sinceFrame_;
};

}  // namespace emg::ui
