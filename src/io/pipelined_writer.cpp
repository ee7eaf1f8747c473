#include "pipelined_writer.h"

namespace emg::io::detail {

PipelinedWriter::PipelinedWriter(SafeFileWriter& out, std::size_t bufferBytes) : out_(out) {
    buffers_[0].resize(bufferBytes);
    buffers_[1].resize(bufferBytes);
    thread_ = std::thread([this] { run(); });
}

PipelinedWriter::~PipelinedWriter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
}

void PipelinedWriter::rethrowLocked() {
    if (error_) std::rethrow_exception(error_);
}

std::vector<std::uint8_t>& PipelinedWriter::acquire() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !full_[fillIndex_] || error_; });
    rethrowLocked();
    return buffers_[fillIndex_];
}

void PipelinedWriter::submit(std::size_t bytes) {
    {
        std::lock_guard lock(mutex_);
        sizes_[fillIndex_] = bytes;
        full_[fillIndex_] = true;
        fillIndex_ ^= 1;
    }
    changed_.notify_all();
}

void PipelinedWriter::finish() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return (!full_[0] && !full_[1]) || error_; });
    rethrowLocked();
}

void PipelinedWriter::run() {
    std::size_t index = 0;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [&] { return full_[index] || stopping_; });
            if (!full_[index]) return;   // stopping with nothing queued
            if (error_) return;
        }
        try {
            out_.write(buffers_[index].data(), sizes_[index]);
        } catch (...) {
            std::lock_guard lock(mutex_);
            error_ = std::current_exception();
            changed_.notify_all();
            return;
        }
        {
            std::lock_guard lock(mutex_);
            full_[index] = false;
        }
        changed_.notify_all();
        index ^= 1;
    }
}

}  // namespace emg::io::detail
