#pragma once
// NCS review: the response to the latest stimulus on a chosen channel, measured by emg_dsp
// (onset, negative peak, amplitude, duration, area); the clinician drags the markers and the
// values are recomputed from them at once (dsp::remeasure), marked "clinician".

#include "marker_chart_view.h"

#include <emg/acq/display_buffer.h>
#include <emg/dsp/ncs_analysis.h>
#include <emg/dsp/ncs_measures.h>
#include <emg/review/span_provenance.h>

#include <QTimer>
#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;

namespace emg::study {
class SessionStore;
}

namespace emg::ui {

class ActiveStudy;
class NcsSaveBar;

class NcsReviewPanel : public QWidget {
    Q_OBJECT
public:
    explicit NcsReviewPanel(const DisplayBuffer& buffer, QWidget* parent = nullptr);

    /// Measure the newest stimulus's sweep; false while its data is not all in yet.
    bool captureLatest();
    const std::optional<dsp::ResponseResult>& result() const noexcept { return result_; }
    /// Measures a recorded span (the review view's "Measure span…"): the motor/sensory chain of
    /// `emgws-cli analyze` (first signal channel, one averaged response per site), showing the
    /// first site with a response; live following stops. False, with the reason in the values
    /// line, when the span holds no stimulus or no channel. `provenance` is kept and shown.
    bool measureRecording(const Recording& span, const review::SpanProvenance& provenance, dsp::NcsTest test = dsp::NcsTest::Motor);
    /// The sites measured by the last measureRecording (empty after a live capture).
    const std::vector<dsp::SiteResult>& spanSites() const noexcept { return spanSites_; }
    /// The span the current result was measured on (none for a live capture).
    const std::optional<review::SpanProvenance>& spanProvenance() const noexcept { return spanProvenance_; }
    /// Where the shown result was measured, as a study entry keeps it: the recording, span, SHA-256
    /// and channel for a recorded span; the channel and device for a live one.
    std::string measuredSource() const;
    MarkerChartView& chartView() noexcept { return *chart_; }
    QString resultsText() const;
    void setChannel(std::size_t channel);
    void setWindowMs(double ms);
    /// Who/what the report names as the source (the main window's device).
    void setDeviceName(const QString& name) { deviceName_ = name; }
    /// Write the PDF report of the current measurement; returns false (and says why in the
    /// values line) when there is nothing to report or the report library is not built.
    bool exportReport(const QString& path);
    /// "Save to study": where the measured responses go (the Study tab's active study); without a
    /// store or an active study the Save to study row says so.
    void setStudyTarget(study::SessionStore* store, ActiveStudy* active);
    /// Stores the current response as a site of the active study's motor/sensory test (the Save
    /// to study row says which); false, with the reason in that row, when it cannot.
    bool saveToStudy();
    NcsSaveBar* saveBar() const noexcept { return saveBar_; }

private:
    void poll();
    void refreshChannels();
    void onMarkersMoved(const dsp::Markers& markers);
    void showResult();
    void offerProtocolTests();

    const DisplayBuffer& buffer_;
    QString deviceName_;
    StimulusEvent stimulus_{};
    QComboBox* channel_;
    QComboBox* window_;
    QCheckBox* follow_;
    MarkerChartView* chart_;
    QLabel* values_;
    NcsSaveBar* saveBar_ = nullptr;
    QTimer timer_;
    std::uint64_t generation_ = 0;
    std::int64_t lastStimulus_ = -1;
    std::optional<dsp::Sweep> sweep_;
    std::optional<dsp::ResponseResult> result_;
    std::vector<dsp::SiteResult> spanSites_;
    std::optional<review::SpanProvenance> spanProvenance_;
    QString spanChannel_;
    std::string spanStimuliSource_;   ///< how the span's stimuli were placed when it marks none (stored with each value)
};

}  // namespace emg::ui
