#include "trace_view.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace emg::ui {

TraceView::TraceView(const DisplayBuffer& buffer, QWidget* parent) : QWidget(parent), buffer_(buffer) {
    setAttribute(Qt::WA_OpaquePaintEvent);
    setAutoFillBackground(false);
    connect(&timer_, &QTimer::timeout, this, qOverload<>(&QWidget::update));
    setRefreshHz(40.0);
    timer_.start();
}

void TraceView::setSettings(const TraceSettings& settings) {
    settings_ = settings;
    update();
}

void TraceView::setRefreshHz(double hz) {
    timer_.setInterval(static_cast<int>(std::lround(1000.0 / std::clamp(hz, 1.0, 120.0))));
}

void TraceView::renderTo(QPainter& painter, const QRect& area) {
    renderer_.paint(painter, area, buffer_, settings_, style_);
}

void TraceView::paintEvent(QPaintEvent* /*event*/) {
    QPainter painter(this);
    renderTo(painter, rect());
}

}  // namespace emg::ui
