// The protocol-run strip (protocol_run_strip.h).
#include "protocol_run_strip.h"

#include "active_study.h"
#include "keymap.h"
#include "panel_registry.h"
#include "run_acquisition.h"
#include "run_ramp.h"
#include "run_results_table.h"
#include "run_trace_view.h"
#include "site_picture.h"

#include <emg/study/myotomes.h>
#include <emg/study/run_site.h>
#include <emg/study/resources.h>
#include <emg/study/session_store.h>

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QVBoxLayout>

#include <spdlog/spdlog.h>

namespace emg::ui {

namespace {
QString q(const std::string& s) { return QString::fromStdString(s); }

QString presetsText(const study::RunTest& t) {
    const auto& p = t.presets;
    QString s = QObject::tr("Filters %1 Hz – %2 kHz · sweep %3 ms (%4 ms/div) · %5 µV/div")
                    .arg(p.lowCutHz)
                    .arg(p.highCutHz / 1000.0)
                    .arg(p.sweepMs)
                    .arg(p.sweepMsPerDiv)
                    .arg(p.sensitivityUvPerDiv);
    if (t.kind != TestKind::Needle)
        s += QObject::tr(" · stimulus %1 ms, from %2 mA in %3 mA steps, ceiling %4 mA")
                 .arg(p.stimulusDurationMs)
                 .arg(p.stimulusStartMa)
                 .arg(p.stimulusStepMa)
                 .arg(p.stimulusMaxMa);
    QStringList channels;
    for (const auto& c : p.channels) channels << QObject::tr("%1: %2 / %3").arg(q(c.label), q(c.active), q(c.reference));
    return s + QStringLiteral("\n") + QObject::tr("Montage: %1").arg(channels.join(QStringLiteral("; ")));
}

QString siteText(const study::RunTest& t, std::size_t i, std::optional<double> distanceMm) {
    const QString count = QStringLiteral("%1/%2").arg(i + 1).arg(t.positionCount());
    if (t.kind == TestKind::Needle) {
        if (i >= t.muscles.size()) return {};
        const auto& m = t.muscles[i];
        QString roots = q(m.majorRoots.empty() ? std::string("?") : m.majorRoots.front());
        for (std::size_t k = 1; k < m.majorRoots.size(); ++k) roots += QStringLiteral(", ") + q(m.majorRoots[k]);
        return QObject::tr("Muscle %1: %2 (%3 nerve; roots %4)").arg(count, q(m.name), q(m.nerve), roots);
    }
    if (i >= t.sites.size()) return QObject::tr("Stimulate (one site)");
    const auto& s = t.sites[i];
    const QString distance = distanceMm ? QObject::tr("%1 mm").arg(*distanceMm) : QObject::tr("measure with the tape");
    return QObject::tr("Site %1: stimulate at %2 · distance %3").arg(count, q(s.name), distance);
}
/// The needle phase at `seconds` into an insertion and what to do next; `stored`: the insertions of
/// this muscle already in the study (each Store is one; the muscle is read over them).
QString needleText(double seconds, std::size_t stored) {
    const double phase = RunAcquisition::kNeedlePhaseSec;
    const QString insertion = stored == 0 ? QObject::tr("Needle") : QObject::tr("Needle, insertion %1 (%2 stored)").arg(stored + 1).arg(stored);
    if (seconds >= 3.0 * phase - 1e-9)
        return QObject::tr("%1: rest, weak and strong effort taken (%2 s): store (F6) for another insertion, or accept (Ctrl+Return)")
            .arg(insertion)
            .arg(3.0 * phase);
    const QString what = seconds < phase ? QObject::tr("rest") : seconds < 2.0 * phase ? QObject::tr("weak effort") : QObject::tr("strong effort");
    return QObject::tr("%1: %2 · %3 of %4 s").arg(insertion, what).arg(seconds, 0, 'f', 1).arg(3.0 * phase);
}

/// What the current site's sweeps give so far.
QString measureText(const study::RunTest& t, const study::RunSite* site) {
    if (t.kind == TestKind::Needle) return {};
    if (!site || site->keptCount() == 0) return QObject::tr("Stimulate (F5) to add a sweep");
    QString text = QObject::tr("%n sweep(s) kept", "", static_cast<int>(site->keptCount()));
    if (const auto& r = site->result()) {
        const auto& m = r->measures;
        const bool motor = t.kind == TestKind::Motor;
        text += QObject::tr(" · onset %1 ms · peak %2 ms · amplitude %3 %4 · marker: %5%6")
                    .arg(m.onsetLatencyMs, 0, 'f', 2)
                    .arg(m.peakLatencyMs, 0, 'f', 2)
                    .arg(motor ? m.amplitudeUv / 1000.0 : m.amplitudeUv, 0, 'f', motor ? 2 : 1)
                    .arg(motor ? QStringLiteral("mV") : QStringLiteral("µV"))
                    .arg(QString::fromLatin1(study::toString(site->selectedMarker())))
                    .arg(site->clinicianMoved() ? QObject::tr(" (moved by hand)") : QString());
    } else if (const auto& late = site->late(); late && !late->error.empty()) {
        text += QStringLiteral(" · ") + QString::fromStdString(late->error);
    } else if (t.kind == TestKind::Motor || t.kind == TestKind::Sensory) {
        text += QObject::tr(" · no response found");
    }
    return text;
}
}  // namespace

void declareProtocolRunKeys(Keymap& keymap) {
    auto k = [](const char* text) { return QKeySequence(QString::fromLatin1(text), QKeySequence::PortableText); };
    const QString w = QString::fromLatin1(kWindowKeyContext);
    keymap.declare({run_keys::kPrevious, w, {k("F7")}, QObject::tr("Protocol: previous site")});
    keymap.declare({run_keys::kNextSite, w, {k("F8")}, QObject::tr("Protocol: next site")});
    keymap.declare({run_keys::kNextTest, w, {k("F9")}, QObject::tr("Protocol: next test")});
    keymap.declare({run_keys::kRepeat, w, {k("Shift+F5")}, QObject::tr("Protocol: repeat the last stimulus")});
    keymap.declare({run_keys::kStore, w, {k("F6")}, QObject::tr("Protocol: store the site's result in the study")});
    keymap.declare({run_keys::kReject, w, {k("Shift+F6")}, QObject::tr("Protocol: reject the last sweep")});
    keymap.declare({run_keys::kMarkerNext, w, {k("F2")}, QObject::tr("Protocol: select the next marker")});
    keymap.declare({run_keys::kMarkerEarlier, w, {k("Alt+Left")}, QObject::tr("Protocol: move the marker one sample earlier")});
    keymap.declare({run_keys::kMarkerLater, w, {k("Alt+Right")}, QObject::tr("Protocol: move the marker one sample later")});
    keymap.declare({run_keys::kAccept, w, {k("Ctrl+Return"), k("Ctrl+Enter")},
                    QObject::tr("Protocol: accept (store the site's result, go to the next site)")});
}

ProtocolRunStrip::ProtocolRunStrip(study::SessionStore* store, ActiveStudy* activeStudy, QWidget* parent)
    : QWidget(parent), store_(store), activeStudy_(activeStudy) {
    acquisition_ = new RunAcquisition(nullptr, nullptr, nullptr, store_, this);
    ramp_ = new RunRamp(acquisition_, nullptr, nullptr, this);
    build();
    addKeys(nullptr);
    reload();
}

ProtocolRunStrip::ProtocolRunStrip(const PanelContext& ctx) : QWidget(ctx.parent), store_(ctx.store), activeStudy_(ctx.activeStudy) {
    acquisition_ = new RunAcquisition(ctx.session, ctx.stimulator, ctx.display, store_, this);
    acquisition_->setDataDirectory(ctx.dataDirectory);
    ramp_ = new RunRamp(acquisition_, ctx.stimulator, ctx.session, this);
    build();
    addKeys(ctx.parent);
    reload();
}

void ProtocolRunStrip::build() {
    declareProtocolRunKeys(Keymap::instance());
    declareRampKeys(Keymap::instance());
    // Laid out for a 1366x768 laptop as well as a wide screen: the text (test, site, presets, what
    // the sweeps give, a message), the results table and the traces side by side in a splitter (the
    // clinician moves its handles), the buttons in one row under them, the site's picture beside all.
    auto* textBox = new QWidget(this);
    auto* text = new QVBoxLayout(textBox);
    text->setContentsMargins(0, 0, 0, 0);
    text->setSpacing(3);
    testLabel_ = new QLabel(textBox);
    testLabel_->setObjectName("run-test");
    QFont bold = testLabel_->font();
    bold.setBold(true);
    testLabel_->setFont(bold);
    siteLabel_ = new QLabel(textBox);
    siteLabel_->setObjectName("run-site");
    presetsLabel_ = new QLabel(textBox);
    presetsLabel_->setObjectName("run-presets");
    measureLabel_ = new QLabel(textBox);
    measureLabel_->setObjectName("run-measure");
    messageLabel_ = new QLabel(textBox);
    messageLabel_->setObjectName("run-message");
    messageLabel_->setStyleSheet(QStringLiteral("QLabel { color: #b3261e; }"));
    messageLabel_->hide();   // shown while it has something to say (showMessage)
    for (auto* l : {testLabel_, siteLabel_, presetsLabel_, measureLabel_, messageLabel_}) {
        l->setWordWrap(true);
        text->addWidget(l);
    }
    text->addStretch(1);
    auto* buttons = new QHBoxLayout;
    previous_ = new QPushButton(tr("Previous"), this);
    nextSite_ = new QPushButton(tr("Next site"), this);
    nextTest_ = new QPushButton(tr("Next test"), this);
    storeButton_ = new QPushButton(tr("Store"), this);
    accept_ = new QPushButton(tr("Accept"), this);
    for (auto* b : {previous_, nextSite_, nextTest_, storeButton_, accept_}) {
        b->setFocusPolicy(Qt::NoFocus);   // keys stay with the window's actions
        buttons->addWidget(b);
    }
    buttons->addStretch(1);
    lesion_ = new QLineEdit(this);
    lesion_->setObjectName("run-sim-lesion");
    lesion_->setPlaceholderText(tr("simulated lesion, e.g. L5:left"));
    lesion_->setToolTip(tr("On the built-in simulator: the lesion whose expected findings each test shows (empty: normal)"));
    lesion_->setMinimumWidth(lesion_->fontMetrics().horizontalAdvance(lesion_->placeholderText()) + 16);
    buttons->addWidget(lesion_);
    connect(lesion_, &QLineEdit::editingFinished, this, &ProtocolRunStrip::applyLesion);
    results_ = new RunResultsTable(this);
    results_->setObjectName("run-results");
    traces_ = new RunTraceView(this);
    traces_->setObjectName("run-traces");
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->setObjectName("run-split");
    split->setChildrenCollapsible(false);
    // the text scrolls when the dock is too short for it (rather than squeezing its word-wrapped
    // labels below their height)
    auto* textScroll = new QScrollArea(this);
    textScroll->setObjectName("run-text-scroll");
    textScroll->setWidget(textBox);
    textScroll->setWidgetResizable(true);
    textScroll->setFrameShape(QFrame::NoFrame);
    textScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    textScroll->setMinimumWidth(textBox->fontMetrics().averageCharWidth() * 40);   // its column as wide as before the scroll
    split->addWidget(textScroll);
    split->addWidget(results_);
    split->addWidget(traces_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 4);
    split->setStretchFactor(2, 4);
    auto* left = new QVBoxLayout;
    left->setSpacing(3);
    left->addWidget(split, 1);
    left->addLayout(buttons);
    picture_ = new SitePicture(this);
    picture_->setObjectName("run-picture");
    // 160 px wide; 240 px high where there is room, down to 160 px on a 1366x768 laptop (drawn to scale)
    picture_->setFixedWidth(160);
    picture_->setMinimumHeight(160);
    picture_->setMaximumHeight(240);
    picture_->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Expanding);
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(6, 4, 6, 4);
    row->addLayout(left, 1);
    row->addWidget(picture_);
    if (activeStudy_) connect(activeStudy_, &ActiveStudy::changed, this, [this] { reload(); });
    connect(acquisition_, &RunAcquisition::sweepStored, this, [this] { refreshMeasure(); });
    connect(acquisition_, &RunAcquisition::studyChanged, this, [this] {   // the Study tab shows it too
        if (activeStudy_) activeStudy_->notifyModified();
    });
    connect(acquisition_, &RunAcquisition::needleProgress, this, [this](double seconds) { measureLabel_->setText(needleText(seconds, acquisition_->needleInsertions())); });
    connect(acquisition_, &RunAcquisition::message, this, [this](const QString& m) { showMessage(m); });
    connect(ramp_, &RunRamp::message, this, [this](const QString& m) { showMessage(m); });
}

void ProtocolRunStrip::addKeys(QWidget* menuOwner) {
    actions_ = {keyAction(run_keys::kPrevious, previous_, &ProtocolRunStrip::previous),
                keyAction(run_keys::kNextSite, nextSite_, &ProtocolRunStrip::nextSite),
                keyAction(run_keys::kNextTest, nextTest_, &ProtocolRunStrip::nextTest),
                keyAction(run_keys::kRepeat, nullptr, &ProtocolRunStrip::repeat),
                keyAction(run_keys::kStore, storeButton_, &ProtocolRunStrip::store),
                keyAction(run_keys::kReject, nullptr, &ProtocolRunStrip::reject),
                keyAction(run_keys::kMarkerNext, nullptr, &ProtocolRunStrip::selectNextMarker),
                keyAction(run_keys::kMarkerEarlier, nullptr, &ProtocolRunStrip::markerEarlier),
                keyAction(run_keys::kMarkerLater, nullptr, &ProtocolRunStrip::markerLater),
                keyAction(run_keys::kAccept, accept_, &ProtocolRunStrip::accept),
                keyAction("run.ramp", nullptr, &ProtocolRunStrip::toggleRamp)};
    addAction(ramp_->stopAction());
    auto* window = qobject_cast<QMainWindow*>(menuOwner);
    if (!window) return;
    QMenu* menu = window->menuBar()->addMenu(tr("&Protocol"));
    menu->setObjectName("menu-protocol");
    for (auto* a : actions_) menu->addAction(a);
    menu->addAction(ramp_->stopAction());
}

ProtocolRunStrip::~ProtocolRunStrip() = default;

QAction* ProtocolRunStrip::keyAction(const char* id, QPushButton* button, void (ProtocolRunStrip::*slot)()) {
    const QString idText = QString::fromLatin1(id);
    QString title;
    for (const auto& a : Keymap::instance().actions())
        if (a.id == idText) title = a.description;
    title.remove(QStringLiteral("Protocol: "));
    auto* action = new QAction(title, this);
    action->setObjectName(idText);
    action->setShortcuts(Keymap::instance().keys(idText));
    action->setShortcutContext(Qt::WindowShortcut);
    addAction(action);
    connect(action, &QAction::triggered, this, slot);
    if (!button) return action;
    connect(button, &QPushButton::clicked, this, slot);
    QStringList keys;
    for (const auto& k : action->shortcuts()) keys << k.toString(QKeySequence::NativeText);
    button->setToolTip(tr("%1 (%2)").arg(title, keys.join(QStringLiteral(", "))));
    return action;
}

void ProtocolRunStrip::showMessage(const QString& text) {
    messageLabel_->setText(text);
    messageLabel_->setVisible(!text.isEmpty());
}

void ProtocolRunStrip::reload() {
    ramp_->cancel(tr("Ramp stopped: the study changed"));
    run_.reset();
    showMessage({});
    try {
        if (store_ && activeStudy_ && activeStudy_->isSet() && store_->schemaVersion() >= 5) {
            const auto s = store_->study(activeStudy_->studyId().toStdString());
            const auto* protocol = s ? study::installedProtocols().find(s->protocolId) : nullptr;
            if (protocol) {
                static const auto myotomes = study::MyotomeMap::loadDefault();
                run_ = std::make_unique<study::ProtocolRun>(*store_, s->id, *protocol, study::Side::Unspecified, &myotomes);
            }
        }
    } catch (const std::exception& e) {
        showMessage(tr("Protocol run not available: %1").arg(QString::fromStdString(e.what())));
        spdlog::warn("protocol run not opened: {}", e.what());
    }
    acquisition_->setRun(run_.get());
    refresh();
}

void ProtocolRunStrip::step(bool (study::ProtocolRun::*move)()) {
    if (!run_) return;
    ramp_->cancel(tr("Ramp stopped: the run moved"));
    showMessage({});
    try {
        ((*run_).*move)();
    } catch (const std::exception& e) {   // not stored: the run stays where the store says it is
        showMessage(tr("Not moved: %1").arg(QString::fromStdString(e.what())));
    }
    acquisition_->positionChanged();
    refresh();
}

void ProtocolRunStrip::nextSite() { step(&study::ProtocolRun::nextSite); }
void ProtocolRunStrip::nextTest() { step(&study::ProtocolRun::nextTest); }
void ProtocolRunStrip::previous() { step(&study::ProtocolRun::previous); }

void ProtocolRunStrip::repeat() {
    if (!acquisition_->repeat()) showMessage(tr("No stimulus to repeat yet"));
}

void ProtocolRunStrip::store() {
    showMessage({});
    if (const auto why = acquisition_->storeCurrent()) showMessage(tr("Not stored: %1").arg(*why));
    refresh();
}

void ProtocolRunStrip::reject() {
    auto* site = acquisition_->currentSite();
    try {
        if (!run_ || !site || !study::rejectLastSweep(*run_, *site)) showMessage(tr("No sweep to reject"));
    } catch (const std::exception& e) {   // not marked in the store: still kept
        showMessage(tr("Not rejected: %1").arg(QString::fromStdString(e.what())));
    }
    refreshMeasure();
}

void ProtocolRunStrip::selectNextMarker() {
    if (auto* site = acquisition_->currentSite()) site->selectNextMarker();
    refreshMeasure();
}

void ProtocolRunStrip::nudge(int samples) {
    auto* site = acquisition_->currentSite();
    if (!site || !site->nudgeSelected(samples)) showMessage(tr("The marker cannot move there"));
    refreshMeasure();
}

void ProtocolRunStrip::markerEarlier() { nudge(-1); }
void ProtocolRunStrip::markerLater() { nudge(+1); }

void ProtocolRunStrip::accept() {
    if (!run_ || run_->finished()) return;
    showMessage({});
    if (const auto why = acquisition_->storeCurrent(/*moving=*/true)) {
        showMessage(tr("Not accepted: %1").arg(*why));
        return;
    }
    nextSite();
}

void ProtocolRunStrip::toggleRamp() { ramp_->toggle(); }

void ProtocolRunStrip::applyLesion() {
    const std::string text = lesion_->text().trimmed().toStdString();
    if (text.empty()) {
        acquisition_->setSimulatedLesion(std::nullopt);
        return;
    }
    try {
        static const auto myotomes = study::MyotomeMap::loadDefault();
        acquisition_->setSimulatedLesion(study::parseLesion(text, myotomes));
        showMessage(tr("Simulating %1").arg(QString::fromStdString(acquisition_->simulatedLesion()->label())));
    } catch (const std::exception& e) {
        showMessage(tr("Lesion not understood: %1").arg(QString::fromStdString(e.what())));
    }
}

void ProtocolRunStrip::refreshMeasure() {
    if (!run_ || run_->finished()) return;
    const auto at = run_->position();
    const auto& t = run_->currentTest();
    traces_->show(&t, at.site, [this, test = at.test](std::size_t i) { return acquisition_->site({test, i}); });
    results_->refresh(store_, run_->studyId(), &t);
    measureLabel_->setText(t.kind == TestKind::Needle ? needleText(acquisition_->needleSeconds(), acquisition_->needleInsertions()) : measureText(t, acquisition_->currentSite()));
}

void ProtocolRunStrip::refresh() {
    const bool running = run_ && !run_->finished();
    for (auto* b : {previous_, nextSite_, nextTest_}) b->setEnabled(run_ != nullptr);
    picture_->clear();
    traces_->show(nullptr, 0, {});
    results_->refresh(nullptr, {}, nullptr);
    measureLabel_->clear();
    if (!run_) {
        testLabel_->setText(tr("No protocol run: choose a study with a protocol in the Study tab"));
        siteLabel_->clear();
        presetsLabel_->clear();
        return;
    }
    if (!running) {
        testLabel_->setText(tr("Protocol %1: every test done").arg(q(run_->protocolId())));
        siteLabel_->clear();
        presetsLabel_->clear();
        return;
    }
    const auto at = run_->position();
    const auto& t = run_->currentTest();
    spdlog::info("protocol run: at test {} site {} ({}, {})", at.test, at.site, t.label(), run_->currentSite());
    testLabel_->setText(tr("Test %1/%2: %3").arg(at.test + 1).arg(run_->tests().size()).arg(q(t.label())));
    siteLabel_->setText(siteText(t, at.site, acquisition_->distanceMm(at)));
    presetsLabel_->setText(presetsText(t));
    refreshMeasure();
    const auto file = study::sitePictureFile(t, at.site);
    if (!file.empty() && !picture_->load(QString::fromStdString((study::resourceDir() / "sites" / file).string())))
        showMessage(picture_->error());
}

}  // namespace emg::ui
