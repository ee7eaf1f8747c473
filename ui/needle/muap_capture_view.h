#pragma once
// Potentials captured by the trigger-and-delay line: superimposed (left) so a unit's stability
// shows, and as a raster (right), one sweep per row, newest at the bottom.

#include <QWidget>

#include <deque>
#include <vector>

namespace emg::ui {

class MuapCaptureView : public QWidget {
    Q_OBJECT
public:
    explicit MuapCaptureView(QWidget* parent = nullptr);
    void setSampleRate(double hz) { fs_ = hz; }
    void setSensitivityUvPerDiv(double v) { uvPerDiv_ = v; update(); }
    void setDelayMs(double ms) { delayMs_ = ms; update(); }
    void addCapture(std::vector<float> sweep);
    void clear();
    std::size_t captures() const noexcept { return sweeps_.size(); }
    static constexpr std::size_t kMaxRaster = 20;
    QSize sizeHint() const override { return {420, 320}; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    std::deque<std::vector<float>> sweeps_;
    double fs_ = 20000.0, uvPerDiv_ = 200.0, delayMs_ = 5.0;
};

}  // namespace emg::ui
