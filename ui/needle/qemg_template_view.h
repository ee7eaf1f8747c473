#pragma once
// One motor unit's template for the QEMG review: the individual firings superimposed in light
// grey under the average (black, negative up), and the onset and end markers as vertical lines
// the clinician drags; each marker's name says whether it is automatic or the clinician's.
// Qt Charts; OpenGL series only on a real X display (they crash offscreen).

#include <emg/needle/qemg_review.h>

#include <QChartView>

#include <array>
#include <vector>

class QLineSeries;
class QValueAxis;

namespace emg::ui {

enum class QemgMarker { Onset = 0, End = 1 };

class QemgTemplateView : public QChartView {
    Q_OBJECT
public:
    explicit QemgTemplateView(QWidget* parent = nullptr);

    /// The average (µV, main peak at peakIndex) and the firings' windows (same length and
    /// alignment); at most kMaxFirings are drawn.
    void setUnit(int unitId, const std::vector<double>& templateUv, int peakIndex, double sampleRateHz,
                 const std::vector<std::vector<double>>& firingsUv);
    /// Marker positions (ms from the main peak) and where they come from.
    void setMarkers(double onsetMs, double endMs, needle::MarkerProvenance onset, needle::MarkerProvenance end);
    void clearUnit();

    double markerMs(QemgMarker m) const { return markersMs_[static_cast<std::size_t>(m)]; }
    /// Moves a marker as a drag would (kept inside the template) and emits markerMoved.
    void moveMarker(QemgMarker m, double ms);
    /// Widget x of a marker (hit-testing, tests).
    double markerX(QemgMarker m) const;
    int unitId() const noexcept { return unitId_; }
    int firingsDrawn() const noexcept { return firingsDrawn_; }
    static constexpr int kMaxFirings = 60;

signals:
    void markerMoved(int unitId, emg::ui::QemgMarker marker, double ms);

protected:
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    double msAtX(double widgetX) const;
    int markerNear(double widgetX) const;
    void drawMarkers();

    std::vector<QLineSeries*> firings_;
    QLineSeries* average_ = nullptr;
    std::array<QLineSeries*, 2> markerLines_{};
    QValueAxis* x_ = nullptr;
    QValueAxis* y_ = nullptr;
    std::array<double, 2> markersMs_{};
    std::array<needle::MarkerProvenance, 2> provenance_{};
    double firstMs_ = 0.0, lastMs_ = 0.0;
    double yLow_ = -1.0, yHigh_ = 1.0;
    int unitId_ = -1;
    int firingsDrawn_ = 0;
    int dragged_ = -1;
};

}  // namespace emg::ui
