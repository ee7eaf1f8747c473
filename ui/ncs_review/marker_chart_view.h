#pragma once
// A Qt Charts view of one sweep (negative up) with the four NCS markers as vertical lines the
// clinician drags with the mouse. OpenGL series only on a real X display (they crash offscreen).

#include <emg/dsp/ncs_measures.h>

#include <QChartView>

#include <array>

class QLineSeries;
class QValueAxis;

namespace emg::ui {

enum class MarkerKind { Onset = 0, NegativePeak, NegativeEnd, PositivePeak };

class MarkerChartView : public QChartView {
    Q_OBJECT
public:
    explicit MarkerChartView(QWidget* parent = nullptr);

    void setSweep(const dsp::Sweep& sweep);
    void setMarkers(const dsp::Markers& markers);
    const dsp::Markers& markers() const noexcept { return markers_; }
    /// Move one marker (as a drag would) and emit markersMoved.
    void moveMarker(MarkerKind kind, double ms);
    /// Widget x of a marker (for tests and hit-testing).
    double markerX(MarkerKind kind) const;
    double& markerMs(MarkerKind kind);
    double markerMs(MarkerKind kind) const;

signals:
    void markersMoved(const emg::dsp::Markers& markers);

protected:
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void updateMarkerLines();
    double msAt(double widgetX) const;

    QLineSeries* trace_;
    std::array<QLineSeries*, 4> lines_{};
    QValueAxis* x_;
    QValueAxis* y_;
    dsp::Markers markers_;
    double yMin_ = -1.0, yMax_ = 1.0;
    int dragging_ = -1;
};

}  // namespace emg::ui
