#pragma once
// The turns/amplitude cloud: each interference epoch as a point (turns per second, mean amplitude
// per turn), coloured by where it lies (inside, above, below), and the reference cloud's lower
// and upper limit lines. Qt Charts.

#include <emg/needle/needle_types.h>

#include <QChartView>

class QScatterSeries;
class QLineSeries;
class QValueAxis;

namespace emg::ui {

class QemgCloudPlot : public QChartView {
    Q_OBJECT
public:
    explicit QemgCloudPlot(QWidget* parent = nullptr);
    void setInterference(const needle::InterferenceResult& r);
    /// Epoch points drawn (all three groups).
    int pointCount() const;
    /// The limit lines as drawn: (turns/s, µV) at both ends.
    QList<QPointF> lowLine() const;
    QList<QPointF> highLine() const;

private:
    QScatterSeries* inside_ = nullptr;
    QScatterSeries* above_ = nullptr;
    QScatterSeries* below_ = nullptr;
    QLineSeries* low_ = nullptr;
    QLineSeries* high_ = nullptr;
    QValueAxis* x_ = nullptr;
    QValueAxis* y_ = nullptr;
};

}  // namespace emg::ui
