// The protocol-run strip (protocol_run_strip.h).
#include "protocol_run_strip.h"

#include "active_study.h"
#include "keymap.h"
#include "site_picture.h"

#include <emg/study/myotomes.h>
#include <emg/study/resources.h>
#include <emg/study/session_store.h>

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
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

QString siteText(const study::RunTest& t, std::size_t i) {
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
    const QString distance = s.distanceMm ? QObject::tr("%1 mm").arg(*s.distanceMm) : QObject::tr("measure with the tape");
    return QObject::tr("Site %1: stimulate at %2 · distance %3").arg(count, q(s.name), distance);
}
}  // namespace

void declareProtocolRunKeys(Keymap& keymap) {
    auto k = [](const char* text) { return QKeySequence(QString::fromLatin1(text), QKeySequence::PortableText); };
    keymap.declare({run_keys::kPrevious, kWindowKeyContext, {k("F7")}, QObject::tr("Protocol: previous site")});
    keymap.declare({run_keys::kNextSite, kWindowKeyContext, {k("F8")}, QObject::tr("Protocol: next site")});
    keymap.declare({run_keys::kNextTest, kWindowKeyContext, {k("F9")}, QObject::tr("Protocol: next test")});
}

ProtocolRunStrip::ProtocolRunStrip(study::SessionStore* store, ActiveStudy* activeStudy, QWidget* parent)
    : QWidget(parent), store_(store), activeStudy_(activeStudy) {
    declareProtocolRunKeys(Keymap::instance());
    auto* text = new QVBoxLayout;
    testLabel_ = new QLabel(this);
    testLabel_->setObjectName("run-test");
    QFont bold = testLabel_->font();
    bold.setBold(true);
    testLabel_->setFont(bold);
    siteLabel_ = new QLabel(this);
    siteLabel_->setObjectName("run-site");
    presetsLabel_ = new QLabel(this);
    presetsLabel_->setObjectName("run-presets");
    presetsLabel_->setWordWrap(true);
    messageLabel_ = new QLabel(this);
    messageLabel_->setObjectName("run-message");
    messageLabel_->setStyleSheet(QStringLiteral("QLabel { color: #b3261e; }"));
    auto* buttons = new QHBoxLayout;
    previous_ = new QPushButton(tr("Previous"), this);
    nextSite_ = new QPushButton(tr("Next site"), this);
    nextTest_ = new QPushButton(tr("Next test"), this);
    for (auto* b : {previous_, nextSite_, nextTest_}) buttons->addWidget(b);
    buttons->addStretch(1);
    keyAction(run_keys::kPrevious, previous_, &ProtocolRunStrip::previous);
    keyAction(run_keys::kNextSite, nextSite_, &ProtocolRunStrip::nextSite);
    keyAction(run_keys::kNextTest, nextTest_, &ProtocolRunStrip::nextTest);
    for (auto* w : {static_cast<QWidget*>(testLabel_), static_cast<QWidget*>(siteLabel_), static_cast<QWidget*>(presetsLabel_),
                    static_cast<QWidget*>(messageLabel_)})
        text->addWidget(w);
    text->addLayout(buttons);
    text->addStretch(1);
    picture_ = new SitePicture(this);
    picture_->setObjectName("run-picture");
    picture_->setFixedSize(160, 240);
    auto* row = new QHBoxLayout(this);
    row->addLayout(text, 1);
    row->addWidget(picture_);
    if (activeStudy_) connect(activeStudy_, &ActiveStudy::changed, this, [this] { reload(); });
    reload();
}

ProtocolRunStrip::~ProtocolRunStrip() = default;

QAction* ProtocolRunStrip::keyAction(const char* id, QPushButton* button, void (ProtocolRunStrip::*slot)()) {
    auto* action = new QAction(button->text(), this);
    action->setObjectName(QString::fromLatin1(id));
    action->setShortcuts(Keymap::instance().keys(QString::fromLatin1(id)));
    action->setShortcutContext(Qt::WindowShortcut);
    addAction(action);
    connect(action, &QAction::triggered, this, slot);
    connect(button, &QPushButton::clicked, this, slot);
    QStringList keys;
    for (const auto& k : action->shortcuts()) keys << k.toString(QKeySequence::NativeText);
    button->setToolTip(tr("%1 (%2)").arg(button->text(), keys.join(QStringLiteral(", "))));
    return action;
}

void ProtocolRunStrip::reload() {
    run_.reset();
    messageLabel_->clear();
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
        messageLabel_->setText(tr("Protocol run not available: %1").arg(QString::fromStdString(e.what())));
        spdlog::warn("protocol run not opened: {}", e.what());
    }
    refresh();
}

void ProtocolRunStrip::step(bool (study::ProtocolRun::*move)()) {
    if (!run_) return;
    messageLabel_->clear();
    try {
        ((*run_).*move)();
    } catch (const std::exception& e) {   // not stored: the run stays where the store says it is
        messageLabel_->setText(tr("Not moved: %1").arg(QString::fromStdString(e.what())));
    }
    refresh();
}

void ProtocolRunStrip::nextSite() { step(&study::ProtocolRun::nextSite); }
void ProtocolRunStrip::nextTest() { step(&study::ProtocolRun::nextTest); }
void ProtocolRunStrip::previous() { step(&study::ProtocolRun::previous); }

void ProtocolRunStrip::refresh() {
    const bool running = run_ && !run_->finished();
    for (auto* b : {previous_, nextSite_, nextTest_}) b->setEnabled(run_ != nullptr);
    picture_->clear();
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
    testLabel_->setText(tr("Test %1/%2: %3").arg(at.test + 1).arg(run_->tests().size()).arg(q(t.label())));
    siteLabel_->setText(siteText(t, at.site));
    presetsLabel_->setText(presetsText(t));
    const auto file = study::sitePictureFile(t, at.site);
    if (!file.empty() && !picture_->load(QString::fromStdString((study::resourceDir() / "sites" / file).string())))
        messageLabel_->setText(picture_->error());
}

}  // namespace emg::ui
