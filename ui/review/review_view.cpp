#include "review_view.h"

#include "page_worker.h"

#include "display_scales.h"
#include "keymap.h"
#include "overview_strip.h"
#include "review_keys.h"
#include "review_trace_area.h"

#include <emg/review/recording_span.h>

#include <QAction>
#include <QFileDialog>
#include <QComboBox>
#include <QEvent>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSettings>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace emg::ui {

namespace {

constexpr double kScrollUnitsPerSec = 100.0;   // the scroll bar moves in 10 ms steps

QString clockText(double sec) {
    const auto ms = static_cast<long long>(std::llround(std::max(0.0, sec) * 1000.0));
    return QStringLiteral("%1:%2:%3.%4")
        .arg(ms / 3600000)
        .arg((ms / 60000) % 60, 2, 10, QLatin1Char('0'))
        .arg((ms / 1000) % 60, 2, 10, QLatin1Char('0'))
        .arg(ms % 1000, 3, 10, QLatin1Char('0'));
}

/// "20 ms/div", "2 s/div", "1 min/div"
QString reviewSweepLabel(double msPerDiv) {
    if (msPerDiv < 1000.0) return sweepLabel(msPerDiv);
    if (msPerDiv < 60000.0) return QStringLiteral("%1 s/div").arg(msPerDiv / 1000.0);
    return QStringLiteral("%1 min/div").arg(msPerDiv / 60000.0);
}

QString defaultAuthor() {
    const QString typed = QSettings().value(QStringLiteral("review/author")).toString().trimmed();
    if (!typed.isEmpty()) return typed;
    const QString login = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME"));
    return login.isEmpty() ? QStringLiteral("reviewer") : login;
}

/// quickFirstFrame: the longest the SHA-256/summary and the annotation scan wait for the first paint.
constexpr int kBackgroundJobsLimitMs = 3000;

}  // namespace

ReviewView::ReviewView(const std::filesystem::path& path, ReviewViewOptions options, QWidget* parent)
    : QWidget(parent), msPerDiv_(options.msPerDiv), filter_(options.filter) {
    declareReviewKeys(Keymap::instance());
    traceArea_ = new ReviewTraceArea(this);   // first: its clock times the open to first paint
    traceArea_->setObjectName("review-traces");
    // quickFirstFrame: the trace area's first paint reads, at its real width; the summary and
    // annotation scan start after it
    const bool quick = options.quickFirstFrame && !options.startAtEnd && !options.pagesOnWorker;
    if (quick) options.document.deferBackgroundJobs = true;
    document_ = std::make_unique<ReviewDocument>(path, options.document);
    page_ = std::make_unique<ReviewPage>(document_->reader());
    page_->setLeadInOnlyWhenFiltered(document_->followsWriter());   // live: the cheapest flip
    if (options.pagesOnWorker) {   // the scroll-back pane: no page read on the GUI thread
        worker_ = std::make_unique<PageWorker>(path, options.document.writerIndex, document_->followsWriter());
        connect(worker_.get(), &PageWorker::pageReady, this, &ReviewView::onPageRead);
    }
    annotations_ = options.annotations;
    if (!annotations_) {
        ownAnnotations_ = std::make_unique<review::InMemoryReviewerAnnotations>();
        annotations_ = ownAnnotations_.get();
    }
    author_ = options.author.isEmpty() ? defaultAuthor() : options.author;
    rows_ = defaultMontage(document_->reader().channels(), options.uvPerDiv);
    setFocusPolicy(Qt::StrongFocus);
    buildControls();

    connect(document_.get(), &ReviewDocument::sha256Known, this, [this] { refreshReviewer(); });
    connect(document_.get(), &ReviewDocument::summaryReady, this, [this] {
        overview_->invalidate();
        refresh();
    });
    connect(document_.get(), &ReviewDocument::annotationsChanged, this, [this] {
        overview_->update();
        refresh();
    });
    connect(document_.get(), &ReviewDocument::backgroundProgress, this, [this] {
        if (!overview_->hasEnvelope()) overview_->update();
    });
    connect(document_.get(), &ReviewDocument::grew, this, &ReviewView::onDocumentGrew);
    connect(document_.get(), &ReviewDocument::overviewGrew, overview_, qOverload<>(&QWidget::update));
    connect(traceArea_, &ReviewTraceArea::aboutToPaint, this, &ReviewView::beforeTracePaint);
    firstPagePending_ = quick;
    if (filter_.active()) setDisplayFilter(filter_);   // the boxes show it (and the page is read with it)
    if (firstPagePending_) {
        status_->setText(tr("Opening %1…").arg(document_->fileName()));
        // a view never painted (its tab hidden at once) still gets its checksum and summary
        QTimer::singleShot(kBackgroundJobsLimitMs, this, [this] { document_->startBackgroundJobs(); });
        return;
    }
    if (options.startAtEnd)
        setStart(document_->durationSec());
    else if (!filter_.active())
        refresh();
}

const ReviewPage& ReviewView::page() const {
    const_cast<ReviewView*>(this)->ensurePage();
    return *page_;
}

void ReviewView::ensurePage() {
    if (firstPagePending_ || quickShown_ || widthPending_) refreshNow();
}

void ReviewView::beforeTracePaint() {
    if (firstPagePending_) {
        // the first frame: min/max per pixel column straight from the raw samples when the page
        // would be read as values, the values (filter, lead-in) on the next turn of the event loop
        firstPagePending_ = false;
        widthPending_ = false;
        QString error;
        try {
            quickShown_ = page_->showQuickEnvelope(startSec_, windowSec(), rows_, filter_,
                                                    static_cast<std::size_t>(std::max(1, traceArea_->plotColumns())));
            if (!quickShown_)
                page_->update(startSec_, windowSec(), rows_, filter_, document_->readySummary(),
                              static_cast<std::size_t>(std::max(1, traceArea_->plotColumns())));
        } catch (const std::exception& e) {
            error = tr("Cannot read this page: %1").arg(QString::fromStdString(e.what()));
        }
        showPage(error);
        // after this paint: the page read as values (when the frame was the quick one), then the
        // summary and the annotation scan
        QTimer::singleShot(0, this, [this] {
            if (quickShown_) refreshNow();
            document_->startBackgroundJobs();
        });
        return;
    }
    if (widthPending_) refreshNow();
}

void ReviewView::onDocumentGrew() {
    // the page is read again only when it reached past the end (it fills in as records come);
    // otherwise only the scroll bar and the clock move
    if (startSec_ < document_->earliestSec()) {
        setStart(document_->earliestSec());
        return;
    }
    if (startSec_ + windowSec() > shownUpToSec_ + 1e-9) {
        page_->forget();
        refresh();
        return;
    }
    updateScrollAndStatus();
}

ReviewView::~ReviewView() = default;

namespace {
/// A combo box of channel or row names as wide as 14 characters, whatever the longest name (a
/// bipolar row's or a foreign file's label), the whole name in the list it drops down.
void keepNarrow(QComboBox* box) {
    constexpr int kNameChars = 14;
    box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    box->setMinimumContentsLength(kNameChars);
}
}  // namespace

void ReviewView::buildControls() {
    const auto& channels = document_->reader().channels();
    // two rows, so that the page fits a bedside laptop beside the controls (1366 px): one row of
    // every control asked for ~1670 px and made the window wider than the screen
    auto* top = new QHBoxLayout;      // where and how much: file, time, sweep, sensitivity, channels
    auto* second = new QHBoxLayout;   // derivation, display filters, and the actions
    auto* file = new QLabel(this);
    file->setObjectName("review-file");
    {
        // a long exported name is elided (the tab and the tooltip hold it whole)
        constexpr int kFileLabelMaxPx = 220;
        QFont bold = file->font();
        bold.setBold(true);
        file->setFont(bold);
        file->setText(QFontMetrics(bold).elidedText(document_->fileName(), Qt::ElideMiddle, kFileLabelMaxPx));
        file->setToolTip(document_->fileName());
    }
    top->addWidget(file);
    top->addSpacing(8);
    top->addWidget(new QLabel(tr("Go to"), this));
    goTo_ = new QLineEdit(this);
    goTo_->setObjectName("review-goto");
    goTo_->setPlaceholderText(tr("h:mm:ss"));
    goTo_->setMinimumWidth(100);
    goTo_->setMaximumWidth(120);
    connect(goTo_, &QLineEdit::returnPressed, this, [this] {
        if (goToTime(goTo_->text())) traceArea_->setFocus();
    });
    top->addWidget(goTo_);
    msPerDivBox_ = new QComboBox(this);
    msPerDivBox_->setObjectName("review-ms-per-div");
    for (double v : kReviewMsPerDiv) msPerDivBox_->addItem(reviewSweepLabel(v), v);
    connect(msPerDivBox_, &QComboBox::activated, this, [this](int i) { setMsPerDiv(msPerDivBox_->itemData(i).toDouble()); });
    top->addWidget(msPerDivBox_);
    rowBox_ = new QComboBox(this);
    rowBox_->setObjectName("review-row");
    keepNarrow(rowBox_);
    uvPerDivBox_ = new QComboBox(this);
    uvPerDivBox_->setObjectName("review-uv-per-div");
    for (double v : kSensitivityUvPerDiv) uvPerDivBox_->addItem(sensitivityLabel(v), v);
    connect(uvPerDivBox_, &QComboBox::activated, this, [this](int i) {
        const double uv = uvPerDivBox_->itemData(i).toDouble();
        const int row = rowBox_->currentIndex() - 1;   // 0 = all rows
        if (row < 0)
            for (std::size_t r = 0; r < rows_.size(); ++r) rows_[r].uvPerDiv = uv;
        else
            setRowSensitivity(static_cast<std::size_t>(row), uv);
        refresh();
    });
    connect(rowBox_, &QComboBox::activated, this, [this] { updateRowControls(); });
    top->addWidget(rowBox_);
    top->addWidget(uvPerDivBox_);
    channelsButton_ = new QToolButton(this);
    channelsButton_->setObjectName("review-channels");
    channelsButton_->setText(tr("Channels"));
    channelsButton_->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(channelsButton_);
    for (std::size_t c = 0; c < channels.size(); ++c) {
        auto* a = menu->addAction(shortChannelLabel(channels[c].label));
        a->setCheckable(true);
        a->setChecked(true);
        a->setData(static_cast<qulonglong>(c));
        connect(a, &QAction::toggled, this, [this, menu] {
            std::vector<std::size_t> shown;
            for (QAction* x : menu->actions())
                if (x->isChecked()) shown.push_back(static_cast<std::size_t>(x->data().toULongLong()));
            setVisibleChannels(shown);
        });
    }
    channelsButton_->setMenu(menu);
    top->addWidget(channelsButton_);
    top->addStretch(1);
    buildDerivationAndFilterControls(second);
    second->addStretch(1);
    auto* addNote = new QPushButton(tr("Annotate"), this);
    addNote->setObjectName("review-add-annotation");
    connect(addNote, &QPushButton::clicked, this, [this] { promptAnnotation(); });
    second->addWidget(addNote);
    buildMeasureButton(second);
    auto* replay = new QPushButton(tr("Replay 1×"), this);
    replay->setObjectName("review-replay");
    replay->setToolTip(tr("Play the recording through the live display in real time (EMG sound)"));
    connect(replay, &QPushButton::clicked, this, [this] { performAction(review_keys::kReplay); });
    second->addWidget(replay);
    replay->setVisible(!document_->followsWriter());   // a file still being written is not replayed
    // tooltips say the keys, whatever the user bound
    auto keysOf = [](const QString& id) {
        QStringList k;
        for (const auto& s : Keymap::instance().keys(id)) k << s.toString(QKeySequence::NativeText);
        return k.join(QStringLiteral(", "));
    };
    addNote->setToolTip(tr("Add a reviewer annotation at cursor 1 (%1)").arg(keysOf(review_keys::kAddAnnotation)));
    goTo_->setToolTip(tr("Go to a time (%1)").arg(keysOf(review_keys::kGoToTime)));

    scroll_ = new QScrollBar(Qt::Horizontal, this);
    scroll_->setObjectName("review-scroll");
    connect(scroll_, &QScrollBar::valueChanged, this, [this](int v) {
        if (!updatingControls_) setStart(v / kScrollUnitsPerSec);
    });
    overview_ = new OverviewStrip(this);
    overview_->setObjectName("review-overview");
    overview_->setDocument(document_.get(), rows_.empty() ? 0 : rows_.front().a);
    connect(overview_, &OverviewStrip::seekRequested, this, [this](double t) { setStart(t - windowSec() / 2); });
    status_ = new QLabel(this);
    status_->setObjectName("review-status");

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(3);
    layout->addLayout(top);
    layout->addLayout(second);
    layout->addWidget(traceArea_, 1);
    layout->addWidget(scroll_);
    layout->addWidget(overview_);
    layout->addWidget(status_);
    traceArea_->installEventFilter(this);
    connect(traceArea_, &ReviewTraceArea::cursorsChanged, this, [this] { refresh(); });
    connect(traceArea_, &ReviewTraceArea::reviewerMarkMenuRequested, this, [this](std::int64_t id, const QPoint& at) {
        QString text;
        for (const auto& a : reviewer_)
            if (a.id == id) text = QString::fromStdString(a.text);
        auto* menu = new QMenu(this);   // not modal: the view keeps running while it is open
        menu->setObjectName("reviewer-mark-menu");
        menu->setAttribute(Qt::WA_DeleteOnClose);
        QAction* remove = menu->addAction(tr("Remove annotation “%1”").arg(text));
        remove->setObjectName("remove-reviewer-annotation");
        connect(remove, &QAction::triggered, this, [this, id] { removeReviewerAnnotation(id); });
        menu->popup(at);
    });
    updateRowControls();
}

void ReviewView::buildDerivationAndFilterControls(QHBoxLayout* top) {
    const auto& channels = document_->reader().channels();
    bipolarA_ = new QComboBox(this);
    bipolarA_->setObjectName("review-bipolar-a");
    bipolarB_ = new QComboBox(this);
    bipolarB_->setObjectName("review-bipolar-b");
    keepNarrow(bipolarA_);
    keepNarrow(bipolarB_);
    for (const auto& ch : channels) {
        bipolarA_->addItem(shortChannelLabel(ch.label));
        bipolarB_->addItem(shortChannelLabel(ch.label));
    }
    if (channels.size() > 1) bipolarB_->setCurrentIndex(1);
    auto* addBipolarButton = new QPushButton(QStringLiteral("A−B"), this);
    addBipolarButton->setObjectName("review-add-bipolar");
    addBipolarButton->setToolTip(tr("Add a bipolar row: the first channel minus the second"));
    connect(addBipolarButton, &QPushButton::clicked, this, [this] {
        try {
            addBipolar(static_cast<std::size_t>(bipolarA_->currentIndex()), static_cast<std::size_t>(bipolarB_->currentIndex()));
        } catch (const std::exception& e) {
            status_->setText(QString::fromStdString(e.what()));
        }
    });
    top->addWidget(bipolarA_);
    top->addWidget(bipolarB_);
    top->addWidget(addBipolarButton);

    auto filterBox = [this](const char* name, const QString& off, std::initializer_list<double> hz) {
        auto* box = new QComboBox(this);
        box->setObjectName(name);
        box->addItem(off, 0.0);
        for (double f : hz) box->addItem(f >= 1000 ? QStringLiteral("%1 kHz").arg(f / 1000) : QStringLiteral("%1 Hz").arg(f), f);
        connect(box, &QComboBox::activated, this, [this] {
            DisplayFilter f;
            f.highPassHz = highPassBox_->currentData().toDouble();
            f.lowPassHz = lowPassBox_->currentData().toDouble();
            f.notchHz = notchBox_->currentData().toDouble();
            setDisplayFilter(f);
        });
        return box;
    };
    highPassBox_ = filterBox("review-high-pass", tr("HP off"), {2, 5, 10, 20, 50, 100, 500});
    lowPassBox_ = filterBox("review-low-pass", tr("LP off"), {100, 500, 1000, 2000, 3000, 5000, 10000});
    notchBox_ = filterBox("review-notch", tr("notch off"), {50, 60});
    top->addWidget(highPassBox_);
    top->addWidget(lowPassBox_);
    top->addWidget(notchBox_);
}

void ReviewView::updateRowControls() {
    updatingControls_ = true;
    const auto& channels = document_->reader().channels();
    const int keep = rowBox_->currentIndex();
    rowBox_->clear();
    rowBox_->addItem(tr("All rows"));
    for (const auto& r : rows_) rowBox_->addItem(rowLabel(r, channels));
    rowBox_->setCurrentIndex(std::clamp(keep, 0, rowBox_->count() - 1));
    const int row = rowBox_->currentIndex() - 1;
    const double uv = row >= 0 ? rows_[static_cast<std::size_t>(row)].uvPerDiv : (rows_.empty() ? 100.0 : rows_.front().uvPerDiv);
    const int ui = uvPerDivBox_->findData(uv);
    if (ui >= 0) uvPerDivBox_->setCurrentIndex(ui);
    const int mi = msPerDivBox_->findData(msPerDiv_);
    if (mi >= 0) msPerDivBox_->setCurrentIndex(mi);
    updatingControls_ = false;
}

void ReviewView::setStart(double tSec) {
    if (!std::isfinite(tSec)) return;
    const double minStart = document_->earliestSec();
    const double maxStart = std::max(minStart, document_->durationSec() - windowSec());
    startSec_ = std::round(std::clamp(tSec, minStart, maxStart) * 1000.0) / 1000.0;
    refresh();
}

void ReviewView::setMsPerDiv(double msPerDiv) {
    if (!(msPerDiv > 0)) return;
    // keep the page's centre where it was
    const double centre = startSec_ + windowSec() / 2;
    msPerDiv_ = msPerDiv;
    updateRowControls();
    setStart(centre - windowSec() / 2);
}

bool ReviewView::goToTime(const QString& text) {
    static const QRegularExpression clock(QStringLiteral(R"(^\s*(?:(\d+):)?(?:(\d+):)?(\d+(?:\.\d*)?)\s*$)"));
    const auto m = clock.match(text);
    if (!m.hasMatch()) {
        status_->setText(tr("Go to: \"%1\" is not a time (seconds, m:ss or h:mm:ss)").arg(text));
        return false;
    }
    double sec = m.captured(3).toDouble();
    if (!m.captured(2).isEmpty())   // h:mm:ss
        sec += m.captured(1).toDouble() * 3600 + m.captured(2).toDouble() * 60;
    else if (!m.captured(1).isEmpty())   // m:ss
        sec += m.captured(1).toDouble() * 60;
    setStart(sec);
    return true;
}

void ReviewView::setVisibleChannels(const std::vector<std::size_t>& channels) {
    std::vector<ReviewRow> rows;
    const double uv = rows_.empty() ? 100.0 : rows_.front().uvPerDiv;
    for (std::size_t c : channels) {
        if (c >= document_->reader().channels().size()) continue;
        const auto old = std::find_if(rows_.begin(), rows_.end(), [&](const ReviewRow& r) { return !r.bipolar() && r.a == c; });
        rows.push_back(old != rows_.end() ? *old : ReviewRow{c, -1, uv});
    }
    for (const auto& r : rows_)
        if (r.bipolar()) rows.push_back(r);
    rows_ = std::move(rows);
    if (!rows_.empty()) overview_->setChannel(rows_.front().a);
    updateRowControls();
    refresh();
}

void ReviewView::addBipolar(std::size_t a, std::size_t b) {
    checkBipolar(a, b, document_->reader().channels());
    rows_.push_back({a, static_cast<int>(b), rows_.empty() ? 100.0 : rows_.front().uvPerDiv});
    updateRowControls();
    refresh();
}

void ReviewView::setRowSensitivity(std::size_t row, double uvPerDiv) {
    if (row >= rows_.size() || !(uvPerDiv > 0)) return;
    rows_[row].uvPerDiv = uvPerDiv;
    refresh();
}

void ReviewView::setDisplayFilter(const DisplayFilter& filter) {
    filter_ = filter;
    // the boxes show the filter however it was set (a value not offered is added)
    updatingControls_ = true;
    auto show = [](QComboBox* box, double hz) {
        int i = box->findData(hz);
        if (i < 0) {
            box->addItem(hz >= 1000 ? QStringLiteral("%1 kHz").arg(hz / 1000) : QStringLiteral("%1 Hz").arg(hz), hz);
            i = box->count() - 1;
        }
        box->setCurrentIndex(i);
    };
    show(highPassBox_, filter.highPassHz);
    show(lowPassBox_, filter.lowPassHz);
    show(notchBox_, filter.notchHz);
    updatingControls_ = false;
    refresh();
}

review::ReviewerAnnotation ReviewView::addReviewerAnnotation(double onsetSec, const QString& text) {
    if (document_->sha256().isEmpty())
        throw std::runtime_error("the recording's checksum is still being computed: annotate again in a moment");
    review::ReviewerAnnotation a;
    a.recordingSha256 = document_->sha256().toStdString();
    a.onsetSec = onsetSec;
    a.text = text.trimmed().toStdString();
    a.author = author_.toStdString();
    const auto stored = annotations_->add(a);
    refreshReviewer();
    return stored;
}

void ReviewView::setReviewerAnnotationSource(review::ReviewerAnnotationSource* source) {
    if (!source) {
        if (!ownAnnotations_) ownAnnotations_ = std::make_unique<review::InMemoryReviewerAnnotations>();
        source = ownAnnotations_.get();
    }
    if (source == annotations_) return;
    // what was annotated in memory before the store came goes into the store
    if (annotations_ == ownAnnotations_.get() && !document_->sha256().isEmpty()) {
        const std::string sha = document_->sha256().toStdString();
        for (auto a : ownAnnotations_->annotations(sha)) {
            ownAnnotations_->remove(a.id, a.author);
            a.id = 0;
            try {
                source->add(a);
            } catch (const std::exception& e) {
                spdlog::error("review: annotation at {:.3f} s not kept in the store: {}", a.onsetSec, e.what());
            }
        }
    }
    annotations_ = source;
    refreshReviewer();
}

void ReviewView::refreshReviewer() {
    reviewer_.clear();
    if (!document_->sha256().isEmpty()) {
        try {
            reviewer_ = annotations_->annotations(document_->sha256().toStdString());
        } catch (const std::exception& e) {
            spdlog::error("review: reviewer annotations unavailable: {}", e.what());
        }
    }
    overview_->setReviewerAnnotations(reviewer_);
    refresh();
}

void ReviewView::jumpToMark(bool stimulus, bool forward) {
    // the mark lands a tenth into the page; "next" is after the one shown there
    const double lead = windowSec() / 10.0;
    const double here = startSec_ + lead;
    std::vector<double> onsets;
    for (const auto& a : document_->annotations())
        if (isStimulusAnnotation(a.text) == stimulus) onsets.push_back(a.onsetSec);
    if (!stimulus)
        for (const auto& a : reviewer_) onsets.push_back(a.onsetSec);
    std::sort(onsets.begin(), onsets.end());
    const double eps = 1e-6;
    std::optional<double> target;
    if (forward) {
        const auto it = std::upper_bound(onsets.begin(), onsets.end(), here + eps);
        if (it != onsets.end()) target = *it;
    } else {
        const auto it = std::lower_bound(onsets.begin(), onsets.end(), here - eps);
        if (it != onsets.begin()) target = *std::prev(it);
    }
    if (!target) {
        status_->setText(stimulus ? tr("No further stimulus") : tr("No further annotation") +
                                                                    (document_->annotationsComplete() ? QString() : tr(" yet (still scanning)")));
        return;
    }
    setStart(*target - lead);
}

void ReviewView::promptAnnotation() {
    const double at = traceArea_->cursor1().value_or(startSec_ + windowSec() / 10.0);
    bool ok = false;
    const QString text = QInputDialog::getText(this, tr("Reviewer annotation"), tr("Annotation at %1:").arg(clockText(at)),
                                               QLineEdit::Normal, QString(), &ok);
    if (!ok || text.trimmed().isEmpty()) return;
    try {
        addReviewerAnnotation(at, text);
    } catch (const std::exception& e) {
        status_->setText(QString::fromStdString(e.what()));
    }
}

bool ReviewView::removeReviewerAnnotation(std::int64_t id) {
    const QString login = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME"));
    bool removed = false;
    try {
        removed = annotations_->remove(id, (login.isEmpty() ? QStringLiteral("reviewer") : login).toStdString());
    } catch (const std::exception& e) {
        status_->setText(tr("Annotation not removed: %1").arg(QString::fromStdString(e.what())));
        return false;
    }
    refreshReviewer();
    if (!removed) status_->setText(tr("No reviewer annotation %1 to remove").arg(id));
    return removed;
}

std::optional<review::ReviewerAnnotation> ReviewView::nearestReviewerAnnotation(double tSec) const {
    std::optional<review::ReviewerAnnotation> best;
    for (const auto& a : reviewer_)
        if (!best || std::fabs(a.onsetSec - tSec) < std::fabs(best->onsetSec - tSec)) best = a;
    return best;
}

void ReviewView::removeNearestAnnotation() {
    const double at = traceArea_->cursor1().value_or(startSec_ + windowSec() / 10.0);
    const auto a = nearestReviewerAnnotation(at);
    // only one on the page: Del must not remove a mark the reviewer cannot see
    if (!a || a->onsetSec < startSec_ || a->onsetSec > startSec_ + windowSec()) {
        status_->setText(tr("No reviewer annotation on this page to remove"));
        return;
    }
    if (removeReviewerAnnotation(a->id)) status_->setText(tr("Removed \"%1\" at %2").arg(QString::fromStdString(a->text), clockText(a->onsetSec)));
}

std::optional<std::pair<double, double>> ReviewView::selectedSpan() const {
    const auto a = traceArea_->cursor1(), b = traceArea_->cursor2();
    if (!a || !b || *a == *b) return std::nullopt;
    return std::make_pair(std::min(*a, *b), std::max(*a, *b));
}

void ReviewView::selectSpan(double fromSec, double toSec) {
    if (fromSec < startSec_ || fromSec >= startSec_ + windowSec()) setStart(fromSec);
    traceArea_->setCursors(fromSec, toSec, 0);
}

SpanMeasurement ReviewView::readSelectedSpan() {
    const auto span = selectedSpan();
    if (!span) throw std::invalid_argument("no span selected: set both cursors (shift+drag on the traces)");
    review::SpanInfo info;
    auto rec = std::make_shared<Recording>(review::readRecordingSpan(document_->reader(), span->first, span->second, &info));
    if (rec->segments.size() > 1)   // the panels measure a continuous span: never across a hole (issue 12)
        throw std::invalid_argument("the span reaches across a hole between data records (EDF+D) at " +
                                    std::to_string(info.startSec + rec->segments[0].durationSec) +
                                    " s: select a span on one side of it");
    SpanMeasurement m;
    m.recording = std::move(rec);
    m.provenance.file = document_->path().string();
    m.provenance.sha256 = document_->sha256().toStdString();
    m.provenance.fromSec = info.startSec;
    m.provenance.toSec = info.endSec;
    for (const auto& w : info.warnings) spdlog::warn("review span: {}", w);
    return m;
}

bool ReviewView::measureSpan(const QString& target) {
    SpanMeasurement m;
    try {
        m = readSelectedSpan();
    } catch (const std::exception& e) {
        status_->setText(tr("Span not measured: %1").arg(QString::fromStdString(e.what())));
        return false;
    }
    status_->setText(tr("Span %1–%2 sent to %3").arg(clockText(m.provenance.fromSec), clockText(m.provenance.toSec), target));
    emit measureSpanRequested(target, m);
    return true;
}

void ReviewView::buildMeasureButton(QHBoxLayout* top) {
    auto* button = new QToolButton(this);
    button->setObjectName("review-measure");
    button->setText(tr("Measure span"));
    button->setToolTip(tr("Measure the span between the cursors (shift+drag) in a panel"));
    button->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(button);
    const std::pair<QString, QString> targets[] = {{span_targets::kNcsReview, tr("Measure in NCS review")},
                                                   {span_targets::kLateResponses, tr("Measure in late responses")},
                                                   {span_targets::kNeedle, tr("Measure in needle panel")}};
    for (const auto& [id, text] : targets) {
        QAction* a = menu->addAction(text);
        a->setObjectName(QStringLiteral("measure-in-") + id);
        connect(a, &QAction::triggered, this, [this, id] { measureSpan(id); });
    }
    button->setMenu(menu);
    top->addWidget(button);
}

void ReviewView::promptMeasureSpan() {
    if (!selectedSpan()) {
        status_->setText(tr("Select a span first: shift+drag on the traces, or set both cursors"));
        return;
    }
    const QStringList names{tr("NCS review"), tr("Late responses"), tr("Needle EMG")};
    const QStringList ids{span_targets::kNcsReview, span_targets::kLateResponses, span_targets::kNeedle};
    bool ok = false;
    const QString chosen = QInputDialog::getItem(this, tr("Measure span"), tr("Send the span to:"), names, 0, false, &ok);
    if (!ok) return;
    measureSpan(ids.value(names.indexOf(chosen)));
}

review::AnnotatedCopyResult ReviewView::exportAnnotatedCopy(const std::filesystem::path& out) {
    if (document_->sha256().isEmpty())
        throw std::runtime_error("the recording's checksum is still being computed: export again in a moment");
    std::vector<review::TimedAnnotation> extra;
    for (const auto& a : reviewer_) extra.push_back({a.onsetSec, a.durationSec, a.text + " (" + a.author + ")"});
    return review::writeAnnotatedCopy(document_->path(), extra, out);
}

void ReviewView::promptExportCopy() {
    const QString suggested = QString::fromStdString((document_->path().parent_path() / (document_->path().stem().string() + "-annotated" +
                                                                                          document_->path().extension().string())).string());
    const QString path = QFileDialog::getSaveFileName(this, tr("Export annotated copy"), suggested, tr("EDF+/BDF+ (*.edf *.bdf)"));
    if (path.isEmpty()) return;
    try {
        const auto r = exportAnnotatedCopy(path.toStdString());
        status_->setText(tr("Annotated copy written: %1 (%2 annotations added)").arg(path).arg(r.annotationsAdded));
    } catch (const std::exception& e) {
        status_->setText(tr("Annotated copy not written: %1").arg(QString::fromStdString(e.what())));
    }
}

void ReviewView::promptGoToTime() {
    goTo_->setFocus();
    goTo_->selectAll();
}

bool ReviewView::performAction(const QString& id) {
    using namespace review_keys;
    static const double steps[] = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000, 60000};
    if (id == kPageNext) setStart(startSec_ + windowSec());
    else if (id == kPagePrevious) setStart(startSec_ - windowSec());
    else if (id == kStart) setStart(document_->earliestSec());
    else if (id == kEnd) setStart(document_->durationSec());
    else if (id == kGoToTime) promptGoToTime();
    else if (id == kAnnotationNext) jumpToMark(false, true);
    else if (id == kAnnotationPrevious) jumpToMark(false, false);
    else if (id == kStimulusNext) jumpToMark(true, true);
    else if (id == kStimulusPrevious) jumpToMark(true, false);
    else if (id == kSweepLonger || id == kSweepShorter) {
        const auto* it = std::find(std::begin(steps), std::end(steps), msPerDiv_);
        if (id == kSweepLonger && it != std::end(steps) && it + 1 != std::end(steps)) setMsPerDiv(*(it + 1));
        if (id == kSweepShorter && it != std::end(steps) && it != std::begin(steps)) setMsPerDiv(*(it - 1));
    } else if (id == kGainUp || id == kGainDown) {
        for (auto& r : rows_) {
            const auto* it = std::find(kSensitivityUvPerDiv.begin(), kSensitivityUvPerDiv.end(), r.uvPerDiv);
            if (it == kSensitivityUvPerDiv.end()) continue;
            if (id == kGainUp && it != kSensitivityUvPerDiv.begin()) r.uvPerDiv = *(it - 1);
            if (id == kGainDown && it + 1 != kSensitivityUvPerDiv.end()) r.uvPerDiv = *(it + 1);
        }
        updateRowControls();
        refresh();
    } else if (id == kAddAnnotation) promptAnnotation();
    else if (id == kClearCursors) traceArea_->setCursors(std::nullopt, std::nullopt, 0);
    else if (id == kReplay) {
        if (document_->followsWriter())
            status_->setText(tr("Replay needs a closed recording: open it for review once it is stopped"));
        else
            emit replayRequested(QString::fromStdString(document_->path().string()));
    }
    else if (id == kMeasureSpan) promptMeasureSpan();
    else if (id == kRemoveAnnotation) removeNearestAnnotation();
    else if (id == kExportAnnotatedCopy) promptExportCopy();
    else return false;
    return true;
}

void ReviewView::keyPressEvent(QKeyEvent* event) {
    const QString id = Keymap::instance().actionFor(kReviewKeyContext, Keymap::sequenceOf(*event));
    if (!id.isEmpty() && performAction(id)) {
        event->accept();
        return;
    }
    QWidget::keyPressEvent(event);
}

bool ReviewView::eventFilter(QObject* watched, QEvent* event) {
    // envelopes, and rows reduced on the worker, are per pixel column: a new width asks for them again
    if (watched == traceArea_ && event->type() == QEvent::Resize && page_ && (page_->envelopeMode() || worker_)) {
        if (worker_ || !traceArea_->isVisible()) {
            refresh();
        } else if (!firstPagePending_) {   // one read at the next paint, however many resizes come before it
            widthPending_ = true;
            traceArea_->update();
        }
    }
    return QWidget::eventFilter(watched, event);
}

void ReviewView::refresh() {
    if (firstPagePending_) {   // nothing painted yet: the first paint reads what is asked by then
        if (traceArea_) traceArea_->update();
        return;
    }
    refreshNow();
}

void ReviewView::refreshNow() {
    if (!page_ || !traceArea_ || !status_) return;
    firstPagePending_ = false;
    quickShown_ = false;
    widthPending_ = false;
    document_->startBackgroundJobs();   // (when deferred to the first paint and asked for before it)
    if (worker_) {   // read on the worker; shown in onPageRead
        worker_->request({startSec_, windowSec(), rows_, filter_, document_->readySummary(),
                          static_cast<std::size_t>(std::max(1, traceArea_->plotColumns()))});
        return;
    }
    QString error;
    try {
        page_->update(startSec_, windowSec(), rows_, filter_, document_->readySummary(),
                      static_cast<std::size_t>(std::max(1, traceArea_->plotColumns())));
    } catch (const std::exception& e) {
        error = tr("Cannot read this page: %1").arg(QString::fromStdString(e.what()));
    }
    showPage(error);
}

void ReviewView::onPageRead() {
    QString error;
    if (!worker_ || !worker_->take(*page_, error)) return;
    showPage(error);
    emit pageShown();
}

bool ReviewView::pageCurrent() const {
    const_cast<ReviewView*>(this)->ensurePage();
    return (!worker_ || !worker_->pending()) && page_->startSec() == startSec_ && page_->windowSec() == windowSec();
}

void ReviewView::showPage(QString error) {
    const auto& channels = document_->reader().channels();
    try {
        auto& reader = document_->reader();
        const double from = page_->startSec(), to = page_->startSec() + page_->windowSec();
        if (reader.records() > 0)
            document_->noteRecords(std::max<std::int64_t>(0, reader.recordAt(from)), std::max<std::int64_t>(0, reader.recordAt(to)));
    } catch (const std::exception& e) {
        if (error.isEmpty()) error = tr("Cannot read this page: %1").arg(QString::fromStdString(e.what()));
    }
    ReviewTraceArea::Scene scene;
    scene.page = page_.get();
    scene.rows = rows_;
    for (const auto& r : rows_) scene.labels.push_back(rowLabel(r, channels));
    scene.fileAnnotations = &document_->annotations();
    scene.reviewerAnnotations = reviewer_;
    scene.msPerDiv = msPerDiv_;
    const double from = page_->startSec(), to = page_->startSec() + page_->windowSec();
    scene.footer = QStringLiteral("%1 – %2    %3    %4").arg(clockText(from), clockText(to), reviewSweepLabel(msPerDiv_), describe(filter_));
    traceArea_->setScene(std::move(scene));
    shownUpToSec_ = document_->durationSec();
    updateScrollAndStatus(error);
}

void ReviewView::updateScrollAndStatus(const QString& error) {
    updatingControls_ = true;
    const double minStart = document_->earliestSec();
    const double maxStart = std::max(minStart, document_->durationSec() - windowSec());
    scroll_->setRange(static_cast<int>(std::floor(minStart * kScrollUnitsPerSec)), static_cast<int>(std::ceil(maxStart * kScrollUnitsPerSec)));
    scroll_->setPageStep(std::max(1, static_cast<int>(windowSec() * kScrollUnitsPerSec)));
    scroll_->setSingleStep(std::max(1, static_cast<int>(windowSec() * kScrollUnitsPerSec / 10)));
    scroll_->setValue(static_cast<int>(std::lround(startSec_ * kScrollUnitsPerSec)));
    updatingControls_ = false;
    overview_->setWindow(startSec_, windowSec());

    QString text = error.isEmpty() ? tr("%1 of %2").arg(clockText(startSec_), clockText(document_->durationSec())) : error;
    if (document_->live()) text += tr("  (still growing; kept from %1)").arg(clockText(minStart));
    if (const auto r = traceArea_->readout()) {
        text += tr("    cursors: Δt %1 ms").arg(r->deltaMs, 0, 'f', 3);
        if (r->deltaUv) text += tr(", ΔV %1 µV").arg(*r->deltaUv, 0, 'f', 2);
    }
    if (!document_->followsWriter()) text += QStringLiteral("    ") + document_->summaryStatus();
    if (!document_->annotationsComplete() && !document_->followsWriter()) text += tr("    scanning annotations…");
    status_->setText(text);
}

}  // namespace emg::ui
