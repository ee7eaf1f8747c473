#pragma once
// Two buffers handed to a writer thread in turn, so that reading and converting the next chunk
// overlaps with writing the previous one. The writer asks SafeFileWriter for direct writes
// (O_DIRECT, see preferDirectWrites): buffers are block-aligned, only whole blocks are written
// while the file grows, and the bytes after the last whole block of a chunk are carried to the
// front of the next buffer (less than one block, copied by submit()); finish() writes the rest.
// Errors of the writer thread are rethrown by the next acquire() or by finish().
#include <emg/io/safe_file_writer.h>

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

namespace emg::io::detail {

class PipelinedWriter {
public:
    /// `out` must be empty (nothing written yet): every byte of the file goes through the pipe.
    /// `chunkBytes`: the most one submit() passes.
    PipelinedWriter(SafeFileWriter& out, std::size_t chunkBytes);
    ~PipelinedWriter();   // stops the thread (without finish(): what was queued may be dropped)
    PipelinedWriter(const PipelinedWriter&) = delete;
    PipelinedWriter& operator=(const PipelinedWriter&) = delete;

    /// Where the next chunk goes: room for chunkBytes (and 8 bytes of slack after them); waits
    /// while the writer still holds the buffer.
    std::uint8_t* acquire();
    /// Queues the first `bytes` written at the pointer acquire() returned last.
    void submit(std::size_t bytes);
    /// Waits until everything queued is written and writes the carried end; rethrows a write error.
    void finish();

private:
    struct Buffer {
        std::unique_ptr<std::uint8_t[], void (*)(std::uint8_t*)> bytes{nullptr, nullptr};
        std::size_t writeBytes = 0;   ///< from the start, handed to the writer thread
        std::size_t usedBytes = 0;    ///< carried-in + submitted bytes
        bool full = false;
    };
    void run();
    void rethrowLocked();

    SafeFileWriter& out_;
    const bool aligned_;              ///< direct writes: whole blocks only
    std::size_t carryRoom_ = 0;       ///< bytes reserved at a buffer's front for the carried end
    Buffer buffers_[2];
    std::size_t fillIndex_ = 0;
    std::size_t carried_ = 0;         ///< bytes at the front of buffers_[fillIndex_] copied from the previous one
    bool acquired_ = false;
    bool stopping_ = false;
    std::exception_ptr error_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::thread thread_;
};

}  // namespace emg::io::detail
