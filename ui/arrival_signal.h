#pragma once
// New samples in a DisplayBuffer, told on the GUI thread (issue 13: paint on arrival without
// polling). The buffer's writer thread calls samplesArrived(); the first call after the GUI took
// the last one writes to an eventfd (no lock, no allocation on that thread; later calls only see
// the flag raised), and a QSocketNotifier on the GUI thread turns it into arrived(). So at most one
// wake-up is pending however many blocks come in meanwhile.

#include <emg/acq/display_buffer.h>

#include <QObject>

#include <atomic>

class QSocketNotifier;

namespace emg::ui {

class ArrivalSignal : public QObject, public ArrivalListener {
    Q_OBJECT
public:
    /// Listens to `buffer` until destroyed (the buffer must outlive it). Throws std::runtime_error
    /// when no eventfd can be made or the buffer has no free listener slot.
    explicit ArrivalSignal(const DisplayBuffer& buffer, QObject* parent = nullptr);
    ~ArrivalSignal() override;

    void samplesArrived() noexcept override;

signals:
    /// New samples are in the buffer (GUI thread; several blocks may be behind one signal).
    void arrived();

private:
    void onReadable();

    const DisplayBuffer& buffer_;
    int fd_ = -1;
    QSocketNotifier* notifier_ = nullptr;
    std::atomic<bool> raised_{false};   ///< a wake-up is written and not taken yet
};

}  // namespace emg::ui
