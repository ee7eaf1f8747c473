#pragma once
// The live view's scroll-back keys (issue 13), declared in the workstation's keymap
// (ui/keymap.h): in the live traces ("live") a key freezes the picture and opens the scroll-back
// pane; in that pane ("scrollback", which also takes every review key) one key returns to live.

#include <QString>

namespace emg::ui {

class Keymap;

inline const QString kLiveKeyContext = QStringLiteral("live");
inline const QString kScrollbackKeyContext = QStringLiteral("scrollback");

namespace live_keys {
inline const QString kScrollBack = QStringLiteral("live.scroll-back");
inline const QString kReturnLive = QStringLiteral("scrollback.return-live");
}  // namespace live_keys

/// Declares the live and scroll-back actions (idempotent), the review keys and the
/// scroll-back context as shared (no key of one may be a key of the other).
void declareLiveKeys(Keymap& keymap);

}  // namespace emg::ui
