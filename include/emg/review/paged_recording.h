#pragma once
// A recording read page by page (issue 13): what the review view, the min/max summary, the
// envelope and the span reader need of a file, whatever its format. PagedEdfReader (EDF, EDF+C/D,
// BDF, BDF+C/D) and PagedWfdbReader (WFDB records) implement it; openPagedRecording picks one by
// the file's name. "Records" are the file's data records (EDF) or fixed blocks of frames (WFDB):
// the unit the reader caches and reads at once. Not thread-safe: one reader per thread.
#include <emg/core/recording.h>
#include <emg/review/review_types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace emg::review {

/// The most samples (over all channels) one page may hold: 64 Mi, 512 MB as doubles.
inline constexpr std::int64_t kMaxPageSamples = std::int64_t{1} << 26;

struct PagedReaderOptions {
    /// Bytes of data records kept in the LRU cache (at least one record is always kept).
    std::size_t cacheBytes = std::size_t{32} << 20;
};

class PagedRecording {
public:
    virtual ~PagedRecording() = default;

    virtual const std::filesystem::path& path() const noexcept = 0;
    /// The file whose SHA-256 names the recording (the EDF/BDF file; a WFDB record's signal file).
    virtual const std::filesystem::path& checksumPath() const noexcept { return path(); }
    /// Annotations are written inside the data records (EDF+/BDF+): they are found by scanning them.
    virtual bool isPlus() const noexcept = 0;
    virtual std::int64_t records() const noexcept = 0;
    virtual double recordDurationSec() const noexcept = 0;
    /// The data signals (annotation signals left out), in file order.
    virtual const std::vector<ChannelInfo>& channels() const noexcept = 0;
    /// Start date and time, ISO 8601 ("" if unknown).
    virtual const std::string& startDateTime() const noexcept = 0;
    virtual const std::vector<std::string>& warnings() const noexcept = 0;
    /// The recording without samples as the whole-file reader describes it: patient and recording
    /// ids, start, and per channel (in channels() order) label, type, transducer, prefilter, unit,
    /// rate and whether it is a trigger channel.
    virtual Recording describe() const = 0;

    /// A file still being written holds `completeRecords` complete records (see PagedEdfReader).
    virtual void setCompleteRecords(std::int64_t completeRecords) = 0;
    virtual double recordOnsetSec(std::int64_t record) = 0;
    /// End of the recording in seconds from its first sample.
    virtual double durationSec() = 0;
    /// The last record starting at or before `tSec` (-1 when tSec is before the first).
    virtual std::int64_t recordAt(double tSec) = 0;
    /// The first stored sample of `channel` at or after time `tSec` (past the end: storedSamples).
    virtual std::int64_t storedSampleAt(std::size_t channel, double tSec) = 0;
    /// Time of stored sample `index` of `channel`.
    virtual double timeOfStoredSample(std::size_t channel, std::int64_t index) = 0;

    /// Digital values of several channels' spans of stored samples, each record read once.
    struct DigitalSpan {
        std::size_t channel = 0;
        std::int64_t first = 0;
        std::size_t count = 0;
        std::int32_t* out = nullptr;
    };
    virtual void readDigital(const std::vector<DigitalSpan>& spans) = 0;

    /// Min and max digital value per column of stored samples: column j of a span covers stored
    /// samples [edges[j], edges[j + 1]) of its channel (edges non-decreasing, columns + 1 of them).
    /// A column without samples gets min = INT32_MAX, max = INT32_MIN. What a page envelope needs,
    /// without the samples themselves: EDF/BDF decode each sample and fold it into its column in one
    /// pass over the record bytes (no buffer of the span's values); each record is read once.
    struct DigitalColumns {
        std::size_t channel = 0;
        const std::int64_t* edges = nullptr;
        std::size_t columns = 0;
        std::int32_t* min = nullptr;
        std::int32_t* max = nullptr;
    };
    /// The default reads the values with readDigital in bounded chunks and folds them.
    virtual void readDigitalMinMax(const std::vector<DigitalColumns>& spans);

    /// All samples with times in [startSec, startSec + durationSec) of the given channels (empty =
    /// all) into `page`, reusing its buffers. Throws std::length_error beyond kMaxPageSamples,
    /// std::invalid_argument for a NaN time.
    virtual void readPage(double startSec, double durationSec, const std::vector<std::size_t>& channels, Page& page) = 0;
    Page readPage(double startSec, double durationSec, const std::vector<std::size_t>& channels = {}) {
        Page page;
        readPage(startSec, durationSec, channels, page);
        return page;
    }

    /// Annotations with onsets in records [firstRecord, lastRecord] (seconds from the start).
    virtual std::vector<TimedAnnotation> annotationsInRecords(std::int64_t firstRecord, std::int64_t lastRecord) = 0;

    /// Cache counters (for tests and the benchmark).
    virtual std::size_t cachedBytes() const noexcept = 0;
    virtual std::uint64_t recordReads() const noexcept = 0;
};

/// A WFDB record (its .hea header) is opened with PagedWfdbReader, anything else with
/// PagedEdfReader. Throws emg::io::FormatError naming the file.
std::unique_ptr<PagedRecording> openPagedRecording(const std::filesystem::path& path, PagedReaderOptions options = {});
/// Is this the header of a WFDB record (.hea)?
bool isWfdbHeaderPath(const std::filesystem::path& path);

}  // namespace emg::review
