#pragma once
// The cheat sheet of the one keymap (issue 14): every declared action with its keys as bound now
// (the user's overrides included) and where it works, in one table; Help → Keyboard shortcuts (F1).

class QDialog;
class QWidget;

namespace emg::ui {

class Keymap;

inline constexpr const char* kShowKeysAction = "help.keys";

/// Declares the cheat sheet's own key (F1, window-wide).
void declareHelpKeys(Keymap& keymap);

/// A dialog (not yet shown) listing every action of `keymap`: context, keys, action; sorted by context.
QDialog* makeKeyCheatSheet(const Keymap& keymap, QWidget* parent);

}  // namespace emg::ui
