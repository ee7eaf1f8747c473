#include "live_scrollback.h"

#include "acquisition_session.h"
#include "keymap.h"
#include "live_keys.h"
#include "review/review_trace_area.h"
#include "review/review_view.h"
#include "trace_view.h"

#include <spdlog/spdlog.h>

#include <QKeyEvent>
#include <QLabel>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace emg::ui {

namespace {
/// The review step nearest the live sweep (the review view offers fixed ms/div steps).
double nearestReviewStep(double msPerDiv) {
    double best = kReviewMsPerDiv[0];
    for (double v : kReviewMsPerDiv)
        if (std::fabs(std::log(v / msPerDiv)) < std::fabs(std::log(best / msPerDiv))) best = v;
    return best;
}

QString keysText(const QString& id) {
    QStringList k;
    for (const auto& s : Keymap::instance().keys(id)) k << s.toString(QKeySequence::NativeText);
    return k.join(QStringLiteral(" or "));
}
}  // namespace

LiveScrollback::LiveScrollback(AcquisitionSession& session, TraceView* live, QWidget* parent)
    : QWidget(parent), session_(session), live_(live) {
    declareLiveKeys(Keymap::instance());
    setFocusPolicy(Qt::StrongFocus);
    live_->setFocusPolicy(Qt::StrongFocus);   // its unhandled keys come here
    splitter_ = new QSplitter(Qt::Vertical, this);
    splitter_->setObjectName("live-splitter");
    splitter_->addWidget(live_);
    pane_ = new QWidget(splitter_);
    pane_->setObjectName("scrollback-pane");
    auto* paneLayout = new QVBoxLayout(pane_);
    paneLayout->setContentsMargins(0, 0, 0, 0);
    paneLayout->setSpacing(0);
    banner_ = new QLabel(pane_);
    banner_->setObjectName("scrollback-banner");
    banner_->setStyleSheet(QStringLiteral("QLabel { background: #5c4400; color: white; padding: 3px; }"));
    paneLayout->addWidget(banner_);
    splitter_->addWidget(pane_);
    pane_->hide();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter_);
    follow_ = new QTimer(this);
    follow_->setInterval(100);
    connect(follow_, &QTimer::timeout, this, &LiveScrollback::followNewRecording);
    connect(&session_, &AcquisitionSession::recordingStateChanged, this,
            [this](bool active, const QString&) { onRecordingStateChanged(active); });
}

LiveScrollback::~LiveScrollback() = default;

bool LiveScrollback::scrollBack() {
    if (view_) return true;
    lastError_.clear();
    const auto source = session_.liveSource();
    if (!source || source->index->completeRecords.load() <= 0) {
        lastError_ = source ? tr("Nothing acquired yet to scroll back through") : tr("Scroll back needs a running acquisition");
        return false;
    }
    ReviewViewOptions opts;
    opts.document.writerIndex = source->index;
    opts.document.keepAlive = source->keepAlive;
    opts.document.title = source->title;
    opts.msPerDiv = nearestReviewStep(live_->settings().msPerDiv);
    opts.uvPerDiv = live_->settings().defaultUvPerDiv;
    opts.startAtEnd = true;
    opts.pagesOnWorker = pagesOnWorker_;   // a page flip reads the file off the GUI thread: the live view never waits for it
    try {
        view_ = new ReviewView(source->path, opts, pane_);
    } catch (const std::exception& e) {
        lastError_ = tr("Cannot scroll back: %1").arg(QString::fromStdString(e.what()));
        spdlog::error("{}", lastError_.toStdString());
        return false;
    }
    view_->setObjectName("scrollback-view");
    banner_->setText(tr("Scrolled back — %1 above. %2: back to live")
                         .arg(source->recording ? tr("acquisition and recording go on") : tr("acquisition goes on"), keysText(live_keys::kReturnLive)));
    pane_->layout()->addWidget(view_);
    pane_->show();
    const int h = std::max(200, splitter_->height());
    splitter_->setSizes({h / 3, h - h / 3});
    view_->traceArea().setFocus();
    spdlog::info("scroll back: {} ({:.1f} s so far)", source->path.string(), view_->document().durationSec());
    emit scrolledBackChanged(true);
    return true;
}

void LiveScrollback::onRecordingStateChanged(bool active) {
    // a stopped recording stays readable in the open pane (the file is complete); a new one is
    // followed, since the ring the pane was reading stops growing while a recording runs
    if (!active || !view_) return;
    followTicks_ = 0;
    follow_->start();
}

void LiveScrollback::followNewRecording() {
    constexpr int kMaxTicks = 100;   // 10 s: a recording with no complete record by then is not followed
    const auto source = session_.liveSource();
    const bool ready = source && source->recording && source->index->completeRecords.load() > 0;
    if (!view_ || ready || ++followTicks_ >= kMaxTicks) follow_->stop();
    if (!view_) return;
    if (!ready) {
        if (!follow_->isActive()) spdlog::warn("scroll back: the new recording has no complete record after 10 s; the pane stays on what it showed");
        return;
    }
    spdlog::info("scroll back: a recording started, the pane moves to it");
    returnToLive();
    scrollBack();
}

void LiveScrollback::returnToLive() {
    if (!view_) return;
    follow_->stop();
    delete view_;
    view_ = nullptr;
    pane_->hide();
    live_->setFocus();
    emit scrolledBackChanged(false);
}

bool LiveScrollback::performAction(const QString& id) {
    if (id == live_keys::kScrollBack) {
        scrollBack();
        return true;
    }
    if (id == live_keys::kReturnLive) {
        returnToLive();
        return true;
    }
    return false;
}

void LiveScrollback::keyPressEvent(QKeyEvent* event) {
    // the review view took the review keys already; what reaches here is the live or pane context's
    const QString context = view_ ? kScrollbackKeyContext : kLiveKeyContext;
    const QString id = Keymap::instance().actionFor(context, Keymap::sequenceOf(*event));
    if (!id.isEmpty() && performAction(id)) {
        event->accept();
        return;
    }
    QWidget::keyPressEvent(event);
}

}  // namespace emg::ui
