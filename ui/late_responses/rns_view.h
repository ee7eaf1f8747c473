#pragma once
// Repetitive nerve stimulation: the responses of the train superimposed (left) and each
// response's amplitude as % of the first (bars, right).

#include <emg/dsp/late_responses.h>

#include <QWidget>

#include <span>

class QChartView;

namespace emg::ui {

class RnsView : public QWidget {
    Q_OBJECT
public:
    explicit RnsView(QWidget* parent = nullptr);
    void setData(std::span<const dsp::Sweep> train, const dsp::RnsResult& result);
    void clear();
    QChartView& tracesView() const noexcept { return *traces_; }
    QChartView& barsView() const noexcept { return *bars_; }

private:
    QChartView* traces_;
    QChartView* bars_;
};

/// Amplitude (baseline to negative peak) of each response as % of the first.
std::vector<double> rnsAmplitudePercents(const dsp::RnsResult& result);

}  // namespace emg::ui
