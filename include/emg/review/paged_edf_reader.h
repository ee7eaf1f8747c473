#pragma once
// Random access to EDF, EDF+C/D, BDF, BDF+C/D recordings without reading them whole (issue 13).
// Opening parses only the header (the same checked parser and record-count rules as the other
// readers); samples are read on demand with pread into a small LRU cache of data records, so
// memory does not grow with the file. EDF+D records are placed by their time-keeping TALs, read
// lazily (binary search over record onsets): a hole between records stays a hole, reported as a
// gap, never filled. Values are physical, each signal with its own scale; voltages in µV as the
// other readers return them. Signals may have different sample rates.
// Not thread-safe: one reader per thread (the background jobs open their own).
#include <emg/review/paged_recording.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace emg::review {

class PagedEdfReader final : public PagedRecording {
public:
    /// Opens and parses the header only; throws emg::io::FormatError naming the file.
    explicit PagedEdfReader(const std::filesystem::path& path, PagedReaderOptions options = {});
    ~PagedEdfReader() override;
    PagedEdfReader(const PagedEdfReader&) = delete;
    PagedEdfReader& operator=(const PagedEdfReader&) = delete;

    const std::filesystem::path& path() const noexcept override;
    bool isBdf() const noexcept;
    bool isPlus() const noexcept override;
    bool isDiscontinuous() const noexcept;
    /// Whole data records (settled as the other readers do: -1, a truncated last record).
    std::int64_t records() const noexcept override;
    double recordDurationSec() const noexcept override;
    std::size_t recordBytes() const noexcept;
    /// The data signals (annotation signals left out), in file order.
    const std::vector<ChannelInfo>& channels() const noexcept override;
    /// Header start date and time, ISO 8601 ("" if unreadable).
    const std::string& startDateTime() const noexcept override;
    const std::vector<std::string>& warnings() const noexcept override;
    /// The header's text fields and each data signal's label, type, transducer and prefilter.
    Recording describe() const override;

    /// A file still being written: it holds `completeRecords` complete data records, as the
    /// writer's own index says (emg::io::RecordIndex), whatever its header's count says (that one
    /// lags and is rewritten in place). Only grows; records past the file's end are refused
    /// (std::runtime_error) and the count kept. Drops nothing cached: complete records never change.
    void setCompleteRecords(std::int64_t completeRecords) override;

    /// Start of record `r` in seconds from the first record (EDF+D: its time-keeping TAL, read
    /// lazily; otherwise r * record duration). Throws std::out_of_range outside 0..records()-1.
    double recordOnsetSec(std::int64_t record) override;
    /// End of the last record (seconds from the first record's start).
    double durationSec() override;
    /// The last record starting at or before `tSec` (-1 when tSec is before the first).
    std::int64_t recordAt(double tSec) override;
    /// The first stored sample of `channel` at or after time `tSec` (a time in a gap maps to the
    /// first sample after the gap; past the end, storedSamples).
    std::int64_t storedSampleAt(std::size_t channel, double tSec) override;
    /// Time of stored sample `index` of `channel` (its record's onset + offset in the record).
    double timeOfStoredSample(std::size_t channel, std::int64_t index) override;

    /// Digital values of stored samples [first, first + count) of `channel` (gaps are not in the
    /// stored samples). Throws std::out_of_range when the span leaves the channel.
    void readDigital(std::size_t channel, std::int64_t first, std::size_t count, std::int32_t* out);
    /// Several channels' spans at once, reading each data record once (what a multi-channel view
    /// needs: a per-channel loop would read every record once per channel).
    void readDigital(const std::vector<DigitalSpan>& spans) override;
    /// Decodes straight from the cached record bytes into the columns (16- or 24-bit samples).
    void readDigitalMinMax(const std::vector<DigitalColumns>& spans) override;
    /// The same as physical values (µV for voltages).
    std::vector<double> readSamples(std::size_t channel, std::int64_t first, std::size_t count);

    /// All samples with times in [startSec, startSec + durationSec) of the given channels (empty =
    /// all), as runs of contiguous samples; holes of EDF+D files are listed in Page::gaps.
    /// Throws std::length_error beyond kMaxPageSamples, std::invalid_argument for a NaN time.
    using PagedRecording::readPage;
    /// The same into `page`, reusing its buffers (a view paging through a recording allocates
    /// nothing new and never holds two pages).
    void readPage(double startSec, double durationSec, const std::vector<std::size_t>& channels, Page& page) override;

    /// Annotations written in records [firstRecord, lastRecord] (read now; onsets in seconds from
    /// the first record's start, time-keeping TALs left out).
    std::vector<TimedAnnotation> annotationsInRecords(std::int64_t firstRecord, std::int64_t lastRecord) override;

    /// Cache counters (for tests and the benchmark).
    std::size_t cachedBytes() const noexcept override;
    std::uint64_t recordReads() const noexcept override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace emg::review
