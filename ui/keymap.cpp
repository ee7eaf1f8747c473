#include "keymap.h"

#include <QKeyEvent>
#include <QSettings>

#include <algorithm>
#include <map>
#include <stdexcept>

namespace emg::ui {

namespace {
QString settingsKey(const QString& id) { return QStringLiteral("keymap/") + id; }
}  // namespace

Keymap& Keymap::instance() {
    static Keymap keymap;
    return keymap;
}

void Keymap::declare(KeyAction action) {
    const auto it = std::find_if(actions_.begin(), actions_.end(), [&](const KeyAction& a) { return a.id == action.id; });
    if (it != actions_.end())
        *it = std::move(action);
    else
        actions_.push_back(std::move(action));
}

bool Keymap::has(const QString& id) const {
    return std::any_of(actions_.begin(), actions_.end(), [&](const KeyAction& a) { return a.id == id; });
}

std::vector<KeyAction> Keymap::actions(const QString& context) const {
    std::vector<KeyAction> out;
    for (const auto& a : actions_)
        if (a.context == context) out.push_back(a);
    return out;
}

QList<QKeySequence> Keymap::keys(const QString& id) const {
    const auto it = std::find_if(actions_.begin(), actions_.end(), [&](const KeyAction& a) { return a.id == id; });
    if (it == actions_.end()) return {};
    QSettings settings;
    if (settings.contains(settingsKey(id))) {
        QList<QKeySequence> out;
        for (const QString& s : settings.value(settingsKey(id)).toStringList()) {
            const QKeySequence k(s, QKeySequence::PortableText);
            if (!k.isEmpty()) out.append(k);
        }
        return out;
    }
    return it->defaultKeys;
}

void Keymap::setKeys(const QString& id, const QList<QKeySequence>& keys) {
    if (!has(id)) throw std::invalid_argument("no keyboard action '" + id.toStdString() + "'");
    QStringList texts;
    for (const auto& k : keys) texts << k.toString(QKeySequence::PortableText);
    QSettings().setValue(settingsKey(id), texts);
}

void Keymap::resetKeys(const QString& id) { QSettings().remove(settingsKey(id)); }

QString Keymap::actionFor(const QString& context, const QKeySequence& key) const {
    if (key.isEmpty()) return {};
    for (const auto& a : actions_) {
        if (a.context != context) continue;
        for (const auto& k : keys(a.id))
            if (k.matches(key) == QKeySequence::ExactMatch) return a.id;
    }
    return {};
}

QKeySequence Keymap::sequenceOf(const QKeyEvent& event) {
    const Qt::KeyboardModifiers mods = event.modifiers() & ~Qt::KeypadModifier;
    return QKeySequence(QKeyCombination(mods, static_cast<Qt::Key>(event.key())));
}

void Keymap::declareSharedContexts(const QString& context, const QString& alsoActive) {
    const auto pair = std::make_pair(context, alsoActive);
    if (std::find(shared_.begin(), shared_.end(), pair) == shared_.end()) shared_.push_back(pair);
}

QStringList Keymap::conflicts() const {
    QStringList out;
    std::map<std::pair<QString, QString>, QString> seen;   // (context, key text) -> first action id
    for (const auto& a : actions_)
        for (const auto& k : keys(a.id)) {
            const QString text = k.toString(QKeySequence::PortableText);
            const auto [it, inserted] = seen.emplace(std::make_pair(a.context, text), a.id);
            if (!inserted && it->second != a.id)
                out << QStringLiteral("%1: %2 bound to %3 and %4").arg(a.context, text, it->second, a.id);
        }
    for (const auto& [x, y] : shared_)
        for (const auto& a : actions_) {
            if (a.context != x) continue;
            for (const auto& k : keys(a.id)) {
                const QString text = k.toString(QKeySequence::PortableText);
                const auto it = seen.find(std::make_pair(y, text));
                if (it != seen.end()) out << QStringLiteral("%1+%2: %3 bound to %4 and %5").arg(x, y, text, a.id, it->second);
            }
        }
    // A window-wide key works in every context: it clashes with the same key anywhere else.
    const QString window = QString::fromLatin1(kWindowKeyContext);
    for (const auto& [where, id] : seen) {
        if (where.first == window) continue;
        const auto w = seen.find(std::make_pair(window, where.second));
        if (w != seen.end()) out << QStringLiteral("%1: %2 bound to %3 and %4").arg(window, where.second, w->second, id);
    }
    return out;
}

}  // namespace emg::ui
