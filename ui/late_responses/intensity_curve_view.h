#pragma once
// Amplitude against stimulus intensity: one or more curves (points joined in intensity order)
// and optional vertical markers (e.g. the plateau and the recommended supramaximal intensity).
// Serves the H-reflex series (H and M) and the supramaximal search.

#include <QChartView>
#include <QColor>
#include <QString>

#include <vector>

namespace emg::ui {

struct IntensityCurve {
    QString name;
    QColor color;
    std::vector<double> intensityMa, amplitudeUv;   ///< same length
};
struct IntensityMarker {
    QString name;
    QColor color;
    double intensityMa = 0.0;
};

class IntensityCurveView : public QChartView {
    Q_OBJECT
public:
    explicit IntensityCurveView(const QString& title, QWidget* parent = nullptr);
    /// `xTitle`: the x axis's title when the x values are not intensities in mA (empty: they are).
    void setCurves(const std::vector<IntensityCurve>& curves, const std::vector<IntensityMarker>& markers = {}, const QString& xTitle = {});
    void clear();
};

}  // namespace emg::ui
