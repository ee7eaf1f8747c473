#pragma once
// NCS review: the response to the latest stimulus on a chosen channel, measured by emg_dsp
// (onset, negative peak, amplitude, duration, area); the clinician drags the markers and the
// values are recomputed from them at once (dsp::remeasure), marked "clinician".

#include "marker_chart_view.h"

#include <emg/acq/display_buffer.h>
#include <emg/dsp/ncs_measures.h>

#include <QTimer>
#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;

namespace emg::ui {

class NcsReviewPanel : public QWidget {
    Q_OBJECT
public:
    explicit NcsReviewPanel(const DisplayBuffer& buffer, QWidget* parent = nullptr);

    /// Measure the newest stimulus's sweep; false while its data is not all in yet.
    bool captureLatest();
    const std::optional<dsp::ResponseResult>& result() const noexcept { return result_; }
    MarkerChartView& chartView() noexcept { return *chart_; }
    QString resultsText() const;
    void setChannel(std::size_t channel);
    void setWindowMs(double ms);
    /// Who/what the report names as the source (the main window's device).
    void setDeviceName(const QString& name) { deviceName_ = name; }
    /// Write the PDF report of the current measurement; returns false (and says why in the
    /// values line) when there is nothing to report or the report library is not built.
    bool exportReport(const QString& path);

private:
    void poll();
    void refreshChannels();
    void onMarkersMoved(const dsp::Markers& markers);
    void showResult();

    const DisplayBuffer& buffer_;
    QString deviceName_;
    StimulusEvent stimulus_{};
    QComboBox* channel_;
    QComboBox* window_;
    QCheckBox* follow_;
    MarkerChartView* chart_;
    QLabel* values_;
    QTimer timer_;
    std::uint64_t generation_ = 0;
    std::int64_t lastStimulus_ = -1;
    std::optional<dsp::Sweep> sweep_;
    std::optional<dsp::ResponseResult> result_;
};

}  // namespace emg::ui
