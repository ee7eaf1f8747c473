#include "pread_exact.h"

#include <emg/io/recording_io.h>

#include <cerrno>
#include <cstring>

#include <unistd.h>

namespace emg::review::detail {

void preadExact(int fd, void* out, std::size_t size, std::uint64_t offset, const std::string& name) {
    auto* p = static_cast<char*>(out);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::pread(fd, p + done, size - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw io::FormatError(name + ": read error: " + std::strerror(errno));
        if (n == 0)
            throw io::FormatError(name + ": the file ended at byte " + std::to_string(offset + done) +
                                  " inside a data record (did it shrink while open?)");
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace emg::review::detail
