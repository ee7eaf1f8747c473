#include "live_keys.h"

#include "keymap.h"
#include "review/review_keys.h"

#include <QObject>

namespace emg::ui {

void declareLiveKeys(Keymap& keymap) {
    declareReviewKeys(keymap);
    auto k = [](const char* text) { return QKeySequence(QString::fromLatin1(text), QKeySequence::PortableText); };
    keymap.declare({live_keys::kScrollBack, kLiveKeyContext, {k("F"), k("PgUp")},
                    QObject::tr("Freeze and scroll back through what was acquired (acquisition goes on)")});
    keymap.declare({live_keys::kReturnLive, kScrollbackKeyContext, {k("L"), k("F")}, QObject::tr("Back to live")});
    keymap.declareSharedContexts(kScrollbackKeyContext, kReviewKeyContext);
}

}  // namespace emg::ui
