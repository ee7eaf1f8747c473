#pragma once
// The protocol-run strip (bottom dock): the active study's protocol run (emg/study/protocol_run.h)
// — the current test and site (or needle muscle with its roots), the presets the test needs, the
// picture of the site (stimulation and recording points, the distance to measure) — with
// Previous / Next site / Next test on buttons and on the window's keys (ui/keymap.h, context
// "window": F7 / F8 / F9 by default). Each move is in the store before the strip shows it, so a
// restarted workstation resumes at the same test and site.

#include <emg/study/protocol_run.h>

#include <QString>
#include <QWidget>

#include <memory>

class QAction;
class QLabel;
class QPushButton;

namespace emg::study {
class SessionStore;
}

namespace emg::ui {

class ActiveStudy;
class Keymap;
class SitePicture;

/// Window-wide keys of the protocol run.
namespace run_keys {
inline constexpr const char* kPrevious = "run.previous";
inline constexpr const char* kNextSite = "run.next-site";
inline constexpr const char* kNextTest = "run.next-test";
}  // namespace run_keys
void declareProtocolRunKeys(Keymap& keymap);

class ProtocolRunStrip : public QWidget {
public:
    ProtocolRunStrip(study::SessionStore* store, ActiveStudy* activeStudy, QWidget* parent = nullptr);
    ~ProtocolRunStrip() override;

    /// The run of the active study (null without a study, a protocol or a store at schema v5).
    study::ProtocolRun* run() const noexcept { return run_.get(); }
    void nextSite();
    void nextTest();
    void previous();
    /// Reopens the active study's run (after a study change; resumes at the stored position).
    void reload();

    QLabel* testLabel() const noexcept { return testLabel_; }
    QLabel* siteLabel() const noexcept { return siteLabel_; }
    QLabel* presetsLabel() const noexcept { return presetsLabel_; }
    SitePicture* picture() const noexcept { return picture_; }

private:
    void step(bool (study::ProtocolRun::*move)());
    void refresh();
    QAction* keyAction(const char* id, QPushButton* button, void (ProtocolRunStrip::*slot)());

    study::SessionStore* store_;
    ActiveStudy* activeStudy_;
    std::unique_ptr<study::ProtocolRun> run_;
    QLabel *testLabel_ = nullptr, *siteLabel_ = nullptr, *presetsLabel_ = nullptr, *messageLabel_ = nullptr;
    QPushButton *previous_ = nullptr, *nextSite_ = nullptr, *nextTest_ = nullptr;
    SitePicture* picture_ = nullptr;
};

}  // namespace emg::ui
