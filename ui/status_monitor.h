#pragma once
// The status bar: sample rate, channels, dropped / gap / clipped counts from the engine
// (refreshed at 4 Hz; a count turns red when it is not zero), device state and errors.

#include <emg/acq/acquisition_engine.h>

#include <QObject>
#include <QTimer>

class QLabel;
class QStatusBar;

namespace emg::ui {

class AcquisitionSession;

class StatusMonitor : public QObject {
    Q_OBJECT
public:
    StatusMonitor(AcquisitionSession& session, QStatusBar& bar, QObject* parent = nullptr);
    /// Refresh now (the timer calls this every 250 ms).
    void refresh();
    void showError(const QString& message);
    /// While the workstation is still starting (`emgws FILE`: the device comes after the review's
    /// first paint) the device label says `text` instead of "No device (stopped)"; empty: the
    /// device's state again.
    void setStartingText(const QString& text);

private:
    static void setCount(QLabel* label, const QString& name, std::uint64_t count);

    AcquisitionSession& session_;
    QTimer timer_;
    int refreshes_ = 0;
    QLabel* device_;
    QLabel* rate_;
    QLabel* channels_;
    QLabel* dropped_;
    QLabel* gaps_;
    QLabel* clipped_;
    QLabel* recording_;
    QLabel* error_;
    QString starting_;
};

}  // namespace emg::ui
