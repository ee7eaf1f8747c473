#pragma once
// Incremental EDF+/BDF+ recorder: an acquisition consumer that writes every raw sample as it
// arrives. Data records are at most 1 s long; after at most `flushIntervalSec` of data the file
// is flushed and the header's record count rewritten, so a crash loses at most that much and the
// file stays readable. Stimuli (SampleBlockView::stimuli) and markers become EDF+ annotations
// (TAL) in the annotation signal. Gaps in the sample clock are zero-filled and annotated
// "Gap <n> samples" (the file stays EDF+C: continuous time, one sample per sample period).
// Digital ranges are symmetric (±dmax ↔ ±pmax, so 0 counts is exactly 0 µV). BDF+ stores the
// device's counts unchanged; dmax is the ADC's maximum, or up to 0.1 % less when that makes
// dmax × µV-per-count an exact decimal of ≤ 7 characters (then physical values are exact).
// Counts outside ±dmax (the ADC's saturation code, e.g. -8388608) are clipped and counted.
// The file is created O_EXCL under its final name (an existing file or link there is refused,
// never overwritten) and holds complete records only: after a failed write (disk full) the
// partial record is cut off, the header's record count set (so strict readers accept it) and
// the file closed at once; the failure callback tells the owner (on the acquisition thread), which can
// drop the recorder at its next restart: the acquisition itself goes on.

#include <emg/acq/acquisition_engine.h>
#include <emg/io/record_index.h>
#include <emg/io/recording_io.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace emg::io {

struct EdfRecorderOptions {
    FileFormat format = FileFormat::BdfPlus;   ///< BdfPlus (24-bit, exact counts) or EdfPlus (16-bit)
    std::string patientId;                     ///< EDF+ patient field (subfields made up if plain)
    std::string recordingId;                   ///< EDF+ admin code
    std::string startDateTime;                 ///< ISO 8601 "YYYY-MM-DDThh:mm:ss"; empty = now (UTC)
    double recordDurationSec = 0.0;            ///< 0 = auto (≤ 1 s and ≤ flushIntervalSec where the rate allows, integer samples)
    /// The header's record count is rewritten after this much data. A crash (SIGKILL) loses what
    /// came after the last update: up to this interval plus the unfinished record (auto records
    /// are no longer than the interval where the rate allows).
    double flushIntervalSec = 1.0;
    std::vector<std::string> siteNames;        ///< siteId -> "wrist"; annotation "Stim wrist"
    /// Append the delivered intensity to each stimulus annotation ("Stim wrist 25 mA"; readers
    /// parse it back, dsp/stimulus_events.h) when the event has one (deliveredMa, else the
    /// intensity set). For an external stimulator, whose pulses carry only what the clinician entered.
    bool intensityInAnnotations = false;
    /// EDF 16-bit only: physical full scale in µV (symmetric, ±); 0 = the device's full range
    /// (never clips). Samples beyond a narrower range are clipped and counted.
    double edfFullScaleUv = 0.0;
    /// fdatasync() at every flush: survives an OS crash or power loss too, at the cost of a
    /// disk wait on the acquisition thread. Without it a process crash still loses at most
    /// flushIntervalSec (the data is in the kernel).
    bool syncToDisk = false;
    /// Ring (the scroll-back buffer when nothing is recorded): keep only the last `ringSeconds`
    /// of records, and no more than `ringMaxBytes` of them; older records are dropped from the
    /// file (their bytes punched out, so the file's memory or disk stays bounded while its size
    /// grows). 0 = keep everything (a recording).
    double ringSeconds = 0.0;
    std::size_t ringMaxBytes = 0;
};

class EdfRecorder : public AcquisitionConsumer {
public:
    EdfRecorder(std::filesystem::path path, EdfRecorderOptions options = {});
    /// Writes into an already open, empty, writable file descriptor (taken over and closed by the
    /// recorder), e.g. an anonymous memory file; `name` is what logs and messages call it.
    EdfRecorder(int adoptedFd, std::filesystem::path name, EdfRecorderOptions options);
    ~EdfRecorder() override;
    EdfRecorder(const EdfRecorder&) = delete;
    EdfRecorder& operator=(const EdfRecorder&) = delete;

    void onStart(const AcquisitionConfig& config) override;
    void onBlock(const SampleBlockView& block) override;
    void onGap(std::int64_t firstSampleIndex, std::int64_t frames) override;
    void onStop() override;

    /// Called once when a write fails, on the thread that wrote (the acquisition thread), after
    /// the file was cut back to its complete records and closed. Must not block. Set it before
    /// the acquisition starts.
    void setFailureCallback(std::function<void()> onFailed) { onFailed_ = std::move(onFailed); }

    /// Add a marker (any thread). sampleIndex on the acquisition sample clock.
    void addMarker(std::int64_t sampleIndex, std::string text, double durationSec = 0.0);
    /// Write the pending partial record (zero-padded) and close the file. Called by onStop().
    void close();

    const std::filesystem::path& path() const noexcept { return path_; }
    std::int64_t recordsWritten() const noexcept { return recordsWritten_; }
    std::uint64_t clippedSamples() const noexcept { return clippedSamples_; }
    std::uint64_t gapFramesFilled() const noexcept { return gapFramesFilled_; }
    double recordDurationSec() const noexcept { return recordDurationSec_; }
    /// A write failed (disk full, ...): recording stopped, the file holds its complete records
    /// and is closed. Any thread.
    bool failed() const noexcept { return failed_.load(std::memory_order_acquire); }
    /// Why (e.g. "write failed: No space left on device"); read it once failed() is true.
    const std::string& lastError() const noexcept { return lastError_; }
    /// Signal time kept in the file: complete records × record duration (what a reader gets).
    double secondsSaved() const noexcept { return static_cast<double>(recordsWritten_) * recordDurationSec_; }
    /// The recorder's own index of complete records (any thread; outlives the recorder): what a
    /// reader of the growing file goes by, never the header's count.
    std::shared_ptr<const RecordIndex> index() const noexcept { return index_; }

private:
    struct PendingAnnotation {
        std::int64_t sampleIndex;
        double durationSec;
        std::string text;
    };
    void appendFrames(const std::int32_t* counts, std::uint32_t frames, std::uint16_t channels);
    void appendZeros(std::int64_t frames);
    void fail(const std::string& what);
    void keepCompleteRecordsOnly();   ///< after a failed write: cut a partial record, set the count
    void writeRecord();
    void flush();
    void queueAnnotation(std::int64_t sampleIndex, double durationSec, std::string text);
    std::string stimulusText(const std::string& site, const StimulusEvent& e) const;
    void dropOldRecords();   ///< ring: punch out records older than the ring keeps
    void startIndex();       ///< a new run: the index empty, the ring's size in records

    std::filesystem::path path_;
    EdfRecorderOptions options_;
    std::FILE* file_ = nullptr;
    int adoptedFd_ = -1;                         ///< given to the constructor, used by onStart
    std::shared_ptr<RecordIndex> index_ = std::make_shared<RecordIndex>();
    std::int64_t ringKeepRecords_ = 0;           ///< 0: not a ring
    std::uint64_t punchedTo_ = 0;                ///< ring: bytes before this offset are dropped (page-aligned)
    bool created_ = false;                       ///< the file was made (O_EXCL); never reopened
    std::uint64_t headerBytes_ = 0;
    bool bdf_ = true;
    double sampleRateHz_ = 0.0;
    double recordDurationSec_ = 1.0;
    std::size_t samplesPerRecord_ = 0;
    std::size_t annotationBytes_ = 0;
    std::size_t channels_ = 0;
    std::vector<std::int32_t> digitalMin_, digitalMax_;
    std::vector<std::int32_t> recordBuffer_;     ///< channel-major, samplesPerRecord_ each
    std::vector<std::uint8_t> recordBytes_;
    std::size_t fill_ = 0;                       ///< frames in the current record
    std::int64_t firstSampleIndex_ = -1;         ///< sample-clock index of the file's first sample
    std::int64_t nextSampleIndex_ = -1;
    std::int64_t recordsWritten_ = 0;
    std::int64_t recordsAtLastFlush_ = 0;
    std::uint64_t clippedSamples_ = 0;
    std::uint64_t gapFramesFilled_ = 0;
    std::atomic<bool> failed_{false};
    std::function<void()> onFailed_;
    std::string lastError_;
    std::vector<double> gain_, offset_;          ///< file digital -> µV (EDF: count -> digital)
    std::vector<double> microvoltsPerCount_;
    std::vector<PendingAnnotation> annotations_; ///< acquisition thread
    std::mutex markerMutex_;
    std::vector<PendingAnnotation> markers_;     ///< from other threads
};

}  // namespace emg::io
