#include "trace_view.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace emg::ui {

TraceView::TraceView(const DisplayBuffer& buffer, QWidget* parent) : QWidget(parent), buffer_(buffer) {
    setAttribute(Qt::WA_OpaquePaintEvent);
    setAutoFillBackground(false);
    connect(&timer_, &QTimer::timeout, this, qOverload<>(&QWidget::update));
    coalesce_.setSingleShot(true);
    coalesce_.setTimerType(Qt::PreciseTimer);
    connect(&coalesce_, &QTimer::timeout, this, &TraceView::onArrival);
    arrival_ = new ArrivalSignal(buffer_, this);
    connect(arrival_, &ArrivalSignal::arrived, this, &TraceView::onArrival);
    sinceFrame_.start();
    setRefreshHz(kDefaultMaxFramesPerSecond);
    setPaintOnArrival(true);
}

TraceView::~TraceView() {
    delete arrival_;   // stops the writer's calls before the rest of the view goes
    arrival_ = nullptr;
}

void TraceView::setPaintOnArrival(bool on) {
    paintOnArrival_ = on;
    if (on) timer_.stop();
    else {
        coalesce_.stop();
        timer_.start();
    }
}

void TraceView::onArrival() {
    if (!paintOnArrival_ || coalesce_.isActive()) return;   // a frame is already due at the end of this period
    const std::int64_t end = buffer_.endSampleIndex();
    if (end == paintedEnd_) return;
    const double waitMs = minFrameMs_ - static_cast<double>(sinceFrame_.nsecsElapsed()) * 1e-6;
    if (waitMs > 1.0) {   // too soon after the last frame: once, at the end of the period
        coalesce_.start(static_cast<int>(std::ceil(waitMs)));
        return;
    }
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
    timer_.setInterval(static_cast<int>(std::lround(minFrameMs_)));
}

void TraceView::renderTo(QPainter& painter, const QRect& area) {
    renderer_.paint(painter, area, buffer_, settings_, style_);
}

void TraceView::paintEvent(QPaintEvent* /*event*/) {
    QPainter painter(this);
    renderTo(painter, rect());
}

}  // namespace emg::ui
