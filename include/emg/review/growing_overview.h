#pragma once
// The overview of a file still being written (issue 13, scroll back while live): a worker thread
// follows the recorder's own index (complete records only, never the header's count) and reads
// each new record once, keeping per record and channel its min/max and the annotations it holds
// (stimulus marks). The overview strip draws the envelope up to (nearly) now from these, so it
// never waits for a summary of a file that has no end yet. Memory: 16 bytes per record and channel.

#include <emg/io/record_index.h>
#include <emg/review/envelope.h>
#include <emg/review/review_types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

namespace emg::review {

class GrowingOverview {
public:
    /// Starts the worker (its own reader of `path`, a lower priority than the GUI thread).
    GrowingOverview(std::filesystem::path path, std::shared_ptr<const io::RecordIndex> index);
    ~GrowingOverview();   ///< stops the worker
    GrowingOverview(const GrowingOverview&) = delete;
    GrowingOverview& operator=(const GrowingOverview&) = delete;

    /// Records read so far (the envelope and annotations cover records [0, recordsRead())).
    std::int64_t recordsRead() const noexcept;
    double recordDurationSec() const noexcept;
    /// Increments whenever more records were read (a view redraws when it changes).
    std::uint64_t version() const noexcept;
    /// `columns` min/max columns of channel `channel` over [startSec, startSec + durationSec):
    /// column j takes the records that start in it (empty where none was read yet).
    Envelope envelope(std::size_t channel, double startSec, double durationSec, std::size_t columns) const;
    /// The annotations of the records read (EDF+/BDF+), by onset.
    std::vector<TimedAnnotation> annotations() const;
    /// Why the worker stopped early ("" while it runs or when the file was closed normally).
    std::string error() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace emg::review
