#include "review_keys.h"

#include "keymap.h"

#include <QObject>

namespace emg::ui {

void declareReviewKeys(Keymap& keymap) {
    using namespace review_keys;
    const QString c = kReviewKeyContext;
    auto k = [](const char* text) { return QKeySequence(QString::fromLatin1(text), QKeySequence::PortableText); };
    keymap.declare({kPageNext, c, {k("PgDown"), k("Right")}, QObject::tr("Next page")});
    keymap.declare({kPagePrevious, c, {k("PgUp"), k("Left")}, QObject::tr("Previous page")});
    keymap.declare({kStart, c, {k("Home")}, QObject::tr("Start of the recording")});
    keymap.declare({kEnd, c, {k("End")}, QObject::tr("End of the recording")});
    keymap.declare({kGoToTime, c, {k("Ctrl+G")}, QObject::tr("Go to time…")});
    keymap.declare({kAnnotationNext, c, {k("N")}, QObject::tr("Next annotation")});
    keymap.declare({kAnnotationPrevious, c, {k("Shift+N")}, QObject::tr("Previous annotation")});
    keymap.declare({kStimulusNext, c, {k("S")}, QObject::tr("Next stimulus")});
    keymap.declare({kStimulusPrevious, c, {k("Shift+S")}, QObject::tr("Previous stimulus")});
    keymap.declare({kSweepLonger, c, {k("]")}, QObject::tr("More ms/div (longer page)")});
    keymap.declare({kSweepShorter, c, {k("[")}, QObject::tr("Fewer ms/div (shorter page)")});
    keymap.declare({kGainUp, c, {k("Up")}, QObject::tr("More sensitive (fewer µV/div)")});
    keymap.declare({kGainDown, c, {k("Down")}, QObject::tr("Less sensitive (more µV/div)")});
    keymap.declare({kAddAnnotation, c, {k("A")}, QObject::tr("Add an annotation at cursor 1")});
    keymap.declare({kClearCursors, c, {k("Esc")}, QObject::tr("Remove the cursors")});
    keymap.declare({kReplay, c, {k("Ctrl+R")}, QObject::tr("Replay at 1× (sound)")});
    keymap.declare({kMeasureSpan, c, {k("M")}, QObject::tr("Measure span… (between the cursors)")});
    keymap.declare({kRemoveAnnotation, c, {k("Del")}, QObject::tr("Remove the reviewer annotation nearest cursor 1")});
    keymap.declare({kExportAnnotatedCopy, c, {k("Ctrl+E")}, QObject::tr("Export annotated copy…")});
}

}  // namespace emg::ui
