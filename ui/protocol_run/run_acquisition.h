#pragma once
// The protocol run wired to the live acquisition (issue 14). For the run's current test and site
// the presets are applied: the live traces' sweep and gain, the stimulator's start intensity and
// pulse width, and on the built-in simulator its nerve model, stimulation site and, when a
// simulated lesion is set, that lesion's expected findings (sim/protocol/sim_protocol_setup.h).
// Each stimulus the device reports becomes a sweep of the test's window that is stored in the run
// at once (run_sweeps) and added to its site (emg/study/run_site.h). Store puts the current site's
// result into the study through the study session; Repeat delivers the last stimulus again.

#include <emg/core/sample_types.h>
#include <emg/needle/needle_analysis.h>
#include <emg/study/lesion_findings.h>
#include <emg/study/protocol_run.h>
#include <emg/study/run_site.h>

#include <QObject>
#include <QString>

#include <deque>
#include <map>
#include <optional>
#include <utility>
#include <vector>

class QTimer;

namespace emg::sim {
class SimulatedAmplifier;
}

namespace emg::ui {

class AcquisitionSession;
class DisplayControls;
class StimulatorPanel;

class RunAcquisition : public QObject {
    Q_OBJECT
public:
    RunAcquisition(AcquisitionSession* session, StimulatorPanel* stimulator, DisplayControls* display, study::SessionStore* store,
                   QObject* parent = nullptr);
    ~RunAcquisition() override;

    /// Where a needle muscle's signal is kept as the waveforms of its test (BDF+ under
    /// studies/<study id>/, linked with its SHA-256 so the report draws it); empty: not kept.
    void setDataDirectory(const QString& directory) { dataDirectory_ = directory; }
    /// The run to feed (null: none); its stored sweeps are read back per position when visited.
    void setRun(study::ProtocolRun* run);
    /// The run moved: applies the presets of the new test and site.
    void positionChanged();
    /// The site at a position (read from the store the first time), null without a run.
    study::RunSite* site(study::RunCursor at);
    study::RunSite* currentSite();
    study::ProtocolRun* run() const noexcept { return run_; }
    /// The distance to enter for a site: the protocol's, else the simulated limb's when the device
    /// is the simulator (a tape would be used at the bedside), else none.
    std::optional<double> distanceMm(study::RunCursor at) const;

    /// Sets the simulator up with a lesion's expected findings at each test (none: normal).
    void setSimulatedLesion(std::optional<study::Lesion> lesion);
    const std::optional<study::Lesion>& simulatedLesion() const noexcept { return lesion_; }

    /// Delivers the last stimulus again (its intensity and width); false when none was seen.
    bool repeat();
    /// The current site's result into the study (motor/sensory site, F-wave, H-reflex, needle
    /// muscle); the reason when nothing could be stored. At a needle muscle each Store is one
    /// insertion: the muscle's test becomes the reading over the insertions stored there so far
    /// (emg/needle/muscle_sites.h), and the signal starts again for the next insertion. Coming back
    /// to a muscle later continues its insertions from the test's kept signal.
    /// `moving` (Accept: store, then the next site): at a needle muscle with insertions stored and
    /// too little new signal for another, nothing new is stored and that is no reason to stay.
    std::optional<QString> storeCurrent(bool moving = false);
    /// Needle insertions stored at the current muscle.
    std::size_t needleInsertions() const noexcept { return needleSites_.size(); }
    /// Takes any stimuli whose sweep is complete now, and at a needle muscle the needle channel's
    /// new signal (also called by the timer).
    void poll();

    /// Needle EMG: each muscle is taken as rest, weak and strong effort, this long each (the
    /// simulated patient follows these phases by itself; a patient is asked to).
    static constexpr double kNeedlePhaseSec = 3.0;
    /// Seconds of needle signal taken at the current muscle since the needle was placed there.
    double needleSeconds() const;

signals:
    void sweepStored();    ///< a sweep was stored and added to its site
    void studyChanged();   ///< a result went into the study
    void message(const QString& text);
    void needleProgress(double seconds);   ///< more needle signal was taken at the current muscle

private:
    void applySimulator();
    void storeSweep(const StimulusEvent& event, const dsp::Sweep& sweep);
    std::optional<QString> storeNcsSite(const study::RunTest& test, study::RunCursor at, study::RunSite& site);
    std::optional<QString> storeNeedle(const study::RunTest& test, study::RunCursor at, bool moving);
    void takeNeedleSignal();
    /// The first sample made after a change of the simulator's patient (-1 without a simulator).
    std::int64_t changedFrom(sim::SimulatedAmplifier* amp) const;

    AcquisitionSession* session_;
    StimulatorPanel* stimulator_;
    DisplayControls* display_;
    study::SessionStore* store_;
    study::ProtocolRun* run_ = nullptr;
    std::map<std::pair<std::size_t, std::size_t>, study::RunSite> sites_;
    std::optional<study::Lesion> lesion_;
    std::vector<study::ExpectedFinding> findings_;
    std::deque<std::pair<StimulusEvent, int>> pending_;   ///< stimuli waiting for their sweep, polls tried
    std::int64_t lastStimulus_ = -1;
    std::uint64_t generation_ = 0;
    std::optional<StimulusEvent> lastDelivered_;
    QTimer* timer_ = nullptr;
    std::vector<double> needleUv_;      ///< the needle channel since the needle was placed at this muscle
    std::int64_t needleNext_ = -1;      ///< next sample to take (-1: from the newest one)
    double needleRateHz_ = 0.0;
    std::vector<needle::NeedleAnalysis> needleSites_;   ///< the insertions stored at the current muscle
    std::vector<std::vector<double>> needleSitesUv_;    ///< their signals (µV), kept as the test's waveforms
    double needleSitesRateHz_ = 0.0;                    ///< their sample rate
    /// Back at a needle muscle whose test keeps its insertions (keepNeedleSignal): they are read back
    /// (SHA-256 checked) and analysed again, so the next Store adds to them instead of starting anew.
    void resumeNeedleInsertions();
    QString dataDirectory_;
    /// The current muscle's insertions written as one BDF+ (BDF+D with an insertion per segment
    /// when several) and its link; an empty link (and a message) when it could not be written.
    study::RawDataLink keepNeedleSignal(const study::RunTest& test, const std::string& muscle);
    /// `rec` kept as <name>.bdf of the study's folder; an empty link (and a message naming `what`)
    /// when no folder is set or it could not be written: the result stands without its waveforms.
    study::RawDataLink keepFile(const Recording& rec, const std::string& name, const std::string& what);
    /// The current NCS / late-response test's kept sweeps (a motor site's measured sweep, a sensory
    /// site's averaged ones, the late series) kept as one file and linked to the study's test its
    /// results went into (emg/study/test_identity.h).
    void linkSweeps(const study::RunTest& test);
};

}  // namespace emg::ui
