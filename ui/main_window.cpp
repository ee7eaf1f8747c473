#include "main_window.h"

#include "key_cheat_sheet.h"
#include "keymap.h"

#include "acquisition_controls.h"
#include "acquisition_session.h"
#include "active_study.h"
#include "display_controls.h"
#include "live_scrollback.h"
#include "panel_registry.h"
#include "recording_failure_banner.h"
#include "review/review_trace_area.h"
#include "review/review_view.h"
#include "sim_controls.h"
#include "status_monitor.h"
#include "stimulator_panel.h"
#include "store_connection.h"
#include "trace_view.h"

#include <emg/io/raw_signal.h>
#include <emg/io/recording_io.h>
#include <emg/study/session_store.h>
#include <replay/replay_device.h>
#include <biosemi/biosemi_device.h>
#include <usb/usb_device.h>

#include <spdlog/spdlog.h>

#include <QAction>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QGroupBox>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QScrollBar>
#include <QStandardPaths>
#include <QGuiApplication>
#include <QScreen>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <stdexcept>

namespace emg::ui {

namespace {
/// ASCII signal files other labs publish without a header (see emg/io/raw_signal.h).
bool isHeaderless(const QString& path) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    return suffix == QLatin1String("asc") || suffix == QLatin1String("txt") || suffix == QLatin1String("csv");
}

/// EDF/BDF(+) files and WFDB records (.hea) open in the review view; the other formats are replayed.
bool isPagedFormat(const QString& path) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    return suffix == QLatin1String("edf") || suffix == QLatin1String("bdf") || suffix == QLatin1String("rec") || suffix == QLatin1String("hea");
}

/// The window replays a recording in real time into an 8-s display buffer: beyond this many
/// samples a second over all channels (100 channels at 40 kHz) it would need gigabytes and a
/// stream no amplifier makes. The readers accept up to 10 MHz a channel (emgws-cli analyze reads
/// such files).
constexpr double kMaxReplaySamplesPerSecond = 4e6;

/// Throws when `rec` is beyond what the window replays (message without the path: the caller's
/// "Cannot use <label>: " names the file).
void checkReplayable(const Recording& rec) {
    double perSecond = 0.0, fastestHz = 0.0;
    std::size_t signalChannels = 0;
    for (const auto& c : rec.channels) {
        if (c.isAnnotationOrTrigger) continue;
        perSecond += c.sampleRateHz;
        fastestHz = std::max(fastestHz, c.sampleRateHz);
        ++signalChannels;
    }
    if (perSecond > kMaxReplaySamplesPerSecond)
        throw std::runtime_error(QObject::tr("%1 channel(s) at up to %2 MHz are %3 million samples a second, more than the "
                                             "window replays (4 million); emgws-cli analyze reads the file")
                                     .arg(signalChannels)
                                     .arg(fastestHz / 1e6, 0, 'g', 4)
                                     .arg(perSecond / 1e6, 0, 'g', 4)
                                     .toStdString());
}
}  // namespace

MainWindow::MainWindow(MainWindowOptions options, QWidget* parent)
    : QMainWindow(parent),
      options_(std::move(options)),
      session_(std::make_unique<AcquisitionSession>()),
      store_(std::make_unique<StoreConnection>()),
      activeStudy_(std::make_unique<ActiveStudy>()) {
    setWindowTitle(tr("emgws — EMG/NCS workstation"));
    if (!options_.deferStartup) {
        openStore();
        devices_ = options_.devices.empty() ? defaultDeviceChoices() : options_.devices;
        buildUi();
        buildMenus();
        addRegisteredPanels();
        updateDeviceList();
        watchHotplug();
        selectInitialDevice();
        return;
    }
    // emgws FILE: the review first (openRecording), then these, one per turn of the event loop
    buildUi();
    buildMenus();
    status_->setStartingText(tr("Starting…"));   // not "No device (stopped)": the device comes after the review
    startupSteps_.push_back([this] { openStore(); });
    startupSteps_.push_back([this] {
        devices_ = options_.devices.empty() ? defaultDeviceChoices() : options_.devices;
        updateDeviceList();
    });
    for (const auto& panel : PanelRegistry::instance().panels()) startupSteps_.push_back([this, panel] { addPanel(panel); });
    startupSteps_.push_back([this] { watchHotplug(); });
    startupSteps_.push_back([this] { selectInitialDevice(); });
    QTimer::singleShot(kDeferredStartupLimitMs, this, &MainWindow::beginDeferredStartup);
}

void MainWindow::openStore() {
    if (options_.openStore) store_->open(options_.storeUrl);
    if (!options_.reviewerAnnotations && store_->isOpen())
        storeAnnotations_ = std::make_unique<study::StoreReviewerAnnotations>(*store_->store());
    storeTried_ = true;
    updateStoreLabel();
    // a review opened before the store kept its annotations in memory until now
    if (review_ && storeAnnotations_) review_->setReviewerAnnotationSource(storeAnnotations_.get());
}

void MainWindow::updateStoreLabel() {
    if (!storeLabel_) return;
    if (!storeTried_) {
        storeLabel_->setText(options_.openStore ? tr("Store: opening…") : QString());
        return;
    }
    // a long path is shortened in the middle (whole in the tooltip): the status bar keeps room on a 1366 px screen
    const QString storeText = store_->isOpen() ? tr("Store: %1").arg(store_->description()) : store_->description();
    storeLabel_->setText(storeLabel_->fontMetrics().elidedText(storeText, Qt::ElideMiddle, 420));
    storeLabel_->setToolTip(storeText);
    storeLabel_->setStyleSheet(options_.openStore && !store_->isOpen() ? QStringLiteral("QLabel { color: #b3261e; }") : QString());
}

void MainWindow::watchHotplug() {
    if (!options_.watchUsb || !options_.devices.empty()) return;
    // arrivals and removals come on libusb's thread: hop to the GUI thread
    hotplug_ = std::make_unique<usb::UsbHotplugWatcher>([this](const usb::UsbDeviceEntry& d, bool arrived) {
        spdlog::info("USB amplifier {}: {}", arrived ? "connected" : "removed", d.label);
        QMetaObject::invokeMethod(
            this,
            [this, arrived] {
                refreshUsbDevices();
                if (arrived) session_->tryResume();  // a lost amplifier came back
            },
            Qt::QueuedConnection);
    });
    biosemiHotplug_ = std::make_unique<biosemi::HotplugWatcher>([this](const biosemi::ReceiverEntry& d, bool arrived) {
        spdlog::info("BioSemi receiver {}: {}", arrived ? "connected" : "removed", d.label);
        QMetaObject::invokeMethod(
            this,
            [this, arrived] {
                refreshUsbDevices();
                if (arrived) session_->tryResume();
            },
            Qt::QueuedConnection);
    });
}

void MainWindow::selectInitialDevice() {
    if (session_->device()) return;   // a recording replayed meanwhile is the device
    if (!devices_.empty()) selectDevice(std::min(options_.initialDevice, devices_.size() - 1), options_.autoStart);
    else status_->showError(tr("No device: open a recording or connect an amplifier"));
}

void MainWindow::beginDeferredStartup() {
    if (deferredStartupBegun_ || startupSteps_.empty()) return;
    deferredStartupBegun_ = true;
    status_->setStartingText(tr("Starting: store, panels and device…"));
    spdlog::info("startup: store, {} step(s) of panels and device after the review", startupSteps_.size());
    QTimer::singleShot(0, this, &MainWindow::runNextStartupStep);
}

void MainWindow::runNextStartupStep() {
    if (startupSteps_.empty()) return;
    auto step = std::move(startupSteps_.front());
    startupSteps_.pop_front();
    step();
    if (!startupSteps_.empty()) {
        QTimer::singleShot(0, this, &MainWindow::runNextStartupStep);   // input and paints between steps
    } else if (!startupSignalled_) {
        startupSignalled_ = true;
        if (status_) status_->setStartingText({});
        emit startupCompleted();
    }
}

void MainWindow::finishStartup() {
    while (!startupSteps_.empty()) {
        auto step = std::move(startupSteps_.front());
        startupSteps_.pop_front();
        step();
    }
    if (options_.deferStartup && !startupSignalled_) {
        startupSignalled_ = true;
        if (status_) status_->setStartingText({});
        emit startupCompleted();
    }
}

MainWindow::~MainWindow() {
    hotplug_.reset();
    session_->stopRecording();
    session_->stop();
    // panels may still talk to the session (remove their consumers) as they go: delete every
    // child while the session and the store exist, not later in ~QWidget
    delete status_;
    status_ = nullptr;
    for (QWidget* child : findChildren<QWidget*>(QString(), Qt::FindDirectChildrenOnly)) delete child;
}

void MainWindow::buildUi() {
    traceView_ = new TraceView(session_->displayBuffer(), this);
    traceView_->setObjectName("trace-view");
    tabs_ = new QTabWidget(this);
    tabs_->setObjectName("panels");
    liveTab_ = new LiveScrollback(*session_, traceView_, tabs_);
    liveTab_->setObjectName("live-tab");
    tabs_->addTab(liveTab_, tr("Live traces"));
    // the failed-recording banner sits above the panels, hidden until a recording fails
    auto* central = new QWidget(this);
    auto* centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    centralLayout->setSpacing(0);
    failureBanner_ = new RecordingFailureBanner(central);
    centralLayout->addWidget(failureBanner_);
    centralLayout->addWidget(tabs_, 1);
    setCentralWidget(central);

    acquisitionControls_ = new AcquisitionControls(this);
    displayControls_ = new DisplayControls(this);
    stimulator_ = new StimulatorPanel(this);
    auto* side = new QWidget(this);
    sideLayout_ = new QVBoxLayout(side);
    auto group = [&](const QString& title, QWidget* w) {
        auto* box = new QGroupBox(title, side);
        auto* l = new QVBoxLayout(box);
        l->addWidget(w);
        sideLayout_->addWidget(box);
        return box;
    };
    group(tr("Acquisition"), acquisitionControls_);
    group(tr("Display"), displayControls_);
    group(tr("Stimulator"), stimulator_);
    simControls_ = createSimControls(*session_, *stimulator_, side);
    if (simControls_) group(tr("Simulator"), simControls_)->setObjectName("sim-controls-box");
    sideLayout_->addStretch(1);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(side);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(side->sizeHint().width() + scroll->verticalScrollBar()->sizeHint().width() + 4);
    auto* dock = new QDockWidget(tr("Controls"), this);
    dock->setObjectName("controls-dock");
    dock->setWidget(scroll);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::LeftDockWidgetArea, dock);

    status_ = new StatusMonitor(*session_, *statusBar(), this);
    storeLabel_ = new QLabel(this);
    storeLabel_->setObjectName("status-store");
    updateStoreLabel();
    statusBar()->addPermanentWidget(storeLabel_);
    auto* studyLabel = new QLabel(this);
    studyLabel->setObjectName("status-study");
    studyLabel->setVisible(false);
    statusBar()->addPermanentWidget(studyLabel);
    connect(activeStudy_.get(), &ActiveStudy::changed, studyLabel, [this, studyLabel] {
        studyLabel->setText(tr("Study: %1").arg(activeStudy_->label()));
        studyLabel->setVisible(activeStudy_->isSet());
    });

    connect(displayControls_, &DisplayControls::settingsChanged, traceView_, &TraceView::setSettings);
    // Freeze opens the scroll-back pane (the live view and the acquisition go on); without a
    // file or ring to read (the ring switched off) it freezes the live picture as before
    connect(displayControls_, &DisplayControls::freezeToggled, this, [this](bool on) {
        if (!on) {
            liveTab_->returnToLive();
            session_->displayBuffer().setFrozen(false);
        } else if (!liveTab_->scrollBack()) {
            spdlog::info("freeze without scroll back: {}", liveTab_->lastError().toStdString());
            session_->displayBuffer().setFrozen(true);
        }
        tabs_->setCurrentWidget(liveTab_);
    });
    connect(liveTab_, &LiveScrollback::scrolledBackChanged, displayControls_, &DisplayControls::setFrozen);
    connect(acquisitionControls_, &AcquisitionControls::deviceSelected, this,
            [this](int i) { selectDevice(static_cast<std::size_t>(i), true); });
    connect(acquisitionControls_, &AcquisitionControls::runToggled, this, [this](bool run) {
        if (run)
            startAcquisition();
        else
            stopAcquisition();
    });
    connect(acquisitionControls_, &AcquisitionControls::acquisitionSettingsChanged, this, [this] {
        if (session_->running()) startAcquisition();
    });
    connect(acquisitionControls_, &AcquisitionControls::recordToggled, this, &MainWindow::onRecordToggled);
    connect(acquisitionControls_, &AcquisitionControls::openRecordingRequested, this, [this] { onOpenRecordingRequested(false); });
    connect(stimulator_, &StimulatorPanel::stimulateRequested, this, &MainWindow::onStimulate);
    connect(session_.get(), &AcquisitionSession::started, this, &MainWindow::onStarted);
    connect(session_.get(), &AcquisitionSession::stopped, this, [this] { acquisitionControls_->setRunning(false); });
    connect(session_.get(), &AcquisitionSession::recordingStateChanged, this, [this](bool on, const QString&) {
        acquisitionControls_->setRecording(on);
        if (on) failureBanner_->setVisible(false);   // a new recording: the old failure is history
        if (status_) status_->refresh();             // REC on or off at once, not at the next tick
    });
    connect(session_.get(), &AcquisitionSession::recordingFailed, this, &MainWindow::onRecordingFailed);
    connect(session_.get(), &AcquisitionSession::errorOccurred, this, [this](const QString& message) { lastSessionError_ = message; });
    displayControls_->setSweep(20.0);
    displayControls_->setSensitivity(100.0);
    // 1400 x 900, or the screen's free area when smaller (a 1366 x 768 bedside laptop): a window
    // taller than the screen hides the status bar with its dropped and clipped counts
    QSize initial(1400, 900);
    if (const QScreen* screen = QGuiApplication::primaryScreen()) initial = initial.boundedTo(screen->availableGeometry().size());
    resize(initial);
}

void MainWindow::buildMenus() {
    auto* file = menuBar()->addMenu(tr("&File"));
    auto* open = file->addAction(tr("&Open recording…"), this, [this] { onOpenRecordingRequested(false); });
    open->setShortcut(QKeySequence::Open);
    file->addAction(tr("&Replay recording at 1×…"), this, [this] { onOpenRecordingRequested(true); });
    file->addSeparator();
    auto* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    auto* acq = menuBar()->addMenu(tr("&Acquisition"));
    acq->addAction(tr("Rescan USB amplifiers"), this, &MainWindow::refreshUsbDevices);
    acq->addAction(tr("External stimulator…"), this, &MainWindow::editExternalStimulator)
        ->setObjectName(QStringLiteral("external-stimulator-action"));
    acq->addAction(tr("BioSemi montage…"), this, &MainWindow::editBiosemiMontage)
        ->setObjectName(QStringLiteral("biosemi-montage-action"));
    declareHelpKeys(Keymap::instance());
    auto* help = menuBar()->addMenu(tr("&Help"));
    auto* keys = help->addAction(tr("&Keyboard shortcuts…"), this, [this] {
        auto* sheet = makeKeyCheatSheet(Keymap::instance(), this);
        sheet->setAttribute(Qt::WA_DeleteOnClose);
        sheet->show();
    });
    keys->setObjectName(QString::fromLatin1(kShowKeysAction));
    keys->setShortcuts(Keymap::instance().keys(QString::fromLatin1(kShowKeysAction)));
}

void MainWindow::addRegisteredPanels() {
    for (const auto& panel : PanelRegistry::instance().panels()) addPanel(panel);
}

void MainWindow::addPanel(const PanelDescriptor& panel) {
    const PanelContext context{session_.get(), this, store_->store(), activeStudy_.get(),
                               [this](const QString& path) { return openRecording(path); }, stimulator_, displayControls_,
                               dataDirectory()};
    QWidget* widget = nullptr;
    try {
        widget = panel.create(context);
    } catch (const std::exception& e) {
        spdlog::error("panel '{}' failed to start: {}", panel.id, e.what());
    }
    if (!widget) return;
    widget->setObjectName(QString::fromStdString("panel-" + panel.id));
    if (panel.measureSpan) spanReceivers_[QString::fromStdString(panel.id)] = {widget, panel.measureSpan};
    if (panel.placement == PanelPlacement::Tab) {
        tabs_->addTab(widget, panel.title);
        return;
    }
    auto* dock = new QDockWidget(panel.title, this);
    dock->setObjectName(QString::fromStdString("dock-" + panel.id));
    dock->setWidget(widget);
    addDockWidget(panel.placement == PanelPlacement::DockRight ? Qt::RightDockWidgetArea : Qt::BottomDockWidgetArea, dock);
}

void MainWindow::updateDeviceList() {
    QStringList labels;
    for (const auto& d : devices_) labels << d.label;
    acquisitionControls_->setDevices(labels, static_cast<int>(currentDevice_));
}

void MainWindow::refreshUsbDevices() {
    const std::string currentId = currentDevice_ < devices_.size() ? devices_[currentDevice_].id : std::string{};
    std::vector<DeviceChoice> updated;
    for (auto& d : devices_)
        if (d.kind != DeviceKind::Usb) updated.push_back(std::move(d));
    auto usb = usbChoices();
    // USB amplifiers right after the simulator, recordings last
    const auto insertAt = std::find_if(updated.begin(), updated.end(),
                                       [](const DeviceChoice& d) { return d.kind == DeviceKind::Replay; });
    updated.insert(insertAt, std::make_move_iterator(usb.begin()), std::make_move_iterator(usb.end()));
    devices_ = std::move(updated);
    currentDevice_ = 0;
    for (std::size_t i = 0; i < devices_.size(); ++i)
        if (devices_[i].id == currentId) currentDevice_ = i;
    updateDeviceList();
}

bool MainWindow::selectDevice(std::size_t index, bool run) {
    if (index >= devices_.size()) return false;
    const DeviceChoice& choice = devices_[index];
    DevicePtr device;
    std::shared_ptr<const Recording> recording;
    lastOpenError_.clear();
    try {
        if (choice.kind == DeviceKind::Replay) {
            std::shared_ptr<Recording> rec;
            io::ReadInfo info;
            if (choice.headerlessRateHz) {
                io::RawSignalOptions raw;
                raw.sampleRateHz = *choice.headerlessRateHz;
                rec = std::make_shared<Recording>(io::readRawSignal(choice.id, raw, info));
                for (const auto& w : info.warnings) spdlog::warn("{}: {}", choice.id, w);
            } else {
                rec = std::make_shared<Recording>(io::readRecording(choice.id, info));
            }
            checkReplayable(*rec);
            recording = rec;
            // EDF+D holes and recorder gaps are played as gaps (the trace breaks), never as the zeros read there
            device = std::make_unique<replay::ReplayDevice>(*rec, info.gaps, QFileInfo(QString::fromStdString(choice.id)).fileName().toStdString());
        } else {
            device = choice.create();
        }
    } catch (const std::bad_alloc&) {
        lastOpenError_ = tr("Cannot use %1: not enough memory to load it").arg(choice.label);
    } catch (const std::exception& e) {
        lastOpenError_ = tr("Cannot use %1: %2").arg(choice.label, QString::fromStdString(e.what()));
    } catch (...) {
        lastOpenError_ = tr("Cannot use %1: an unknown error").arg(choice.label);
    }
    if (!device) {
        if (lastOpenError_.isEmpty()) lastOpenError_ = tr("Cannot use %1: no such device").arg(choice.label);
        spdlog::error("{}", lastOpenError_.toStdString());
        status_->showError(lastOpenError_);
        updateDeviceList();
        return false;
    }
    currentDevice_ = index;
    updateDeviceList();
    const DeviceInfo info = device->info();
    const bool adjustable = choice.kind != DeviceKind::Replay;
    std::vector<double> rates = info.sampleRatesHz;
    if (auto* replay = dynamic_cast<replay::ReplayDevice*>(device.get())) {
        const auto cfg = replay->defaultConfig();
        rates = {cfg.sampleRateHz};
        acquisitionControls_->setDeviceCapabilities(rates, static_cast<int>(cfg.channels.size()), false);
        acquisitionControls_->setChannelCount(static_cast<int>(cfg.channels.size()));
        QStringList sites;
        for (const auto& s : replay->stimulusSites()) sites << QString::fromStdString(s);
        stimulator_->setSites(sites.isEmpty() ? QStringList{tr("site 1")} : sites);
    } else {
        acquisitionControls_->setDeviceCapabilities(rates, std::max<int>(1, info.maxChannels), adjustable);
        acquisitionControls_->setChannelCount(std::min(options_.channels, std::max<int>(1, info.maxChannels)));
        acquisitionControls_->setSampleRate(options_.sampleRateHz);
    }
    stimulator_->setEnabled(info.stimulator.present);
    stimulator_->setStimulator(QString::fromStdString(info.stimulatorName), info.stimulatorExternal);
    session_->setDevice(std::move(device), choice.label, std::move(recording));
    if (simControls_) simControls_->parentWidget()->setVisible(choice.kind == DeviceKind::Simulator);
    if (choice.kind == DeviceKind::Simulator) syncSimControls(simControls_);
    return run ? startAcquisition() : true;
}

bool MainWindow::startAcquisition() {
    Device* device = session_->device();
    if (!device) return false;
    AcquisitionConfig config;
    if (auto* replay = dynamic_cast<replay::ReplayDevice*>(device))
        config = replay->defaultConfig(options_.pacing);
    else
        config = makeAcquisitionConfig(*device, static_cast<std::size_t>(acquisitionControls_->channelCount()),
                                       acquisitionControls_->sampleRateHz(), options_.pacing);
    const bool ok = session_->start(config);
    acquisitionControls_->setRunning(ok);
    return ok;
}

void MainWindow::stopAcquisition() {
    session_->stop();
    acquisitionControls_->setRunning(false);
}

void MainWindow::onStarted() {
    acquisitionControls_->setRunning(true);
    displayControls_->setChannels(session_->config().channels);
}

void MainWindow::onRecordingFailed(const QString& reason, const QString& path, double secondsSaved, qint64 records) {
    const RecordingFailureText text = recordingFailureText(reason, path, secondsSaved, records);
    failureBanner_->showFailure(text.banner);
    // non-blocking: acquisition and the event loop go on while it is shown; a newer failure
    // replaces an older dialog still open
    if (failureDialog_) failureDialog_->close();
    auto* box = new QMessageBox(QMessageBox::Critical, tr("Recording stopped"), text.dialog, QMessageBox::Ok, this);
    box->setObjectName("recording-failure-dialog");
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::NonModal);
    box->show();
    failureDialog_ = box;
}

QMessageBox* MainWindow::recordingFailureDialog() const { return failureDialog_.data(); }

void MainWindow::onStimulate(const StimulusCommand& command) {
    const auto refusal = session_->stimulate(command);
    stimulator_->showResult(command, refusal);
    if (refusal) statusBar()->showMessage(tr("Stimulus refused: %1").arg(QString::fromStdString(*refusal)), 8000);
}

QString MainWindow::dataDirectory() const {
    if (!options_.dataDirectory.isEmpty()) return options_.dataDirectory;
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

void MainWindow::onRecordToggled(bool on) {
    if (!on) {
        session_->stopRecording();
        return;
    }
    const QString dir = dataDirectory() + QStringLiteral("/recordings");
    if (!QDir().mkpath(dir)) {
        status_->showError(tr("Cannot create %1").arg(dir));
        acquisitionControls_->setRecording(false);
        return;
    }
    // a recording never replaces a file (it is created O_EXCL): a second one in the same second gets "-2", ...
    const QString stem = QStringLiteral("emgws-%1").arg(QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss"));
    QString name = stem + QStringLiteral(".bdf");
    for (int n = 2; QFileInfo::exists(dir + QLatin1Char('/') + name) && n < 1000; ++n)
        name = stem + QStringLiteral("-%1.bdf").arg(n);
    // stimuli are annotated "Stim <site>" with the stimulator's site names (siteId order)
    const std::vector<std::string> sites = stimulator_->siteNames();
    if (!session_->startRecording((dir + QLatin1Char('/') + name).toStdString(), sites))
        acquisitionControls_->setRecording(false);
}

void MainWindow::onOpenRecordingRequested(bool replay) {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open recording"), dataDirectory(),
        tr("Recordings (*.edf *.bdf *.hea *.vhdr *.asc *.txt *.csv);;All files (*)"));
    if (path.isEmpty()) return;
    std::optional<double> rate;
    if (isHeaderless(path)) {
        // such a file rarely says its rate: the user gives it (e.g. 32768 for the Algiers set); an
        // ASCII file with a time column or a "sampling rate" line offers what it states
        const std::optional<double> stated = io::asciiStatedRateHz(path.toStdString());
        bool ok = false;
        const QString prompt = stated ? tr("%1 states %2 Hz (a time column or a rate line).\nIts sample rate (Hz):")
                                            .arg(QFileInfo(path).fileName())
                                            .arg(*stated, 0, 'g', 9)
                                      : tr("%1 has no header.\nIts sample rate (Hz):").arg(QFileInfo(path).fileName());
        const double hz = QInputDialog::getDouble(this, tr("Headerless signal file"), prompt, stated.value_or(20000.0), 100.0,
                                                  1e7, 1, &ok);
        if (!ok) return;
        rate = hz;
    }
    if (!(replay ? replayRecording(path, rate) : openRecording(path, rate)))
        QMessageBox::warning(this, tr("Open recording"),
                             lastOpenError_.isEmpty() ? tr("Cannot open %1 (see the status bar).").arg(path) : lastOpenError_);
}

bool MainWindow::openRecording(const QString& path, std::optional<double> headerlessRateHz) {
    if (isPagedFormat(path)) {
        if (openReview(path)) return true;
        // a WFDB record the paged reader does not take (format 8, ...) is still replayed
        if (QFileInfo(path).suffix().compare(QLatin1String("hea"), Qt::CaseInsensitive) != 0) {
            beginDeferredStartup();   // no review to paint first
            return false;
        }
        spdlog::info("{}: not reviewable page by page ({}); replayed", path.toStdString(), lastOpenError_.toStdString());
    }
    return replayRecording(path, headerlessRateHz);
}

bool MainWindow::openReview(const QString& path) {
    const QFileInfo info(path);
    lastOpenError_.clear();
    ReviewView* view = nullptr;
    if (!info.exists()) {
        lastOpenError_ = tr("Cannot open %1: no such file").arg(info.fileName());
    } else if (!info.isFile()) {
        // a folder, a FIFO (reading it would block), a device: never opened
        lastOpenError_ = tr("Cannot open %1: not a regular file").arg(info.fileName());
    } else {
        try {
            ReviewViewOptions opts;
            opts.annotations = options_.reviewerAnnotations ? options_.reviewerAnnotations : storeAnnotations_.get();
            opts.document.summaryCacheDir = options_.summaryCacheDir.toStdString();
            // emgws FILE and File > Open alike: nothing read before the first paint, then a quick
            // frame at the real width; the SHA-256/summary and annotation scan after it
            opts.quickFirstFrame = true;
            view = new ReviewView(path.toStdString(), opts, tabs_);
        } catch (const std::bad_alloc&) {
            lastOpenError_ = tr("Cannot open %1: not enough memory").arg(info.fileName());
        } catch (const std::exception& e) {
            QString why = QString::fromStdString(e.what()).simplified();
            if (!why.contains(info.fileName())) why = info.fileName() + QStringLiteral(": ") + why;
            lastOpenError_ = tr("Cannot open %1").arg(why);
        }
    }
    if (!view) {
        spdlog::error("{}", lastOpenError_.toStdString());
        status_->showError(lastOpenError_);
        return false;
    }
    view->setObjectName("review-view");
    if (!startupComplete()) {   // emgws FILE: the store, panels and device once the page is on screen
        if (!deferredStartupBegun_) status_->setStartingText(tr("Opening %1…").arg(info.fileName()));
        connect(&view->traceArea(), &ReviewTraceArea::firstPainted, this, &MainWindow::beginDeferredStartup);
    }
    connect(view, &ReviewView::measureSpanRequested, this, [this](const QString& target, const SpanMeasurement& span) {
        finishStartup();   // the panels that measure spans
        const auto it = spanReceivers_.find(target);
        if (it == spanReceivers_.end()) {
            status_->showError(tr("No panel here measures a span for %1").arg(target));
            return;
        }
        if (!it->second.measure(it->second.widget, span.recording, span.provenance))
            status_->showError(tr("The span %1–%2 s gave no measurement in %3").arg(span.provenance.fromSec, 0, 'f', 3).arg(span.provenance.toSec, 0, 'f', 3).arg(target));
        if (const int tab = tabs_->indexOf(it->second.widget); tab >= 0) tabs_->setCurrentIndex(tab);
    });
    connect(view, &ReviewView::replayRequested, this, [this](const QString& file) {
        if (!replayRecording(file))
            QMessageBox::warning(this, tr("Replay"), lastOpenError_.isEmpty() ? tr("Cannot replay %1").arg(file) : lastOpenError_);
        else
            tabs_->setCurrentWidget(liveTab_);
    });
    if (review_) {
        tabs_->removeTab(tabs_->indexOf(review_));
        review_->deleteLater();
    }
    review_ = view;
    const int at = tabs_->insertTab(1, view, tr("Review: %1").arg(info.fileName()));
    tabs_->setCurrentIndex(at);
    view->traceArea().setFocus();
    spdlog::info("review: opened {} ({} channels, {:.1f} s)", info.fileName().toStdString(),
                 view->document().reader().channels().size(), view->document().durationSec());
    return true;
}

bool MainWindow::replayRecording(const QString& path, std::optional<double> headerlessRateHz) {
    finishStartup();   // a replay is the device: the list, panels and first device come before it
    if (isHeaderless(path) && !headerlessRateHz) {
        lastOpenError_ = tr("Cannot open %1: a headerless signal file needs its sample rate (Open recording… asks for it)")
                             .arg(QFileInfo(path).fileName());
        status_->showError(lastOpenError_);
        return false;
    }
    DeviceChoice choice;
    choice.kind = DeviceKind::Replay;
    choice.label = tr("Recording: %1").arg(QFileInfo(path).fileName());
    choice.id = path.toStdString();
    if (isHeaderless(path)) choice.headerlessRateHz = headerlessRateHz;
    devices_.push_back(choice);
    lastSessionError_.clear();
    if (selectDevice(devices_.size() - 1, true)) return true;
    // read but not started (e.g. the replay device refused its configuration): say why
    if (lastOpenError_.isEmpty())
        lastOpenError_ = lastSessionError_.isEmpty() ? tr("Cannot play %1").arg(QFileInfo(path).fileName()) : lastSessionError_;
    devices_.pop_back();
    updateDeviceList();
    return false;
}

void MainWindow::resizeEvent(QResizeEvent* event) {
    QMainWindow::resizeEvent(event);
    queuePagesMinimum();
}

bool MainWindow::event(QEvent* event) {
    // a page's minimum can grow after the window's size was set (the Study tab's content loaded)
    if (event->type() == QEvent::LayoutRequest) queuePagesMinimum();
    return QMainWindow::event(event);
}

void MainWindow::queuePagesMinimum() {
    if (pagesMinimumQueued_) return;
    pagesMinimumQueued_ = true;
    QTimer::singleShot(0, this, [this] {   // once the layout has given the docks their sizes
        pagesMinimumQueued_ = false;
        keepPagesMinimum();
    });
}

void MainWindow::keepPagesMinimum() {
    const QWidget* central = centralWidget();
    if (!central) return;
    int lack = central->minimumSizeHint().height() - central->height();
    for (auto* dock : findChildren<QDockWidget*>(QString(), Qt::FindDirectChildrenOnly)) {
        if (lack <= 0) return;
        if (dockWidgetArea(dock) != Qt::BottomDockWidgetArea || dock->isFloating() || !dock->isVisible()) continue;
        const int give = std::min(lack, dock->height() - dock->minimumSizeHint().height());
        if (give <= 0) continue;
        resizeDocks({dock}, {dock->height() - give}, Qt::Vertical);
        lack -= give;
    }
}

void MainWindow::closeEvent(QCloseEvent* event) {
    session_->stopRecording();
    session_->stop();
    event->accept();
}

}  // namespace emg::ui
