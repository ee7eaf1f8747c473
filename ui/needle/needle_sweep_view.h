#pragma once
// Free-running needle EMG display: a sweep that writes across 10 divisions at the clinical
// sweep speed (ms/div) and sensitivity (µV/div), negative up, with the trigger level line and
// the delay marker. Repainted on the panel's timer from min/max per pixel column.

#include <QWidget>

#include <vector>

namespace emg::ui {

class NeedleSweepView : public QWidget {
    Q_OBJECT
public:
    explicit NeedleSweepView(QWidget* parent = nullptr);

    static const std::vector<double>& sweepSpeedsMsPerDiv();   ///< 1 .. 200 ms/div
    static const std::vector<double>& sensitivitiesUvPerDiv(); ///< 20 .. 5000 µV/div

    void setSampleRate(double hz);
    void setSweepMsPerDiv(double msPerDiv);
    void setSensitivityUvPerDiv(double uvPerDiv);
    void setTrigger(double levelUv, double delayMs, bool enabled);
    /// Appends samples (µV) at the write position; the sweep wraps after 10 divisions.
    void append(const float* uv, std::size_t n);
    void clear();

    double sweepMsPerDiv() const noexcept { return msPerDiv_; }
    double sensitivityUvPerDiv() const noexcept { return uvPerDiv_; }
    QSize sizeHint() const override { return {640, 320}; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    void resize_();
    double fs_ = 20000.0, msPerDiv_ = 10.0, uvPerDiv_ = 100.0;
    double triggerUv_ = -200.0, delayMs_ = 5.0;
    bool triggerOn_ = false;
    std::vector<float> sweep_;      // one screen of samples
    std::size_t write_ = 0;
};

}  // namespace emg::ui
