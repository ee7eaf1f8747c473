#pragma once
// Two buffers handed to a writer thread in turn, so that reading and converting the next chunk
// overlaps with writing the previous one. Errors of the writer thread are rethrown by the next
// acquire() or by finish().
#include <emg/io/safe_file_writer.h>

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace emg::io::detail {

class PipelinedWriter {
public:
    PipelinedWriter(SafeFileWriter& out, std::size_t bufferBytes);
    ~PipelinedWriter();   // stops the thread (without finish(): what was queued may be dropped)
    PipelinedWriter(const PipelinedWriter&) = delete;
    PipelinedWriter& operator=(const PipelinedWriter&) = delete;

    /// The next free buffer (waits while the writer still holds it).
    std::vector<std::uint8_t>& acquire();
    /// Queues the first `bytes` of the buffer acquire() returned last.
    void submit(std::size_t bytes);
    /// Waits until everything queued is written; rethrows a write error.
    void finish();

private:
    void run();
    void rethrowLocked();

    SafeFileWriter& out_;
    std::vector<std::uint8_t> buffers_[2];
    std::size_t sizes_[2] = {0, 0};
    bool full_[2] = {false, false};
    std::size_t fillIndex_ = 0;
    bool stopping_ = false;
    std::exception_ptr error_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::thread thread_;
};

}  // namespace emg::io::detail
