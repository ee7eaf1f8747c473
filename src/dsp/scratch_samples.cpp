#include "scratch_samples.h"

#include <emg/core/scratch_file.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace emg::dsp::detail {

ScratchSamples::ScratchSamples() : folder_(emg::scratchFolder()) {
    fd_ = openUnnamedScratchFile(folder_, "emgws-scratch");
    if (fd_ < 0)
        throw std::runtime_error("cannot make a scratch file in " + folder_ + " for the filtered channel: " + std::strerror(errno));
}

ScratchSamples::~ScratchSamples() {
    if (fd_ >= 0) ::close(fd_);
}

void ScratchSamples::write(std::size_t from, std::span<const double> values) {
    const auto* p = reinterpret_cast<const char*>(values.data());
    std::size_t left = values.size_bytes();
    auto at = static_cast<off_t>(from * sizeof(double));
    while (left > 0) {
        const ssize_t w = ::pwrite(fd_, p, left, at);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0)
            throw std::runtime_error("cannot write the scratch file in " + folder_ + " for the filtered channel: " +
                                     std::strerror(w < 0 ? errno : ENOSPC));
        p += w;
        left -= static_cast<std::size_t>(w);
        at += w;
    }
}

void ScratchSamples::read(std::size_t from, std::span<double> out) const {
    auto* p = reinterpret_cast<char*>(out.data());
    std::size_t left = out.size_bytes();
    auto at = static_cast<off_t>(from * sizeof(double));
    while (left > 0) {
        const ssize_t r = ::pread(fd_, p, left, at);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0)
            throw std::runtime_error("cannot read back the scratch file in " + folder_ + " for the filtered channel: " +
                                     (r < 0 ? std::strerror(errno) : "it is shorter than written"));
        p += r;
        left -= static_cast<std::size_t>(r);
        at += r;
    }
}

}  // namespace emg::dsp::detail
