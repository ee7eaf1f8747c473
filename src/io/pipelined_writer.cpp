#include "pipelined_writer.h"

#include <cstring>
#include <new>
#include <stdexcept>

namespace emg::io::detail {

namespace {
constexpr std::size_t kBlock = SafeFileWriter::kDirectBlockBytes;

void freeAligned(std::uint8_t* p) { ::operator delete[](p, std::align_val_t{kBlock}); }
std::uint8_t* allocateAligned(std::size_t bytes) {
    return static_cast<std::uint8_t*>(::operator new[](bytes, std::align_val_t{kBlock}));
}
}  // namespace

PipelinedWriter::PipelinedWriter(SafeFileWriter& out, std::size_t chunkBytes)
    : out_(out), aligned_(out.size() == 0 && out.preferDirectWrites()) {
    if (out.size() != 0) throw std::logic_error("PipelinedWriter: the file must be empty when the pipe starts");
    carryRoom_ = aligned_ ? kBlock : 0;
    for (auto& b : buffers_) b.bytes = {allocateAligned(carryRoom_ + chunkBytes + 8), &freeAligned};
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

std::uint8_t* PipelinedWriter::acquire() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !buffers_[fillIndex_].full || error_; });
    rethrowLocked();
    acquired_ = true;
    return buffers_[fillIndex_].bytes.get() + carried_;
}

void PipelinedWriter::submit(std::size_t bytes) {
    {
        std::lock_guard lock(mutex_);
        if (!acquired_) throw std::logic_error("PipelinedWriter: submit without acquire");
        acquired_ = false;
        Buffer& b = buffers_[fillIndex_];
        b.usedBytes = carried_ + bytes;
        b.writeBytes = aligned_ ? b.usedBytes / kBlock * kBlock : b.usedBytes;
        carried_ = b.usedBytes - b.writeBytes;
        b.full = true;
    }
    changed_.notify_all();
    fillIndex_ ^= 1;
    if (carried_ > 0) {   // the end that is not a whole block: to the front of the next buffer once it is free
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !buffers_[fillIndex_].full || error_; });
        rethrowLocked();
        const Buffer& prev = buffers_[fillIndex_ ^ 1];
        std::memcpy(buffers_[fillIndex_].bytes.get(), prev.bytes.get() + prev.writeBytes, carried_);
    }
}

void PipelinedWriter::finish() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return (!buffers_[0].full && !buffers_[1].full) || error_; });
    rethrowLocked();
    if (carried_ > 0) {   // the file's last bytes, less than a block: written buffered
        out_.write(buffers_[fillIndex_].bytes.get(), carried_);
        carried_ = 0;
    }
}

void PipelinedWriter::run() {
    std::size_t index = 0;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [&] { return buffers_[index].full || stopping_; });
            if (!buffers_[index].full) return;   // stopping with nothing queued
            if (error_) return;
        }
        try {
            if (buffers_[index].writeBytes > 0) out_.write(buffers_[index].bytes.get(), buffers_[index].writeBytes);
        } catch (...) {
            std::lock_guard lock(mutex_);
            error_ = std::current_exception();
            changed_.notify_all();
            return;
        }
        {
            std::lock_guard lock(mutex_);
            buffers_[index].full = false;
        }
        changed_.notify_all();
        index ^= 1;
    }
}

}  // namespace emg::io::detail
