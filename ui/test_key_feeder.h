#pragma once
// A test hook, not a feature: `emgws --test-keys F5,F5,F8 --test-key-interval-ms 400` presses the
// window's key bindings one after the other, as a footswitch or a hand would, so that a test can
// drive the real workstation process (started offscreen, killed and restarted; issue 14). Each key
// triggers the window's action bound to it (ui/keymap.h; a rebinding counts), without a key event:
// the offscreen platform has no keyboard to type on. Each press is logged ("test keys: F5 (3/12)",
// or "test keys: nothing bound to X"); the last one logs "test keys: done".

#include <QKeySequence>
#include <QObject>
#include <QStringList>

class QTimer;
class QWidget;

namespace emg::ui {

class TestKeyFeeder : public QObject {
public:
    /// Starts pressing `keys` (QKeySequence portable text, e.g. "F5", "Ctrl+Return") on `window`,
    /// the first after `intervalMs`, then one every `intervalMs`.
    TestKeyFeeder(QWidget* window, const QStringList& keys, int intervalMs);
    /// Keys not yet pressed.
    int remaining() const noexcept { return static_cast<int>(keys_.size()) - next_; }

private:
    void pressNext();

    QWidget* window_;
    QList<QKeySequence> keys_;
    int next_ = 0;
    QTimer* timer_;
};

}  // namespace emg::ui
