#pragma once
// The scroll-back buffer of a live acquisition that is not being recorded (issue 13): the last
// minutes of raw samples kept as a BDF+ file in anonymous memory (memfd, never on disk), written
// by the recorder with old records dropped (EdfRecorderOptions::ringSeconds / ringMaxBytes), so
// the review view reads it exactly as it reads a recording being written: through the
// recorder's own index of complete records. Memory is bounded: at most `maxBytes` of records
// (256 MiB by default: 5 min of 4 channels at 20 kHz, about 55 s of 32 channels at 48 kHz).
#include <emg/acq/acquisition_engine.h>
#include <emg/io/edf_recorder.h>
#include <emg/io/record_index.h>

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace emg::review {

struct ScrollbackRingOptions {
    double seconds = 300.0;                           ///< the last 5 minutes ...
    std::size_t maxBytes = std::size_t{256} << 20;    ///< ... or less, so it never holds more than this
    std::vector<std::string> siteNames;               ///< stimulus annotations "Stim <site>"
};

class ScrollbackRing {
public:
    /// Makes the anonymous memory file; throws std::runtime_error when the system has none.
    explicit ScrollbackRing(ScrollbackRingOptions options = {});
    ~ScrollbackRing();
    ScrollbackRing(const ScrollbackRing&) = delete;
    ScrollbackRing& operator=(const ScrollbackRing&) = delete;

    /// The consumer to add to the acquisition engine (one run: a new run needs a new ring).
    AcquisitionConsumer& consumer() noexcept { return *recorder_; }
    io::EdfRecorder& recorder() noexcept { return *recorder_; }
    /// Where a reader opens the ring (valid while this object lives).
    const std::filesystem::path& path() const noexcept { return readPath_; }
    std::shared_ptr<const io::RecordIndex> index() const noexcept { return recorder_->index(); }
    const ScrollbackRingOptions& options() const noexcept { return options_; }

private:
    ScrollbackRingOptions options_;
    int readFd_ = -1;                      ///< keeps the memory file alive for readers
    std::filesystem::path readPath_;
    std::unique_ptr<io::EdfRecorder> recorder_;
};

}  // namespace emg::review
