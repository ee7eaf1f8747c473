#pragma once
// The review engine's background threads (SHA-256, summary build, annotation scan) run at a lower
// priority than the thread that draws, so that a first page never waits for them on a busy
// machine (Linux: a thread has its own nice value).
#include <algorithm>
#include <cerrno>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace emg::review::detail {

inline void lowerThisThreadPriority(int by = 10) noexcept {
#if defined(__linux__)
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    errno = 0;
    const int current = ::getpriority(PRIO_PROCESS, tid);
    if (errno == 0) ::setpriority(PRIO_PROCESS, tid, std::min(19, current + by));
#else
    (void)by;
#endif
}

}  // namespace emg::review::detail
