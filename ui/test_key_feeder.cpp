// The --test-keys hook (test_key_feeder.h).
#include "test_key_feeder.h"

#include <QAction>
#include <QTimer>
#include <QWidget>

#include <spdlog/spdlog.h>

namespace emg::ui {

namespace {
/// The enabled action of `window` (its own or a child's) bound to `key`, or null.
QAction* actionFor(QWidget* window, const QKeySequence& key) {
    for (auto* a : window->findChildren<QAction*>()) {
        if (!a->isEnabled()) continue;
        for (const auto& k : a->shortcuts())
            if (k == key) return a;
    }
    return nullptr;
}
}  // namespace

TestKeyFeeder::TestKeyFeeder(QWidget* window, const QStringList& keys, int intervalMs)
    : QObject(window), window_(window), timer_(new QTimer(this)) {
    for (const auto& k : keys) keys_ << QKeySequence(k.trimmed(), QKeySequence::PortableText);
    timer_->setInterval(std::max(1, intervalMs));
    connect(timer_, &QTimer::timeout, this, &TestKeyFeeder::pressNext);
    spdlog::warn("test keys: a test hook presses {} key(s), one every {} ms", keys_.size(), timer_->interval());
    if (!keys_.isEmpty()) timer_->start();
}

void TestKeyFeeder::pressNext() {
    if (next_ >= keys_.size()) {
        timer_->stop();
        return;
    }
    const QKeySequence key = keys_[next_++];
    const std::string text = key.toString(QKeySequence::PortableText).toStdString();
    if (auto* a = actionFor(window_, key)) {
        spdlog::info("test keys: {} ({}/{})", text, next_, keys_.size());
        a->trigger();
    } else {
        spdlog::warn("test keys: nothing bound to {} ({}/{})", text, next_, keys_.size());
    }
    if (next_ >= keys_.size()) {
        timer_->stop();
        spdlog::info("test keys: done");
    }
}

}  // namespace emg::ui
