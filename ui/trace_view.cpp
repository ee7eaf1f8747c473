#include "trace_view.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace emg::ui {

TraceView::TraceView(const DisplayBuffer& buffer, QWidget* parent) : QWidget(parent), buffer_(buffer) {
    setAttribute(Qt::WA_OpaquePaintEvent);
    setAutoFillBackground(false);
    connect(&timer_, &QTimer::timeout, this, [this] {
        if (paintOnArrival_) pollArrival();
        else update();
    });
    sinceFrame_.start();
    setPaintOnArrival(true);
    setRefreshHz(kDefaultMaxFramesPerSecond);
    timer_.start();
}

void TraceView::setPaintOnArrival(bool on) {
    paintOnArrival_ = on;
    timer_.setTimerType(on ? Qt::PreciseTimer : Qt::CoarseTimer);
    setRefreshHz(1000.0 / minFrameMs_);
}

void TraceView::pollArrival() {
    const std::int64_t end = buffer_.endSampleIndex();
    if (end == paintedEnd_ || static_cast<double>(sinceFrame_.nsecsElapsed()) * 1e-6 < minFrameMs_ - 1.0) return;
    paintedEnd_ = end;
    sinceFrame_.restart();
    update();
}

void TraceView::setSettings(const TraceSettings& settings) {
    settings_ = settings;
    update();
}

void TraceView::setRefreshHz(double hz) {
    minFrameMs_ = 1000.0 / std::clamp(hz, 1.0, 120.0);
    timer_.setInterval(paintOnArrival_ ? 2 : static_cast<int>(std::lround(minFrameMs_)));
}

void TraceView::renderTo(QPainter& painter, const QRect& area) {
    renderer_.paint(painter, area, buffer_, settings_, style_);
}

void TraceView::paintEvent(QPaintEvent* /*event*/) {
    QPainter painter(this);
    renderTo(painter, rect());
}

}  // namespace emg::ui
