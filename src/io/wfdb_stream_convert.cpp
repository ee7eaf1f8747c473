// WFDB -> EDF+/BDF+ in bounded memory: the signal file is read twice in chunks of whole frames,
// first for each signal's range of ADC values (EDF's header carries it before the data) and the
// checks readWfdbRecord makes (checksums, invalid samples), then to write the data records as
// they fill. Header, layout, warnings and bytes are those of the in-memory conversion.
// Taken: one signal file holding every signal, no skew, no null signal; the others return false
// (the caller reads them whole).
#include "annotation_bounds.h"
#include "edf_fields.h"
#include "file_bytes.h"
#include "wfdb_convert_plan.h"
#include "wfdb_detail.h"

#include <emg/io/safe_file_writer.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <limits>

#include <sys/stat.h>
#include <unistd.h>

namespace emg::io::detail {

namespace {
constexpr std::size_t kChunkTargetBytes = 4u << 20;   // bytes of the signal file decoded at once

// Chunks of whole frames of one signal file; a chunk of 6k frames starts on a whole packing unit
// of every format (212: 2 samples in 3 bytes, 310/311: 3 in 4).
class WfdbChunkDecoder {
public:
    WfdbChunkDecoder(const WfdbHeader& h, std::filesystem::path path, long long frames, std::uintmax_t availableBytes)
        : header_(h), path_(std::move(path)), frames_(frames), availableBytes_(availableBytes) {
        for (std::size_t i = 0; i < h.signals.size(); ++i) {
            indices_.push_back(static_cast<int>(i));
            spf_ += static_cast<std::size_t>(h.signals[i].samplesPerFrame);
        }
        format_ = h.signals.front().format;
        startByte_ = static_cast<std::uintmax_t>(h.signals.front().byteOffset);
        for (auto& s : header_.signals) {   // chunks start at 0; format 8's running value is carried here
            s.byteOffset = 0;
            if (format_ == 8) s.initialValue = 0;
        }
        const std::size_t bytesPerFrame = std::max<std::size_t>(1, static_cast<std::size_t>(wfdbBytesForSamples(format_, static_cast<double>(spf_))));
        chunkFrames_ = std::max<long long>(6, static_cast<long long>(kChunkTargetBytes / bytesPerFrame) / 6 * 6);
        fd_ = openRegularFile(path_);
        rewind(h);
    }
    ~WfdbChunkDecoder() { ::close(fd_); }
    WfdbChunkDecoder(const WfdbChunkDecoder&) = delete;
    WfdbChunkDecoder& operator=(const WfdbChunkDecoder&) = delete;

    void rewind(const WfdbHeader& original) {
        done_ = 0;
        invalid_ = 0;
        carried_.clear();
        for (const auto& s : original.signals) carried_.push_back(s.initialValue);
    }
    std::size_t invalidSamples() const { return invalid_; }

    /// The next frames' samples, one vector per signal; false at the end.
    bool next(std::vector<std::vector<std::int32_t>>& out) {
        if (done_ >= frames_) return false;
        const long long n = std::min(chunkFrames_, frames_ - done_);
        const auto from = startByte_ + static_cast<std::uintmax_t>(wfdbBytesForSamples(format_, static_cast<double>(done_) * static_cast<double>(spf_)));
        const auto want = static_cast<std::uintmax_t>(wfdbBytesForSamples(format_, static_cast<double>(n) * static_cast<double>(spf_)));
        const std::size_t len = static_cast<std::size_t>(from >= availableBytes_ ? 0 : std::min(want, availableBytes_ - from));
        buffer_.resize(len);
        std::size_t got = 0;
        while (got < len) {
            const ssize_t r = ::pread(fd_, buffer_.data() + got, len - got, static_cast<off_t>(from + got));
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;
            got += static_cast<std::size_t>(r);
        }
        out = decodeWfdbSignalFile(header_, indices_, buffer_.data(), got, n, invalid_, path_.string());
        for (std::size_t j = 0; j < out.size(); ++j) {
            if (out[j].size() != static_cast<std::size_t>(n) * static_cast<std::size_t>(header_.signals[j].samplesPerFrame))
                throw FormatError(path_.string() + ": the file became shorter while it was read");
            if (format_ == 8 && !out[j].empty()) {   // differences: chunk-relative sums plus the value carried in
                // (a chunk's sums stay far inside 32 bits: at most 128 x its samples)
                const std::int64_t base = carried_[j];
                carried_[j] = base + out[j].back();
                for (auto& v : out[j]) v = static_cast<std::int32_t>(std::clamp<std::int64_t>(base + v, INT32_MIN, INT32_MAX));
            }
        }
        done_ += n;
        return true;
    }

private:
    WfdbHeader header_;
    std::filesystem::path path_;
    long long frames_ = 0, done_ = 0, chunkFrames_ = 6;
    std::uintmax_t availableBytes_ = 0, startByte_ = 0;
    std::vector<int> indices_;
    std::size_t spf_ = 0;
    int format_ = 16;
    int fd_ = -1;
    std::vector<std::uint8_t> buffer_;
    std::vector<std::int64_t> carried_;
    std::size_t invalid_ = 0;
};
}  // namespace

bool convertWfdbStreaming(const std::filesystem::path& headerPath, const std::filesystem::path& outPath, bool toBdf,
                          ConvertReport& report) {
    const std::string name = headerPath.string();
    {
        std::error_code ec;
        const auto size = std::filesystem::file_size(headerPath, ec);
        if (!ec && size > kMaxWfdbHeaderBytes) return false;   // the reader names it
    }
    const auto text = readFileBytes(headerPath, kMaxWfdbHeaderBytes);
    const WfdbHeader h = parseWfdbHeader(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()), name);
    if (h.signals.empty()) return false;
    const auto& first = h.signals.front();
    for (const auto& s : h.signals) {
        const char* why = nullptr;
        if (s.fileName == "~" || s.format == 0) why = "a null signal";
        else if (s.skew != 0) why = "skew";
        else if (s.fileName != first.fileName) why = "several signal files";
        else if (s.format != first.format) why = "mixed formats";
        else if (!(h.samplingFrequencyHz * s.samplesPerFrame <= kMaxWfdbSampleRateHz)) why = "a sampling rate above the limit";
        if (why) {
            spdlog::info("{}: WFDB record with {}: read whole for the conversion (not streamed)", name, why);
            return false;
        }
    }
    if (first.fileName.find('/') != std::string::npos || first.fileName.find('\\') != std::string::npos ||
        first.fileName.find("..") != std::string::npos || wfdbStreamSamples(first.format, 6) == 0)
        return false;   // refused by the reader with its message
    const auto path = headerPath.parent_path() / first.fileName;

    // frames: as readWfdbRecord counts them
    std::vector<std::string> warnings;
    long long spf = 0;
    for (const auto& s : h.signals) spf += s.samplesPerFrame;
    const long long nsamp = h.samplesPerSignal;
    std::uintmax_t maxBytes = UINTMAX_MAX;
    if (nsamp >= 0) {
        const double b = static_cast<double>(first.byteOffset) +
                         wfdbBytesForSamples(first.format, static_cast<double>(nsamp) * static_cast<double>(spf)) + 4.0;
        if (b < 1e15) maxBytes = static_cast<std::uintmax_t>(b);
    }
    std::uintmax_t fileBytes = 0;
    {
        const int fd = openRegularFile(path);
        struct stat st {};
        ::fstat(fd, &st);
        ::close(fd);
        fileBytes = std::min(static_cast<std::uintmax_t>(st.st_size), maxBytes);
    }
    if (static_cast<std::uintmax_t>(first.byteOffset) > fileBytes) return false;   // the reader names it
    const long long present =
        static_cast<long long>(wfdbStreamSamples(first.format, static_cast<std::size_t>(fileBytes - static_cast<std::uintmax_t>(first.byteOffset)))) / spf;
    if (nsamp >= 0 && present < nsamp) {
        if (present * 2 < nsamp)
            throw FormatError(path.string() + ": holds " + std::to_string(present) + " frames of " + std::to_string(spf) + " format-" +
                              std::to_string(first.format) + " samples, the header announces " + std::to_string(nsamp) +
                              " (less than half: wrong header, format or signal count)");
        warnings.push_back("truncated: " + first.fileName + " holds " + std::to_string(present) + " of the " + std::to_string(nsamp) +
                           " samples the header announces");
    }
    const long long frames = nsamp >= 0 ? std::min(present, nsamp) : present;

    std::string patientId;
    for (const auto& c : h.comments) {
        if (!patientId.empty()) break;
        patientId = c;
    }

    // pass 1: the range of the values written, checksums, invalid samples
    const std::size_t n = h.signals.size();
    std::vector<WfdbAdcRoundTrip> roundTrip;
    std::vector<WfdbSignalSummary> summaries(n);
    std::vector<std::uint16_t> sums(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const auto& s = h.signals[i];
        roundTrip.emplace_back(s);
        summaries[i].label = s.description.empty() ? "signal " + std::to_string(i + 1) : s.description;
        summaries[i].sampleRateHz = h.samplingFrequencyHz * s.samplesPerFrame;
        summaries[i].samples = static_cast<std::int64_t>(frames) * s.samplesPerFrame;
        summaries[i].adcLo = std::numeric_limits<long long>::max();
        summaries[i].adcHi = std::numeric_limits<long long>::min();
    }
    WfdbChunkDecoder decoder(h, path, frames, fileBytes);
    std::vector<std::vector<std::int32_t>> chunk;
    while (decoder.next(chunk)) {
        for (std::size_t i = 0; i < n; ++i) {
            auto& sm = summaries[i];
            const auto& rt = roundTrip[i];
            std::uint16_t sum = sums[i];
            for (const std::int32_t v : chunk[i]) {
                const long long a = rt(v);
                sm.adcLo = std::min(sm.adcLo, a);
                sm.adcHi = std::max(sm.adcHi, a);
                sum = static_cast<std::uint16_t>(sum + static_cast<std::uint16_t>(v));
            }
            sums[i] = sum;
        }
    }
    const std::size_t invalid = decoder.invalidSamples();
    double durationSec = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const auto& s = h.signals[i];
        if (s.gainDefaulted) warnings.push_back("signal " + std::to_string(i + 1) + ": ADC gain 0 or absent: 200 ADC units per " + s.units + " assumed");
        if (s.checksum && frames == nsamp && static_cast<std::int16_t>(sums[i]) != static_cast<std::int16_t>(static_cast<std::uint16_t>(*s.checksum)))
            warnings.push_back("signal " + std::to_string(i + 1) + ": checksum mismatch (header " + std::to_string(*s.checksum) + ", data " +
                               std::to_string(static_cast<std::int16_t>(sums[i])) + ")");
        if (summaries[i].sampleRateHz > 0)
            durationSec = std::max(durationSec, static_cast<double>(summaries[i].samples) / summaries[i].sampleRateHz);
    }
    Recording annotated;   // annotations only
    {
        std::filesystem::path atr = headerPath;
        atr.replace_extension(".atr");
        std::error_code ec;
        const auto atrBytes = std::filesystem::is_regular_file(atr, ec) ? std::filesystem::file_size(atr, ec) : 0;
        if (!ec && atrBytes > kMaxWfdbAnnotationFileBytes) {
            warnings.push_back("annotations not read: " + atr.filename().string() + " has " + std::to_string(atrBytes) +
                               " bytes, more than the " + std::to_string(kMaxWfdbAnnotationFileBytes) + " an annotation file plausibly holds");
        } else if (std::filesystem::is_regular_file(atr, ec)) {
            const auto a = readFileBytes(atr, kMaxWfdbAnnotationFileBytes);
            annotated.annotations = parseMitAnnotations(a.data(), a.size(), h.samplingFrequencyHz, warnings);
            dropAnnotationsOutside(annotated, durationSec, 1.0, warnings);
        }
    }
    if (invalid) warnings.push_back(std::to_string(invalid) + " samples marked invalid in the record were set to the baseline (0)");
    for (const auto& w : warnings) spdlog::warn("{}: {}", name, w);

    const WfdbConvertPlan plan = planWfdbConversion(headerPath, h, summaries, patientId, annotated.annotations, std::move(warnings), toBdf);

    // pass 2: data records as they fill
    SafeFileWriter out(outPath);
    out.write(formatEdfHeader(plan.header));
    decoder.rewind(h);
    std::vector<std::vector<std::int32_t>> pending(n);
    std::vector<const std::int32_t*> values(n);
    std::vector<char> record;
    std::int64_t written = 0;
    auto writeFull = [&] {
        std::vector<std::size_t> used(n, 0);
        for (;;) {
            if (written >= plan.records) break;
            bool full = true;
            for (std::size_t i = 0; i < n; ++i) full = full && pending[i].size() - used[i] >= plan.signals[i].perRecord;
            if (!full) break;
            for (std::size_t i = 0; i < n; ++i) values[i] = pending[i].data() + used[i];
            encodeWfdbDataRecord(plan, written, values, record);
            out.write(record.data(), record.size());
            ++written;
            for (std::size_t i = 0; i < n; ++i) used[i] += plan.signals[i].perRecord;
        }
        for (std::size_t i = 0; i < n; ++i) pending[i].erase(pending[i].begin(), pending[i].begin() + static_cast<std::ptrdiff_t>(used[i]));
    };
    while (decoder.next(chunk)) {
        for (std::size_t i = 0; i < n; ++i) {
            const auto& rt = roundTrip[i];
            const auto& sp = plan.signals[i];
            for (const std::int32_t v : chunk[i])
                pending[i].push_back(sp.digital(static_cast<std::int32_t>(std::clamp<long long>(rt(v), INT32_MIN, INT32_MAX))));
        }
        writeFull();
    }
    while (written < plan.records) {   // the last record, padded
        for (std::size_t i = 0; i < n; ++i) pending[i].resize(std::max(pending[i].size(), plan.signals[i].perRecord), plan.signals[i].padDigital);
        writeFull();
    }
    out.commit();
    report = plan.report;
    report.streamed = true;
    return true;
}

}  // namespace emg::io::detail
