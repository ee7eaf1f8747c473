// Incremental EDF+/BDF+ recorder (see edf_recorder.h for the guarantees).
#include <emg/io/edf_recorder.h>
#include <emg/io/stimulus_annotation.h>

#include "edf_fields.h"
#include "edf_header.h"
#include "edf_labels.h"
#include "tal.h"
#include "write_fault_injection.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <utility>
#include <fcntl.h>
#include <unistd.h>

namespace emg::io {

using namespace detail;

namespace {
constexpr std::size_t kMaxRecordBytes = 1u << 20;   // keep records ≤ 1 MiB
constexpr double kMaxStimulusRateHz = 100.0;        // annotation space planned for this event rate

std::string transducerFor(ElectrodeKind k) {
    switch (k) {
        case ElectrodeKind::Surface: return "surface electrode";
        case ElectrodeKind::Needle: return "needle electrode";
        case ElectrodeKind::Trigger: return "trigger";
        case ElectrodeKind::Other: return "";
    }
    return "";
}
std::string prefilterFor(const ChannelInfo& c) {
    std::string s;
    if (c.highPassHz > 0) s += "HP:" + formatFixedWidth(c.highPassHz, 8, Rounding::Nearest) + "Hz";
    if (c.lowPassHz > 0) s += std::string(s.empty() ? "" : " ") + "LP:" + formatFixedWidth(c.lowPassHz, 8, Rounding::Nearest) + "Hz";
    return s;
}
/// The record duration: the one asked for (checked), else the longest of ≤ 1 s (and ≤ the flush
/// interval where the rate allows) holding a whole number of samples in ≤ kMaxRecordBytes.
double chooseRecordDuration(const EdfRecorderOptions& options, double sampleRateHz, std::size_t bytesPerFrame) {
    if (options.recordDurationSec > 0) {
        const double n = sampleRateHz * options.recordDurationSec;
        if (options.recordDurationSec > 1.0 || std::fabs(n - std::nearbyint(n)) > 1e-6 || n < 1)
            throw std::invalid_argument("EdfRecorder: record duration must be <= 1 s and hold a whole number of samples");
        return options.recordDurationSec;
    }
    static constexpr double kCandidates[] = {1, 0.5, 0.25, 0.2, 0.125, 0.1, 0.05, 0.04, 0.025, 0.02, 0.01, 0.005, 0.001};
    double chosen = 0;
    // no longer than the flush interval where the rate allows it: a crash then loses at most
    // about one interval (the unfinished record), not a whole longer record
    for (const double longest : {std::min(1.0, options.flushIntervalSec), 1.0}) {
        for (double d : kCandidates) {
            if (d > longest + 1e-12) continue;
            const double n = sampleRateHz * d;
            if (std::fabs(n - std::nearbyint(n)) > 1e-6 || n < 1) continue;
            chosen = d;
            if (static_cast<std::size_t>(std::nearbyint(n)) * bytesPerFrame <= kMaxRecordBytes) break;
        }
        if (chosen > 0) break;
    }
    if (chosen == 0)
        throw std::invalid_argument("EdfRecorder: sample rate " + std::to_string(sampleRateHz) +
                                    " Hz gives no whole number of samples in a record of 1 s or less");
    return chosen;
}
/// The symmetric digital range ±dmax ↔ physical ±pmax of a channel (see the header comment).
std::pair<std::int32_t, double> symmetricRange(const ChannelInfo& ci, bool bdf, double edfFullScaleUv, const std::string& name) {
    if (!bdf) {
        // EDF 16-bit: ±32767 steps over the full scale (default: the ADC's range, so nothing clips)
        double fullScaleUv = edfFullScaleUv;
        if (!(fullScaleUv > 0))
            fullScaleUv = std::max(std::fabs(static_cast<double>(ci.digitalMin)), std::fabs(static_cast<double>(ci.digitalMax))) *
                          ci.microvoltsPerCount;
        return {32767, std::stod(formatFixedWidth(fullScaleUv, 7, Rounding::Up))};
    }
    // counts are stored as they are; the range is the ADC's, narrowed by at most 0.1 %
    // if that makes dmax * scale an exact decimal (then the µV values are exact too)
    constexpr std::int32_t dHi = 8388607;
    const std::int32_t hi = std::clamp(std::max(ci.digitalMax, ci.digitalMin == INT32_MIN ? dHi : -ci.digitalMin - 1), 1, dHi);
    for (std::int32_t d = hi; d >= hi - hi / 1000 && d > 0; --d) {
        const double v = d * ci.microvoltsPerCount;
        const double written = std::stod(formatFixedWidth(v, 7, Rounding::Nearest));
        if (std::fabs(written - v) <= 1e-9 * v) {
            if (d < hi)
                spdlog::info("{}: channel '{}' stored with digital range ±{} (exact {} µV per count); counts beyond are clipped and counted",
                             name, ci.label, d, ci.microvoltsPerCount);
            return {d, written};
        }
    }
    return {hi, std::stod(formatFixedWidth(hi * ci.microvoltsPerCount, 7, Rounding::Nearest))};
}
}  // namespace

/// "Stim wrist", or "Stim wrist 25 mA" when asked and the event carries an intensity.
std::string EdfRecorder::stimulusText(const std::string& site, const StimulusEvent& e) const {
    const double mA = e.deliveredMa > 0.0 ? e.deliveredMa : e.intensityMa;
    return stimulusAnnotationText(site, options_.intensityInAnnotations ? mA : 0.0);
}

EdfRecorder::EdfRecorder(std::filesystem::path path, EdfRecorderOptions options)
    : path_(std::move(path)), options_(std::move(options)) {
    if (options_.format == FileFormat::Wfdb || options_.format == FileFormat::RawSignal || options_.format == FileFormat::BrainVision) throw std::invalid_argument("EdfRecorder: the recorder writes EDF+ or BDF+, not WFDB");
    if (!(options_.flushIntervalSec > 0)) throw std::invalid_argument("EdfRecorder: flush interval must be positive");
    bdf_ = options_.format == FileFormat::Bdf || options_.format == FileFormat::BdfPlus;
}

EdfRecorder::EdfRecorder(int adoptedFd, std::filesystem::path name, EdfRecorderOptions options)
    : EdfRecorder(std::move(name), std::move(options)) {
    if (adoptedFd < 0) throw std::invalid_argument("EdfRecorder: no file descriptor to write into");
    adoptedFd_ = adoptedFd;
}

EdfRecorder::~EdfRecorder() {
    if (adoptedFd_ >= 0) ::close(adoptedFd_);   // never started
    try {
        close();
    } catch (const std::exception& e) {
        spdlog::error("{}: closing the recording failed: {}", path_.string(), e.what());
    }
}

void EdfRecorder::fail(const std::string& what) {
    const bool first = !failed_.load();
    if (first) spdlog::error("{}: recording stopped: {}", path_.string(), what);
    lastError_ = what;
    keepCompleteRecordsOnly();
    if (file_) {
        // closed at once: nothing more goes into it, and the owner may read it right away
        std::fclose(file_);
        file_ = nullptr;
        spdlog::info("recording {} closed after the failure: {} complete records of {} s kept", path_.string(), recordsWritten_,
                     recordDurationSec_);
    }
    index_->closed.store(true, std::memory_order_release);
    failed_.store(true, std::memory_order_release);
    if (first && onFailed_) onFailed_();
}

void EdfRecorder::keepCompleteRecordsOnly() {
    if (!file_) return;
    // the file is unbuffered: what a failed write left is on disk, nothing waits in a buffer
    const int fd = ::fileno(file_);
    const auto complete = static_cast<off_t>(headerBytes_ + static_cast<std::uint64_t>(recordsWritten_) * recordBytes_.size());
    const std::string count = fixedField(std::to_string(recordsWritten_), 8);
    if (::ftruncate(fd, complete) != 0 || ::pwrite(fd, count.data(), count.size(), 236) != static_cast<ssize_t>(count.size()))
        spdlog::error("{}: cutting the recording back to its {} complete records failed: {}", path_.string(), recordsWritten_,
                      std::strerror(errno));
    else
        recordsAtLastFlush_ = recordsWritten_;
}

void EdfRecorder::onStart(const AcquisitionConfig& config) {
    if (file_) throw std::logic_error("EdfRecorder: already recording to " + path_.string());
    if (created_) {
        // restarting the acquisition never reopens (and so never overwrites) a finished recording
        fail("the recording is closed; a new one needs a new file");
        return;
    }
    if (config.channels.empty() || !(config.sampleRateHz > 0)) throw std::invalid_argument("EdfRecorder: no channels or no sample rate");
    channels_ = config.channels.size();
    sampleRateHz_ = config.sampleRateHz;
    const std::size_t bps = bdf_ ? 3 : 2;

    recordDurationSec_ = chooseRecordDuration(options_, sampleRateHz_, channels_ * bps);
    samplesPerRecord_ = static_cast<std::size_t>(std::llround(sampleRateHz_ * recordDurationSec_));

    const std::int32_t dLo = bdf_ ? -8388608 : -32768;
    const std::int32_t dHi = bdf_ ? 8388607 : 32767;
    EdfHeader h;
    h.bdf = bdf_;
    const EdfDateTime when = edfDateTimeFrom(options_.startDateTime);
    h.patient = edfPlusPatientField(options_.patientId);
    h.recording = edfPlusRecordingField(options_.recordingId, when);
    h.startDate = when.date;
    h.startTime = when.time;
    h.reserved = bdf_ ? "BDF+C" : "EDF+C";
    h.dataRecords = 0;
    h.recordDurationSec = recordDurationSec_;
    gain_.assign(channels_, 1.0);
    offset_.assign(channels_, 0.0);
    microvoltsPerCount_.assign(channels_, 1.0);
    digitalMin_.assign(channels_, dLo);
    digitalMax_.assign(channels_, dHi);
    for (std::size_t c = 0; c < channels_; ++c) {
        const auto& ci = config.channels[c];
        if (!(ci.microvoltsPerCount > 0)) throw std::invalid_argument("EdfRecorder: channel '" + ci.label + "' has no positive scale");
        EdfSignalHeader s;
        s.label = ci.electrode == ElectrodeKind::Trigger ? ci.label : detail::standardLabel("EMG", ci.label);
        s.transducer = transducerFor(ci.electrode);
        s.physicalDimension = "uV";
        s.prefilter = prefilterFor(ci);
        s.samplesPerRecord = static_cast<std::int64_t>(samplesPerRecord_);
        microvoltsPerCount_[c] = ci.microvoltsPerCount;
        // Symmetric digital range (±dmax, physical ±pmax): 0 counts is exactly 0 µV, and the
        // physical maximum is written with at most 7 characters so that its negative fits too.
        const auto [dmax, pmax] = symmetricRange(ci, bdf_, options_.edfFullScaleUv, path_.string());
        digitalMin_[c] = -dmax;
        digitalMax_[c] = dmax;
        s.digitalMin = -dmax;
        s.digitalMax = dmax;
        s.physicalMin = -pmax;
        s.physicalMax = pmax;
        gain_[c] = s.gain();
        offset_[c] = s.offset();
        h.signals.push_back(std::move(s));
    }
    // annotation space: the time-keeping TAL plus room for events at up to kMaxStimulusRateHz
    const std::size_t events = static_cast<std::size_t>(std::ceil(kMaxStimulusRateHz * recordDurationSec_)) + 4;
    annotationBytes_ = 32 + 48 * events;
    annotationBytes_ = (annotationBytes_ + bps - 1) / bps * bps;
    {
        EdfSignalHeader s;
        s.label = bdf_ ? "BDF Annotations" : "EDF Annotations";
        s.physicalMin = -1;
        s.physicalMax = 1;
        s.digitalMin = dLo;
        s.digitalMax = dHi;
        s.samplesPerRecord = static_cast<std::int64_t>(annotationBytes_ / bps);
        h.signals.push_back(std::move(s));
    }
    recordBuffer_.assign(channels_ * samplesPerRecord_, 0);
    recordBytes_.assign(h.recordBytes(), 0);

    // created under its final name, exclusively: an existing file, link, FIFO or device of that
    // name is refused, never overwritten (the one exception to SafeFileWriter, see file-formats.md);
    // or the descriptor handed to the constructor (an anonymous memory file of the scroll-back ring)
    const int fd = adoptedFd_ >= 0 ? std::exchange(adoptedFd_, -1)
                                   : ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) {
        const int err = errno;
        throw std::runtime_error("cannot record to " + path_.string() + ": " +
                                 (err == EEXIST ? std::string("a file of that name exists (a recording never replaces one)")
                                                : std::string(std::strerror(err))));
    }
    created_ = true;
    file_ = ::fdopen(fd, "wb");
    if (!file_) {
        const int err = errno;
        ::close(fd);
        throw std::runtime_error("cannot record to " + path_.string() + ": " + std::strerror(err));
    }
    std::setvbuf(file_, nullptr, _IONBF, 0);   // one write per record: a failure never leaves records in a buffer
    const std::string header = formatEdfHeader(h);
    headerBytes_ = header.size();
    const int injectedHeader = injectedWriteFailure();
    if (injectedHeader != 0 || std::fwrite(header.data(), 1, header.size(), file_) != header.size()) {
        const int err = injectedHeader != 0 ? injectedHeader : errno;
        std::fclose(file_);
        file_ = nullptr;
        throw std::runtime_error("cannot record to " + path_.string() + ": cannot write the header: " + std::strerror(err));
    }
    fill_ = 0;
    firstSampleIndex_ = -1;
    nextSampleIndex_ = -1;
    recordsWritten_ = recordsAtLastFlush_ = 0;
    startIndex();
    clippedSamples_ = gapFramesFilled_ = 0;
    failed_.store(false);
    annotations_.clear();
    annotations_.reserve(256);
    spdlog::info("recording to {} ({}, {} channels at {} Hz, records of {} s)", path_.string(), bdf_ ? "BDF+" : "EDF+",
                 channels_, sampleRateHz_, recordDurationSec_);
}

void EdfRecorder::startIndex() {
    ringKeepRecords_ = 0;
    punchedTo_ = 0;
    if (options_.ringSeconds > 0 || options_.ringMaxBytes > 0) {
        double keep = options_.ringSeconds > 0 ? options_.ringSeconds / recordDurationSec_ : 1e18;
        if (options_.ringMaxBytes > 0) keep = std::min(keep, static_cast<double>(options_.ringMaxBytes / recordBytes_.size()));
        ringKeepRecords_ = std::max<std::int64_t>(2, static_cast<std::int64_t>(keep));
    }
    index_->completeRecords.store(0, std::memory_order_release);
    index_->oldestRecord.store(0, std::memory_order_release);
    index_->firstSampleIndex.store(-1, std::memory_order_release);
    index_->closed.store(false, std::memory_order_release);
}

void EdfRecorder::queueAnnotation(std::int64_t sampleIndex, double durationSec, std::string text) {
    annotations_.push_back({sampleIndex, durationSec, std::move(text)});
}

void EdfRecorder::addMarker(std::int64_t sampleIndex, std::string text, double durationSec) {
    std::lock_guard lock(markerMutex_);
    markers_.push_back({sampleIndex, durationSec, std::move(text)});
}

void EdfRecorder::onGap(std::int64_t firstSampleIndex, std::int64_t frames) {
    if (!file_ || failed_ || firstSampleIndex_ < 0 || frames <= 0) return;
    if (firstSampleIndex != nextSampleIndex_) return;  // onBlock handles any other discontinuity
    queueAnnotation(firstSampleIndex, static_cast<double>(frames) / sampleRateHz_, "Gap " + std::to_string(frames) + " samples");
    appendZeros(frames);
    gapFramesFilled_ += static_cast<std::uint64_t>(frames);
    nextSampleIndex_ += frames;
}

void EdfRecorder::onBlock(const SampleBlockView& block) {
    if (!file_ || failed_) return;
    if (block.channelCount != channels_) {
        fail("block with " + std::to_string(block.channelCount) + " channels, the recording has " + std::to_string(channels_));
        return;
    }
    if (firstSampleIndex_ < 0) {
        firstSampleIndex_ = nextSampleIndex_ = block.firstSampleIndex;
        index_->firstSampleIndex.store(firstSampleIndex_, std::memory_order_release);
    }
    if (block.firstSampleIndex > nextSampleIndex_) {
        const std::int64_t missing = block.firstSampleIndex - nextSampleIndex_;
        queueAnnotation(nextSampleIndex_, static_cast<double>(missing) / sampleRateHz_, "Gap " + std::to_string(missing) + " samples");
        appendZeros(missing);
        gapFramesFilled_ += static_cast<std::uint64_t>(missing);
    } else if (block.firstSampleIndex < nextSampleIndex_) {
        // the clock went back: samples are kept in arrival order and the jump is annotated
        queueAnnotation(nextSampleIndex_, 0.0, "Overlap " + std::to_string(nextSampleIndex_ - block.firstSampleIndex) + " samples");
    }
    for (std::uint32_t i = 0; i < block.stimulusCount; ++i) {
        const StimulusEvent& e = block.stimuli[i];
        const std::string site = e.siteId < options_.siteNames.size() ? options_.siteNames[e.siteId] : "site" + std::to_string(e.siteId);
        queueAnnotation(e.sampleIndex - block.firstSampleIndex + nextSampleIndex_, e.pulseWidthMs / 1000.0, stimulusText(site, e));
    }
    {
        std::unique_lock lock(markerMutex_, std::try_to_lock);
        if (lock.owns_lock() && !markers_.empty()) {
            for (auto& m : markers_) annotations_.push_back(std::move(m));
            markers_.clear();
        }
    }
    appendFrames(block.counts, block.frames, block.channelCount);
    nextSampleIndex_ += block.frames;
}

void EdfRecorder::appendFrames(const std::int32_t* counts, std::uint32_t frames, std::uint16_t channels) {
    std::uint32_t f = 0;
    while (f < frames && !failed_) {
        const std::size_t n = std::min<std::size_t>(frames - f, samplesPerRecord_ - fill_);
        for (std::size_t c = 0; c < channels; ++c) {
            std::int32_t* dst = recordBuffer_.data() + c * samplesPerRecord_ + fill_;
            const std::int32_t lo = digitalMin_[c], hi = digitalMax_[c];
            if (bdf_) {
                for (std::size_t k = 0; k < n; ++k) {
                    std::int32_t v = counts[(f + k) * channels + c];
                    if (v < lo || v > hi) {
                        ++clippedSamples_;
                        v = std::clamp(v, lo, hi);
                    }
                    dst[k] = v;
                }
            } else {
                const double toDigital = microvoltsPerCount_[c] / gain_[c];
                const double off = offset_[c] / gain_[c];
                for (std::size_t k = 0; k < n; ++k) {
                    double d = std::nearbyint(counts[(f + k) * channels + c] * toDigital - off);
                    if (d < lo || d > hi) {
                        ++clippedSamples_;
                        d = std::clamp(d, static_cast<double>(lo), static_cast<double>(hi));
                    }
                    dst[k] = static_cast<std::int32_t>(d);
                }
            }
        }
        fill_ += n;
        f += static_cast<std::uint32_t>(n);
        if (fill_ == samplesPerRecord_) writeRecord();
    }
}

void EdfRecorder::appendZeros(std::int64_t frames) {
    while (frames > 0 && !failed_) {
        const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(frames), samplesPerRecord_ - fill_);
        for (std::size_t c = 0; c < channels_; ++c) {
            // the digital value of 0 µV
            const double zero = std::clamp(std::nearbyint(-offset_[c] / gain_[c]), static_cast<double>(digitalMin_[c]),
                                           static_cast<double>(digitalMax_[c]));
            std::fill_n(recordBuffer_.data() + c * samplesPerRecord_ + fill_, n, static_cast<std::int32_t>(zero));
        }
        fill_ += n;
        frames -= static_cast<std::int64_t>(n);
        if (fill_ == samplesPerRecord_) writeRecord();
    }
}

void EdfRecorder::writeRecord() {
    std::uint8_t* p = recordBytes_.data();
    for (std::size_t c = 0; c < channels_; ++c) {
        const std::int32_t* src = recordBuffer_.data() + c * samplesPerRecord_;
        for (std::size_t k = 0; k < samplesPerRecord_; ++k) {
            const std::int32_t v = src[k];
            *p++ = static_cast<std::uint8_t>(v & 0xFF);
            *p++ = static_cast<std::uint8_t>((v >> 8) & 0xFF);
            if (bdf_) *p++ = static_cast<std::uint8_t>((v >> 16) & 0xFF);
        }
    }
    // annotations that start before this record's end, as many as fit; the rest wait
    const double recordOnset = static_cast<double>(recordsWritten_) * recordDurationSec_;
    const std::int64_t recordEnd = firstSampleIndex_ + static_cast<std::int64_t>((recordsWritten_ + 1) * static_cast<std::int64_t>(samplesPerRecord_));
    std::string tal;
    tal.reserve(annotationBytes_);
    appendTimeKeepingTal(tal, recordOnset);
    std::stable_sort(annotations_.begin(), annotations_.end(),
                     [](const PendingAnnotation& a, const PendingAnnotation& b) { return a.sampleIndex < b.sampleIndex; });
    std::size_t used = 0;
    for (; used < annotations_.size(); ++used) {
        const auto& a = annotations_[used];
        if (a.sampleIndex >= recordEnd) break;
        std::string one;
        appendTal(one, static_cast<double>(a.sampleIndex - firstSampleIndex_) / sampleRateHz_, a.durationSec, {a.text.substr(0, 200)});
        if (tal.size() + one.size() > annotationBytes_) break;  // next record
        tal += one;
    }
    annotations_.erase(annotations_.begin(), annotations_.begin() + static_cast<std::ptrdiff_t>(used));
    std::fill(p, p + annotationBytes_, 0);
    std::copy(tal.begin(), tal.end(), p);

    // the fault-injection seam of the tests (a full disk without filling one), then the write
    if (const int injected = injectedWriteFailure()) {
        fail(std::string("write failed: ") + std::strerror(injected));
        return;
    }
    if (std::fwrite(recordBytes_.data(), 1, recordBytes_.size(), file_) != recordBytes_.size()) {
        fail(std::string("write failed: ") + std::strerror(errno));
        return;
    }
    ++recordsWritten_;
    // the record's bytes are in the file: readers may now read it (the header count comes later)
    index_->completeRecords.store(recordsWritten_, std::memory_order_release);
    fill_ = 0;
    if (ringKeepRecords_ > 0) dropOldRecords();
    if (static_cast<double>(recordsWritten_ - recordsAtLastFlush_) * recordDurationSec_ >= options_.flushIntervalSec - 1e-9) flush();
}

void EdfRecorder::dropOldRecords() {
    const std::int64_t oldest = recordsWritten_ - ringKeepRecords_;
    if (oldest <= index_->oldestRecord.load(std::memory_order_relaxed)) return;
    // readers learn the new oldest record before its predecessors' bytes go
    index_->oldestRecord.store(oldest, std::memory_order_release);
    // whole pages only, from where the last punch ended to the page holding the oldest record's
    // start: a punch frees only whole pages, and the pages kept hold no byte of a dropped record
    // but those sharing the oldest record's first page
    static const auto page = static_cast<std::uint64_t>(std::max(4096L, ::sysconf(_SC_PAGESIZE)));
    if (punchedTo_ == 0) punchedTo_ = (headerBytes_ + page - 1) / page * page;
    const std::uint64_t to = (headerBytes_ + static_cast<std::uint64_t>(oldest) * recordBytes_.size()) / page * page;
    if (to <= punchedTo_) return;
    const auto from = static_cast<off_t>(punchedTo_);
    const auto length = static_cast<off_t>(to - punchedTo_);
    punchedTo_ = to;
    if (::fallocate(::fileno(file_), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, from, length) != 0) {
        static std::atomic<bool> warned{false};
        if (!warned.exchange(true))
            spdlog::warn("{}: dropping old ring records failed ({}): the ring's file keeps growing", path_.string(), std::strerror(errno));
    }
}

void EdfRecorder::flush() {
    if (!file_ || failed_) return;
    // data first, then the record count that makes it visible
    if (std::fflush(file_) != 0) return fail(std::string("flush failed: ") + std::strerror(errno));
    const std::string count = fixedField(std::to_string(recordsWritten_), 8);
    if (std::fseek(file_, 236, SEEK_SET) != 0 || std::fwrite(count.data(), 1, 8, file_) != 8 || std::fflush(file_) != 0 ||
        std::fseek(file_, 0, SEEK_END) != 0)
        return fail(std::string("updating the record count failed: ") + std::strerror(errno));
    if (options_.syncToDisk && ::fdatasync(fileno(file_)) != 0) return fail(std::string("fdatasync failed: ") + std::strerror(errno));
    recordsAtLastFlush_ = recordsWritten_;
}

void EdfRecorder::onStop() { close(); }

void EdfRecorder::close() {
    if (!file_) return;
    // a ring (the scroll-back buffer) keeps complete records only: its unfinished record and
    // pending annotations go with the run, and closing it writes nothing
    if (!failed_ && firstSampleIndex_ >= 0 && ringKeepRecords_ == 0) {
        if (fill_ > 0) {
            // the last, partial record is completed with zeros; the true end is annotated
            const std::int64_t endIndex = nextSampleIndex_;
            const auto padding = static_cast<std::int64_t>(samplesPerRecord_ - fill_);
            queueAnnotation(endIndex, 0.0, "Recording end (" + std::to_string(padding) + " padding samples follow)");
            appendZeros(padding);
        }
        for (int extra = 0; extra < 16 && !annotations_.empty() && !failed_; ++extra) appendZeros(static_cast<std::int64_t>(samplesPerRecord_));
        flush();
    }
    std::fclose(file_);
    file_ = nullptr;
    index_->closed.store(true, std::memory_order_release);
    if (clippedSamples_) spdlog::warn("{}: {} samples clipped to the file's digital range", path_.string(), clippedSamples_);
    spdlog::info("recording {} closed: {} records of {} s", path_.string(), recordsWritten_, recordDurationSec_);
}

}  // namespace emg::io
