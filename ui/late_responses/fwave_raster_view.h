#pragma once
// F-wave raster: the sweeps of a train stacked top to bottom (first sweep on top), each trace
// offset by a fixed step; the M response is drawn at a lower gain (fitting the step) so the
// small F-waves keep a readable gain, and each F onset the engine found is marked.

#include <emg/dsp/late_responses.h>

#include <QChartView>

#include <span>

namespace emg::ui {

class FWaveRasterView : public QChartView {
    Q_OBJECT
public:
    explicit FWaveRasterView(QWidget* parent = nullptr);
    void setData(std::span<const dsp::Sweep> sweeps, const dsp::FWaveResult& result);
    void clear();
    double traceStepUv() const noexcept { return stepUv_; }
    double mGain() const noexcept { return mGain_; }   ///< gain of the M part (1 = as the F-waves)

private:
    double stepUv_ = 0.0;
    double mGain_ = 1.0;
};

/// The vertical distance between traces: twice the largest F-wave (peak to peak), at least 100 µV.
double fwaveRasterStepUv(const dsp::FWaveResult& result);

}  // namespace emg::ui
