#pragma once
// The live trace widget: repaints from the DisplayBuffer on a timer (never per sample).

#include "trace_renderer.h"
#include "trace_settings.h"

#include <emg/acq/display_buffer.h>

#include <QTimer>
#include <QWidget>

namespace emg::ui {

class TraceView : public QWidget {
    Q_OBJECT
public:
    explicit TraceView(const DisplayBuffer& buffer, QWidget* parent = nullptr);

    const TraceSettings& settings() const noexcept { return settings_; }
    void setSettings(const TraceSettings& settings);
    const TraceStyle& style() const noexcept { return style_; }
    /// Layout of the last paint (bands, scales), e.g. for tests and marker hit-testing.
    const TraceLayout& layout() const noexcept { return renderer_.layout(); }
    /// Markers or cursors drawn on top of the traces.
    void setOverlay(TraceOverlay overlay) { renderer_.setOverlay(std::move(overlay)); }
    /// Repaint rate; 30–60 Hz is smooth, the default is 40 Hz.
    void setRefreshHz(double hz);
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
    QTimer timer_;
};

}  // namespace emg::ui
