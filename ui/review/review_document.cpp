#include "review_document.h"

#include <QFileInfo>

#include <algorithm>
#include <cctype>

namespace emg::ui {

bool isStimulusAnnotation(const std::string& text) {
    std::size_t i = 0;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (text.size() - i < 4) return false;
    std::string head = text.substr(i, 4);
    std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return head == "stim";
}

ReviewDocument::ReviewDocument(const std::filesystem::path& path, ReviewDocumentOptions options, QObject* parent)
    : QObject(parent), path_(path), writerIndex_(options.writerIndex), keepAlive_(options.keepAlive), title_(options.title) {
    reader_ = review::openPagedRecording(path);   // EDF/BDF(+) or a WFDB record's header
    if (writerIndex_) followWriter();
    if (writerIndex_ && options.startBackgroundJobs) growing_ = std::make_unique<review::GrowingOverview>(path, writerIndex_);
    durationSec_ = reader_->durationSec();
    summaryCacheDir_ = options.summaryCacheDir;
    jobsWanted_ = options.startBackgroundJobs && !writerIndex_;
    // no scan (none asked for, or a file without annotations in its records): complete as it is
    annotationsComplete_ = !reader_->isPlus() && !writerIndex_;
    // annotations kept apart from the data records (a WFDB record's .atr, read bounded at open)
    if (!reader_->isPlus() && reader_->records() > 0) annotations_ = reader_->annotationsInRecords(0, reader_->records() - 1);
    connect(&poll_, &QTimer::timeout, this, &ReviewDocument::poll);
    if (!options.deferBackgroundJobs) startBackgroundJobs();
    poll_.start(40);
}

void ReviewDocument::startBackgroundJobs() {
    if (!jobsWanted_) return;
    jobsWanted_ = false;
    review::SummaryOptions so;
    so.cacheDir = summaryCacheDir_;
    summary_ = std::make_unique<review::MinMaxSummary>(path_, so);
    if (reader_->isPlus()) scan_ = std::make_unique<review::AnnotationScan>(path_);
    if (!poll_.isActive()) poll_.start(40);
}

ReviewDocument::~ReviewDocument() {
    poll_.stop();
    growing_.reset();   // stops its worker
    if (summary_) summary_->cancel();
    if (scan_) scan_->cancel();
}

QString ReviewDocument::fileName() const {
    return title_.isEmpty() ? QFileInfo(QString::fromStdString(path_.string())).fileName() : title_;
}

std::int64_t ReviewDocument::firstSampleIndex() const noexcept {
    return writerIndex_ ? writerIndex_->firstSampleIndex.load(std::memory_order_acquire) : -1;
}

void ReviewDocument::followWriter() {
    const std::int64_t complete = writerIndex_->completeRecords.load(std::memory_order_acquire);
    const std::int64_t oldest = writerIndex_->oldestRecord.load(std::memory_order_acquire);
    const double before = durationSec_, earliestBefore = earliestSec_;
    try {
        reader_->setCompleteRecords(complete);
    } catch (const std::exception&) {
        return;   // the index ran ahead of what the file shows (cannot happen with our recorder): next poll
    }
    durationSec_ = reader_->durationSec();
    earliestSec_ = oldest > 0 ? static_cast<double>(oldest + 1) * reader_->recordDurationSec() : 0.0;
    if (durationSec_ != before || earliestSec_ != earliestBefore) emit grew();
}

const review::MinMaxSummary* ReviewDocument::readySummary() const noexcept {
    return summary_ && summaryDone_ && summary_->state() == review::SummaryState::Ready ? summary_.get() : nullptr;
}

QString ReviewDocument::summaryStatus() const {
    if (!summary_) return jobsWanted_ ? tr("overview after the first page") : tr("no summary");
    const auto state = summary_->state();
    switch (state) {
    case review::SummaryState::Hashing:
        return tr("checksum %1 %").arg(static_cast<int>(summary_->progress() * 100));
    case review::SummaryState::Building:
        return tr("overview %1 %").arg(static_cast<int>(summary_->progress() * 100));
    case review::SummaryState::Ready:
        if (!summaryDone_) return tr("overview loading");
        return summary_->fromCache() ? tr("overview ready (cached)") : tr("overview ready");
    case review::SummaryState::Failed: return tr("overview failed: %1").arg(QString::fromStdString(summary_->error()));
    case review::SummaryState::Cancelled: return tr("overview cancelled");
    }
    return {};
}

void ReviewDocument::noteRecords(std::int64_t firstRecord, std::int64_t lastRecord) {
    if (annotationsComplete_ || !reader_->isPlus() || reader_->records() <= 0) return;
    firstRecord = std::clamp<std::int64_t>(firstRecord, 0, reader_->records() - 1);
    lastRecord = std::clamp<std::int64_t>(lastRecord, firstRecord, reader_->records() - 1);
    if (notedFirst_ >= 0 && firstRecord >= notedFirst_ && lastRecord <= notedLast_) return;
    std::vector<review::TimedAnnotation> found;
    try {
        found = reader_->annotationsInRecords(firstRecord, lastRecord);
    } catch (const std::exception&) {
        return;   // a damaged record: the background scan reports it
    }
    notedFirst_ = firstRecord;
    notedLast_ = lastRecord;
    bool added = false;
    for (auto& a : found) {
        const bool known = std::any_of(annotations_.begin(), annotations_.end(), [&](const review::TimedAnnotation& b) {
            return b.onsetSec == a.onsetSec && b.text == a.text;
        });
        if (known) continue;
        annotations_.push_back(std::move(a));
        added = true;
    }
    if (!added) return;
    std::stable_sort(annotations_.begin(), annotations_.end(),
                     [](const auto& x, const auto& y) { return x.onsetSec < y.onsetSec; });
    emit annotationsChanged();
}

void ReviewDocument::takeGrowingOverview() {
    if (!growing_ || growing_->version() == growingVersion_) return;
    growingVersion_ = growing_->version();
    bool added = false;
    for (auto& a : growing_->annotations()) {
        const bool known = std::any_of(annotations_.begin(), annotations_.end(), [&](const review::TimedAnnotation& b) {
            return b.onsetSec == a.onsetSec && b.text == a.text;
        });
        if (known) continue;
        annotations_.push_back(std::move(a));
        added = true;
    }
    if (added) {
        std::stable_sort(annotations_.begin(), annotations_.end(),
                         [](const auto& x, const auto& y) { return x.onsetSec < y.onsetSec; });
        emit annotationsChanged();
    }
    emit overviewGrew();
}

void ReviewDocument::poll() {
    if (writerIndex_) {
        const bool wasLive = live();
        followWriter();
        takeGrowingOverview();
        if (wasLive && !live()) emit grew();   // closed: one last look, then the timer stops
        // closed and the overview has read every record (or stopped): nothing more will come
        if (!live() && (!growing_ || growing_->recordsRead() >= reader_->records() || !growing_->error().empty())) poll_.stop();
        return;
    }
    bool busy = false;
    if (summary_) {
        if (sha256_.isEmpty()) {
            const std::string sha = summary_->sha256();
            if (!sha.empty()) {
                sha256_ = QString::fromStdString(sha);
                emit sha256Known(sha256_);
            }
        }
        const auto state = summary_->state();
        if (!summaryDone_ && state != review::SummaryState::Hashing && state != review::SummaryState::Building) {
            summaryDone_ = true;
            if (state == review::SummaryState::Ready) emit summaryReady();
        }
        busy = busy || !summaryDone_;
    }
    if (scan_ && !annotationsComplete_) {
        if (scan_->done()) {
            annotations_ = scan_->annotations();
            annotationsComplete_ = true;
            emit annotationsChanged();
        } else {
            busy = true;
        }
    }
    emit backgroundProgress();
    if (!busy) poll_.stop();
}

}  // namespace emg::ui
