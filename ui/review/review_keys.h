#pragma once
// The review view's keyboard actions, declared in the workstation's keymap (ui/keymap.h) under
// the context "review".

#include <QString>

namespace emg::ui {

class Keymap;

inline const QString kReviewKeyContext = QStringLiteral("review");

namespace review_keys {
inline const QString kPageNext = QStringLiteral("review.page-next");
inline const QString kPagePrevious = QStringLiteral("review.page-previous");
inline const QString kStart = QStringLiteral("review.start");
inline const QString kEnd = QStringLiteral("review.end");
inline const QString kGoToTime = QStringLiteral("review.go-to-time");
inline const QString kAnnotationNext = QStringLiteral("review.annotation-next");
inline const QString kAnnotationPrevious = QStringLiteral("review.annotation-previous");
inline const QString kStimulusNext = QStringLiteral("review.stimulus-next");
inline const QString kStimulusPrevious = QStringLiteral("review.stimulus-previous");
inline const QString kSweepLonger = QStringLiteral("review.sweep-longer");
inline const QString kSweepShorter = QStringLiteral("review.sweep-shorter");
inline const QString kGainUp = QStringLiteral("review.gain-up");
inline const QString kGainDown = QStringLiteral("review.gain-down");
inline const QString kAddAnnotation = QStringLiteral("review.add-annotation");
inline const QString kClearCursors = QStringLiteral("review.clear-cursors");
inline const QString kReplay = QStringLiteral("review.replay");
inline const QString kMeasureSpan = QStringLiteral("review.measure-span");
inline const QString kRemoveAnnotation = QStringLiteral("review.remove-annotation");
inline const QString kExportAnnotatedCopy = QStringLiteral("review.export-annotated-copy");
}  // namespace review_keys

/// Declares the review actions with their default keys (idempotent).
void declareReviewKeys(Keymap& keymap);

}  // namespace emg::ui
