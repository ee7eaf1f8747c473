#include "arrival_signal.h"

#include <QSocketNotifier>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

#include <sys/eventfd.h>
#include <unistd.h>

namespace emg::ui {

ArrivalSignal::ArrivalSignal(const DisplayBuffer& buffer, QObject* parent) : QObject(parent), buffer_(buffer) {
    fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd_ < 0) throw std::runtime_error(std::string("arrival signal: eventfd: ") + std::strerror(errno));
    notifier_ = new QSocketNotifier(fd_, QSocketNotifier::Read, this);
    connect(notifier_, &QSocketNotifier::activated, this, &ArrivalSignal::onReadable);
    if (!buffer_.addArrivalListener(this)) {
        ::close(fd_);
        throw std::runtime_error("arrival signal: the display buffer has no free listener slot");
    }
}

ArrivalSignal::~ArrivalSignal() {
    buffer_.removeArrivalListener(this);   // no call in progress after this
    delete notifier_;
    ::close(fd_);
}

void ArrivalSignal::samplesArrived() noexcept {
    // release: the GUI's acquire exchange in onReadable sees what the buffer published before this
    if (raised_.exchange(true, std::memory_order_acq_rel)) return;
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(fd_, &one, sizeof one);   // only EAGAIN at 2^64-2: cannot happen
}

void ArrivalSignal::onReadable() {
    std::uint64_t count = 0;
    [[maybe_unused]] const auto got = ::read(fd_, &count, sizeof count);   // resets the counter
    raised_.exchange(false, std::memory_order_acq_rel);
    emit arrived();
}

}  // namespace emg::ui
