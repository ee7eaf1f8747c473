#pragma once
// "Late responses" tab: F-wave raster, RNS train, H-reflex series and supramaximal curve from
// the stimuli delivered since "Start series" on one channel. The engine measures
// (late_analysis.h); this panel collects the sweeps, draws them and shows the numbers.

#include <emg/study/late_analysis.h>
#include "late_series.h"

#include <emg/acq/display_buffer.h>
#include <emg/core/recording.h>
#include <emg/review/span_provenance.h>

#include <QTimer>
#include <QWidget>

#include <functional>
#include <memory>
#include <optional>
#include <string>

class QComboBox;
class QLabel;
class QPushButton;
class QStackedWidget;
class QVBoxLayout;

namespace emg::study {
class SessionStore;
}

namespace emg::ui {

class ActiveStudy;
class LateSaveBar;

class FWaveRasterView;
class IntensityCurveView;
class RnsView;

class LateResponsesPanel : public QWidget {
    Q_OBJECT
public:
    explicit LateResponsesPanel(const DisplayBuffer& buffer, QWidget* parent = nullptr);

    void setMode(study::LateMode mode);
    study::LateMode mode() const noexcept { return mode_; }
    void setChannel(std::size_t channel);
    /// Forgets the series: only stimuli from now on belong to the next one.
    void startSeries();
    /// Takes the stimuli and sweeps that arrived and measures again (the timer calls it).
    void poll();
    /// Where "Analyse recording" finds the replayed recording (null when none is loaded).
    void setRecordingSource(std::function<std::shared_ptr<const Recording>()> source);
    /// The whole recording as the series (the CLI's chain), on the chosen channel; the live
    /// series resumes with "Start series". Returns false when nothing could be measured.
    /// `span`: the recording is a span sent from the review view; the saved result keeps it (its
    /// file, times and SHA-256) in every measurement's method, as NCS review does.
    bool analyzeRecording(std::shared_ptr<const Recording> recording, std::optional<review::SpanProvenance> span = std::nullopt);
    /// RNS of a recording holding several trains: measure train `index` (from 0; the last is
    /// shown first) and offer its label as the condition to save it under. False out of range.
    bool chooseRnsTrain(int index);
    /// Where the shown result was measured: the span's description, empty for the live series
    /// or a replayed recording.
    std::string measuredSource() const;

    /// Where "Save to study" stores the current mode's result (late_save_to_study.cpp); the
    /// row says why it cannot when the store or the active study is missing.
    void setStudyTarget(study::SessionStore* store, ActiveStudy* active);
    /// Stores the current F-wave, H-reflex or RNS result as a test of the active study,
    /// replacing the same test (the study's upsert rule). False (the row says why) otherwise.
    bool saveToStudy();
    /// The "Save to study" row.
    LateSaveBar* saveBar() const noexcept { return saveBar_; }

    const LateSeries& series() const noexcept { return series_; }
    const study::LateAnalysis& analysis() const noexcept { return analysis_; }
    QString summaryText() const;
    FWaveRasterView& rasterView() const noexcept { return *raster_; }
    RnsView& rnsView() const noexcept { return *rns_; }
    IntensityCurveView& hreflexView() const noexcept { return *hreflex_; }
    IntensityCurveView& supramaxView() const noexcept { return *supramax_; }

private:
    void refreshChannels();
    void reanalyze();
    void showAnalysis();
    void showTrains();
    void showRecordingChannels();
    void addSaveRow(QVBoxLayout* layout);
    void offerProtocolTests();

    const DisplayBuffer& buffer_;
    LateSeries series_;
    study::LateAnalysis analysis_;
    study::LateMode mode_ = study::LateMode::FWave;
    std::function<std::shared_ptr<const Recording>()> recordingSource_;
    std::shared_ptr<const Recording> reviewed_;   ///< the recording shown instead of the live series
    std::optional<review::SpanProvenance> spanProvenance_;   ///< reviewed_ is this span of a recording
    std::optional<std::size_t> rnsTrain_;   ///< the train of reviewed_ measured in RNS mode (nothing: the last)
    std::uint64_t generation_ = 0;
    bool channelsOfRecording_ = false;   ///< the channel combo lists reviewed_'s channels
    QComboBox* modeBox_;
    QComboBox* channelBox_;
    QPushButton* recordingButton_;
    QComboBox* rnsTrainBox_;   ///< RNS of a recording of several trains: which one
    QLabel* status_;
    QStackedWidget* stack_;
    FWaveRasterView* raster_;
    RnsView* rns_;
    IntensityCurveView* hreflex_;
    IntensityCurveView* supramax_;
    QLabel* values_;
    QTimer timer_;
    LateSaveBar* saveBar_ = nullptr;
};

}  // namespace emg::ui
