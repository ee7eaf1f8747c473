#pragma once
// The workstation's main window: live traces with their controls, stimulator, device list
// (simulator, USB amplifiers with hotplug, recordings), status bar and the registered panels.

#include "device_catalog.h"
#include "trace_settings.h"

#include <emg/acq/device.h>
#include <emg/acq/trigger_stimulus.h>
#include <emg/review/reviewer_annotations.h>
#include <emg/review/span_provenance.h>

#include <QMainWindow>
#include <QPointer>

#include <optional>
#include <QString>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

class QLabel;
class QMessageBox;
class QTabWidget;
class QVBoxLayout;

namespace emg {
struct Recording;
}
namespace emg::biosemi {
class HotplugWatcher;
}
namespace emg::usb {
class UsbHotplugWatcher;
}
namespace emg::review {
class ReviewerAnnotationSource;  // emg/review/reviewer_annotations.h
}

namespace emg::ui {

class AcquisitionControls;
class ActiveStudy;
class AcquisitionSession;
class DisplayControls;
class LiveScrollback;
struct PanelDescriptor;
class RecordingFailureBanner;
class ReviewView;
class StatusMonitor;
class StoreConnection;
class StimulatorPanel;
class TraceView;

struct MainWindowOptions {
    std::vector<DeviceChoice> devices;   ///< empty: the simulator and the USB amplifiers found
    std::size_t initialDevice = 0;
    bool autoStart = true;               ///< start acquiring on the first device at once
    bool watchUsb = true;                ///< follow USB arrivals and removals
    int channels = 4;
    double sampleRateHz = 20000.0;
    Pacing pacing = Pacing::RealTime;
    QString dataDirectory;               ///< recordings go under it; empty = the user data folder
    bool openStore = true;               ///< open the session store at startup
    std::string storeUrl;                ///< "" = SQLite in the user data folder; or sqlite:PATH, postgresql://...
    /// Where the review view keeps the reviewer's annotations (not owned); null = in memory.
    review::ReviewerAnnotationSource* reviewerAnnotations = nullptr;
    QString summaryCacheDir;             ///< the review summaries' cache folder; empty = the engine's default
    /// `emgws FILE`: the window is built without the session store, the registered panels, the
    /// device list and the device, so that the review of FILE is the first thing painted; they
    /// follow the review view's first paint, one step per turn of the event loop (finishStartup()
    /// does what is left at once). Without a review view they start at once; a limit of
    /// kDeferredStartupLimitMs starts them when the view never paints (a hidden window).
    bool deferStartup = false;
};

/// The longest the store, panels and device wait for the first paint of the review (deferStartup).
inline constexpr int kDeferredStartupLimitMs = 3000;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(MainWindowOptions options = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    AcquisitionSession& session() noexcept { return *session_; }
    TraceView& traceView() noexcept { return *traceView_; }
    /// The live traces tab: the live view plus the scroll-back pane (issue 13).
    LiveScrollback& liveTab() noexcept { return *liveTab_; }
    StimulatorPanel& stimulatorPanel() noexcept { return *stimulator_; }
    DisplayControls& displayControls() noexcept { return *displayControls_; }
    AcquisitionControls& acquisitionControls() noexcept { return *acquisitionControls_; }
    QTabWidget& tabs() noexcept { return *tabs_; }
    const std::vector<DeviceChoice>& devices() const noexcept { return devices_; }

    /// Select device `index` of devices() (stops the current acquisition); starts it when `run`.
    bool selectDevice(std::size_t index, bool run);
    bool startAcquisition();
    void stopAcquisition();
    /// Opens a recording: an EDF/BDF(+) file in the review view (paged, nothing replayed; the live
    /// acquisition goes on); a WFDB record or a headerless file is replayed (replayRecording).
    bool openRecording(const QString& path, std::optional<double> headerlessRateHz = std::nullopt);
    /// Replays a recording file at 1× through the live display as a device (for EMG sound). A
    /// headerless signal file (.asc/.txt/.csv, one ASCII column per channel in µV) needs
    /// `headerlessRateHz`; without it the file is refused with that message.
    bool replayRecording(const QString& path, std::optional<double> headerlessRateHz = std::nullopt);
    /// The review view of the last recording opened for review (null before).
    ReviewView* reviewView() const noexcept { return review_; }
    QString dataDirectory() const;
    /// The session store opened at startup (null when none).
    const StoreConnection& storeConnection() const noexcept { return *store_; }
    /// The study the panels work on (selected in the Study tab).
    ActiveStudy& activeStudy() noexcept { return *activeStudy_; }
    /// The red banner of a failed recording (hidden until one fails).
    RecordingFailureBanner& recordingFailureBanner() noexcept { return *failureBanner_; }
    /// The (non-blocking) dialog of the last failed recording while it is open, else null.
    QMessageBox* recordingFailureDialog() const;
    /// The external stimulator (Acquisition ▸ External stimulator…): saved in the settings and, when
    /// the current device is a BioSemi receiver, applied to it (acquisition restarted if running).
    void applyExternalStimulator(const ExternalStimulatorSettings& settings);
    /// The BioSemi montage (Acquisition ▸ BioSemi montage…): saved, and used from the next start
    /// (at once when a receiver is acquiring).
    void applyBiosemiMontage(const std::vector<std::string>& labels);
    /// Why the last device or recording could not be used (empty after a success).
    const QString& lastOpenError() const noexcept { return lastOpenError_; }
    /// Runs what deferStartup left (store, device list, panels, USB watchers, device) now.
    void finishStartup();
    /// True once the store, device list, panels and device are set up (at once without deferStartup).
    bool startupComplete() const noexcept { return startupSteps_.empty(); }

signals:
    /// The last deferred startup step ran (never emitted without deferStartup).
    void startupCompleted();

protected:
    void closeEvent(QCloseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    bool event(QEvent* event) override;

private:
    void buildUi();
    void buildMenus();
    void addRegisteredPanels();
    void addPanel(const PanelDescriptor& panel);
    void openStore();
    void updateStoreLabel();
    void watchHotplug();
    void selectInitialDevice();
    /// Starts the deferred steps (once): one per turn of the event loop.
    void beginDeferredStartup();
    void runNextStartupStep();
    /// On a short window (a 1366x768 laptop) the bottom docks give up height, down to their own
    /// minimum, until the tab pages have theirs (Qt shrinks both in proportion).
    void keepPagesMinimum();
    void queuePagesMinimum();
    void refreshUsbDevices();
    void editExternalStimulator();
    void editBiosemiMontage();
    void updateDeviceList();
    void onStimulate(const StimulusCommand& command);
    void onRecordToggled(bool on);
    void onOpenRecordingRequested(bool replay);
    bool openReview(const QString& path);
    void onStarted();
    void onRecordingFailed(const QString& reason, const QString& path, double secondsSaved, qint64 records);

    MainWindowOptions options_;
    std::unique_ptr<AcquisitionSession> session_;
    std::unique_ptr<StoreConnection> store_;
    /// The reviewer's annotations kept in the open store (when no source is given in the options).
    std::unique_ptr<review::ReviewerAnnotationSource> storeAnnotations_;
    std::unique_ptr<ActiveStudy> activeStudy_;
    std::vector<DeviceChoice> devices_;
    std::size_t currentDevice_ = 0;
    QTabWidget* tabs_ = nullptr;
    TraceView* traceView_ = nullptr;
    LiveScrollback* liveTab_ = nullptr;
    AcquisitionControls* acquisitionControls_ = nullptr;
    DisplayControls* displayControls_ = nullptr;
    StimulatorPanel* stimulator_ = nullptr;
    QWidget* simControls_ = nullptr;
    QVBoxLayout* sideLayout_ = nullptr;
    StatusMonitor* status_ = nullptr;
    ReviewView* review_ = nullptr;
    /// Panels that take a span from the review view, by registry id (their widget and how).
    struct SpanReceiver {
        QWidget* widget = nullptr;
        std::function<bool(QWidget*, std::shared_ptr<const Recording>, const review::SpanProvenance&)> measure;
    };
    std::map<QString, SpanReceiver> spanReceivers_;
    RecordingFailureBanner* failureBanner_ = nullptr;
    QPointer<QMessageBox> failureDialog_;
    QString lastOpenError_;
    QString lastSessionError_;   ///< the session's last errorOccurred message
    std::unique_ptr<usb::UsbHotplugWatcher> hotplug_;
    std::unique_ptr<biosemi::HotplugWatcher> biosemiHotplug_;
    QLabel* storeLabel_ = nullptr;
    /// What deferStartup left to do, in order (empty: started).
    std::deque<std::function<void()>> startupSteps_;
    bool deferredStartupBegun_ = false;
    bool startupSignalled_ = false;
    bool storeTried_ = false;   ///< the store was opened (or failed to)
    bool pagesMinimumQueued_ = false;
};

}  // namespace emg::ui
