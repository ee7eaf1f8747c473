#pragma once
// The needle EMG panel: free-running sweep (clinical sweep speeds and sensitivities), trigger and
// delay line capturing MUAPs (superimposed and raster), EMG sound (volume, mute), and the
// per-muscle findings grid filled by emg::needle::analyzeNeedleSignal and editable, and "Save to
// study", which stores the grid's rows as needle tests of the active study.
// "QEMG review" opens the review of the last analysis' units in its own window (qemg_review_view.h).
// Live data come from the acquisition thread through lock-free rings (NeedleTap, EmgSound).

#include "emg_sound.h"

#include <emg/acq/acquisition_engine.h>
#include <emg/core/spsc_ring.h>
#include <emg/needle/needle_analysis.h>
#include <emg/review/span_provenance.h>
#include <emg/study/measurement.h>

#include <QWidget>

#include <atomic>
#include <deque>
#include <map>
#include <optional>
#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QCheckBox;
class QSlider;
class QLineEdit;
class QLabel;
class QPushButton;
class QSpinBox;
class QTimer;

namespace emg::study {
class SessionStore;
}

namespace emg::ui {

class ActiveStudy;
class StudySaveBar;
class AcquisitionSession;
class NeedleSweepView;
class MuapCaptureView;
class NeedleFindingsGrid;
class QemgReviewView;

/// Acquisition-thread side of the panel: one channel's µV into a ring for the GUI timer.
class NeedleTap : public emg::AcquisitionConsumer {
public:
    NeedleTap() : ring_(1 << 20) {}
    void onStart(const AcquisitionConfig& c) override { rateHz_.store(c.sampleRateHz); scratch_.assign(static_cast<std::size_t>(c.sampleRateHz), 0.0f); }
    void onBlock(const SampleBlockView& b) override;
    void setChannel(int ch) noexcept { channel_.store(ch); }
    SpscRing<float>& ring() noexcept { return ring_; }
    double rateHz() const noexcept { return rateHz_.load(); }

private:
    SpscRing<float> ring_;
    std::atomic<int> channel_{0};
    std::atomic<double> rateHz_{20000.0};
    std::vector<float> scratch_;
};

class NeedlePanel : public QWidget {
    Q_OBJECT
public:
    explicit NeedlePanel(AcquisitionSession* session, QWidget* parent = nullptr);
    ~NeedlePanel() override;

    /// Feeds samples as if they had arrived live (review, tests): display, trigger capture, history.
    void feed(const float* uv, std::size_t n, double sampleRateHz);
    /// Analyses the history (or the replayed recording's channel) and fills the findings grid.
    std::optional<emg::needle::NeedleAnalysis> analyze();
    /// Analyses a signal directly (review of a stored recording) and fills the grid.
    emg::needle::NeedleAnalysis analyzeSignal(const std::vector<double>& uv, double sampleRateHz,
                                              const std::vector<Annotation>& annotations = {});

    /// Measures a recorded span (the review view's "Measure span…"): the channel and the muscle are
    /// chosen as `emgws-cli analyze --test needle` chooses them (the first needle channel, else the
    /// first signal channel; the typed muscle, else the channel's label when it names one), the
    /// analysis is the CLI's, and the findings row keeps the span (file, SHA-256, channel, start,
    /// end) as its source for "Save to study". False, with the reason in the status line, when the
    /// span has no channel a needle analysis can read.
    bool measureRecording(const Recording& span, const review::SpanProvenance& provenance);
    /// The muscle and effort a file's header comments state, into their fields where none is chosen
    /// (or the last file's stands unedited); called by measureRecording.
    void fillFromHeader(const std::vector<std::string>& comments);
    /// The span the last analysis measured (none for live or replayed signal).
    const std::optional<review::SpanProvenance>& spanProvenance() const noexcept { return spanProvenance_; }
    /// The last analysis shown (any source).
    const std::optional<emg::needle::NeedleAnalysis>& lastAnalysis() const noexcept { return last_; }
    /// The status line under the grid (the last analysis' summary, or why it failed).
    QString statusText() const;

    void setSweep(double msPerDiv, double uvPerDiv);
    void setTrigger(double levelUv, double delayMs, bool enabled);
    void setMuscle(const QString& muscle);
    /// The side the next analysis is filed under: "left", "right" or empty (unspecified).
    void setSide(const QString& side);

    /// "Save to study": where the findings go (the Study tab's active study). Without a store or
    /// an active study the Save to study row says so and stays disabled.
    void setStudyTarget(study::SessionStore* store, ActiveStudy* active);
    /// Stores every grid row as a needle test of the active study (replacing the same muscle and
    /// side, any letter case); false, with the reason in the Save to study row, when it cannot.
    bool saveToStudy();
    StudySaveBar* saveBar() const { return saveBar_; }

    NeedleSweepView* sweepView() const { return sweep_; }
    MuapCaptureView* captureView() const { return capture_; }
    NeedleFindingsGrid* findings() const { return grid_; }
    EmgSound* sound() const { return sound_; }
    /// The QEMG review of the last analysis (units, templates, markers, cloud, expert comparison),
    /// in its own window opened by the "QEMG review" button; filled by every analysis.
    QemgReviewView* qemgReview() const { return qemg_; }
    /// Shows the QEMG review window (false when nothing was analysed yet).
    bool openQemgReview();
    /// "Another site": the next analysis of a muscle and side is added to the sites analysed of it in
    /// this panel and its findings row reads the muscle over them (off: the analysis replaces them).
    void setAnotherSite(bool on);
    /// The sites of the muscle last analysed (1 unless analyses were added as other sites).
    std::size_t siteCount() const {
        const auto it = sites_.find(sitesKey_);
        return it == sites_.end() ? 0 : it->second.size();
    }

private:
    void drain();
    void applyControls();
    void detectTriggers(std::size_t firstNew);
    /// Runs the analysis with the panel's muscle/age (or `muscle` when given) and shows it; the
    /// findings row gets `source` (empty: live, replayed or typed); `electrode` from the span's channel,
    /// used when the panel's electrode field is left at "electrode ?" (a monopolar record is not
    /// counted against the concentric references).
    emg::needle::NeedleAnalysis runAnalysis(const std::vector<double>& uv, double rateHz, const std::vector<Annotation>& annotations,
                                            const std::string& muscle, const study::RawDataLink& source,
                                            emg::needle::NeedleElectrode electrode = emg::needle::NeedleElectrode::Unknown);

    AcquisitionSession* session_ = nullptr;
    NeedleTap tap_;
    EmgSound* sound_ = nullptr;
    NeedleSweepView* sweep_ = nullptr;
    MuapCaptureView* capture_ = nullptr;
    NeedleFindingsGrid* grid_ = nullptr;
    QComboBox* speed_ = nullptr;
    QComboBox* gain_ = nullptr;
    QDoubleSpinBox* trigLevel_ = nullptr;
    QDoubleSpinBox* trigDelay_ = nullptr;
    QCheckBox* trigOn_ = nullptr;
    QSpinBox* channel_ = nullptr;
    QSlider* volume_ = nullptr;
    QCheckBox* mute_ = nullptr;
    QLineEdit* muscle_ = nullptr;
    QComboBox* side_ = nullptr;
    StudySaveBar* saveBar_ = nullptr;
    QSpinBox* age_ = nullptr;
    bool ageFromFile_ = false;   ///< age_ holds what the last span's file stated, not edited since: the next span's file replaces it
    QComboBox* effort_ = nullptr;   ///< the declared effort ("" = from the record)
    bool muscleFromFile_ = false;   ///< muscle_ holds what the last span's header stated, not edited since (as ageFromFile_)
    bool effortFromFile_ = false;   ///< effort_ likewise
    QComboBox* electrode_ = nullptr;   ///< "concentric", "monopolar" ("" = the file's channel, else concentric)
    /// "another site": the next analysis of the same muscle and side adds a site to it, and its
    /// findings row is the muscle read over its sites (emg/needle/muscle_sites.h); unchecked, an
    /// analysis starts the muscle's sites again with itself.
    QCheckBox* anotherSite_ = nullptr;
    std::map<QString, std::vector<emg::needle::NeedleAnalysis>> sites_;   ///< each muscle's sites, by "muscle|side" (lower case)
    QString sitesKey_;                                                    ///< the muscle and side last analysed
    QLabel* status_ = nullptr;
    QTimer* timer_ = nullptr;
    QPushButton* qemgButton_ = nullptr;
    QemgReviewView* qemg_ = nullptr;
    std::optional<review::SpanProvenance> spanProvenance_;
    std::optional<emg::needle::NeedleAnalysis> last_;

    double fs_ = 20000.0;
    std::vector<float> history_;          // the last kHistorySec of the channel
    std::size_t pendingTrigger_ = 0;      // history index of a trigger waiting for its post-trigger samples
    bool triggerPending_ = false;
    std::size_t holdUntil_ = 0;           // no new trigger before this history index
    static constexpr double kHistorySec = 30.0;
    static constexpr double kCaptureMs = 25.0;
};

}  // namespace emg::ui
