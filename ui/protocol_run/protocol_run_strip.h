#pragma once
// The protocol-run strip (bottom dock): the active study's protocol run (emg/study/protocol_run.h)
// — the current test and site (or needle muscle with its roots), the presets the test needs, the
// picture of the site (stimulation and recording points, the distance to measure) — wired to the
// live acquisition (run_acquisition.h: presets applied, every stimulus a stored sweep), with the
// test's sites cascaded (run_trace_view.h) and its results with normal limits and flags
// (run_results_table.h). Everything works on the window's keys (ui/keymap.h, context "window",
// listed in the Protocol menu): Previous / Next site / Next test (F7 / F8 / F9), repeat the last
// stimulus (Shift+F5), store the site's result (F6), reject the last sweep (Shift+F6), select a
// marker (F2) and move it one sample (Alt+Left / Alt+Right), accept (Ctrl+Return: store, next
// site), arm the stimulus ramp (Ctrl+F5; run_ramp.h). Each move and each sweep is in the store before the strip shows it, so a restarted
// workstation resumes at the same test and site with its sweeps.

#include <emg/study/protocol_run.h>

#include <QString>
#include <QWidget>

#include <memory>

class QAction;
class QLabel;
class QLineEdit;
class QPushButton;

namespace emg::study {
class SessionStore;
}

namespace emg::ui {

class ActiveStudy;
class Keymap;
class RunAcquisition;
class RunRamp;
class RunResultsTable;
class RunTraceView;
class SitePicture;
struct PanelContext;

/// Window-wide keys of the protocol run.
namespace run_keys {
inline constexpr const char* kPrevious = "run.previous";
inline constexpr const char* kNextSite = "run.next-site";
inline constexpr const char* kNextTest = "run.next-test";
inline constexpr const char* kRepeat = "run.repeat";
inline constexpr const char* kStore = "run.store";
inline constexpr const char* kReject = "run.reject";
inline constexpr const char* kMarkerNext = "run.marker-next";
inline constexpr const char* kMarkerEarlier = "run.marker-earlier";
inline constexpr const char* kMarkerLater = "run.marker-later";
inline constexpr const char* kAccept = "run.accept";
}  // namespace run_keys
void declareProtocolRunKeys(Keymap& keymap);

class ProtocolRunStrip : public QWidget {
public:
    ProtocolRunStrip(study::SessionStore* store, ActiveStudy* activeStudy, QWidget* parent = nullptr);
    /// In the main window: also wired to its acquisition, stimulator and trace controls, with a
    /// Protocol menu in its menu bar.
    explicit ProtocolRunStrip(const PanelContext& context);
    ~ProtocolRunStrip() override;

    /// The run of the active study (null without a study, a protocol or a store at schema v5).
    study::ProtocolRun* run() const noexcept { return run_.get(); }
    /// The run's link to the acquisition (always there; without a session it stores nothing).
    RunAcquisition& acquisition() const noexcept { return *acquisition_; }
    /// The stimulus ramp on the keys (Ctrl+F5 arms it, F5 steps it, Esc stops it).
    RunRamp& ramp() const noexcept { return *ramp_; }
    void nextSite();
    void nextTest();
    void previous();
    void repeat();
    void store();
    void reject();
    void selectNextMarker();
    void markerEarlier();
    void markerLater();
    void accept();
    void toggleRamp();
    /// Reopens the active study's run (after a study change; resumes at the stored position).
    void reload();

    QLabel* testLabel() const noexcept { return testLabel_; }
    QLabel* siteLabel() const noexcept { return siteLabel_; }
    QLabel* presetsLabel() const noexcept { return presetsLabel_; }
    QLabel* measureLabel() const noexcept { return measureLabel_; }
    QLabel* messageLabel() const noexcept { return messageLabel_; }
    SitePicture* picture() const noexcept { return picture_; }
    RunTraceView* traces() const noexcept { return traces_; }
    RunResultsTable* results() const noexcept { return results_; }
    /// "Simulated lesion" field (e.g. "L5:left"; empty: normal), used when the device is the simulator.
    QLineEdit* lesionEdit() const noexcept { return lesion_; }

private:
    void build();
    void addKeys(QWidget* menuOwner);
    void step(bool (study::ProtocolRun::*move)());
    void nudge(int samples);
    void refresh();
    void refreshMeasure();
    /// The message line (red), hidden when `text` is empty.
    void showMessage(const QString& text);
    void applyLesion();
    QAction* keyAction(const char* id, QPushButton* button, void (ProtocolRunStrip::*slot)());

    study::SessionStore* store_;
    ActiveStudy* activeStudy_;
    std::unique_ptr<study::ProtocolRun> run_;
    RunAcquisition* acquisition_ = nullptr;
    RunRamp* ramp_ = nullptr;
    QLabel *testLabel_ = nullptr, *siteLabel_ = nullptr, *presetsLabel_ = nullptr, *messageLabel_ = nullptr, *measureLabel_ = nullptr;
    QPushButton *previous_ = nullptr, *nextSite_ = nullptr, *nextTest_ = nullptr, *storeButton_ = nullptr, *accept_ = nullptr;
    SitePicture* picture_ = nullptr;
    RunTraceView* traces_ = nullptr;
    RunResultsTable* results_ = nullptr;
    QLineEdit* lesion_ = nullptr;
    std::vector<QAction*> actions_;
};

}  // namespace emg::ui
