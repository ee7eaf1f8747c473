#include <emg/review/scrollback_ring.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <sys/mman.h>
#include <unistd.h>

namespace emg::review {

ScrollbackRing::ScrollbackRing(ScrollbackRingOptions options) : options_(std::move(options)) {
    const int fd = ::memfd_create("emgws-scrollback", MFD_CLOEXEC);
    if (fd < 0) throw std::runtime_error(std::string("no memory file for the scroll-back ring: ") + std::strerror(errno));
    readFd_ = ::dup(fd);
    if (readFd_ < 0) {
        const int err = errno;
        ::close(fd);
        throw std::runtime_error(std::string("no memory file for the scroll-back ring: ") + std::strerror(err));
    }
    readPath_ = "/proc/self/fd/" + std::to_string(readFd_);
    io::EdfRecorderOptions recorder;
    recorder.format = io::FileFormat::BdfPlus;
    recorder.recordingId = "emgws scroll-back ring";
    recorder.siteNames = options_.siteNames;
    recorder.flushIntervalSec = 0.25;
    recorder.ringSeconds = options_.seconds;
    recorder.ringMaxBytes = options_.maxBytes;
    recorder_ = std::make_unique<io::EdfRecorder>(fd, "scroll-back ring", recorder);   // owns fd from here
}

ScrollbackRing::~ScrollbackRing() {
    recorder_.reset();
    if (readFd_ >= 0) ::close(readFd_);
}

}  // namespace emg::review
