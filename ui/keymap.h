#pragma once
// The workstation's one keymap: every keyboard action (review paging, cursors, and later the
// bedside keys) is declared here with an id, its default keys and the context it works in; the
// user may rebind any of them (kept in QSettings under "keymap/<id>"). A key must not be bound to
// two actions of the same context: conflicts() lists any such clash (asserted by a test).
//
// Widgets do not hard-code keys: they ask actionFor(context, key) in keyPressEvent, or keys(id)
// to show them in menus and tooltips.

#include <QKeySequence>
#include <QList>
#include <QString>
#include <QStringList>

#include <utility>
#include <vector>

class QKeyEvent;

namespace emg::ui {

/// Actions of this context work anywhere in the window (QAction shortcuts): their keys must not be
/// bound in any other context either (conflicts() reports such a clash).
inline constexpr const char* kWindowKeyContext = "window";

struct KeyAction {
    QString id;                        ///< "review.page-next"
    QString context;                   ///< "review", "bedside", ...: where the keys work
    QList<QKeySequence> defaultKeys;   ///< may be several (PgDown and Right)
    QString description;               ///< for menus and the key list
};

class Keymap {
public:
    /// The application's keymap (declared actions from every area, QSettings overrides).
    static Keymap& instance();

    /// Declares an action; declaring the same id again replaces it (idempotent registration).
    void declare(KeyAction action);
    bool has(const QString& id) const;
    const std::vector<KeyAction>& actions() const noexcept { return actions_; }
    std::vector<KeyAction> actions(const QString& context) const;

    /// Keys bound to `id` now: the user's override when there is one, else the defaults.
    QList<QKeySequence> keys(const QString& id) const;
    /// Overrides the keys of `id` (kept in QSettings; an empty list unbinds it). Throws
    /// std::invalid_argument for an undeclared id.
    void setKeys(const QString& id, const QList<QKeySequence>& keys);
    /// Back to the defaults (removes the override).
    void resetKeys(const QString& id);

    /// The action of `context` bound to `key` ("" when none).
    QString actionFor(const QString& context, const QKeySequence& key) const;
    /// The key sequence of a key press (key + modifiers; keypad flag dropped).
    static QKeySequence sequenceOf(const QKeyEvent& event);

    /// The keys of `context` and of `alsoActive` work in the same place (the scroll-back pane
    /// handles the review keys and its own): conflicts() then also reports a key bound in both.
    void declareSharedContexts(const QString& context, const QString& alsoActive);

    /// One line per key bound twice in one context, in two contexts declared shared
    /// ("review: Right bound to a and b"), or in the window context and any other
    /// ("window: F8 bound to a and b"); empty when the keymap is consistent.
    QStringList conflicts() const;

private:
    std::vector<KeyAction> actions_;
    std::vector<std::pair<QString, QString>> shared_;
};

}  // namespace emg::ui
