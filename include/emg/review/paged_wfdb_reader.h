#pragma once
// Random access to a WFDB record (issue 13): the review view, summary and span reader on a .hea
// without reading the signal files whole. Opening reads the header through the checked header
// parser and plans the signal files as the whole-file reader does (WfdbSignalStreams: the same
// frame counts, truncation warnings and refusals); samples are then read on demand with pread,
// a block of frames at a time (about one second, a multiple of six frames so every packed format
// starts on a whole unit), decoded by the reader's own decoder into a small LRU cache of blocks.
// Values equal readWfdbRecord's bit for bit: the digital value of a sample is its ADC value minus
// the signal's baseline, and physical = digital x the signal's scale (µV for voltages). Skew,
// several signal files, samples per frame > 1 and null signals (the baseline) are read as the
// reader reads them. Formats 16, 24, 32, 61, 80, 160, 212, 310, 311; format 8 stores differences
// (no random access) and is refused, as are the records WfdbSignalStreams leaves to the reader.
// Annotations: the .atr beside the header, read once at open (bounded as the reader bounds it).
#include <emg/review/paged_recording.h>

#include <memory>

namespace emg::review {

class PagedWfdbReader final : public PagedRecording {
public:
    /// Opens `headerPath` (the .hea) and plans its signal files; throws emg::io::FormatError naming
    /// the file, also for a record that cannot be read page by page (format 8, ...).
    explicit PagedWfdbReader(const std::filesystem::path& headerPath, PagedReaderOptions options = {});
    ~PagedWfdbReader() override;
    PagedWfdbReader(const PagedWfdbReader&) = delete;
    PagedWfdbReader& operator=(const PagedWfdbReader&) = delete;

    const std::filesystem::path& path() const noexcept override;
    /// The first signal file (what the summary cache and the reviewer's annotations are keyed by).
    const std::filesystem::path& checksumPath() const noexcept override;
    bool isPlus() const noexcept override { return false; }
    /// Blocks of framesPerBlock() frames (the last may be shorter).
    std::int64_t records() const noexcept override;
    double recordDurationSec() const noexcept override;
    std::int64_t framesPerBlock() const noexcept;
    const std::vector<ChannelInfo>& channels() const noexcept override;
    const std::string& startDateTime() const noexcept override;
    const std::vector<std::string>& warnings() const noexcept override;
    Recording describe() const override;

    /// A WFDB record is never followed while written: throws std::logic_error.
    void setCompleteRecords(std::int64_t completeRecords) override;
    double recordOnsetSec(std::int64_t record) override;
    double durationSec() override;
    std::int64_t recordAt(double tSec) override;
    std::int64_t storedSampleAt(std::size_t channel, double tSec) override;
    double timeOfStoredSample(std::size_t channel, std::int64_t index) override;
    void readDigital(const std::vector<DigitalSpan>& spans) override;
    using PagedRecording::readPage;
    /// One run per channel (a WFDB record has no holes).
    void readPage(double startSec, double durationSec, const std::vector<std::size_t>& channels, Page& page) override;
    /// The .atr's annotations with onsets in those blocks.
    std::vector<TimedAnnotation> annotationsInRecords(std::int64_t firstRecord, std::int64_t lastRecord) override;

    std::size_t cachedBytes() const noexcept override;
    std::uint64_t recordReads() const noexcept override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace emg::review
